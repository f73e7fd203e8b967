import contextlib
from contextlib import contextmanager
from datetime import timedelta

from odoo import SUPERUSER_ID, Command, api, fields
from odoo.tests import tagged
from odoo.tools import mute_logger

from ..tools import transaction
from .common import OrderTrackingCase


class Rollback(Exception):
    """Raised inside a savepoint to undo what it wrapped."""


@tagged("post_install", "-at_install")
class TestSavepointRollback(OrderTrackingCase):
    """Nothing the add-on keeps or defers outlives the savepoint that produced
    it: after ``cr.savepoint(flush=False)`` is rolled back (Odoo's demo
    loader, ``load()``, account's sequence retry, EDI flows), the transaction
    goes on as on plain Odoo and holds no history for what was removed."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.set_stock(cls.product, 1000)
        notifying = cls.stage("shipped")
        notifying.write(
            {
                "notify_customer": True,
                "mail_template_id": cls.env.ref("order_tracking.mail_template_order_stage").id,
            }
        )

    @staticmethod
    @contextmanager
    def undone(cr):
        """A ``savepoint(flush=False)`` rolled back at its end (not through
        ``assertRaises``, whose own savepoint would clear the cache)."""
        with contextlib.suppress(Rollback), cr.savepoint(flush=False):
            yield
            raise Rollback()

    @staticmethod
    def confirm(order):
        order.action_confirm()
        order.mapped("tracking_stage_id")
        return order

    def order_ids_in_db(self, orders, cr=None):
        cr = cr or self.env.cr
        cr.execute("SELECT id FROM sale_order WHERE id = ANY(%s)", [orders.ids])
        return {row[0] for row in cr.fetchall()}

    def history_in_db(self, order_ids, cr=None):
        """{order id: [(event id, to_code)]} read from the table itself."""
        cr = cr or self.env.cr
        cr.execute(
            "SELECT order_id, id, to_code FROM order_tracking_event"
            " WHERE order_id = ANY(%s) ORDER BY id",
            [list(order_ids)],
        )
        history = {}
        for order_id, event_id, code in cr.fetchall():
            history.setdefault(order_id, []).append((event_id, code))
        return history

    def db_codes(self, order):
        return [code for _id, code in self.history_in_db([order.id]).get(order.id, [])]

    def assert_last_event_matches_history(self, order, cr=None):
        """The order's row names its very last event and that event's hash."""
        cr = cr or self.env.cr
        cr.execute(
            "SELECT so.tracking_last_hash, e.hash, so.tracking_last_event_id, e.id"
            "  FROM sale_order so"
            "  JOIN LATERAL (SELECT id, hash FROM order_tracking_event"
            "                 WHERE order_id = so.id ORDER BY id DESC LIMIT 1) e ON true"
            " WHERE so.id = %s",
            [order.id],
        )
        last_hash, event_hash, last_event_id, event_id = cr.fetchone()
        self.assertEqual(last_hash, event_hash, order.name)
        self.assertEqual(last_event_id, event_id, order.name)

    def test_confirmed_order_then_a_rolled_back_one(self):
        """The reproduction of the issue, as typed in ``odoo shell``: a cursor
        of its own (an empty cache), one order confirmed, a second one created
        and confirmed inside ``savepoint(flush=False)`` that raises; then the
        flush — which plain Odoo passes."""
        cr = self.registry.cursor()
        try:
            env = api.Environment(cr, SUPERUSER_ID, {})
            product = env["product.product"].create(
                {"name": "Shell Bracket 支架", "type": "consu", "is_storable": True}
            )
            warehouse = env["stock.warehouse"].search([], limit=1)
            env["stock.quant"]._update_available_quantity(product, warehouse.lot_stock_id, 100)
            partner = env["res.partner"].create({"name": "Shell Customer 客户"})

            def new_order():
                return env["sale.order"].create(
                    {
                        "partner_id": partner.id,
                        "order_line": [Command.create({"product_id": product.id})],
                    }
                )

            kept = new_order()
            kept.action_confirm()
            removed = env["sale.order"]
            with self.undone(cr):
                removed = new_order()
                removed.action_confirm()
            env.flush_all()
            self.assertEqual(self.order_ids_in_db(kept | removed, cr), {kept.id})
            history = self.history_in_db([kept.id, removed.id], cr)
            self.assertNotIn(removed.id, history)
            self.assertEqual([code for _id, code in history[kept.id]], ["draft", "ready"])
            self.assert_last_event_matches_history(kept, cr)
            self.assertTrue(kept.verify_tracking_history()[0]["ok"])
            # the kept order's story goes on, chained right
            for picking in kept.picking_ids:
                picking.move_ids.write({"quantity": 1, "picked": True})
                picking.button_validate()
            env.flush_all()
            history = self.history_in_db([kept.id], cr)
            self.assertEqual([c for _id, c in history[kept.id]], ["draft", "ready", "shipped"])
            self.assert_last_event_matches_history(kept, cr)
            self.assertTrue(kept.verify_tracking_history()[0]["ok"])
        finally:
            cr.rollback()
            cr.close()

    def test_a_batch_of_events_journals_the_last_and_enters_with_the_first(self):
        """One create of two events of the same order, a change of node then
        one that leaves it as is: the order's node clock is the first's, its
        hash the second's, and the journal (what a savepoint's rollback
        repairs) names the second, the order's last event."""
        order = self.confirm(self.create_order([(self.product, 2)]))
        self.env.flush_all()
        ready, delivered = order.tracking_stage_id, self.stage("delivered")
        base = {
            "order_id": order.id,
            "company_id": order.company_id.id,
            "user_id": self.env.uid,
            "source_model": order._name,
            "source_id": order.id,
        }
        entering, staying = (
            self.env["order.tracking.event"]
            .sudo()
            .create(
                [
                    {
                        **base,
                        "from_stage_id": ready.id,
                        "to_stage_id": delivered.id,
                        "from_code": ready.code,
                        "to_code": "delivered",
                        "date": fields.Datetime.now(),
                        "deadline": fields.Datetime.now() + timedelta(days=3650),
                    },
                    {
                        **base,
                        "from_stage_id": delivered.id,
                        "to_stage_id": delivered.id,
                        "from_code": "delivered",
                        "to_code": "delivered",
                        "date": fields.Datetime.now() + timedelta(days=1),
                        "note": "in the node",
                    },
                ]
            )
        )
        self.assertEqual(order.tracking_last_event_id, entering)
        self.assertEqual(order.tracking_last_stage_id, delivered)
        self.assertEqual(order.tracking_entered_at, entering.date)
        self.assertEqual(order.tracking_deadline, entering.deadline)
        self.assertEqual(order.tracking_last_hash, staying.hash)
        last_entry = transaction.kept_entries(self.env.cr)[-1]
        self.assertEqual((last_entry.order_id, last_entry.event_id), (order.id, staying.id))

    def test_events_of_a_kept_order_rolled_back_with_the_savepoint(self):
        """Events of an order that stays, written inside the savepoint (a
        change of node, then one that leaves the node as it is) with the
        order's row left to the flush: the rollback removes them; the row
        never names an event that does not exist, and the next event chains
        onto the last one that does."""
        kept = self.ship_all(self.confirm(self.create_order([(self.product, 2)])))
        self.env.flush_all()
        Event = self.env["order.tracking.event"]
        with self.undone(self.env.cr):
            kept._tracking_record_transitions(
                [(kept, kept.tracking_last_stage_id, self.stage("delivered"))]
            )
            Event._record_in_node(kept, "inside", (kept._name, kept.id, kept.name))
            self.assertEqual(self.db_codes(kept)[-2:], ["delivered", "shipped"])
        # what the order holds in memory names the last event that exists
        last = self.history_in_db([kept.id])[kept.id][-1][0]
        self.assertEqual(kept.tracking_last_event_id.id, last)
        self.assertEqual(kept.tracking_last_hash, Event.browse(last).hash)
        self.env.flush_all()
        self.assertEqual(self.db_codes(kept), ["draft", "ready", "shipped"])
        self.assert_last_event_matches_history(kept)
        self.assertEqual(kept.tracking_last_stage_id, self.stage("shipped"))
        # the node's clock is the kept event's, written with it (not recomputed)
        self.assertEqual(kept.tracking_entered_at, Event.browse(last).date)
        self.assertEqual(kept.tracking_deadline, Event.browse(last).deadline)
        self.assertEqual(kept.tracking_event_ids.mapped("to_code"), ["draft", "ready", "shipped"])
        Event._record_in_node(kept, "after", (kept._name, kept.id, kept.name))
        kept.action_confirm_receipt(note="OK")
        self.env.flush_all()
        self.assertEqual(self.db_codes(kept), ["draft", "ready", "shipped", "shipped", "delivered"])
        self.assert_last_event_matches_history(kept)
        self.assertTrue(kept.verify_tracking_history()[0]["ok"])

    def test_flushed_event_of_a_kept_order_survives_a_later_rollback(self):
        """An event written before the savepoint and the order's row updated
        inside it: the rollback undoes the row's update, the flush writes it
        again — the row names the event that exists."""
        kept = self.create_order([(self.product, 2)])
        kept.action_confirm()
        kept.mapped("tracking_stage_id")  # event inserted, the row's update pending
        with self.undone(self.env.cr):
            self.env.flush_all()
        self.env.flush_all()
        self.assert_last_event_matches_history(kept)
        self.ship_all(kept)
        self.assertEqual(self.codes(kept), ["draft", "ready", "shipped"])
        self.assertTrue(kept.verify_tracking_history()[0]["ok"])

    def test_a_loop_that_skips_a_failing_order(self):
        """A scheduled job that confirms and ships orders one by one, each in
        ``savepoint(flush=False)``, skipping the one that fails: events and
        customer e-mails for the others, nothing for the skipped one."""
        orders = self.create_order([(self.product, 1)]) | self.create_order(
            [(self.product, 2)], client_order_ref="BROKEN"
        )
        orders |= self.create_order([(self.product, 3)])
        self.env.flush_all()
        for order in orders:
            try:
                with self.env.cr.savepoint(flush=False):
                    self.confirm(order)
                    self.ship_all(order)
                    self.env.flush_all()
                    if order.client_order_ref == "BROKEN":
                        raise Rollback()
            except Rollback:
                continue
        self.env.flush_all()
        good, broken = orders[0] | orders[2], orders[1]
        history = self.history_in_db(orders.ids)
        for order in good:
            self.assertEqual([c for _i, c in history[order.id]], ["draft", "ready", "shipped"])
            self.assert_last_event_matches_history(order)
        self.assertEqual([c for _i, c in history[broken.id]], ["draft"])
        self.assert_last_event_matches_history(broken)
        notified = self.env["order.tracking.notification"].search([("order_id", "in", orders.ids)])
        self.assertEqual(notified.order_id, good)
        self.assertTrue(all(r["ok"] for r in orders.verify_tracking_history()))

    @mute_logger("odoo.models", "odoo.sql_db")
    def test_import_with_one_bad_row(self):
        """``load()`` (the import) rolls back every row when one is bad and
        flushes before: nothing recorded for any; the good rows imported
        alone then get their history."""
        Order = self.env["sale.order"]
        fields_ = ["partner_id/.id", "order_line/product_id/.id", "order_line/product_uom_qty"]
        good = [str(self.customer.id), str(self.product.id), "2"]
        bad = [str(self.customer.id), "999999999", "2"]
        before = Order.search_count([])
        result = Order.load(fields_, [good, bad, good])
        self.assertFalse(result["ids"])
        self.assertTrue(any(m["type"] == "error" for m in result["messages"]))
        self.env.flush_all()
        self.assertEqual(Order.search_count([]), before)
        result = Order.load(fields_, [good, good])
        imported = Order.browse(result["ids"])
        self.assertEqual(len(imported), 2)
        imported.action_confirm()
        for order in imported:
            self.assertEqual(self.codes(order), ["draft", "ready"])
            self.assert_last_event_matches_history(order)
