from freezegun import freeze_time

from odoo.tests import tagged

from ..hooks import post_init_hook
from ..tools import history
from .common import OrderTrackingCase


@tagged("post_install", "-at_install")
class TestBackfill(OrderTrackingCase):
    """Orders that existed before installation get a reconstructed history."""

    def _legacy(self):
        """Orders made from now on stand for orders that existed before the
        add-on was installed: their node is computed, no event is written."""
        self.enterContext(history.suppressed(self.env))
        return self.env

    def test_existing_orders_get_history_from_their_documents(self):
        self.set_stock(self.product, 10)
        env = self._legacy()
        with freeze_time("2037-10-01 09:00:00"):
            order = env["sale.order"].create(
                {
                    "partner_id": self.customer.id,
                    "order_line": [(0, 0, {"product_id": self.product.id, "product_uom_qty": 2})],
                }
            )
        with freeze_time("2037-10-02 09:00:00"):
            order.action_confirm()
        with freeze_time("2037-10-03 09:00:00"):
            self.ship_all(order)
        with freeze_time("2037-10-04 09:00:00"):
            self.pay(self.invoice(order))
        quotation = env["sale.order"].create({"partner_id": self.customer.id})
        env.flush_all()
        self.assertFalse(order.tracking_event_ids)
        self.assertEqual(order.tracking_stage_code, "shipped")
        post_init_hook(self.env)
        events = order.tracking_event_ids.sorted("id")
        self.assertEqual(events.mapped("to_code"), ["draft", "to_ship", "shipped"])
        self.assertTrue(all(events.mapped("backfilled")))
        self.assertEqual(str(events[-1].date), "2037-10-03 09:00:00")
        # no chatter here (tracking disabled): the quotation is known from its
        # confirmation date on, never from create_date (PostgreSQL's clock)
        self.assertEqual(str(events[0].date), "2037-10-02 09:00:00")
        self.assertEqual(events[2].hours_in_previous, 24.0)  # to ship: 10-02 -> 10-03
        self.assertTrue(order.verify_tracking_history()[0]["ok"])
        self.assertEqual(order.tracking_last_event_id, events[-1])
        self.assertEqual(quotation.tracking_event_ids.mapped("to_code"), ["draft"])
        self.assertEqual(len(order.tracking_promise_ids), 1)
        # running it again changes nothing
        post_init_hook(self.env)
        self.assertEqual(len(order.tracking_event_ids), 3)

    def test_dates_come_from_documents_and_chatter_never_from_write_dates(self):
        """create_date / write_date are PostgreSQL's clock: the facts' own
        times (chatter, invoice and payment dates) date the history."""
        self._legacy()
        ctx = dict(self.env.context)
        ctx.pop("tracking_disable", None)  # the chatter records state changes
        env = self.env(context=ctx)
        with freeze_time("2037-10-01 09:00:00"):
            paid = env["sale.order"].create(
                {
                    "partner_id": self.customer.id,
                    "order_line": [(0, 0, {"product_id": self.service.id, "product_uom_qty": 1})],
                }
            )
            cancelled = env["sale.order"].create({"partner_id": self.customer.id})
            env.cr.precommit.run()
        with freeze_time("2037-10-02 10:00:00"):
            paid.action_confirm()
            cancelled.action_confirm()
            env.cr.precommit.run()
        with freeze_time("2037-10-05 11:00:00"):
            invoice = self.invoice(paid)
            env.cr.precommit.run()
        with freeze_time("2037-10-06 12:00:00"):
            self.pay(invoice)
            cancelled._action_cancel()
            env.cr.precommit.run()
        env.flush_all()
        post_init_hook(self.env)
        timeline = {
            order: [(e.to_code, str(e.date)) for e in order.tracking_event_ids.sorted("id")]
            for order in (paid, cancelled)
        }
        self.assertEqual(
            timeline[paid],
            [
                ("draft", "2037-10-01 09:00:00"),
                ("to_ship", "2037-10-02 10:00:00"),
                ("invoiced", "2037-10-05 00:00:00"),  # the invoice's date
                ("paid", "2037-10-06 00:00:00"),  # the payment's date
                ("done", "2037-10-06 00:00:00"),  # with the last fact
            ],
        )
        self.assertEqual(
            timeline[cancelled],
            [
                ("draft", "2037-10-01 09:00:00"),
                ("to_ship", "2037-10-02 10:00:00"),
                ("cancelled", "2037-10-06 12:00:00"),
            ],
        )

    def test_a_context_key_cannot_switch_the_history_off(self):
        """``module`` is what Odoo puts in the context while it installs an
        add-on; sent over RPC by anyone, it changes nothing."""
        env = self.env(context=dict(self.env.context, module="order_tracking"))
        order = env["sale.order"].create({"partner_id": self.customer.id})
        env.flush_all()
        self.assertEqual(order.tracking_event_ids.mapped("to_code"), ["draft"])
