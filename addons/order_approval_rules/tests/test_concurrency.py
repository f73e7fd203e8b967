"""Two people (or two cron workers) acting at the same moment.

Other cursors cannot see a TransactionCase's uncommitted data, so these tests
commit their own data in fresh cursors and delete it afterwards. Each worker
runs in its own thread and cursor, reads first (so that both transactions
hold their snapshot before either commits), meets the other at a barrier,
then acts; a serialisation failure is retried as Odoo's RPC layer does
(``odoo.service.model.retrying``)."""

import threading
import uuid
from datetime import timedelta

from psycopg2 import errors

from odoo import SUPERUSER_ID, api, fields
from odoo.modules.registry import Registry
from odoo.tests import BaseCase, get_db_name, new_test_user, tagged
from odoo.tools import SQL

RETRYABLE = (errors.SerializationFailure, errors.LockNotAvailable, errors.DeadlockDetected)


@tagged("post_install", "-at_install")
class TestConcurrency(BaseCase):
    def setUp(self):
        super().setUp()
        self.registry = Registry(get_db_name())
        self.tag = uuid.uuid4().hex[:8]
        self.ids = {}
        self.addCleanup(self._cleanup)
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {"tracking_disable": True})
            # other rules of the database (demo) are set aside, and restored
            others = env["order.approval.rule"].search([])
            others.write({"active": False})
            self.ids["previous_rules"] = others.ids
            users = {
                name: new_test_user(
                    env,
                    login=f"apr_conc_{name}_{self.tag}",
                    groups=groups,
                    name=f"{name} {self.tag}",
                )
                for name, groups in (
                    ("salesman", "sales_team.group_sale_salesman"),
                    ("director", "sales_team.group_sale_salesman_all_leads"),
                    ("gm", "sales_team.group_sale_manager"),
                )
            }
            partner = env["res.partner"].create({"name": f"Concurrent Customer {self.tag}"})
            product = env["product.product"].create(
                {"name": f"Service {self.tag}", "type": "service", "list_price": 100}
            )
            rule = env["order.approval.rule"].create(
                {
                    "name": f"Co-sign {self.tag}",
                    "mode": "all",
                    "min_amount": 1,
                    "sla_hours": 1,
                    "user_ids": [(6, 0, (users["director"] | users["gm"]).ids)],
                }
            )
            order = env["sale.order"].create(
                {
                    "partner_id": partner.id,
                    "user_id": users["salesman"].id,
                    "order_line": [
                        (0, 0, {"product_id": product.id, "price_unit": 5000, "tax_id": False})
                    ],
                }
            )
            order.with_user(users["salesman"]).action_request_approval()
            self.ids = {
                "users": {name: user.id for name, user in users.items()},
                "partner": partner.id,
                "product": product.id,
                "rule": rule.id,
                "order": order.id,
                "previous_rules": others.ids,
            }

    def _cleanup(self):
        if self.ids.get("previous_rules"):
            with self.registry.cursor() as cr:
                env = api.Environment(cr, SUPERUSER_ID, {})
                env["order.approval.rule"].browse(self.ids["previous_rules"]).write(
                    {"active": True}
                )
        if "order" not in self.ids:
            return
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            order_id = self.ids["order"]
            for table, column in (
                ("mail_activity", "res_model"),
                ("mail_message", "model"),
                ("mail_followers", "res_model"),
            ):
                cr.execute(
                    SQL(
                        "DELETE FROM %s WHERE %s = 'sale.order' AND res_id = %s",
                        SQL.identifier(table),
                        SQL.identifier(column),
                        order_id,
                    )
                )
            # the order's history goes with the order (cascade)
            cr.execute(SQL("DELETE FROM sale_order WHERE id = %s", order_id))
            cr.execute(SQL("DELETE FROM order_approval_rule WHERE id = %s", self.ids["rule"]))
            env["product.product"].browse(self.ids["product"]).product_tmpl_id.unlink()
            users = env["res.users"].browse(list(self.ids["users"].values()))
            partners = users.partner_id | env["res.partner"].browse(self.ids["partner"])
            cr.execute(
                SQL(
                    "DELETE FROM mail_message WHERE author_id = ANY(%s) OR create_uid = ANY(%s)",
                    partners.ids,
                    users.ids,
                )
            )
            try:
                with cr.savepoint():
                    users.unlink()
                    partners.unlink()
            except Exception:  # noqa: BLE001 - leave inert users rather than fail the suite
                users.write({"active": False})

    def _run_concurrently(self, actions):
        """Run ``actions`` (functions of an env) in parallel threads, one
        cursor each; returns (results, retries)."""
        barrier = threading.Barrier(len(actions))
        results, retries, failures = [None] * len(actions), [0], []

        def worker(index, uid, action):
            for attempt in range(5):
                try:
                    with self.registry.cursor() as cr:
                        env = api.Environment(cr, uid, {})
                        env["sale.order"].browse(self.ids["order"]).read(["approval_state"])
                        if attempt == 0:
                            barrier.wait(timeout=30)
                        results[index] = action(env)
                    return
                except RETRYABLE:
                    retries[0] += 1
                except Exception as error:  # noqa: BLE001 - reported below
                    failures.append(error)
                    return

        threads = [
            threading.Thread(target=worker, args=(index, uid, action))
            for index, (uid, action) in enumerate(actions)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)
        self.assertFalse(failures, failures)
        return results, retries[0]

    def test_two_co_signers_at_the_same_time(self):
        users = self.ids["users"]

        def approve(env):
            return env["sale.order"].browse(self.ids["order"]).action_approve()

        _results, retries = self._run_concurrently(
            [(users["director"], approve), (users["gm"], approve)]
        )
        self.assertGreaterEqual(retries, 1, "the second approver waited for the first")
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            order = env["sale.order"].browse(self.ids["order"])
            request = order.approval_request_ids
            self.assertEqual(len(request), 1)
            self.assertEqual(request.state, "approved")
            self.assertEqual(len(request.decision_ids), 2)
            self.assertEqual(
                set(request.decision_ids.user_id.ids), {users["director"], users["gm"]}
            )
            self.assertEqual(order.approval_state, "approved")
            self.assertEqual(order.state, "sale")
            self.assertEqual(
                [e.to_code for e in order.tracking_event_ids.sorted("id")],
                ["draft", "to_approve", "to_ship"],
            )

    def test_two_escalation_crons_at_the_same_time(self):
        with self.registry.cursor() as cr:
            cr.execute(
                SQL(
                    "UPDATE order_approval_request SET deadline = %s WHERE order_id = %s",
                    fields.Datetime.now() - timedelta(hours=1),
                    self.ids["order"],
                )
            )

        def escalate(env):
            return env["order.approval.request"]._cron_escalate()

        results, _retries = self._run_concurrently(
            [(SUPERUSER_ID, escalate), (SUPERUSER_ID, escalate)]
        )
        self.assertEqual(sorted(r or 0 for r in results), [0, 1])
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            order = env["sale.order"].browse(self.ids["order"])
            self.assertTrue(order.approval_request_ids.escalated)
            notes = order.message_ids.filtered(lambda m: "escalated" in (m.body or ""))
            self.assertEqual(len(notes), 1)
