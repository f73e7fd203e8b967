from datetime import timedelta

from odoo import Command, fields
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

    def test_orders_sharing_the_vendors_request_are_each_covered(self):
        """Odoo adds the second order's procurement to the vendor's open
        request for quotation (one line for both, linked to the first order
        only): each order is covered by its share, earliest delivery first,
        as Odoo's forecast assigns it."""
        first = self.confirm(quantity=6)
        second = self.confirm(quantity=4)
        purchase = self.purchases(first)
        self.assertEqual(purchase.order_line.product_qty, 10.0)
        self.assertIn(second.name, purchase.origin)
        self.assertEqual(second.tracking_stage_code, "purchasing")
        shares = [
            [(c["id"], c["qty"]) for c in order.get_supply_coverage()[0][0]["coverage"]]
            for order in (first, second)
        ]
        self.assertEqual(shares, [[(purchase.id, 6.0)], [(purchase.id, 4.0)]])
        # the request cut to 8 no longer covers all of the second order
        purchase.order_line.product_qty = 8.0
        self.assertEqual(first.tracking_stage_code, "purchasing")
        self.assertEqual(second.tracking_stage_code, "waiting_stock")
        [[line]] = second.get_supply_coverage()
        self.assertEqual([c["qty"] for c in line["coverage"]], [2.0])
        purchase.order_line.product_qty = 10.0
        self.assertEqual(second.tracking_stage_code, "purchasing")
        purchase.button_confirm()
        self.validate(purchase.picking_ids)
        self.assertEqual((first | second).mapped("tracking_stage_code"), ["ready", "ready"])

    def test_cancelled_purchase_uncovers_the_order(self):
        order = self.confirm()
        purchase = self.purchases(order)
        purchase.button_cancel()
        self.assertNotEqual(order.tracking_stage_id.code, "purchasing")
        self.assertFalse(
            any(c["coverage"] for c in order.get_supply_coverage()[0]),
        )


@tagged("post_install", "-at_install")
class TestPurchasingForStock(OrderTrackingCase):
    """Make-to-stock: a purchase for stock covers the orders short of its
    product the way Odoo's forecast assigns it, earliest delivery first."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.warehouse.out_type_id.reservation_method = "at_confirm"
        cls.vendor = cls.env["res.partner"].create({"name": "常州轴承 Changzhou Bearings"})
        cls.stocked = cls._create_product("Ball Bearing 6204 深沟球轴承", price=10.0)

    def short_order(self, quantity, days):
        order = self.create_order(
            [(self.stocked, quantity)],
            commitment_date=fields.Datetime.now() + timedelta(days=days),
        )
        order.action_confirm()
        self.assertEqual(order.tracking_stage_code, "waiting_stock")
        return order

    def purchase(self, quantity):
        return self.env["purchase.order"].create(
            {
                "partner_id": self.vendor.id,
                "order_line": [
                    Command.create({"product_id": self.stocked.id, "product_qty": quantity})
                ],
            }
        )

    def test_a_purchase_for_stock_covers_the_earliest_deliveries_first(self):
        first = self.short_order(6, days=2)
        second = self.short_order(5, days=4)
        # a request for quotation of 8: the first order's 6, not the second's 5
        rfq = self.purchase(8)
        self.assertEqual(first.tracking_stage_code, "purchasing")
        self.assertEqual(second.tracking_stage_code, "waiting_stock")
        [[line]] = first.get_supply_coverage()
        self.assertEqual(
            [(c["model"], c["id"], c["state"], c["qty"]) for c in line["coverage"]],
            [("purchase.order", rfq.id, "draft", 6.0)],
        )
        [[line]] = second.get_supply_coverage()
        self.assertEqual([c["qty"] for c in line["coverage"]], [2.0])
        # one more purchase covers the rest: both wait for purchases now
        self.purchase(12).button_confirm()
        self.assertEqual(second.tracking_stage_code, "purchasing")
        # cancelled, the request no longer covers anything: the first waits again
        rfq.button_cancel()
        self.assertEqual(first.tracking_stage_code, "purchasing")
        [[line]] = first.get_supply_coverage()
        self.assertEqual([c["state"] for c in line["coverage"]], ["purchase"])
        # the confirmed purchase arrives: both orders are reserved and ready
        rfq_done = self.env["purchase.order"].search(
            [("partner_id", "=", self.vendor.id), ("state", "=", "purchase")]
        )
        self.validate(rfq_done.picking_ids)
        self.assertEqual(first.tracking_stage_code, "ready")
        self.assertEqual(second.tracking_stage_code, "ready")
        self.assertEqual(self.codes(first)[-2:], ["purchasing", "ready"])

    def test_two_step_delivery_is_covered_at_its_pick(self):
        """Pick then ship: the pick out of stock is what waits for the goods;
        the purchase for stock covers it, and the order moves on at the
        receipt."""
        self.warehouse.delivery_steps = "pick_ship"
        self.warehouse.pick_type_id.reservation_method = "at_confirm"
        order = self.short_order(4, days=3)
        pick = order.picking_ids.filtered(
            lambda p: p.picking_type_id == self.warehouse.pick_type_id
        )
        self.assertEqual(pick.move_ids.state, "confirmed")
        purchase = self.purchase(4)
        purchase.button_confirm()
        self.assertEqual(order.tracking_stage_code, "purchasing")
        [[line]] = order.get_supply_coverage()
        self.assertEqual([(c["id"], c["qty"]) for c in line["coverage"]], [(purchase.id, 4.0)])
        self.validate(purchase.picking_ids)
        self.assertNotIn(order.tracking_stage_code, ("purchasing", "waiting_stock"))
