from datetime import timedelta

from odoo import Command, fields
from odoo.tests import tagged

from odoo.addons.order_alerts.tests.common import AlertCase

from .common import BoughtToOrderMixin


@tagged("post_install", "-at_install")
class TestReceiptLate(BoughtToOrderMixin, AlertCase):
    """A confirmed purchase that covers a customer order and is not received
    at its expected arrival alerts on the order it delays, naming the vendor;
    the alert resolves by itself at the receipt."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.setup_bought_to_order(delay=3)
        cls.rule = cls.make_rule(name="Receipt late", kind="receipt_late", hours=0)

    @staticmethod
    def after(value, **delta):
        return fields.Datetime.to_string(value + timedelta(**delta))

    def assert_late(self, purchase, order, expected):
        """An hour past ``expected``, one alert on ``order`` naming the
        purchase, its vendor and the order; its three conditions agree."""
        self.assertEqual(self.scan(self.rule, self.after(expected, hours=1)), 1)
        alert = self.open_alerts(self.rule, order)
        for name in (purchase.name, self.vendor.name, order.name):
            self.assertIn(name, alert.description)
        self.assert_conditions_agree(self.rule, self.after(expected, hours=1))
        return alert

    def test_late_receipt_names_vendor_and_order_and_resolves_at_receipt(self):
        with self.at("2037-11-30 09:00:00"):
            order = self.create_order([(self.bought, 4)], user_id=self.salesman.id)
            order.action_confirm()
            purchase = order._get_purchase_orders()
            self.env.flush_all()
        self.assertEqual(order.tracking_stage_code, "purchasing")
        expected = purchase.order_line.date_planned
        # a request for quotation is not late: nothing was ordered yet
        self.assertEqual(self.scan(self.rule, self.after(expected, hours=1)), 0)
        with self.at("2037-11-30 10:00:00"):
            purchase.button_confirm()
            self.env.flush_all()
        expected = purchase.order_line.date_planned
        self.assertEqual(self.scan(self.rule, self.after(expected, hours=-1)), 0)
        alert = self.assert_late(purchase, order, expected)
        # part of it arrives: still late for the rest
        with self.at(self.after(expected, hours=2)):
            self.validate(purchase.picking_ids, {self.bought: 1.0})
            self.env.flush_all()
        holding, _cleared = self.assert_conditions_agree(self.rule, self.after(expected, hours=2))
        self.assertEqual(holding, alert)
        # the rest arrives: the order is ready, the alert resolves
        with self.at(self.after(expected, hours=3)):
            self.validate(purchase.picking_ids.filtered(lambda p: p.state == "assigned"))
            self.env.flush_all()
        self.assertEqual(order.tracking_stage_code, "ready")
        self.scan(self.rule, self.after(expected, hours=3))
        self.assertEqual(alert.state, "resolved")

    def test_late_purchase_for_stock_alerts_on_the_order_it_covers(self):
        """A purchase for stock that Odoo's forecast assigns to a short order
        (make-to-stock) delays that order when its receipt is late."""
        stocked = self._create_product("Ball Bearing 6204 深沟球轴承", price=10.0)
        with self.at("2037-11-30 09:00:00"):
            order = self.create_order([(stocked, 5)], user_id=self.salesman.id)
            order.action_confirm()
            purchase = self.env["purchase.order"].create(
                {
                    "partner_id": self.vendor.id,
                    "order_line": [Command.create({"product_id": stocked.id, "product_qty": 5})],
                }
            )
            purchase.button_confirm()
            self.env.flush_all()
        self.assertEqual(order.tracking_stage_code, "purchasing")
        expected = purchase.order_line.date_planned
        alert = self.assert_late(purchase, order, expected)
        with self.at(self.after(expected, hours=2)):
            self.validate(purchase.picking_ids)
            self.env.flush_all()
        self.assertEqual(order.tracking_stage_code, "ready")
        self.scan(self.rule, self.after(expected, hours=2))
        self.assertEqual(alert.state, "resolved")


@tagged("post_install", "-at_install")
class TestShortageStartsThePurchase(AlertCase):
    """A shortage to-do creates the request for quotation of what is missing
    in one click, through Odoo's replenishment; the orders waiting for the
    product then wait for that purchase."""

    def test_create_rfq_from_the_shortage_todo(self):
        self.warehouse.out_type_id.reservation_method = "at_confirm"
        vendor = self.env["res.partner"].create({"name": "常州轴承 Changzhou Bearings"})
        stocked = self._create_product("Ball Bearing 6204 深沟球轴承", price=10.0)
        stocked.seller_ids = [Command.create({"partner_id": vendor.id, "price": 4.0})]
        rule = self.make_rule(name="Short", kind="stock_shortage", hours=0)
        with self.at("2037-11-30 09:00:00"):
            order = self.create_order([(stocked, 7)], user_id=self.salesman.id)
            order.action_confirm()
            self.env.flush_all()
        self.assertEqual(order.tracking_stage_code, "waiting_stock")
        self.scan(rule, "2037-11-30 10:00:00")
        todo = self.env["order.alert.shortage"].search([("product_id", "=", stocked.id)])
        self.assertEqual(todo.missing_qty, 7.0)
        todo.action_create_rfq()
        line = self.env["purchase.order.line"].search([("product_id", "=", stocked.id)])
        self.assertEqual(line.order_id.partner_id, vendor)
        self.assertEqual(line.order_id.state, "draft")
        self.assertEqual(line.product_qty, 7.0)
        self.assertEqual(order.tracking_stage_code, "purchasing")
        self.assertIn("Replenishment started", todo.message_ids[:1].body)
