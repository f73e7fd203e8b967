from odoo.exceptions import UserError
from odoo.tests import tagged

from .common_change_request import ChangeRequestCase


@tagged("post_install", "-at_install")
class TestChangeRequestCancelLine(ChangeRequestCase):
    """Cancel what is not delivered yet (Odoo: "set the quantity to 0")."""

    def test_cancelling_the_short_remainder_completes_the_shipment(self):
        self.set_stock(self.product, 5)
        order = self.create_order([(self.product, 5), (self.product_b, 3)])
        order.action_confirm()
        self.assertEqual(order.tracking_stage_code, "waiting_stock")
        self.validate(order.picking_ids, {self.product: 5})
        self.assertEqual(order.tracking_stage_code, "partially_shipped")
        backorder = self.outgoing(order)
        line_b = order.order_line.filtered(lambda sol: sol.product_id == self.product_b)
        request = self.request(order, "cancel_line", [(line_b, 3)], reason="客户不再需要铜接头")
        self.apply(request)
        self.assertEqual(line_b.product_uom_qty, 0)
        self.assertEqual(backorder.state, "cancel")
        self.assertEqual(request.result_ref, backorder.name)
        self.assertEqual(order.tracking_fulfilment, "shipped")
        self.assertFalse(order.tracking_short)
        self.assertEqual(order.tracking_stage_code, "shipped")
        event = self.last_event(order)
        self.assertEqual((event.from_code, event.to_code), ("partially_shipped", "shipped"))
        self.assertEqual((event.note, event.source_id), ("客户不再需要铜接头", request.id))
        order.action_confirm_receipt()
        self.assertEqual(order.tracking_stage_code, "delivered")

    def test_cancelling_part_of_a_line_lowers_the_delivery(self):
        self.set_stock(self.product, 10)
        order = self.create_order([(self.product, 5)])
        order.action_confirm()
        self.apply(self.request(order, "cancel_line", [(order.order_line, 2)]))
        self.assertEqual(order.order_line.product_uom_qty, 3)
        self.assertEqual(order.picking_ids.move_ids.product_uom_qty, 3)
        self.assertEqual(order.tracking_stage_code, "ready")
        self.assertEqual(order.amount_untaxed, 300.0)

    def test_cancelling_an_invoiced_line_makes_a_refund_due(self):
        self.set_stock(self.product, 10)
        order = self.create_order([(self.product, 5)])
        order.action_confirm()
        self.invoice(order)
        self.assertEqual(order.invoice_status, "invoiced")
        self.apply(self.request(order, "cancel_line", [(order.order_line, 5)]))
        self.assertEqual(order.order_line.qty_to_invoice, -5)
        self.assertEqual(order.invoice_status, "to invoice")
        credit_note = order._create_invoices(final=True)
        self.assertEqual(credit_note.move_type, "out_refund")
        self.assertEqual(credit_note.amount_untaxed, 500.0)

    def test_delivered_goods_cannot_be_cancelled(self):
        order = self.shipped_order([(self.product, 5)])
        request = self.request(order, "cancel_line", [(order.order_line, 1)])
        before = self.snapshot(order)
        with self.assertRaisesRegex(UserError, "Return delivered goods instead"):
            self.apply(request)
        self.assert_nothing_written(order, before)
