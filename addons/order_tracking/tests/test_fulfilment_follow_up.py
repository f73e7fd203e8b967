from odoo.tests import Form, tagged

from .common import OrderTrackingCase


@tagged("post_install", "-at_install")
class TestFulfilmentFollowUp(OrderTrackingCase):
    """Returns and follow-up deliveries made with Odoo's own return wizard:
    the fulfilment axis counts what is still to ship, not Odoo's net
    delivered quantity."""

    def return_wizard(self, delivery, quantity):
        wizard = Form(
            self.env["stock.return.picking"].with_context(
                active_id=delivery.id, active_model="stock.picking"
            )
        ).save()
        wizard.product_return_moves.quantity = quantity
        return wizard

    def test_return_for_exchange_ships_again(self):
        self.set_stock(self.product, 10)
        order = self.create_order([(self.product, 4)])
        order.action_confirm()
        self.assertEqual(order.tracking_stage_code, "ready")
        self.ship_all(order)
        self.assertEqual(order.tracking_stage_code, "shipped")
        delivery = order.picking_ids
        wizard = self.return_wizard(delivery, 1)
        returned = self.env["stock.picking"].browse(wizard.action_create_exchanges()["res_id"])
        replacement = order.picking_ids - delivery - returned
        self.assertEqual(replacement.picking_type_code, "outgoing")
        self.assertEqual(order.tracking_fulfilment, "partial", "the replacement is to ship")
        self.assertEqual(order.tracking_stage_code, "partially_shipped")
        self.validate(returned)
        self.assertEqual(order.order_line.qty_delivered, 3)
        self.assertEqual(order.tracking_stage_code, "partially_shipped")
        self.validate(replacement)
        self.assertEqual(order.order_line.qty_delivered, 4)
        self.assertEqual(order.tracking_fulfilment, "shipped")
        self.assertEqual(order.tracking_stage_code, "shipped")
        # the return received is an event of its own, in the node, with the
        # return as its source
        self.assertEqual(
            self.codes(order),
            ["draft", "ready", "shipped", "partially_shipped", "partially_shipped", "shipped"],
        )
        in_node = order.tracking_event_ids.sorted("id")[-2]
        self.assertEqual((in_node.source_model, in_node.source_id), ("stock.picking", returned.id))

    def test_everything_returned_for_a_refund_is_returned(self):
        """Every delivered good came back, nothing is to ship again: Returned
        (已退货), not Shipped — the delivery did happen (the KPIs count it)."""
        self.set_stock(self.product, 10)
        order = self.create_order([(self.product, 2)])
        order.action_confirm()
        self.ship_all(order)
        self.validate(
            self.env["stock.picking"].browse(
                self.return_wizard(order.picking_ids, 2).action_create_returns()["res_id"]
            )
        )
        self.assertEqual(order.order_line.qty_delivered, 0)
        self.assertEqual(order.tracking_fulfilment, "returned")
        self.assertEqual(order.tracking_stage_code, "returned")

    def test_a_pending_return_does_not_hold_the_order(self):
        self.set_stock(self.product, 10)
        order = self.create_order([(self.product, 2)])
        order.action_confirm()
        self.ship_all(order)
        self.return_wizard(order.picking_ids, 1).action_create_returns()
        self.assertEqual(order.tracking_fulfilment, "shipped")
        self.assertEqual(order.tracking_stage_code, "shipped")
