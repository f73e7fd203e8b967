"""Two scans at once: the advisory lock and the unique index of open alerts.

These tests need two real database connections, so their data is committed
(in a few rows of their own) and removed afterwards."""

import threading
import time
from datetime import datetime

from freezegun import freeze_time

from odoo import SUPERUSER_ID, api
from odoo.tests import tagged

from odoo.addons.order_tracking.tests.common import CommittedRowsCase


@tagged("post_install", "-at_install")
class TestConcurrentScans(CommittedRowsCase):
    def commit_rows(self, env):
        with freeze_time("2037-11-30 09:00:00"):
            partner = self.keep(env["res.partner"].create({"name": "Concurrency 并发测试"}))
            order = self.keep(env["sale.order"].create({"partner_id": partner.id}))
            env.flush_all()
            stage = env.ref("order_tracking.stage_draft")
            self.assertEqual(order.tracking_stage_id, stage)
            rule = self.keep(
                env["order.alert.rule"].create(
                    {
                        "name": "Concurrency",
                        "kind": "stage_sla",
                        "stage_id": stage.id,
                        "hours": 1,
                        "warning_ratio": 0,
                        "domain": f"[('id', '=', {order.id})]",
                        "responsible_type": "users",
                        "user_ids": [(6, 0, env.ref("base.user_admin").ids)],
                        "action_activity": False,
                        "company_id": order.company_id.id,
                    }
                )
            )
            self.ids = {
                "partner": partner.id,
                "order": order.id,
                "rule": rule.id,
                "company": order.company_id.id,
                "entry": order.tracking_last_event_id.id,
            }
            env.flush_all()

    def before_removal(self, env):
        env["order.alert"].search([("rule_id", "=", self.ids["rule"])]).unlink()

    def count_alerts(self, state=None):
        with self.registry.cursor() as cr:
            query = "SELECT count(*) FROM order_alert WHERE rule_id = %s"
            params = [self.ids["rule"]]
            if state:
                query += " AND state = %s"
                params.append(state)
            cr.execute(query, params)
            return cr.fetchone()[0]

    def scan(self, cr):
        env = api.Environment(cr, SUPERUSER_ID, {})
        return env["order.alert.rule"].run_scan(rule_ids=[self.ids["rule"]])

    def test_two_scans_at_the_same_moment(self):
        with freeze_time("2037-12-07 12:00:00"):
            cr1, cr2 = self.registry.cursor(), self.registry.cursor()
            try:
                first = self.scan(cr1)  # holds the rule's lock, not committed
                result = {}
                thread = threading.Thread(target=lambda: result.update(second=self.scan(cr2)))
                thread.start()
                thread.join(20)
                self.assertFalse(thread.is_alive(), "the second scan never waits")
                cr1.commit()
                cr2.commit()
            finally:
                cr1.close()
                cr2.close()
        self.assertEqual((first, result["second"]), (1, 0))
        self.assertEqual(self.count_alerts(), 1)

    def test_scan_on_an_old_snapshot_adds_no_duplicate(self):
        """Worker 2 started its transaction before worker 1 committed, then
        gets the lock: it cannot see the alert but the index refuses it."""
        with freeze_time("2037-12-07 12:00:00"):
            cr1, cr2 = self.registry.cursor(), self.registry.cursor()
            try:
                cr2.execute("SELECT count(*) FROM order_alert")  # snapshot taken
                self.assertEqual(self.scan(cr1), 1)
                cr1.commit()
                self.assertEqual(self.scan(cr2), 0)
                cr2.commit()
            finally:
                cr1.close()
                cr2.close()
        self.assertEqual(self.count_alerts(), 1)

    def alert_vals(self):
        return {
            "rule_id": self.ids["rule"],
            "order_id": self.ids["order"],
            "company_id": self.ids["company"],
            "kind": "stage_sla",
            "stage_entry_id": self.ids["entry"],
            "stage_entry_key": f"event:{self.ids['entry']}",
            "step": 1,
            "level": "breach",
            "escalation_level": 0,
            "severity": "medium",
            "state": "open",
            "raised_at": datetime(2037, 12, 7, 12, 0),
        }

    def test_unique_index_two_inserts_same_transaction(self):
        with self.registry.cursor() as cr:
            Alert = api.Environment(cr, SUPERUSER_ID, {})["order.alert"]
            first = Alert._insert_alerts([self.alert_vals()])
            self.assertEqual(len(first), 1)
            self.assertFalse(Alert._insert_alerts([self.alert_vals()]), "ON CONFLICT DO NOTHING")
            cr.execute("SELECT count(*) FROM order_alert WHERE rule_id = %s", [self.ids["rule"]])
            self.assertEqual(cr.fetchone()[0], 1)
            # a resolved alert no longer blocks the index
            first._close("manual")
            Alert.env.flush_all()
            self.assertEqual(len(Alert._insert_alerts([self.alert_vals()])), 1)
            cr.rollback()

    def test_unique_index_two_cursors(self):
        cr1, cr2 = self.registry.cursor(), self.registry.cursor()
        try:
            env1 = api.Environment(cr1, SUPERUSER_ID, {})
            env2 = api.Environment(cr2, SUPERUSER_ID, {})
            self.assertEqual(len(env1["order.alert"]._insert_alerts([self.alert_vals()])), 1)
            result = {}
            thread = threading.Thread(
                target=lambda: result.update(
                    second=env2["order.alert"]._insert_alerts([self.alert_vals()])
                )
            )
            thread.start()
            time.sleep(0.5)
            self.assertTrue(thread.is_alive(), "the second insert waits on the index")
            cr1.commit()
            thread.join(20)
            self.assertFalse(thread.is_alive())
            self.assertFalse(result["second"], "nothing inserted by the second cursor")
            cr2.commit()
        finally:
            cr1.close()
            cr2.close()
        self.assertEqual(self.count_alerts(), 1)
