"""The alert scan and another scheduled action update the same orders at once.

The scan sets the orders' attention flag in one statement; PostgreSQL locks
the rows in the order of its plan (the table's physical order), not of the
ids given. Another transaction holding one of those orders and then wanting
another the scan already took made a deadlock (seen at start-up of
``make demo``: the scan against the customer notifications). The scan takes
the orders in the order of their ids first (``transaction.lock_orders``), so
it waits holding nothing the other wants; when what it waited for changed
an order after its snapshot, the batch is run again in a new transaction.

Two real connections: the rows are committed and removed afterwards."""

import threading
import time

import psycopg2.errors

from odoo import SUPERUSER_ID, api
from odoo.tests import tagged

from odoo.addons.order_tracking.tests.common import CommittedRowsCase


@tagged("post_install", "-at_install")
class TestAttentionFlagLockOrder(CommittedRowsCase):
    def commit_rows(self, env):
        partner = self.keep(env["res.partner"].create({"name": "Lock order 锁顺序"}))
        first = env["sale.order"].create({"partner_id": partner.id})
        second = env["sale.order"].create({"partner_id": partner.id})
        self.keep(first | second)
        env.flush_all()
        # the first order's new row version now lies after the second's:
        # a plain scan of the table meets the second order first
        env.cr.execute("UPDATE sale_order SET note = 'moved' WHERE id = %s", [first.id])
        self.ids = [first.id, second.id]

    def flags(self):
        with self.registry.cursor() as cr:
            cr.execute(
                "SELECT id, alert_attention FROM sale_order WHERE id = ANY(%s) ORDER BY id",
                [self.ids],
            )
            return cr.fetchall()

    def waiting_on_a_lock(self, cr, pid):
        cr.execute("SELECT wait_event_type = 'Lock' FROM pg_stat_activity WHERE pid = %s", [pid])
        row = cr.fetchone()
        return bool(row and row[0])

    def test_scan_waits_holding_nothing_the_other_transaction_wants(self):
        first, second = self.ids
        scan_cr, other_cr, watch_cr = (self.registry.cursor() for _i in range(3))
        result = {}
        try:
            scan_cr.execute("SET LOCAL enable_indexscan = off; SET LOCAL enable_bitmapscan = off")
            scan_cr.execute("SELECT pg_backend_pid()")
            scan_pid = scan_cr.fetchone()[0]
            # another scheduled action holds the first order ...
            other_cr.execute("UPDATE sale_order SET note = 'other' WHERE id = %s", [first])

            def scan():
                try:
                    env = api.Environment(scan_cr, SUPERUSER_ID, {})
                    env["order.alert"]._mark_orders_attention([second, first])
                    scan_cr.commit()
                    result["scan"] = "done"
                except psycopg2.errors.SerializationFailure:
                    # the first order changed after the scan's snapshot: the
                    # scan runs the batch again in a new transaction
                    scan_cr.rollback()
                    result["scan"] = "retry"
                except Exception as error:  # noqa: BLE001 - reported by the assertion below
                    result["scan"] = repr(error)

            thread = threading.Thread(target=scan)
            thread.start()
            for _i in range(200):
                if self.waiting_on_a_lock(watch_cr, scan_pid):
                    break
                time.sleep(0.05)
            self.assertTrue(self.waiting_on_a_lock(watch_cr, scan_pid), "the scan waits")
            # ... and then wants the second one: the scan, waiting, holds nothing
            other_cr.execute("SET LOCAL lock_timeout = '5s'")
            other_cr.execute("UPDATE sale_order SET note = 'other' WHERE id = %s", [second])
            other_cr.commit()
            thread.join(30)
            self.assertFalse(thread.is_alive())
            self.assertEqual(result.get("scan"), "retry", "no deadlock")
            # the scan's next transaction sees both changes and sets the flags
            env = api.Environment(scan_cr, SUPERUSER_ID, {})
            env["order.alert"]._mark_orders_attention([second, first])
            scan_cr.commit()
        finally:
            for cr in (scan_cr, other_cr, watch_cr):
                cr.close()
        self.assertEqual(self.flags(), [(first, True), (second, True)])
