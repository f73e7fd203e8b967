from freezegun import freeze_time

from odoo.tests import tagged

from odoo.addons.order_tracking.tests.common import OrderTrackingCase


@tagged("post_install", "-at_install")
class TestExtensionKpi(OrderTrackingCase):
    """The KPI ``certified_orders``, declared in one file of this add-on
    (models/order_kpi_report.py), in get_kpis and on the cockpit."""

    def test_the_kpi_is_returned_and_carded(self):
        self.set_stock(self.product, 10)
        with freeze_time("2037-11-10 09:00:00"):
            certified, plain = self.create_order(), self.create_order()
            certificate = self.env["order.tracking.test.certificate"].create(
                {"name": "QC/0300", "order_id": certified.id}
            )
            (certified | plain).action_confirm()
            certificate.action_issue()
            self.env.flush_all()
        period = ("2037-11-01", "2037-11-30")
        kpis = self.env["order.kpi.report"].get_kpis(*period)
        self.assertEqual(kpis["orders"], 2)
        self.assertEqual(kpis["certified_orders"], 1)
        data = self.env["order.kpi.dashboard"].get_dashboard_data(*period)
        card = next(c for c in data["cards"] if c["key"] == "certified_orders")
        self.assertEqual(card["label"], "Certified orders")
        self.assertEqual(data["current"]["certified_orders"], 1)
        self.assertEqual(data["previous"]["certified_orders"], 0)
        drilled = self.env["order.kpi.report"].search(
            [("date", ">=", period[0]), ("date", "<=", period[1]), *card["drill"]]
        )
        self.assertEqual(drilled.order_id, certified)
