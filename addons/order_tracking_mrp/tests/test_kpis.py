from datetime import datetime

from freezegun import freeze_time

from odoo.tests import tagged

from odoo.addons.order_tracking.tests.common import OrderTrackingCase

from .common import MadeToOrderMixin


@tagged("post_install", "-at_install")
class TestProductionKpis(MadeToOrderMixin, OrderTrackingCase):
    """Time in production and promises missed for a production delay, on
    hand-computed values: two orders made to order, one on time, one late."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.setup_made_to_order()
        cls.set_stock(cls.component, 100)
        cls.Report = cls.env["order.kpi.report"]

    def made_and_shipped(self, confirmed, started, produced, shipped, promised):
        """An order made to order: confirmed, its manufacturing order started,
        done, and the goods shipped at the given times (UTC)."""
        with freeze_time(confirmed):
            order = self.create_order(
                [(self.made, 1)], commitment_date=datetime.fromisoformat(promised)
            )
            order.action_confirm()
            self.env.flush_all()
        production = order.mrp_production_ids
        with freeze_time(started):
            production.action_start()
            self.env.flush_all()
        with freeze_time(produced):
            self.produce(production)
            self.env.flush_all()
        with freeze_time(shipped):
            self.ship_all(order)
            self.env.flush_all()
        self.assertEqual(order.tracking_stage_code, "shipped")
        return order

    def test_time_in_production_and_production_misses(self):
        # 10 h planned + 20 h in production = 30 h; shipped before the promise
        self.made_and_shipped(
            "2037-11-30 08:00:00",
            "2037-11-30 18:00:00",
            "2037-12-01 14:00:00",
            "2037-12-01 15:00:00",
            promised="2037-12-04 12:00:00",
        )
        # 4 h planned + 6 h in production = 10 h; shipped after the promised day
        late = self.made_and_shipped(
            "2037-11-30 09:00:00",
            "2037-11-30 13:00:00",
            "2037-11-30 19:00:00",
            "2037-12-03 10:00:00",
            promised="2037-12-01 12:00:00",
        )
        with freeze_time("2037-12-10 12:00:00"):
            kpis = self.Report.get_kpis("2037-11-30", "2037-11-30")
            data = self.env["order.kpi.dashboard"].get_dashboard_data("2037-11-30", "2037-11-30")
        self.assertEqual(kpis["orders"], 2)
        self.assertAlmostEqual(kpis["production_hours_mean"], (30 + 10) / 2)
        self.assertEqual(kpis["missed"], 1)
        self.assertEqual(kpis["missed_production"], 1)
        fact = self.Report.search([("order_id", "=", late.id)])
        self.assertEqual(fact.miss_reason, "production_delay")
        self.assertAlmostEqual(fact.production_hours, 10.0)
        keys = [card["key"] for card in data["cards"]]
        self.assertIn("production_hours_mean", keys)
        self.assertIn("missed_production", keys)
        self.assertEqual(data["current"]["missed_production"], 1)
