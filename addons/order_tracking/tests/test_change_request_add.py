from odoo.exceptions import UserError, ValidationError
from odoo.tests import tagged

from .common_change_request import ChangeRequestCase


@tagged("post_install", "-at_install")
class TestChangeRequestAdd(ChangeRequestCase):
    """加单: more of a line or a new line, on a confirmed order."""

    def test_addition_to_a_reserved_delivery_is_reserved_too(self):
        self.warehouse.out_type_id.reservation_method = "manual"
        self.set_stock(self.product, 10)
        order = self.create_order([(self.product, 4)])
        order.action_confirm()
        order.picking_ids.action_assign()
        self.assertEqual(order.tracking_stage_code, "ready")
        self.env.flush_all()
        request = self.request(order, "add", [(order.order_line, 3)], reason="客户追加 3 件")
        self.apply(request)
        self.assertEqual(order.order_line.product_uom_qty, 7)
        picking = order.picking_ids
        self.assertEqual(len(picking), 1, "the addition joins the open delivery")
        self.assertEqual(picking.move_ids.product_uom_qty, 7)
        self.assertEqual(picking.move_ids.quantity, 7, "reserved like the rest of it")
        self.assertEqual(order.tracking_stage_code, "ready")
        self.assertEqual(request.state, "applied")
        self.assertEqual(request.result_ref, picking.name)
        self.assertEqual(request.picking_ids, picking)
        self.assertEqual(request.applied_by_id, self.supervisor)
        # the node did not move: the history still tells the change
        event = self.last_event(order)
        self.assertEqual((event.from_code, event.to_code), ("ready", "ready"))
        self.assertEqual(event.note, "客户追加 3 件")
        self.assertEqual(
            (event.source_model, event.source_id, event.source_name),
            ("order.change.request", request.id, request.name),
        )
        self.assertEqual(request.event_id, event)
        self.assertEqual(event.user_id, self.supervisor)
        self.assertEqual(event.hours_in_previous, 0.0)
        [timeline] = order.get_tracking_timeline()
        self.assertEqual(timeline[-1]["source"], "change")
        self.assertEqual(timeline[-1]["note"], "客户追加 3 件")

    def test_addition_nobody_reserved_yet_stays_to_ship(self):
        self.warehouse.out_type_id.reservation_method = "manual"
        self.set_stock(self.product, 10)
        order = self.create_order([(self.product, 4)])
        order.action_confirm()
        self.assertEqual(order.tracking_stage_code, "to_ship")
        self.apply(self.request(order, "add", [(order.order_line, 3)]))
        self.assertEqual(order.picking_ids.move_ids.product_uom_qty, 7)
        self.assertEqual(order.picking_ids.state, "confirmed", "left to the warehouse")
        self.assertEqual(order.tracking_stage_code, "to_ship")

    def test_addition_without_stock_sends_a_ready_order_to_waiting_for_stock(self):
        self.set_stock(self.product, 4)
        order = self.create_order([(self.product, 4)])
        order.action_confirm()
        self.assertEqual(order.tracking_stage_code, "ready")
        self.env.flush_all()
        request = self.apply(self.request(order, "add", [(order.order_line, 2)]))
        event = self.last_event(order)
        self.assertEqual((event.from_code, event.to_code), ("ready", "waiting_stock"))
        self.assertEqual(event.source_id, request.id)
        self.assertEqual(order.picking_ids.move_ids.product_uom_qty, 6)
        self.assertEqual(order.picking_ids.move_ids.quantity, 4)
        self.assertEqual(order.tracking_stage_code, "waiting_stock")

    def test_addition_to_a_shipped_invoiced_paid_order(self):
        order = self.shipped_order([(self.product, 5)], invoice=True, pay=True)
        self.assertEqual(order.tracking_stage_code, "shipped")
        self.assertEqual(order.tracking_payment, "paid")
        first_delivery = order.picking_ids
        request = self.request(order, "add", [(order.order_line, 3)])
        self.apply(request)
        new_delivery = order.picking_ids - first_delivery
        self.assertEqual(len(new_delivery), 1)
        self.assertEqual(new_delivery.move_ids.product_uom_qty, 3)
        self.assertEqual(request.result_ref, new_delivery.name)
        self.assertEqual(order.tracking_fulfilment, "partial")
        self.assertEqual(order.tracking_billing, "partial")
        self.assertEqual(order.tracking_stage_code, "partially_shipped")
        self.assertEqual(self.last_event(order).source_id, request.id)
        # the addition is invoiced through Odoo's own flow: 3 × 100
        invoice = self.invoice(order)
        self.assertEqual(invoice.invoice_line_ids.quantity, 3)
        self.assertEqual(invoice.amount_untaxed, 300.0)
        self.validate(new_delivery)
        self.assertEqual(order.tracking_fulfilment, "shipped")
        self.assertEqual(order.tracking_billing, "invoiced")
        self.assertEqual(order.tracking_stage_code, "shipped")

    def test_new_line_of_another_product(self):
        order = self.shipped_order([(self.product, 2)])
        self.set_stock(self.product_b, 10)
        request = self.request(order, "add", [(self.product_b, 4)])
        self.assertFalse(request.line_ids.sale_line_id)
        self.apply(request)
        new_line = order.order_line.filtered(lambda sol: sol.product_id == self.product_b)
        self.assertEqual(new_line.product_uom_qty, 4)
        self.assertEqual(new_line.price_unit, 100.0, "priced by Odoo's pricelist")
        delivery = new_line.move_ids.picking_id
        self.assertEqual(delivery.state, "assigned")
        self.assertEqual(request.result_ref, delivery.name)
        self.assertEqual(order.tracking_stage_code, "partially_shipped")
        self.assertEqual(order.amount_untaxed, 600.0)

    def test_services_can_be_added(self):
        order = self.shipped_order([(self.product, 1)])
        request = self.apply(self.request(order, "add", [(self.service, 1)]))
        self.assertIn(self.service, order.order_line.product_id)
        self.assertFalse(request.picking_ids)
        self.assertEqual(request.result_ref, order.name)
        self.assertEqual(order.tracking_stage_code, "shipped", "nothing new to ship")
        event = self.last_event(order)
        self.assertEqual((event.from_code, event.to_code), ("shipped", "shipped"))
        self.assertEqual(event.source_id, request.id)

    # -- guard rails ---------------------------------------------------------

    def test_addition_to_a_cancelled_order_is_refused(self):
        order = self.create_order([(self.product, 2)])
        order.action_confirm()
        order._action_cancel()
        request = self.request(order, "add", [(order.order_line, 1)])
        before = self.snapshot(order)
        with self.assertRaisesRegex(UserError, "is cancelled"):
            self.apply(request)
        self.assert_nothing_written(order, before)
        self.assertEqual(request.state, "draft")

    def test_addition_to_a_locked_order_is_refused(self):
        order = self.shipped_order([(self.product, 2)])
        order.action_lock()
        request = self.request(order, "add", [(order.order_line, 1)])
        before = self.snapshot(order)
        with self.assertRaisesRegex(UserError, "is locked: unlock it"):
            self.apply(request)
        self.assert_nothing_written(order, before)

    def test_a_quotation_is_changed_directly(self):
        order = self.create_order([(self.product, 2)])
        request = self.request(order, "add", [(order.order_line, 1)])
        before = self.snapshot(order)
        with self.assertRaisesRegex(UserError, "is not confirmed"):
            self.apply(request)
        self.assert_nothing_written(order, before)

    def test_a_product_not_for_sale_is_refused(self):
        order = self.shipped_order([(self.product, 2)])
        self.product_b.sale_ok = False
        request = self.request(order, "add", [(self.product_b, 1)])
        before = self.snapshot(order)
        with self.assertRaisesRegex(UserError, "cannot be sold"):
            self.apply(request)
        self.assert_nothing_written(order, before)

    def test_applying_twice_is_refused(self):
        order = self.shipped_order([(self.product, 2)])
        request = self.apply(self.request(order, "add", [(order.order_line, 1)]))
        before = self.snapshot(order)
        with self.assertRaisesRegex(UserError, "already applied"):
            self.apply(request)
        self.assert_nothing_written(order, before)
        self.assertEqual(order.order_line.product_uom_qty, 3)

    def test_zero_or_negative_quantities_are_refused(self):
        order = self.shipped_order([(self.product, 2)])
        before = self.snapshot(order)
        for quantity in (0, -2):
            with self.refused(ValidationError, "Quantities must be positive"):
                self.request(order, "add", [(order.order_line, quantity)])
        self.assert_nothing_written(order, before)

    def test_a_line_of_another_order_is_refused(self):
        order = self.shipped_order([(self.product, 2)])
        other = self.shipped_order([(self.product, 3)])
        before = self.snapshot(order)
        with self.refused(ValidationError, f"is a line of {other.name}, not of"):
            self.request(order, "add", [(other.order_line, 1)])
        self.assert_nothing_written(order, before)
        request = self.request(order, "add", [(order.order_line, 1)])
        with self.refused(ValidationError, "is a line of"):
            request.line_ids.sale_line_id = other.order_line
        self.assertEqual(request.line_ids.sale_line_id, order.order_line)
