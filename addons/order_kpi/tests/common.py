"""Builders of the KPI tests: orders confirmed, promised, shipped, returned
at chosen moments (the Python clock is moved with freezegun, so that every
business date — confirmation, picking, status event — is the one chosen).

Moments are relative to now: the tests use the month that started three
months ago (``M1``) and the next one (``M2``), so they never age.
"""

from contextlib import contextmanager
from datetime import datetime, time, timedelta

from dateutil.relativedelta import relativedelta
from freezegun import freeze_time

from odoo import Command, fields
from odoo.tests import new_test_user
from odoo.tools import SQL

from odoo.addons.order_tracking.tests.common import OrderTrackingCase
from odoo.addons.order_tracking.tools import history


class KpiCase(OrderTrackingCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # no reliance on data of the database: no approval or alert rule,
        # a company calendar in UTC, no tolerance
        cls.env["order.approval.rule"].search([]).write({"active": False})
        cls.env["order.alert.rule"].search([]).write({"active": False})
        # round the clock, in UTC: working hours equal wall-clock hours, so
        # that node SLAs do not depend on the weekday the test runs on
        cls.calendar = cls.env["resource.calendar"].create(
            {
                "name": "KPI 24/7 UTC",
                "tz": "UTC",
                "attendance_ids": [
                    Command.create(
                        {
                            "name": f"Day {day}",
                            "dayofweek": str(day),
                            "hour_from": 0.0,
                            "hour_to": 24.0,
                            "day_period": "morning",
                        }
                    )
                    for day in range(7)
                ],
            }
        )
        cls.company.write(
            {
                "resource_calendar_id": cls.calendar.id,
                "kpi_late_tolerance_days": 0,
                "kpi_min_sample": 2,
            }
        )
        cls.set_stock(cls.product, 10000)
        cls.set_stock(cls.product_b, 10000)
        first = (fields.Datetime.now() - relativedelta(months=3)).replace(
            day=1, hour=0, minute=0, second=0, microsecond=0
        )
        cls.M1 = first
        cls.M2 = first + relativedelta(months=1)
        cls.Report = cls.env["order.kpi.report"]
        cls.leader = new_test_user(
            cls.env,
            login="kpi_leader",
            groups="sales_team.group_sale_salesman_all_leads",
            name="Zhao Lei 赵磊 (Team Leader)",
        )
        cls.team_east = cls.env["crm.team"].create({"name": "East China 华东"})
        cls.team_south = cls.env["crm.team"].create({"name": "South China 华南"})

    # -- moments --------------------------------------------------------

    @staticmethod
    def day(base, days, hour=9):
        """``base`` + ``days`` days, at ``hour`` o'clock (UTC)."""
        return datetime.combine((base + timedelta(days=days)).date(), time(hour))

    @contextmanager
    def at(self, moment):
        with freeze_time(moment):
            yield
            self.env.flush_all()

    # -- documents ------------------------------------------------------

    def order(self, confirm_at, promise=None, lines=None, partner=None, team=None, **vals):
        """A sale order created and confirmed at ``confirm_at``, promised
        (commitment date) for ``promise``."""
        with self.at(confirm_at):
            order = self.create_order(
                lines or [(self.product, 4)],
                partner=partner,
                commitment_date=promise or False,
                team_id=(team or self.team_east).id,
                **vals,
            )
            order.action_confirm()
        return order

    def ship(self, order, moment, quantities=None):
        """Validate the order's ready deliveries at ``moment`` (``quantities``
        {product: qty} ships part, leaving a backorder)."""
        with self.at(moment):
            for picking in self.outgoing(order):
                if picking.state != "assigned":
                    picking.action_assign()
                self.validate(picking, quantities)
        return order

    def repromise(self, order, moment, promise, reason="Customer moved the date 客户改期"):
        with self.at(moment):
            with history.promising(order.env, reason):
                order.write({"commitment_date": promise})
        return order

    def return_goods(self, order, moment, quantity=None):
        """The customer sends goods back (return picking validated at
        ``moment``; quantities on the order updated, as Odoo does by default)."""
        with self.at(moment):
            delivery = order.picking_ids.filtered(
                lambda p: p.state == "done" and p.location_dest_id.usage == "customer"
            )[-1:]
            wizard = self.env["stock.return.picking"].create({"picking_id": delivery.id})
            for line in wizard.product_return_moves:
                line.quantity = quantity if quantity is not None else line.move_id.quantity
            returned = wizard._create_return()
            self.validate(returned)
        return returned

    # -- reading --------------------------------------------------------

    def kpis(self, date_from=None, date_to=None, **kwargs):
        date_from = date_from or self.M1.date()
        date_to = date_to or (self.M2 + relativedelta(months=1, days=-1)).date()
        return self.Report.get_kpis(
            fields.Date.to_string(date_from), fields.Date.to_string(date_to), **kwargs
        )

    def fact(self, order):
        return self.Report.search([("order_id", "=", order.id)])

    def dirty(self, order):
        """How many marks this transaction left on ``order`` for refresh."""
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                "SELECT count(*) FROM order_kpi_dirty WHERE order_id = %s AND xid = txid_current()",
                order.id,
            )
        )
        return self.env.cr.fetchone()[0]

    def groups(self, groupby, aggregates, domain=None):
        """Pivot cells: {group key tuple: {aggregate: value}}."""
        domain = [("confirmed", "=", True), *self.window(), *(domain or [])]
        rows = self.Report.read_group(domain, aggregates, groupby, lazy=False)
        result = {}
        for row in rows:
            key = tuple(row[g][0] if isinstance(row[g], tuple) else row[g] for g in groupby)
            result[key] = row
        return result

    def window(self):
        """The dates the tests' orders are in (the database may hold others)."""
        return [
            ("date", ">=", (self.M1 - relativedelta(months=6)).date()),
            ("date", "<", (self.M2 + relativedelta(months=1)).date()),
        ]

    @staticmethod
    def lines(products, quantity=1, price=None):
        return [(p, quantity) if price is None else (p, quantity, price) for p in products]

    @classmethod
    def products(cls, count, prefix="Part"):
        return cls.env["product.product"].create(
            [
                {
                    "name": f"{prefix} {index:02d}",
                    "type": "consu",
                    "list_price": 10.0 * (index + 1),
                    "invoice_policy": "order",
                }
                for index in range(count)
            ]
        )

    @staticmethod
    def command_lines(products, quantity=1):
        return [Command.create({"product_id": p.id, "product_uom_qty": quantity}) for p in products]
