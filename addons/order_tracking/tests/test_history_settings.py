from odoo import SUPERUSER_ID, api
from odoo.tests import tagged

from ..tools import history
from .common import OrderTrackingCase


@tagged("post_install", "-at_install")
class TestHistorySettings(OrderTrackingCase):
    """What an operation says of its history belongs to its transaction: a
    second cursor opened meanwhile (a batch committing on its own) records its
    own events as if nothing were set."""

    def _in_another_transaction(self, check):
        """Run ``check(env)`` on a cursor of its own, rolled back after."""
        cr = self.registry.cursor()
        try:
            check(api.Environment(cr, SUPERUSER_ID, {}))
        finally:
            cr.rollback()
            cr.close()

    @staticmethod
    def _new_quotation(env):
        partner = env["res.partner"].create({"name": "Other Transaction 另一事务"})
        order = env["sale.order"].create({"partner_id": partner.id})
        env.flush_all()
        return order

    def test_suppressed_history_is_this_transactions_only(self):
        def other(env):
            self.assertFalse(history.is_suppressed(env))
            order = self._new_quotation(env)
            self.assertEqual(order.tracking_event_ids.mapped("to_code"), ["draft"])

        with history.suppressed(self.env):
            mine = self.create_order()
            self.env.flush_all()
            self._in_another_transaction(other)
        self.assertFalse(mine.tracking_event_ids, "suppressed here")
        self.assertFalse(history.is_suppressed(self.env))

    def test_deferral_collects_this_transactions_orders_only(self):
        def other(env):
            self.assertFalse(history.is_deferred(env))
            order = self._new_quotation(env)
            self.assertEqual(len(order.tracking_event_ids), 1)
            found.append(order.id)

        found = []
        with history.deferred(self.env) as moved:
            mine = self.create_order()
            self.env.flush_all()
            self._in_another_transaction(other)
        self.assertEqual(moved, {mine.id})
        self.assertNotIn(found[0], moved)
        self.assertFalse(mine.tracking_event_ids, "deferred: the operation writes it when it ends")

    def test_notes_and_source_reach_only_the_orders_recorded(self):
        def other(env):
            order = self._new_quotation(env)
            self.assertEqual(history.recorded_note_and_source(env, mine.id), (None, None))
            self.assertFalse(order.tracking_event_ids.note)
            self.assertEqual(order.tracking_event_ids.source_model, "sale.order")

        self.set_stock(self.product, 10)
        mine = self.create_order()
        source = ("res.partner", self.customer.id, self.customer.display_name)
        with history.recording(self.env, mine.ids, {mine.id: "Signed 已签"}, source):
            mine.action_confirm()
            self.env.flush_all()
            self._in_another_transaction(other)
        event = mine.tracking_last_event_id
        self.assertEqual((event.from_code, event.note), ("draft", "Signed 已签"))
        self.assertEqual((event.source_model, event.source_id), ("res.partner", self.customer.id))
        self.assertEqual(history.recorded_note_and_source(self.env, mine.id), (None, None))

    def test_settings_nest_and_are_put_back(self):
        with history.promising(self.env, "Supplier late 供应商延误"):
            with history.promising(self.env, "Customer moved the date 客户改期"):
                self.assertEqual(
                    history.promise_reason(self.env), "Customer moved the date 客户改期"
                )
            self.assertEqual(history.promise_reason(self.env), "Supplier late 供应商延误")
            with history.deferred(self.env) as outer:
                with history.deferred(self.env) as inner:
                    history.defer(self.env, [1])
                self.assertEqual((outer, inner), (set(), {1}))
                self.assertTrue(history.is_deferred(self.env))
            self.assertFalse(history.is_deferred(self.env))
        self.assertIsNone(history.promise_reason(self.env))
        with self.assertRaises(RuntimeError), history.suppressed(self.env):
            raise RuntimeError("an operation that fails")
        self.assertFalse(history.is_suppressed(self.env), "put back when the operation fails")
