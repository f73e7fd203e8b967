from freezegun import freeze_time

from odoo.tests import tagged

from ..hooks import post_init_hook
from .common import OrderTrackingCase


@tagged("post_install", "-at_install")
class TestBackfill(OrderTrackingCase):
    """Orders that existed before installation get a reconstructed history."""

    def _legacy(self):
        # context module=order_tracking is what Odoo sets while installing us:
        # the node is computed but no event is written
        return self.env(context=dict(self.env.context, module="order_tracking"))

    def test_existing_orders_get_history_from_their_documents(self):
        self.set_stock(self.product, 10)
        env = self._legacy()
        with freeze_time("2026-10-01 09:00:00"):
            order = env["sale.order"].create(
                {
                    "partner_id": self.customer.id,
                    "order_line": [(0, 0, {"product_id": self.product.id, "product_uom_qty": 2})],
                }
            )
        with freeze_time("2026-10-02 09:00:00"):
            order.action_confirm()
        with freeze_time("2026-10-03 09:00:00"):
            self.ship_all(order)
        with freeze_time("2026-10-04 09:00:00"):
            self.pay(self.invoice(order))
        quotation = env["sale.order"].create({"partner_id": self.customer.id})
        env.flush_all()
        self.assertFalse(order.tracking_event_ids)
        self.assertEqual(order.tracking_stage_code, "shipped")
        post_init_hook(self.env)
        events = order.tracking_event_ids.sorted("id")
        self.assertEqual(events.mapped("to_code"), ["draft", "to_ship", "shipped"])
        self.assertTrue(all(events.mapped("backfilled")))
        self.assertEqual(str(events[-1].date), "2026-10-03 09:00:00")
        self.assertEqual(events[2].hours_in_previous, 24.0)  # to ship: 10-02 -> 10-03
        self.assertTrue(order.verify_tracking_history()[0]["ok"])
        self.assertEqual(order.tracking_last_event_id, events[-1])
        self.assertEqual(quotation.tracking_event_ids.mapped("to_code"), ["draft"])
        self.assertEqual(len(order.tracking_promise_ids), 1)
        # running it again changes nothing
        post_init_hook(self.env)
        self.assertEqual(len(order.tracking_event_ids), 3)
