from unittest.mock import patch

from odoo.exceptions import UserError
from odoo.tests import tagged

from .common import ApprovalCase


@tagged("post_install", "-at_install")
class TestFingerprint(ApprovalCase):
    """An approval is given on facts; a change beyond tolerance re-opens only
    the levels whose facts changed."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.write({"approval_amount_tolerance": 5.0, "approval_confirm_on_grant": False})
        cls.customised = cls.env["product.category"].create({"name": "定制 Customised"})
        cls.special = cls._create_product("Custom frame 定制框架", price=1000)
        cls.special.categ_id = cls.customised
        cls.amount_rule = cls.create_rule("From 1,000 → director", min_amount=1000)
        cls.product_rule = cls.create_rule(
            "Customised → production",
            product_categ_ids=[(6, 0, cls.customised.ids)],
            user_ids=[(6, 0, cls.production.ids)],
        )

    def approved(self, order):
        self.submit(order)
        for user in order.approval_request_ids.approver_ids:
            if order.approval_can_decide or order.with_user(user).approval_can_decide:
                order.with_user(user).action_approve()
        self.assertEqual(order.approval_state, "approved")
        self.assertEqual(order.state, "draft")
        return order

    def request_of(self, order, rule):
        return order._approval_live_requests().filtered(lambda r: r.rule_id == rule)

    def test_price_change_below_tolerance_keeps_the_approval(self):
        order = self.approved(self.quote(2000))
        approval = order.approval_request_ids
        self.assertEqual(approval.fingerprint["amount"], 2000.0)
        order.order_line.price_unit = 2060  # +3 %
        self.assertEqual(order.approval_state, "approved")
        self.assertEqual(order.approval_request_ids, approval)
        order.with_user(self.salesman).action_confirm()
        self.assertEqual(order.state, "sale")

    def test_price_change_beyond_tolerance_reopens(self):
        order = self.approved(self.quote(2000))
        approval = order.approval_request_ids
        order.order_line.price_unit = 2200  # +10 %
        self.assertEqual(order.approval_state, "pending")
        reopened = order.approval_request_ids - approval
        self.assertEqual(reopened.reopened_from_id, approval)
        self.assertEqual(reopened.state, "pending")
        self.assertEqual(reopened.round, approval.round, "same round: only the level re-opens")
        self.assertIn("2000", reopened.reopen_reason)
        self.assertIn("10.0 %", reopened.reopen_reason)
        self.assertTrue(approval.superseded)
        self.assertEqual(approval.state, "approved", "the earlier decision is kept as it was")
        with self.assertRaises(UserError):
            order.with_user(self.salesman).action_confirm()
        order.with_user(self.director).action_approve()
        self.assertEqual(order.approval_state, "approved")
        order.with_user(self.salesman).action_confirm()
        self.assertEqual(order.state, "sale")

    def test_a_lower_amount_never_reopens(self):
        order = self.approved(self.quote(2000))
        order.order_line.price_unit = 1500
        self.assertEqual(order.approval_state, "approved")

    def test_only_affected_levels_reopen(self):
        order = self.create_order(
            [(self.service, 1, 1000), (self.special, 1, 1000)], user_id=self.salesman.id
        )
        self.approved(order)
        amount_request = self.request_of(order, self.amount_rule)
        product_request = self.request_of(order, self.product_rule)
        service_line = order.order_line.filtered(lambda line: line.product_id == self.service)
        service_line.price_unit = 3000  # amount +100 %, customised line untouched
        self.assertEqual(self.request_of(order, self.amount_rule).reopened_from_id, amount_request)
        self.assertEqual(self.request_of(order, self.product_rule), product_request)
        self.assertEqual(product_request.state, "approved")
        order.with_user(self.director).action_approve()
        self.assertEqual(order.approval_state, "approved")
        special_line = order.order_line.filtered(lambda line: line.product_id == self.special)
        special_line.product_uom_qty = 2  # the customised line changes: both facts move
        self.assertEqual(
            self.request_of(order, self.product_rule).reopened_from_id, product_request
        )
        self.assertEqual(self.request_of(order, self.product_rule).state, "pending")

    def test_a_rule_that_now_applies_is_added(self):
        level2 = self.create_rule(
            "From 100,000 → GM", min_amount=100000, level=2, user_ids=[(6, 0, self.gm.ids)]
        )
        order = self.approved(self.quote(60000))
        order.order_line.price_unit = 120000
        added = self.request_of(order, level2)
        self.assertEqual(added.state, "waiting", "level 2 waits for level 1 to be approved again")
        self.assertEqual(self.request_of(order, self.amount_rule).state, "pending")
        order.with_user(self.director).action_approve()
        self.assertEqual(added.state, "pending")
        order.with_user(self.gm).action_approve()
        self.assertEqual(order.approval_state, "approved")

    def test_discount_increase_reopens_the_discount_rule(self):
        self.amount_rule.active = False
        rule = self.create_rule("Discount above 5 %", discount_threshold=5)
        order = self.quote(500)
        order.order_line.discount = 8
        self.approved(order)
        order.order_line.discount = 6
        self.assertEqual(order.approval_state, "approved", "a smaller discount is fine")
        order.order_line.discount = 12
        self.assertEqual(order.approval_state, "pending")
        self.assertTrue(self.request_of(order, rule).reopened_from_id)

    def test_customer_change_reopens(self):
        order = self.approved(self.quote(2000))
        order.partner_id = self.existing_customer
        self.assertEqual(order.approval_state, "pending")

    def test_confirmation_checks_the_fingerprint_itself(self):
        """Even if a change reached the order without the write hooks, the
        confirmation compares the facts with the approved fingerprint."""
        order = self.approved(self.quote(2000))
        SaleOrder = type(self.env["sale.order"])
        with patch.object(SaleOrder, "_approval_recheck", lambda self: None):
            order.order_line.price_unit = 3000
        self.assertEqual(order.approval_state, "approved")
        with self.assertRaises(UserError) as caught:
            order.with_user(self.salesman).action_confirm()
        self.assertIn("changed since it was approved", str(caught.exception))
        self.assertEqual(order.state, "draft")
