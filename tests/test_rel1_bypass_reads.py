"""REL-1: every way around an approval, a decision or the history, tried over
real XML-RPC (and the portal's HTTP routes) by the least privileged user who
could try it. Each row must come back as a clear UserError / AccessError fault,
never a traceback, and leave the order, its approvals, its history and its
alerts exactly as they were.

This file: another company's and another customer's records, and
what the portal login may do over RPC.
Shared set-up and checks: rel_common.Rel1Case."""

from odoo.tests import tagged

from .rel_common import ACCESS_ERROR, REL1_MINIMUM, Rel1Case


@tagged("post_install", "-at_install")
class TestRel1BypassReads(Rel1Case):
    def test_cross_company_and_portal_reads_are_refused(self):
        self.refused = 0
        pending = self.pending.id
        # other companies' and other customers' records
        self.assertRefused(
            "read another company's order",
            ACCESS_ERROR,
            "",
            self.user_b,
            "sale.order",
            "read",
            [pending],
            ["name"],
        )
        self.assertRefused(
            "approve another company's order",
            ACCESS_ERROR,
            "",
            self.user_b,
            "sale.order",
            "action_approve",
            [pending],
        )
        for model, ids in (
            ("order.approval.request", self.pending.approval_request_ids.ids),
            ("order.tracking.event", self.event.ids),
            ("order.alert", self.alert.ids),
        ):
            self.assertRefused(
                f"read another company's {model}",
                ACCESS_ERROR,
                "",
                self.user_b,
                model,
                "read",
                ids,
                ["id"],
            )
        self.assertRefused(
            "portal: read another customer's order",
            ACCESS_ERROR,
            "",
            self.portal,
            "sale.order",
            "read",
            [self.other_order.id],
            ["name"],
        )
        self.assertRefused(
            "portal: confirm the own order",
            ACCESS_ERROR,
            "",
            self.portal,
            "sale.order",
            "action_confirm",
            [pending],
        )
        self.assertRefused(
            "portal: sign for receipt over RPC",
            ACCESS_ERROR,
            "",
            self.portal,
            "sale.order",
            "action_confirm_receipt",
            [pending],
        )
        self.assertRefused(
            "portal: read the approval requests",
            ACCESS_ERROR,
            "",
            self.portal,
            "order.approval.request",
            "read",
            self.pending.approval_request_ids.ids,
            ["state"],
        )
        self.assertGreaterEqual(self.refused, REL1_MINIMUM["reads"])
