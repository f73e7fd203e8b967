from freezegun import freeze_time

from odoo import Command
from odoo.tests import tagged
from odoo.tools import SQL

from odoo.addons.order_tracking.hooks import post_init_hook as tracking_post_init_hook
from odoo.addons.order_tracking.tools import history

from ..hooks import post_init_hook
from .common import KpiCase


@tagged("post_install", "-at_install")
class TestNumbersFromDayOne(KpiCase):
    """Orders shipped and paid before the add-ons were installed: order
    tracking reconstructs their history at its installation, and the KPIs
    are built from it at ours — last year's figures on day one."""

    def test_orders_from_before_installation(self):
        cr = self.env.cr
        # before installation: no history written (what order_tracking's own
        # installation does), no KPI fact marked
        cr.execute(SQL("SET LOCAL order_kpi.skip = 'on'"))
        self.addCleanup(cr.execute, SQL("SET LOCAL order_kpi.skip = 'off'"))
        legacy = self.env
        self.enterContext(history.suppressed(self.env))
        with freeze_time(self.day(self.M1, 2)):
            order = legacy["sale.order"].create(
                {
                    "partner_id": self.customer.id,
                    "commitment_date": self.day(self.M1, 5, 10),
                    "order_line": [
                        Command.create({"product_id": self.product.id, "product_uom_qty": 4})
                    ],
                }
            )
            order.action_confirm()
            legacy.flush_all()
        with freeze_time(self.day(self.M1, 4)):
            self.ship_all(order)
            legacy.flush_all()
        with freeze_time(self.day(self.M1, 5)):
            self.pay(self.invoice(order))
            legacy.flush_all()
        self.assertFalse(order.tracking_event_ids)
        self.assertFalse(self.Report.search([("order_id", "=", order.id)]))

        # order_tracking installed: history and promise reconstructed
        tracking_post_init_hook(legacy)
        self.assertEqual(
            order.tracking_event_ids.sorted("id").mapped("to_code")[:3],
            ["draft", "to_ship", "shipped"],
        )
        # order_kpi installed: its tables start empty and are built at once
        cr.execute(SQL("SET LOCAL order_kpi.skip = 'off'"))
        cr.execute(SQL("TRUNCATE order_kpi_report, order_kpi_stage_report, order_kpi_line_report"))
        post_init_hook(self.env)
        fact = self.fact(order)
        self.assertEqual(fact.delivered_at, self.day(self.M1, 4))
        self.assertEqual(fact.promise_original, self.day(self.M1, 5, 10))
        self.assertEqual(fact.otd_status, "early")
        self.assertAlmostEqual(fact.cycle_ship_hours, 48.0)
        kpis = self.kpis()
        self.assertEqual((kpis["orders"], kpis["on_time"], kpis["otd_due"]), (1, 1, 1))
        self.assertAlmostEqual(kpis["stage_hours"]["to_ship"], 48.0)
        self.assertTrue(
            self.env["order.kpi.stage.report"]
            .search([("order_id", "=", order.id)])
            .filtered("backfilled")
        )
