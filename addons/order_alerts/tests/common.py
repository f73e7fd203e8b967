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
