from datetime import datetime

from odoo.tests import tagged

from odoo.addons.order_tracking.tests.common import TranslationCheckMixin

from .common import KpiCase


@tagged("post_install", "-at_install")
class TestDigestAndTranslations(KpiCase, TranslationCheckMixin):
    def test_order_kpis_in_the_periodic_digest(self):
        d = self.day(self.M1, 2)
        on_time = self.order(d, promise=self.day(d, 5, 10))
        self.ship(on_time, self.day(d, 3))
        late = self.order(d, promise=self.day(d, 1, 10))
        self.ship(late, self.day(d, 4))
        digest = self.env["digest.digest"].create(
            {
                "name": "Weekly 周报",
                "kpi_order_kpi_orders": True,
                "kpi_order_kpi_otd": True,
                "company_id": self.company.id,
            }
        )
        # the digest's rolling week ending the day after the orders' day
        week = digest.with_context(
            start_datetime=datetime.combine(self.day(d, -6).date(), datetime.min.time()),
            end_datetime=datetime.combine(self.day(d, 1).date(), datetime.min.time()),
        )
        self.assertEqual(week.kpi_order_kpi_orders_value, 2)
        self.assertAlmostEqual(week.kpi_order_kpi_otd_value, 50.0)
        self.assertAlmostEqual(week.kpi_order_kpi_cycle_value, (72 + 96) / 2)
        kpis = digest._compute_kpis(self.company, self.env.user)
        names = [kpi["kpi_name"] for kpi in kpis]
        self.assertIn("kpi_order_kpi_otd", names)

    def test_every_term_translated_to_chinese(self):
        self.assertGreater(self.assert_fully_translated("order_kpi"), 100)
