from odoo.exceptions import UserError
from odoo.tests import tagged

from .common_change_request import ChangeRequestCase


@tagged("post_install", "-at_install")
class TestChangeRequestExchange(ChangeRequestCase):
    """换货: goods come back and others (or the same) go out in their place."""

    def test_exchange_for_the_same_product(self):
        order = self.shipped_order([(self.product, 5)], invoice=True, pay=True)
        first = order.picking_ids
        request = self.request(order, "exchange", [(order.order_line, 1)], reason="外观划伤 换新")
        self.assertEqual(request.line_ids.product_id, self.product)
        self.apply(request)
        back = request.picking_ids.filtered(lambda p: p.picking_type_code == "incoming")
        again = request.picking_ids.filtered(lambda p: p.picking_type_code == "outgoing")
        self.assertEqual(order.picking_ids - first, back | again)
        self.assertEqual(back.move_ids.product_uom_qty, 1)
        self.assertTrue(back.move_ids.to_refund)
        self.assertEqual(again.move_ids.sale_line_id, order.order_line)
        self.assertEqual(request.result_ref, f"{back.name}, {again.name}")
        self.assertEqual(order.tracking_stage_code, "partially_shipped")
        self.validate(back)
        self.assertEqual(order.order_line.qty_delivered, 4)
        self.assertEqual(order.order_line.product_uom_qty, 5, "the same goods, still sold")
        self.validate(again)
        self.assertEqual(order.order_line.qty_delivered, 5)
        self.assertEqual(order.invoice_status, "invoiced", "nothing to refund or invoice")
        self.assertEqual(order.tracking_stage_code, "shipped")

    def test_exchange_for_another_product_settles_the_difference(self):
        order = self.shipped_order([(self.product, 5)], invoice=True, pay=True)
        bigger = self._create_product("Steel Bracket XL 加大钢支架", price=120.0)
        self.set_stock(bigger, 10)
        request = self.request(order, "exchange", [(order.order_line, 2, bigger)])
        self.apply(request)
        new_line = order.order_line.filtered(lambda sol: sol.product_id == bigger)
        self.assertEqual(new_line.product_uom_qty, 2)
        self.assertEqual(new_line.price_unit, 120.0)
        self.assertEqual(order.tracking_stage_code, "partially_shipped")
        back = request.picking_ids.filtered(lambda p: p.picking_type_code == "incoming")
        again = request.picking_ids.filtered(lambda p: p.picking_type_code == "outgoing")
        self.assertEqual(again.move_ids.product_id, bigger)
        self.validate(back)
        old_line = order.order_line - new_line
        self.assertEqual(old_line.product_uom_qty, 3, "the customer kept 3 of the old")
        self.validate(again)
        self.assertEqual(order.tracking_stage_code, "shipped")
        self.assertEqual(order.amount_untaxed, 3 * 100.0 + 2 * 120.0)
        settlement = order._create_invoices(final=True)
        self.assertEqual(settlement.move_type, "out_invoice")
        self.assertEqual(settlement.amount_untaxed, 2 * 120.0 - 2 * 100.0)

    def test_exchange_for_a_product_not_for_sale_is_refused(self):
        order = self.shipped_order([(self.product, 5)])
        self.product_b.sale_ok = False
        request = self.request(order, "exchange", [(order.order_line, 1, self.product_b)])
        before = self.snapshot(order)
        with self.assertRaisesRegex(UserError, "cannot be sold"):
            self.apply(request)
        self.assert_nothing_written(order, before)

    def test_exchanging_more_than_was_delivered_is_refused(self):
        order = self.shipped_order([(self.product, 5)])
        request = self.request(order, "exchange", [(order.order_line, 6)])
        before = self.snapshot(order)
        with self.assertRaisesRegex(UserError, "Only 5 Units"):
            self.apply(request)
        self.assert_nothing_written(order, before)
