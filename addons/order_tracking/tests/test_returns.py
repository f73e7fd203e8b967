from odoo.tests import Form, tagged

from .common import OrderTrackingCase


@tagged("post_install", "-at_install")
class TestReturns(OrderTrackingCase):
    """Goods sent back through Odoo's own return wizard (Inventory › Return):
    every return received is in the order's history with the return as its
    source; an order whose delivered goods all came back, with nothing to ship
    again, is at Returned (已退货)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.set_stock(cls.product, 100)
        cls.set_stock(cls.product_b, 100)

    def shipped_order(self):
        order = self.create_order([(self.product, 4), (self.product_b, 2)])
        order.action_confirm()
        self.ship_all(order)
        self.assertEqual(order.tracking_stage_code, "shipped")
        return order

    def return_goods(self, order, quantities, refund=True):
        """Return ``quantities`` {product: qty} of the order's delivery with the
        wizard, and receive them."""
        delivery = order.picking_ids.filtered(
            lambda p: p.state == "done" and p.location_dest_id.usage == "customer"
        )[-1]
        wizard = Form(
            self.env["stock.return.picking"].with_context(
                active_id=delivery.id, active_model="stock.picking"
            )
        ).save()
        for line in wizard.product_return_moves:
            line.quantity = quantities.get(line.product_id, 0.0)
            if "to_refund" in line._fields:
                line.to_refund = refund
        returned = wizard._create_return()
        self.validate(returned)
        self.env.flush_all()
        return returned

    def last_event(self, order):
        self.env.flush_all()
        return order.tracking_event_ids.sorted("id")[-1]

    def test_a_partial_return_is_an_event_in_the_node(self):
        order = self.shipped_order()
        returned = self.return_goods(order, {self.product: 1})
        event = self.last_event(order)
        self.assertEqual((event.from_code, event.to_code), ("shipped", "shipped"))
        self.assertEqual((event.source_model, event.source_id), ("stock.picking", returned.id))
        self.assertEqual(order.tracking_stage_code, "shipped")
        timeline = order.get_tracking_timeline()[0]
        self.assertEqual(timeline[-1]["source"], "picking")
        self.assertEqual(timeline[-1]["source_name"], returned.name)
        self.assertTrue(order.verify_tracking_history()[0]["ok"])

    def test_every_good_back_is_returned(self):
        order = self.shipped_order()
        first = self.return_goods(order, {self.product: 1})
        self.assertEqual(order.tracking_stage_code, "shipped")
        last = self.return_goods(order, {self.product: 3, self.product_b: 2}, refund=False)
        self.assertEqual(order.tracking_fulfilment, "returned")
        self.assertEqual(order.tracking_stage_code, "returned")
        event = self.last_event(order)
        self.assertEqual((event.from_code, event.to_code), ("shipped", "returned"))
        self.assertEqual((event.source_model, event.source_id), ("stock.picking", last.id))
        sources = [
            e.source_id for e in order.tracking_event_ids if e.source_model == "stock.picking"
        ]
        self.assertIn(first.id, sources)
        self.assertTrue(order.verify_tracking_history()[0]["ok"])
        # no ship-date alert, no sign-off for goods that came back
        self.assertNotIn(order.tracking_fulfilment, ("to_ship", "short", "ready", "partial"))

    def return_all(self, picking):
        """The wizard's return of every unit of ``picking``, not validated."""
        wizard = Form(
            self.env["stock.return.picking"].with_context(
                active_id=picking.id, active_model="stock.picking"
            )
        ).save()
        for line in wizard.product_return_moves:
            line.quantity = line.move_id.quantity
        return wizard._create_return()

    def test_an_exchange_to_ship_again_is_not_returned(self):
        order = self.shipped_order()
        delivery = order.picking_ids.filtered(lambda p: p.state == "done")[-1]
        returned = self.validate(self.return_all(delivery))
        self.env.flush_all()
        self.assertEqual(order.tracking_stage_code, "returned")
        # the warehouse ships the goods again (a return of the return)
        again = self.return_all(returned)
        again.action_assign()
        self.validate(again)
        self.env.flush_all()
        self.assertNotEqual(order.tracking_stage_code, "returned")
        self.assertTrue(order.verify_tracking_history()[0]["ok"])
