"""REL-1: every way around an approval, a decision or the history, tried over
real XML-RPC (and the portal's HTTP routes) by the least privileged user who
could try it. Each row must come back as a clear UserError / AccessError fault,
never a traceback, and leave the order, its approvals, its history and its
alerts exactly as they were.

This file: approval decisions, rules and delegations, and the
history and alerts.
Shared set-up and checks: rel_common.Rel1Case."""

from odoo.tests import tagged

from .rel_common import ACCESS_ERROR, REFUSED, REL1_MINIMUM, USER_ERROR, Rel1Case


@tagged("post_install", "-at_install")
class TestRel1BypassDecisions(Rel1Case):
    def test_every_decision_bypass_is_refused(self):
        self.refused = 0
        S, pending = self.salesman, self.pending.id
        # deciding without the right to
        self.assertRefused(
            "approve as the requester",
            ACCESS_ERROR,
            "own order",
            S,
            "sale.order",
            "action_approve",
            [pending],
        )
        self.assertRefused(
            "approve as a non-approver",
            ACCESS_ERROR,
            "not an approver",
            self.outsider,
            "sale.order",
            "action_approve",
            [pending],
        )
        self.assertRefused(
            "reject as a non-approver",
            ACCESS_ERROR,
            "not an approver",
            self.outsider,
            "sale.order",
            "action_reject",
            [pending],
            reason="no",
        )
        self.assertRefused(
            "sign a co-sign twice",
            ACCESS_ERROR,
            "already decided",
            self.director,
            "sale.order",
            "action_approve",
            [self.cosigned.id],
        )
        request_id = self.pending.approval_request_ids.id
        self.assertRefused(
            "write a request",
            ACCESS_ERROR,
            "",
            S,
            "order.approval.request",
            "write",
            [request_id],
            {"state": "approved"},
        )
        self.assertRefused(
            "create an approved request",
            ACCESS_ERROR,
            "",
            S,
            "order.approval.request",
            "create",
            {"order_id": pending, "rule_id": self.rule.id, "state": "approved"},
        )
        self.assertRefused(
            "approve through the request as the requester",
            ACCESS_ERROR,
            "own order",
            S,
            "order.approval.request",
            "action_approve",
            [request_id],
        )
        self.assertRefused(
            "create a decision",
            ACCESS_ERROR,
            "",
            S,
            "order.approval.decision",
            "create",
            {"request_id": request_id, "user_id": self.director.id, "decision": "approve"},
        )
        for user in (S, self.director):
            self.assertRefused(
                f"edit a decision ({user.login})",
                USER_ERROR,
                "cannot be changed",
                user,
                "order.approval.decision",
                "write",
                self.decision.ids,
                {"decision": "reject"},
            )
            self.assertRefused(
                f"delete a decision ({user.login})",
                USER_ERROR,
                "cannot be deleted",
                user,
                "order.approval.decision",
                "unlink",
                self.decision.ids,
            )
        self.assertRefused(
            "switch a rule off",
            ACCESS_ERROR,
            "",
            S,
            "order.approval.rule",
            "write",
            self.rule.ids,
            {"active": False},
        )
        self.assertRefused(
            "lower a rule's threshold",
            ACCESS_ERROR,
            "",
            self.director,
            "order.approval.rule",
            "write",
            self.rule.ids,
            {"min_amount": 1000000},
        )
        self.assertRefused(
            "delegate someone else's approvals",
            ACCESS_ERROR,
            "",
            S,
            "order.approval.delegation",
            "create",
            {
                "user_id": self.director.id,
                "delegate_id": S.id,
                "date_from": "2037-01-01",
                "date_to": "2037-12-31",
            },
        )
        self.assertRefused(
            "delete an order with an approval history",
            USER_ERROR,
            "approval history",
            self.gm,
            "sale.order",
            "unlink",
            [pending],
        )
        self.assertGreaterEqual(self.refused, REL1_MINIMUM["decisions"])

    def test_history_and_alert_edits_are_refused(self):
        self.refused = 0
        S, pending = self.salesman, self.pending.id
        # the history and the alerts
        for model, record, vals in (
            ("order.tracking.event", self.event, {"note": "forged"}),
            ("order.alert", self.alert, {"severity": "low", "order_id": self.other_order.id}),
        ):
            self.assertRefused(f"edit {model}", REFUSED, "", S, model, "write", record.ids, vals)
            self.assertRefused(f"delete {model}", REFUSED, "", S, model, "unlink", record.ids)
        self.assertRefused(
            "create a history row",
            REFUSED,
            "",
            S,
            "order.tracking.event",
            "create",
            {"order_id": pending, "to_code": "done", "date": "2037-01-01 00:00:00"},
        )
        self.assertGreaterEqual(self.refused, REL1_MINIMUM["history"])
