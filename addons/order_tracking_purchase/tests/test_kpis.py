from datetime import datetime, timedelta

from freezegun import freeze_time

from odoo import fields
from odoo.tests import tagged

from odoo.addons.order_tracking.tests.common import OrderTrackingCase

from .common import BoughtToOrderMixin


@tagged("post_install", "-at_install")
class TestPurchasingKpis(BoughtToOrderMixin, OrderTrackingCase):
    """Time in purchasing, supplier on-time receipt and promises missed for a
    supplier delay, on hand-computed values: two orders bought to order, one
    received on time, one late."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.setup_bought_to_order(delay=0)
        cls.Report = cls.env["order.kpi.report"]

    def bought_and_shipped(self, confirmed, expected, received, promised):
        """An order bought to order: confirmed with its purchase (expected
        at ``expected``), received and shipped at ``received``."""
        with freeze_time(confirmed):
            order = self.create_order(
                [(self.bought, 2)], commitment_date=datetime.fromisoformat(promised)
            )
            order.action_confirm()
            purchase = order._get_purchase_orders()
            purchase.order_line.date_planned = datetime.fromisoformat(expected)
            purchase.button_confirm()
            self.env.flush_all()
        self.assertEqual(order.tracking_stage_code, "purchasing")
        with freeze_time(received):
            self.validate(purchase.picking_ids)
            self.ship_all(order)
            self.env.flush_all()
        self.assertEqual(order.tracking_stage_code, "shipped")
        return order

    def test_time_in_purchasing_supplier_on_time_and_supplier_misses(self):
        # 24 h in purchasing, received before it was expected, shipped on time
        self.bought_and_shipped(
            "2037-11-30 08:00:00",
            expected="2037-12-01 12:00:00",
            received="2037-12-01 08:00:00",
            promised="2037-12-04 12:00:00",
        )
        # 48 h in purchasing, received a day late, shipped after the promise
        late = self.bought_and_shipped(
            "2037-11-30 10:00:00",
            expected="2037-12-01 10:00:00",
            received="2037-12-02 10:00:00",
            promised="2037-12-01 12:00:00",
        )
        with freeze_time("2037-12-10 12:00:00"):
            kpis = self.Report.get_kpis("2037-11-30", "2037-11-30")
        self.assertEqual(kpis["orders"], 2)
        self.assertAlmostEqual(kpis["purchase_hours_mean"], (24 + 48) / 2)
        self.assertAlmostEqual(kpis["supplier_otd_rate"], 0.5)
        self.assertEqual(kpis["missed"], 1)
        self.assertEqual(kpis["missed_supplier"], 1)
        fact = self.Report.search([("order_id", "=", late.id)])
        self.assertEqual(fact.miss_reason, "supplier_delay")
        received = late._get_purchase_orders().picking_ids.date_done
        self.assertEqual(received, fields.Datetime.to_datetime("2037-12-02 10:00:00"))
        self.assertGreater(
            received - late._get_purchase_orders().order_line.date_planned, timedelta(hours=23)
        )
