from odoo.exceptions import UserError, ValidationError
from odoo.tests import tagged

from .common_change_request import ChangeRequestCase


@tagged("post_install", "-at_install")
class TestChangeRequestReturn(ChangeRequestCase):
    """退货: goods come back through Odoo's return wizard; the customer keeps
    (and pays for) what they did not send back."""

    def test_return_of_a_signed_invoiced_paid_order(self):
        order = self.shipped_order([(self.product, 10)], invoice=True, pay=True)
        order.action_confirm_receipt(signed_by="王芳")
        self.assertEqual(order.tracking_stage_code, "done")
        delivery = order.picking_ids
        request = self.request(order, "return", [(order.order_line, 2)], reason="2 件破损")
        self.apply(request)
        back = order.picking_ids - delivery
        self.assertEqual(len(back), 1)
        self.assertEqual(back.picking_type_code, "incoming")
        self.assertEqual(back.state, "assigned")
        self.assertEqual(back.move_ids.product_uom_qty, 2)
        self.assertTrue(back.move_ids.to_refund)
        self.assertEqual(back.move_ids.origin_returned_move_id, delivery.move_ids)
        self.assertEqual(back.move_ids.change_request_line_id, request.line_ids)
        self.assertEqual(request.result_ref, back.name)
        self.assertEqual(request.picking_ids, back)
        # nothing has come back yet: the order is where it was, the story says why
        self.assertEqual(order.order_line.product_uom_qty, 10)
        self.assertEqual(order.tracking_stage_code, "done")
        event = self.last_event(order)
        self.assertEqual((event.from_code, event.to_code, event.note), ("done", "done", "2 件破损"))
        self.assertEqual(event.source_id, request.id)
        # the goods arrive: the customer kept 8, a refund of 2 is due
        self.validate(back)
        self.assertEqual(order.order_line.qty_delivered, 8)
        self.assertEqual(order.order_line.product_uom_qty, 8)
        self.assertEqual(order.amount_untaxed, 800.0)
        self.assertEqual(order.invoice_status, "to invoice")
        self.assertEqual(order.tracking_fulfilment, "shipped")
        self.assertEqual(order.tracking_billing, "partial")
        self.assertEqual(order.tracking_stage_code, "delivered")
        event = self.last_event(order)
        self.assertEqual((event.from_code, event.to_code), ("done", "delivered"))
        credit_note = order._create_invoices(final=True)
        self.assertEqual(credit_note.move_type, "out_refund")
        self.assertEqual(credit_note.invoice_line_ids.quantity, 2)
        self.assertEqual(credit_note.amount_untaxed, 200.0)
        credit_note.action_post()
        self.assertEqual(order.tracking_billing, "invoiced")
        self.assertEqual(order.tracking_stage_code, "invoiced", "the refund is still to pay")
        self.pay(credit_note)
        self.assertEqual(order.tracking_payment, "paid")
        self.assertEqual(order.tracking_stage_code, "done")

    def test_returning_more_than_was_delivered_is_refused(self):
        order = self.shipped_order([(self.product, 10)])
        request = self.request(order, "return", [(order.order_line, 11)])
        before = self.snapshot(order)
        with self.assertRaisesRegex(UserError, r"Only 10 Units of .* can come back.*Asked: 11"):
            self.apply(request)
        self.assert_nothing_written(order, before)
        self.assertEqual(request.state, "draft")

    def test_goods_on_their_way_back_cannot_be_returned_twice(self):
        order = self.shipped_order([(self.product, 10)])
        self.apply(self.request(order, "return", [(order.order_line, 8)]))
        second = self.request(order, "return", [(order.order_line, 3)])
        before = self.snapshot(order)
        with self.assertRaisesRegex(UserError, "Only 2 Units"):
            self.apply(second)
        self.assert_nothing_written(order, before)
        self.apply(self.request(order, "return", [(order.order_line, 2)]))

    def test_nothing_delivered_nothing_to_return(self):
        self.set_stock(self.product, 10)
        order = self.create_order([(self.product, 3)])
        order.action_confirm()
        request = self.request(order, "return", [(self.product, 1)])
        self.assertEqual(request.line_ids.sale_line_id, order.order_line, "found by product")
        before = self.snapshot(order)
        with self.assertRaisesRegex(UserError, "Only 0 Units"):
            self.apply(request)
        self.assert_nothing_written(order, before)

    def test_return_spread_over_two_deliveries(self):
        self.set_stock(self.product, 10)
        order = self.create_order([(self.product, 6)])
        order.action_confirm()
        first = order.picking_ids
        self.validate(first, {self.product: 4})
        second = self.outgoing(order)
        self.validate(second)
        request = self.apply(self.request(order, "return", [(order.order_line, 5)]))
        returns = request.picking_ids
        self.assertEqual(len(returns), 2)
        by_origin = {p.return_id: p.move_ids.product_uom_qty for p in returns}
        self.assertEqual(by_origin, {second: 2, first: 3}, "the latest delivery first")
        self.assertEqual(request.result_ref, ", ".join(returns.sorted("id").mapped("name")))
        for picking in returns:
            self.validate(picking)
        self.assertEqual(order.order_line.product_uom_qty, 1)
        self.assertEqual(order.order_line.qty_delivered, 1)
        self.assertEqual(order.tracking_stage_code, "shipped")

    def test_partial_receipt_lowers_the_order_as_goods_arrive(self):
        order = self.shipped_order([(self.product, 10)])
        request = self.apply(self.request(order, "return", [(order.order_line, 4)]))
        self.validate(request.picking_ids, {self.product: 1})
        self.assertEqual(order.order_line.product_uom_qty, 9)
        backorder = order.picking_ids.filtered(
            lambda p: p.picking_type_code == "incoming" and p.state == "assigned"
        )
        self.assertEqual(backorder.move_ids.change_request_line_id, request.line_ids)
        self.validate(backorder)
        self.assertEqual(order.order_line.product_uom_qty, 6)
        self.assertEqual(order.order_line.qty_delivered, 6)

    def test_return_without_refund_leaves_the_order_alone(self):
        order = self.shipped_order([(self.product, 10)], invoice=True)
        request = self.apply(
            self.request(order, "return", [(order.order_line, 3)], to_refund=False)
        )
        self.assertFalse(request.picking_ids.move_ids.to_refund)
        self.validate(request.picking_ids)
        self.assertEqual(order.order_line.product_uom_qty, 10)
        self.assertEqual(order.order_line.qty_delivered, 10)
        self.assertEqual(order.invoice_status, "invoiced")
        self.assertEqual(order.tracking_stage_code, "shipped")

    def test_an_order_locked_after_the_request_still_follows_the_goods(self):
        order = self.shipped_order([(self.product, 5)])
        request = self.apply(self.request(order, "return", [(order.order_line, 1)]))
        order.action_lock()
        self.validate(request.picking_ids)
        self.assertEqual(order.order_line.product_uom_qty, 4)
        self.assertTrue(order.locked, "locked again")

    def test_return_from_a_locked_order_is_refused(self):
        order = self.shipped_order([(self.product, 5)])
        order.action_lock()
        request = self.request(order, "return", [(order.order_line, 1)])
        before = self.snapshot(order)
        with self.assertRaisesRegex(UserError, "is locked"):
            self.apply(request)
        self.assert_nothing_written(order, before)

    def test_services_are_not_returned(self):
        order = self.shipped_order([(self.product, 1)])
        self.env["sale.order.line"].create(
            {"order_id": order.id, "product_id": self.service.id, "product_uom_qty": 1}
        )
        line = order.order_line.filtered(lambda sol: sol.product_id == self.service)
        with self.refused(ValidationError, "is a service"):
            self.request(order, "return", [(line, 1)])
        self.assertFalse(order.change_request_ids)

    def test_quantities_are_in_the_unit_of_the_order_line(self):
        dozen = self.env.ref("uom.product_uom_dozen")
        self.set_stock(self.product, 100)
        order = self.create_order([(self.product, 2)])
        order.order_line.product_uom = dozen
        order.action_confirm()
        self.ship_all(order)
        self.assertEqual(order.order_line.qty_delivered, 2)
        request = self.request(order, "return", [(order.order_line, 3)])
        self.assertEqual(request.line_ids.product_uom_id, dozen)
        with self.assertRaisesRegex(UserError, "Only 2 Dozens"):
            self.apply(request)
        half = self.apply(self.request(order, "return", [(order.order_line, 0.5)]))
        self.assertEqual(half.picking_ids.move_ids.product_uom_qty, 6, "in units")
        self.validate(half.picking_ids)
        self.assertEqual(order.order_line.product_uom_qty, 1.5)
