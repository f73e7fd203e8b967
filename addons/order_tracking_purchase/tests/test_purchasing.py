from odoo import fields
from odoo.tests import tagged

from odoo.addons.order_tracking.tests.common import OrderTrackingCase

from .common import BoughtToOrderMixin


@tagged("post_install", "-at_install")
class TestPurchasing(BoughtToOrderMixin, OrderTrackingCase):
    """A bought make-to-order product: the order follows its request for
    quotation and purchase order through Purchasing to Ready as the goods are
    received, on real documents."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.setup_bought_to_order(delay=5)

    def confirm(self, quantity=6):
        order = self.create_order([(self.bought, quantity)])
        order.action_confirm()
        return order

    @staticmethod
    def purchases(order):
        return order._get_purchase_orders()

    def test_bought_to_order_walks_through_purchasing(self):
        order = self.confirm()
        purchase = self.purchases(order)
        self.assertEqual(len(purchase), 1)
        self.assertEqual(purchase.state, "draft")
        self.assertEqual(order.tracking_supply, "purchasing")
        self.assertEqual(order.tracking_stage_id.code, "purchasing")

        purchase.button_confirm()
        self.assertEqual(purchase.state, "purchase")
        self.assertEqual(order.tracking_stage_id.code, "purchasing")

        self.validate(purchase.picking_ids)
        self.assertEqual(order.tracking_stage_id.code, "ready")
        self.assertFalse(order.tracking_supply)
        codes = self.codes(order)
        self.assertEqual(codes[codes.index("purchasing") :], ["purchasing", "ready"])
        event = order.tracking_event_ids.filtered(lambda e: e.to_code == "purchasing")
        self.assertEqual((event.source_model, event.source_id), (purchase._name, purchase.id))
        entry = next(e for e in order.get_tracking_timeline()[0] if e["to_code"] == "purchasing")
        self.assertEqual(entry["source"], "purchase")

    def test_coverage_names_the_purchase_and_what_is_left_to_receive(self):
        order = self.confirm(quantity=6)
        purchase = self.purchases(order)
        purchase.button_confirm()
        [[line]] = order.get_supply_coverage()
        self.assertEqual(line["qty_short"], 6.0)
        self.assertEqual(
            line["coverage"],
            [
                {
                    "model": "purchase.order",
                    "id": purchase.id,
                    "name": purchase.name,
                    "state": "purchase",
                    "expected_date": fields.Datetime.to_string(purchase.order_line.date_planned),
                    "qty": 6.0,
                }
            ],
        )
        # a partial receipt: the rest is still covered by the purchase
        self.validate(purchase.picking_ids, {self.bought: 2.0})
        [[line]] = order.get_supply_coverage()
        self.assertEqual(order.tracking_stage_id.code, "purchasing")
        self.assertEqual(line["coverage"][0]["qty"], 4.0)

    def test_cancelled_purchase_uncovers_the_order(self):
        order = self.confirm()
        purchase = self.purchases(order)
        purchase.button_cancel()
        self.assertNotEqual(order.tracking_stage_id.code, "purchasing")
        self.assertFalse(
            any(c["coverage"] for c in order.get_supply_coverage()[0]),
        )
