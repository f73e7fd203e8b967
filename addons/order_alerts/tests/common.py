"""Fixtures of the alert tests: a UTC working calendar (Mon-Fri 8-12,
13-17) with a public holiday on Wednesday 2 December 2037 (a year whose
calendar is 2026's, far from the day the tests were written), and builders.

The calendar week used by the tests::

    Mon 30 Nov   Tue 1 Dec   Wed 2 Dec (holiday)   Thu 3 Dec   Fri 4 Dec
    Sat 5 / Sun 6 Dec (weekend)   Mon 7 Dec   Tue 8 Dec
"""

from contextlib import contextmanager
from datetime import datetime

from freezegun import freeze_time

from odoo.tests import new_test_user
from odoo.tools import SQL

from odoo.addons.order_tracking.tests.common import OrderTrackingCase

MONDAY = "2037-11-30"


class AlertCase(OrderTrackingCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.calendar = cls.env["resource.calendar"].create({"name": "Alerts 40h UTC", "tz": "UTC"})
        cls.env["resource.calendar.leaves"].create(
            {
                "name": "Public holiday 公众假期",
                "calendar_id": cls.calendar.id,
                "resource_id": False,
                "date_from": datetime(2037, 12, 2, 0, 0),
                "date_to": datetime(2037, 12, 2, 23, 59, 59),
                "time_type": "leave",
            }
        )
        cls.company.resource_calendar_id = cls.calendar
        # orders stay in "To Ship" until the warehouse checks availability
        cls.warehouse.out_type_id.reservation_method = "manual"
        cls.set_stock(cls.product, 1000)
        cls.stock_manager = new_test_user(
            cls.env,
            login="alr_stock_manager",
            groups="stock.group_stock_manager",
            name="Wang Fang 王芳",
        )
        cls.director = new_test_user(
            cls.env,
            login="alr_director",
            groups="sales_team.group_sale_manager",
            name="Zhang Wei 张伟",
        )
        cls.team = cls.env["crm.team"].create(
            {"name": "East China 华东", "user_id": cls.director.id}
        )
        cls.to_ship = cls.stage("to_ship")
        cls.draft = cls.stage("draft")
        cls.Rule = cls.env["order.alert.rule"]
        cls.Alert = cls.env["order.alert"]
        # rules of the database (demo data) stay out of the tests
        cls.Rule.with_context(active_test=False).search([]).write({"active": False})

    # -- builders -----------------------------------------------------------

    @classmethod
    def make_rule(cls, **vals):
        values = {
            "name": "Rule",
            "kind": "stage_sla",
            "responsible_type": "users",
            "user_ids": [(6, 0, cls.stock_manager.ids)],
            "warning_ratio": 0.0,
        }
        values.update(vals)
        return cls.Rule.create(values)

    def confirmed_order(self, when, lines=None, **vals):
        """An order confirmed at ``when`` and left in To Ship."""
        with freeze_time(when):
            order = self.create_order(
                lines or [(self.product, 2)], user_id=self.salesman.id, team_id=self.team.id, **vals
            )
            order.action_confirm()
            self.env.flush_all()
        self.assertEqual(order.tracking_stage_code, "to_ship")
        return order

    @contextmanager
    def at(self, when):
        with freeze_time(when):
            yield

    def scan(self, rules, when):
        with freeze_time(when):
            count = self.Rule.run_scan(rule_ids=rules.ids)
            self.env.flush_all()
        return count

    def alerts(self, rule, order=None, **filters):
        domain = [("rule_id", "=", rule.id)]
        if order:
            domain.append(("order_id", "=", order.id))
        domain += [(key, "=", value) for key, value in filters.items()]
        return self.Alert.search(domain, order="id")

    def open_alerts(self, rule, order=None):
        return self.alerts(rule, order).filtered(lambda a: a.state != "resolved")

    # -- one kind, three statements of its condition ---------------------------

    def assert_conditions_agree(self, rule, when, alerts=None):
        """The three statements of ``rule``'s kind agree on its open alerts
        at ``when``: the Python check (``_holds_<kind>``); the SQL the
        resolve pass trusts (``_still_holds_sql_<kind>``: when it says an
        alert holds, the Python check says so too); and the scan's source
        (``_scan_source_<kind>``: an alert holds exactly when its order is
        still a candidate under the same clock entry — predicted alerts,
        step 0 of the ship-date kind, excepted: a risk, not a source row).
        Returns (holding, cleared) alerts, so that a test can also say which."""
        alerts = alerts if alerts is not None else self.open_alerts(rule)
        self.assertTrue(alerts, "no alert to compare the conditions on")
        with freeze_time(when):
            self.env.flush_all()
            now = datetime.fromisoformat(when)
            holding = rule._alert_holds(alerts)
            still_holds = rule._kind_hook("still_holds_sql")
            if still_holds:
                self.env.cr.execute(
                    SQL(
                        """SELECT a.id FROM order_alert a JOIN sale_order so ON so.id = a.order_id
                            WHERE a.id = ANY(%s) AND %s AND %s""",
                        alerts.ids,
                        SQL(" AND ").join(rule._scan_scope()),
                        still_holds(),
                    )
                )
                certain = {row[0] for row in self.env.cr.fetchall()}
                self.assertLessEqual(
                    certain, holding, f"{rule.kind}: the SQL says holds, Python says cleared"
                )
                self.assertEqual(
                    certain, holding, f"{rule.kind}: the SQL and Python checks disagree"
                )
            source = rule._scan_source(datetime(9999, 1, 1), now)
            rows = rule._fetch(source) if source is not None else []
            candidates = {(row["order_id"], row["entry_key"]) for row in rows}
            for alert in alerts.filtered(lambda a: not (a.kind == "ship_date" and a.step == 0)):
                self.assertEqual(
                    (alert.order_id.id, alert.stage_entry_key) in candidates,
                    alert.id in holding,
                    f"{rule.kind}: the scan's source and the Python check disagree on "
                    f"{alert.order_id.name} ({alert.stage_entry_key})",
                )
        return alerts.filtered(lambda a: a.id in holding), alerts.filtered(
            lambda a: a.id not in holding
        )
