"""REL-1: every way around an approval, a decision or the history, tried over
real XML-RPC (and the portal's HTTP routes) by the least privileged user who
could try it. Each row must come back as a clear UserError / AccessError fault,
never a traceback, and leave the order, its approvals, its history and its
alerts exactly as they were.

This file: confirming an order that waits for approval, by RPC, by
forged fields, through the portal and the payment, or after a line change.
Shared set-up and checks: rel_common.Rel1Case."""

import xmlrpc.client

from odoo.tests import tagged

from .rel_common import ACCESS_ERROR, REL1_MINIMUM, SIGNATURE, USER_ERROR, Rel1Case


@tagged("post_install", "-at_install")
class TestRel1BypassConfirm(Rel1Case):
    def test_every_confirmation_path_is_refused(self):
        self.refused = 0
        S, pending = self.salesman, self.pending.id
        confirm_words = "waiting for approval"
        # confirming while approval is pending, every way the ORM offers
        self.assertRefused(
            "confirm", USER_ERROR, confirm_words, S, "sale.order", "action_confirm", [pending]
        )
        self.assertRefused(
            "write state",
            USER_ERROR,
            confirm_words,
            S,
            "sale.order",
            "write",
            [pending],
            {"state": "sale"},
        )
        self.assertRefused(
            "confirm with a forged context",
            USER_ERROR,
            confirm_words,
            S,
            "sale.order",
            "action_confirm",
            [pending],
            context={"approval_checked": [pending], "approval_skip_ids": [pending]},
        )
        self.assertRefused(
            "create confirmed",
            USER_ERROR,
            "needs approval",
            S,
            "sale.order",
            "create",
            {
                "partner_id": self.customer.id,
                "state": "sale",
                "order_line": [(0, 0, {"product_id": self.service.id, "price_unit": 30000})],
            },
        )
        # forging the approval's own fields and the facts the node is derived from
        for field, value in (
            ("approval_state", "approved"),
            ("approval_round", 0),
            ("approval_confirming", True),
            ("approval_awaiting_confirm", True),
            (
                "approval_request_ids",
                [(0, 0, {"rule_id": self.rule.id, "state": "approved"})],
            ),
            ("tracking_stage_id", self.stage("done").id),
            ("signed_at", "2037-01-01 00:00:00"),
            ("tracking_fulfilment", "shipped"),
            ("tracking_passed_stage_ids", [(4, self.stage("done").id, 0)]),
        ):
            self.assertRefused(
                f"write {field}",
                ACCESS_ERROR,
                "cannot be written",
                S,
                "sale.order",
                "write",
                [pending],
                {field: value},
            )
        # private methods that confirm
        self.assertRefused(
            "private confirmation method",
            ACCESS_ERROR,
            "Private methods",
            S,
            "sale.order",
            "_action_confirm",
            [pending],
        )
        self.assertRefused(
            "private portal acceptance",
            ACCESS_ERROR,
            "Private methods",
            S,
            "sale.order",
            "_validate_order",
            [pending],
        )
        self.assertGreaterEqual(self.refused, REL1_MINIMUM["confirmation"])

    def test_portal_and_payment_paths_do_not_confirm(self):
        """The customer's own ways to accept: a signature in the portal parks
        the order until it is approved, a wrong token changes nothing, and
        the payment confirmation of Odoo (payment.transaction) refuses too."""
        order = self.quote(20000, require_signature=True, require_payment=False)
        order.with_user(self.salesman).action_request_approval()
        token = order._portal_ensure_token()
        self.env.flush_all()
        result = self.make_jsonrpc_request(
            f"/my/orders/{order.id}/accept",
            {"access_token": "wrong", "name": "Someone", "signature": SIGNATURE},
        )
        self.assertIn("error", result)
        order.invalidate_recordset()
        self.assertFalse(order.signed_by)
        self.make_jsonrpc_request(
            f"/my/orders/{order.id}/accept",
            {"access_token": token, "name": "客户 Customer", "signature": SIGNATURE},
        )
        order.invalidate_recordset()
        self.assertEqual((order.state, order.approval_state), ("draft", "pending"))
        self.assertTrue(order.approval_awaiting_confirm)
        # another customer's order page without its token
        page = self.url_open(f"/my/orders/{self.other_order.id}", allow_redirects=False)
        self.assertIn(page.status_code, (302, 303, 403, 404))
        self.assertNotIn(self.other_order.name, page.text)
        # Odoo's online payment confirms through _action_confirm on a done
        # transaction: the order stays parked (approval first)
        self.pending.invalidate_recordset()
        self.assertEqual(self.pending.state, "draft")
        tx = self.env["payment.transaction"].search([("sale_order_ids", "in", order.ids)])
        self.assertFalse(tx)
        before = self.snapshot()
        with self.assertRaises(xmlrpc.client.Fault) as caught:
            self.call(
                self.salesman,
                "payment.transaction",
                "create",
                {
                    "provider_id": self.env["payment.provider"].search([], limit=1).id,
                    "amount": order.amount_total,
                    "currency_id": order.currency_id.id,
                    "partner_id": order.partner_id.id,
                    "sale_order_ids": [(6, 0, order.ids)],
                    "state": "done",
                },
            )
        self.assertEqual(caught.exception.faultCode, ACCESS_ERROR)
        self.assertEqual(self.snapshot(), before)
        order.invalidate_recordset()
        self.assertEqual(order.state, "draft")

    def test_line_changes_after_approval_need_a_new_approval(self):
        """Catalog and line writes after the approval re-open it: the order
        cannot be confirmed on the old approval."""
        self.company.approval_confirm_on_grant = False
        order = self.quote(20000)
        order.with_user(self.salesman).action_request_approval()
        order.with_user(self.director).action_approve()
        self.assertEqual((order.state, order.approval_state), ("draft", "approved"))
        self.env.flush_all()
        line = order.order_line
        self.call(self.salesman, "sale.order.line", "write", line.ids, {"price_unit": 90000})
        order.invalidate_recordset()
        self.assertEqual(order.approval_state, "pending")
        with self.assertRaises(xmlrpc.client.Fault) as caught:
            self.call(self.salesman, "sale.order", "action_confirm", order.ids)
        self.assertIn("waiting for approval", caught.exception.faultString)
        order.invalidate_recordset()
        self.assertEqual(order.state, "draft")
