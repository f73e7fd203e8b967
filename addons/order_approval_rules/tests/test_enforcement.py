from unittest.mock import patch

from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from .common import ApprovalCase


@tagged("post_install", "-at_install")
class TestEnforcement(ApprovalCase):
    """Every confirmation path is refused while approval is missing."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.rule = cls.create_rule("From 10,000 → director", min_amount=10000)
        cls.provider = cls.env["payment.provider"].create(
            {
                "name": "Test Provider",
                "code": "none",
                "state": "test",
                "payment_method_ids": [
                    Command.set(cls.env.ref("payment.payment_method_unknown").ids)
                ],
            }
        )

    def pending_order(self):
        order = self.submit(self.quote(20000))
        self.assertEqual(order.approval_state, "pending")
        return order

    def transaction(self, order, state="done"):
        return (
            self.env["payment.transaction"]
            .sudo()
            .create(
                {
                    "provider_id": self.provider.id,
                    "payment_method_id": self.env.ref("payment.payment_method_unknown").id,
                    "amount": order.amount_total,
                    "currency_id": order.currency_id.id,
                    "partner_id": order.partner_id.id,
                    "reference": f"TX-{order.name}",
                    "operation": "online_redirect",
                    "sale_order_ids": [Command.set(order.ids)],
                    "state": state,
                }
            )
        )

    # -- bypass attempts while pending ------------------------------------

    def test_action_confirm_refused_even_as_superuser(self):
        order = self.pending_order()
        with self.assertRaises(UserError) as caught:
            order.with_user(self.salesman).action_confirm()
        self.assertIn("waiting for approval", str(caught.exception))
        self.assertIn(self.director.name, str(caught.exception))
        with self.assertRaises(UserError):
            order.sudo().action_confirm()
        self.assertEqual(order.state, "draft")

    def test_write_state_refused(self):
        order = self.pending_order()
        for env_order in (order.with_user(self.salesman), order.sudo()):
            with self.assertRaises(UserError):
                env_order.write({"state": "sale"})
        self.assertEqual(order.state, "draft")

    def test_create_confirmed_refused(self):
        with self.assertRaises(UserError):
            self.env["sale.order"].with_user(self.salesman).create(
                {
                    "partner_id": self.customer.id,
                    "state": "sale",
                    "order_line": [
                        Command.create({"product_id": self.service.id, "price_unit": 20000})
                    ],
                }
            )

    def test_forged_context_does_not_bypass(self):
        order = self.pending_order()
        for key in ("approval_checked", "approval_skip_ids"):
            with self.assertRaises(UserError, msg=key):
                order.with_user(self.salesman).with_context(**{key: [order.id]}).action_confirm()
        self.assertEqual(order.state, "draft")

    def test_unsubmitted_order_needing_approval_cannot_be_confirmed(self):
        order = self.quote(20000)
        with self.assertRaises(UserError) as caught:
            order.with_user(self.salesman).action_confirm()
        self.assertIn("needs approval", str(caught.exception))
        self.assertEqual(order.approval_round, 0, "the refusal changed nothing")

    def test_copy_of_an_approved_order_needs_its_own_approval(self):
        self.company.approval_confirm_on_grant = False
        order = self.pending_order()
        order.with_user(self.director).action_approve()
        self.assertEqual((order.state, order.approval_state), ("draft", "approved"))
        duplicate = order.copy()
        self.assertEqual(duplicate.approval_state, "not_required")
        with self.assertRaises(UserError):
            duplicate.action_confirm()
        order.with_user(self.salesman).action_confirm()
        self.assertEqual(order.state, "sale")

    def test_non_approver_cannot_decide(self):
        order = self.pending_order()
        with self.assertRaises(AccessError):
            order.with_user(self.outsider).action_approve()
        with self.assertRaises(AccessError):
            order.approval_request_ids.with_user(self.gm).action_approve()
        with self.assertRaises(AccessError):
            self.env["order.approval.request"].with_user(self.director).create(
                {"order_id": order.id, "rule_id": self.rule.id, "state": "approved"}
            )
        with self.assertRaises(AccessError):
            order.approval_request_ids.with_user(self.director).write({"state": "approved"})
        self.assertEqual(order.approval_state, "pending")

    # -- the customer accepts before approval --------------------------------

    def test_portal_acceptance_parks_then_confirms_when_approved(self):
        order = self.pending_order()
        order.sudo()._validate_order()  # what /my/orders/<id>/accept does after signing
        self.assertEqual(order.state, "draft")
        self.assertTrue(order.approval_awaiting_confirm)
        self.assertEqual(order.tracking_stage_code, "to_approve")
        self.company.approval_confirm_on_grant = False  # parked orders confirm anyway
        order.with_user(self.director).action_approve()
        self.assertEqual(order.state, "sale")
        self.assertFalse(order.approval_awaiting_confirm)
        self.assertEqual(self.codes(order), ["draft", "to_approve", "to_ship"])

    def test_portal_acceptance_of_unsubmitted_order_submits_it(self):
        order = self.quote(20000)
        order.sudo()._validate_order()
        self.assertEqual(order.state, "draft")
        self.assertEqual(order.approval_state, "pending")
        self.assertTrue(order.approval_awaiting_confirm)
        order.with_user(self.director).action_reject("Price not agreed")
        self.assertFalse(order.approval_awaiting_confirm)
        self.assertEqual(order.state, "draft")

    def test_portal_acceptance_without_rule_confirms_as_before(self):
        order = self.quote(100)
        order.sudo()._validate_order()
        self.assertEqual(order.state, "sale")
        self.assertEqual(order.approval_state, "not_required")

    def test_payment_parks_then_confirms_when_approved(self):
        order = self.pending_order()
        tx = self.transaction(order)
        self.assertTrue(order._is_confirmation_amount_reached())
        confirmed = tx._check_amount_and_confirm_order()
        self.assertFalse(confirmed)
        self.assertEqual(order.state, "draft")
        self.assertTrue(order.approval_awaiting_confirm)
        order.with_user(self.director).action_approve()
        self.assertEqual(order.state, "sale")

    def test_payment_post_processing_parks(self):
        order = self.quote(20000)
        tx = self.transaction(order)
        # as Odoo's payment tests do: no accounting payment for the test provider
        with patch(
            "odoo.addons.account_payment.models.payment_transaction.PaymentTransaction._post_process"
        ):
            tx._post_process()
        self.assertEqual(order.state, "draft")
        self.assertEqual(order.approval_state, "pending")
        self.assertTrue(order.approval_awaiting_confirm)

    def test_payment_without_rule_confirms_as_before(self):
        order = self.quote(100)
        confirmed = self.transaction(order)._check_amount_and_confirm_order()
        self.assertEqual(confirmed, order)
        self.assertEqual(order.state, "sale")

    # -- orders matching no rule behave exactly as in plain Odoo -------------

    def test_order_matching_no_rule_confirms_as_before(self):
        self.set_stock(self.product, 10)
        order = self.create_order([(self.product, 4)], user_id=self.salesman.id)
        order.with_user(self.salesman).action_confirm()
        self.assertEqual(order.state, "sale")
        self.assertEqual(order.approval_state, "not_required")
        self.assertFalse(order.approval_request_ids)
        self.assertEqual(order.tracking_stage_code, "ready")
        self.assertEqual(self.codes(order), ["draft", "ready"])

    def test_cancel_closes_open_requests(self):
        order = self.pending_order()
        order.with_user(self.salesman).action_cancel()
        self.assertEqual(order.approval_request_ids.state, "cancelled")
        self.assertFalse(order.activity_ids.filtered("approval_request_ids"))
        self.assertEqual(order.approval_state, "not_required")
        order.action_draft()
        with self.assertRaises(UserError):
            order.action_confirm()
