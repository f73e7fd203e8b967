import xmlrpc.client

from odoo.tests import HttpCase, tagged

from .common import KpiCase


@tagged("post_install", "-at_install")
class TestKpiRpc(HttpCase, KpiCase):
    """``get_kpis`` over XML-RPC, as an integration calls it."""

    def call(self, method, *args, **kwargs):
        return self.xmlrpc_object.execute_kw(
            self.env.cr.dbname,
            self.leader.id,
            "kpi_leader",
            "order.kpi.report",
            method,
            list(args),
            kwargs,
        )

    def test_get_kpis_over_xmlrpc(self):
        d = self.day(self.M1, 2)
        order = self.order(d, promise=self.day(d, 5, 10))
        self.ship(order, self.day(d, 3))
        late = self.order(d, promise=self.day(d, 1, 10), lines=[(self.product_b, 2)])
        self.ship(late, self.day(d, 4))
        # an external client shares nothing with this test's caches; what
        # the test wrote is committed for it as a commit would
        self.Report._kpi_flush()
        date_from = self.M1.date().isoformat()
        date_to = self.M2.date().isoformat()
        kpis = self.call("get_kpis", date_from, date_to, company_id=self.company.id)
        for key in (
            "orders",
            "amount",
            "aov",
            "otd_rate",
            "otif_rate",
            "cycle_hours_mean",
            "cycle_hours_median",
            "cycle_hours_p90",
            "exception_ratio",
            "automation_rate",
            "completion_rate",
            "growth_rate",
            "new_customers",
            "repurchase_rate",
            "top_customers",
            "top_products",
            "stage_hours",
        ):
            self.assertIn(key, kpis)
        self.assertEqual(kpis["orders"], 2)
        self.assertAlmostEqual(kpis["amount"], 600.0)
        self.assertAlmostEqual(kpis["otd_rate"], 0.5)
        self.assertAlmostEqual(kpis["cycle_hours_mean"], (72 + 96) / 2)
        self.assertIs(kpis["automation_rate"], False)  # no approval in the period
        self.assertIs(kpis["growth_rate"], False)
        self.assertEqual(kpis["new_customers"], 1)
        self.assertEqual(kpis["top_customers"][0]["name"], self.customer.display_name)
        self.assertEqual(
            {p["product_id"] for p in kpis["top_products"]}, {self.product.id, self.product_b.id}
        )
        self.assertIn("ready", kpis["stage_hours"])
        # bad input comes back as a sentence, not a traceback of ours
        with self.assertRaises(xmlrpc.client.Fault) as error:
            self.call("get_kpis", "yesterday", date_to)
        self.assertIn("YYYY-MM-DD", error.exception.faultString)
