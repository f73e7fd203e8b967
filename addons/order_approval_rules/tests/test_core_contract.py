"""What order_approval_rules takes from Odoo core beyond its public API.

Approvals are enforced by overriding core flow methods: each test guards one
of them (its parameters, the core flows that call it) and fails when an 18.0
build changes it underneath us. The flows themselves run end to end in
test_enforcement.py, test_routing.py and test_rpc.py."""

from odoo.tests import tagged

from odoo.addons.order_tracking.tests.common import CoreContractMixin
from odoo.addons.sale.controllers.portal import CustomerPortal as SalePortal

from .common import ApprovalCase


@tagged("post_install", "-at_install")
class TestCoreContract(CoreContractMixin, ApprovalCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.rule = cls.create_rule("From 10,000 → director", min_amount=10000)

    def test_portal_acceptance_goes_through_validate_order(self):
        """sale.order._validate_order(): the portal's /my/orders/<id>/accept calls
        it once the customer signed (no payment required); our override parks
        the order instead of confirming it."""
        self.assert_core_parameters(self.env["sale.order"], "_validate_order", "sale", ["self"])
        self.assert_core_calls(SalePortal, "portal_quote_accept", "sale", "_validate_order")

    def test_online_payment_goes_through_check_amount_and_confirm_order(self):
        """payment.transaction._check_amount_and_confirm_order(): sale's
        _post_process() calls it for done transactions and expects the orders
        it confirmed back; sale.order._is_confirmation_amount_reached() is what
        our override asks before parking."""
        tx = self.env["payment.transaction"]
        self.assert_core_parameters(tx, "_check_amount_and_confirm_order", "sale", ["self"])
        self.assert_core_calls(tx, "_post_process", "sale", "_check_amount_and_confirm_order")
        self.assert_core_parameters(
            self.env["sale.order"], "_is_confirmation_amount_reached", "sale", ["self"]
        )

    def test_marking_the_approval_activity_done_approves(self):
        """mail.activity._action_done(feedback, attachment_ids): both "Mark Done"
        (action_done) and "Done with feedback" (action_feedback) reach it, so
        either button on the approver's activity approves the order."""
        activity = self.env["mail.activity"]
        self.assert_core_parameters(
            activity, "_action_done", "mail", ["self", "feedback", "attachment_ids"]
        )
        self.assert_core_calls(activity, "action_feedback", "mail", "_action_done")
        self.assert_core_calls(activity, "action_done", "mail", "action_feedback")
        order = self.submit(self.quote(20000))
        self.assertEqual(order.approval_state, "pending")
        todo = order.activity_ids.filtered("approval_request_ids")
        self.assertEqual(todo.user_id, self.director)
        todo.with_user(self.director).action_done()
        self.assertEqual(order.approval_state, "approved")
        self.assertEqual(order.approval_request_ids.decision_ids.user_id, self.director)

    def test_cancellation_goes_through_action_cancel(self):
        """sale.order._action_cancel(): action_cancel() and the cancel wizard reach
        it; our override closes the open approval requests there."""
        orders = self.env["sale.order"]
        self.assert_core_parameters(orders, "_action_cancel", "sale", ["self"])
        self.assert_core_calls(orders, "action_cancel", "sale", "_action_cancel")
        order = self.submit(self.quote(20000))
        wizard = self.env["sale.order.cancel"].create({"order_id": order.id})
        wizard.action_cancel()
        self.assertEqual(order.state, "cancel")
        self.assertEqual(order.approval_request_ids.state, "cancelled")
        self.assertFalse(order.activity_ids.filtered("approval_request_ids"))
