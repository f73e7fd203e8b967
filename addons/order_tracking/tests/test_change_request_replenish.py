from odoo.exceptions import UserError
from odoo.tests import tagged

from .common_change_request import ChangeRequestCase


@tagged("post_install", "-at_install")
class TestChangeRequestReplenish(ChangeRequestCase):
    """补单: goods shipped again without a new sale (lost or damaged in
    transit, nothing comes back)."""

    def test_reshipment_is_a_free_follow_up_delivery(self):
        order = self.shipped_order([(self.product, 5)], invoice=True)
        self.assertEqual(order.tracking_stage_code, "shipped")
        first = order.picking_ids
        request = self.request(order, "replenish", [(order.order_line, 2)], reason="运输丢失 2 件")
        self.apply(request)
        again = order.picking_ids - first
        self.assertEqual(len(again), 1)
        self.assertEqual(again.picking_type_code, "outgoing")
        self.assertEqual(again.state, "assigned")
        self.assertEqual(again.partner_id, order.partner_shipping_id)
        self.assertEqual(again.sale_id, order)
        self.assertEqual(again.move_ids.product_uom_qty, 2)
        self.assertEqual(again.move_ids.sale_line_id, order.order_line)
        self.assertEqual(again.move_ids.change_request_line_id, request.line_ids)
        self.assertIn(request.name, again.group_id.name)
        self.assertEqual(request.result_ref, again.name)
        self.assertEqual(order.tracking_fulfilment, "partial")
        self.assertEqual(order.tracking_stage_code, "partially_shipped")
        event = self.last_event(order)
        self.assertEqual((event.from_code, event.to_code), ("shipped", "partially_shipped"))
        self.assertEqual((event.note, event.source_id), ("运输丢失 2 件", request.id))
        self.validate(again)
        self.assertEqual(order.tracking_stage_code, "shipped")
        self.assertEqual(order.order_line.qty_delivered, 5, "the customer still bought 5")
        self.assertEqual(order.invoice_status, "invoiced", "nothing more to invoice")

    def test_reshipment_follows_the_warehouse_routes(self):
        self.warehouse.delivery_steps = "pick_pack_ship"
        order = self.shipped_order([(self.product, 3)], invoice=True)
        self.assertEqual(order.tracking_stage_code, "shipped")
        before = order.picking_ids
        request = self.apply(self.request(order, "replenish", [(order.order_line, 1)]))
        pick = order.picking_ids - before
        self.assertEqual(pick.picking_type_id, self.warehouse.pick_type_id)
        self.assertEqual(request.picking_ids, pick)
        self.assertEqual(order.tracking_stage_code, "partially_shipped")
        self.ship_all(order)
        ship = (order.picking_ids - before).filtered(lambda p: p.picking_type_code == "outgoing")
        self.assertEqual(ship.state, "done")
        self.assertEqual(ship.move_ids.change_request_line_id, request.line_ids)
        self.assertEqual(order.tracking_stage_code, "shipped")
        self.assertEqual(order.order_line.qty_delivered, 3)
        self.assertEqual(order.invoice_status, "invoiced")

    def test_reshipment_of_goods_invoiced_on_delivery_is_not_invoiced(self):
        product = self._create_product("Cable 电缆", policy="delivery")
        order = self.shipped_order([(product, 4)], invoice=True)
        request = self.apply(self.request(order, "replenish", [(order.order_line, 4)]))
        self.validate(request.picking_ids)
        self.assertEqual(len(order.order_line), 1, "no extra line for the free goods")
        self.assertEqual(order.order_line.qty_delivered, 4)
        self.assertEqual(order.invoice_status, "invoiced")
        self.assertEqual(order.tracking_billing, "invoiced")

    def test_reshipping_more_than_was_delivered_is_refused(self):
        self.set_stock(self.product, 10)
        order = self.create_order([(self.product, 5)])
        order.action_confirm()
        self.validate(order.picking_ids, {self.product: 2})
        request = self.request(order, "replenish", [(order.order_line, 3)])
        before = self.snapshot(order)
        with self.assertRaisesRegex(UserError, "Only goods that were delivered.*2 Units"):
            self.apply(request)
        self.assert_nothing_written(order, before)
