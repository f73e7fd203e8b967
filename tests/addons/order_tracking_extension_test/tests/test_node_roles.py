from datetime import datetime
from unittest.mock import patch

from freezegun import freeze_time

from odoo.tests import tagged

from odoo.addons.order_tracking.tests.common import OrderTrackingCase


@tagged("post_install", "-at_install")
class TestExtensionNodeRoles(OrderTrackingCase):
    """The KPIs read the history by the nodes' roles: ``certified`` is a
    warehouse node (its role, declared with it), so a stay in it past its SLA
    is the warehouse's delay — without a line of order_kpi knowing the node."""

    def test_a_late_stay_in_the_node_is_the_warehouse_s_delay(self):
        self.stage("certified").sla_hours = 1
        self.set_stock(self.product, 10)
        with freeze_time("2037-11-30 09:00:00"):
            order = self.create_order(commitment_date=datetime(2037, 12, 1, 10, 0))
            certificate = self.env["order.tracking.test.certificate"].create(
                {"name": "QC/0200", "order_id": order.id}
            )
            order.action_confirm()
            self.env.flush_all()
        with freeze_time("2037-11-30 09:10:00"):
            certificate.action_issue()
            self.env.flush_all()
        with freeze_time("2037-12-03 09:00:00"):
            self.ship_all(order)
            self.env.flush_all()
        self.assertEqual(
            self.codes(order), ["draft", "ready", "certified", "shipped"], "the path of the order"
        )
        Report = self.env["order.kpi.report"]
        Report._kpi_flush()
        fact = Report.search([("order_id", "=", order.id)])
        self.assertEqual(fact.miss_reason, "warehouse")
        # the same history, the node without its role: no warehouse delay
        SaleOrder = type(self.env["sale.order"])
        original = SaleOrder._tracking_nodes

        def without_role(records):
            return original(records).replace("certified", roles=frozenset())

        with patch.object(SaleOrder, "_tracking_nodes", without_role):
            self.env.registry.clear_cache()  # the node registry is cached
            Report._kpi_rebuild()
            fact.invalidate_recordset()
            fact = Report.search([("order_id", "=", order.id)])
            self.assertNotEqual(fact.miss_reason, "warehouse")
        self.env.registry.clear_cache()
        Report._kpi_rebuild()
