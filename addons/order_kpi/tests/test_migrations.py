from odoo.tests import TransactionCase, tagged

from odoo.addons.order_tracking.tests.test_migrations import load_migration


@tagged("post_install", "-at_install")
class TestMigrations(TransactionCase):
    def test_saved_analyses_follow_the_measures_named_after_their_kpis(self):
        """18.0.1.1.0: a favourite pivot of the KPI analysis saved on "Exception
        Ratio" and "On-Time vs Original Promise" shows the same measures after
        the upgrade; other models' filters are left alone."""
        Filter = self.env["ir.filters"]
        saved = Filter.create(
            {
                "name": "Exceptions by customer",
                "model_id": "order.kpi.report",
                "domain": "[('exception_rate', '>', 0)]",
                "context": "{'pivot_measures': ['exception_rate', 'otd_original_rate'],"
                " 'graph_measure': 'exception_rate'}",
                "sort": '["otd_original_rate desc"]',
            }
        )
        other = Filter.create(
            {
                "name": "Partners",
                "model_id": "res.partner",
                "domain": "[('name', 'ilike', 'exception_rate')]",
            }
        )
        self.env.flush_all()
        load_migration("18.0.1.1.0", "post-migrate", "order_kpi").migrate(self.env.cr, "18.0.1.0.0")
        self.env.invalidate_all()
        self.assertEqual(saved.domain, "[('exception_ratio', '>', 0)]")
        self.assertEqual(
            saved.context,
            "{'pivot_measures': ['exception_ratio', 'otd_rate_original'],"
            " 'graph_measure': 'exception_ratio'}",
        )
        self.assertEqual(saved.sort, '["otd_rate_original desc"]')
        self.assertEqual(other.domain, "[('name', 'ilike', 'exception_rate')]")
        # the migrated favourite reads measures the analysis has
        Report = self.env["order.kpi.report"]
        Report.search(saved._get_eval_domain())
        Report.read_group(
            [], ["exception_ratio:avg", "otd_rate_original:avg"], ["partner_id"], lazy=False
        )
