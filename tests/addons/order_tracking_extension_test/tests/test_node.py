from freezegun import freeze_time

from odoo.tests import tagged

from odoo.addons.order_tracking.hooks import post_init_hook
from odoo.addons.order_tracking.tests.common import OrderTrackingCase
from odoo.addons.order_tracking.tools import history


@tagged("post_install", "-at_install")
class TestExtensionNode(OrderTrackingCase):
    """The node ``certified``, declared in one file of this add-on
    (models/sale_order.py), in every place a node shows: the walk, the
    history and its sources, the timeline, the kanban, the install
    back-fill, the rule on the nodes' order."""

    def order_with_certificate(self):
        self.set_stock(self.product, 10)
        order = self.create_order()
        certificate = self.env["order.tracking.test.certificate"].create(
            {"name": "QC/0001", "order_id": order.id}
        )
        order.action_confirm()
        self.env.flush_all()
        return order, certificate

    def test_registry_places_the_node_after_ready(self):
        nodes = self.env["sale.order"]._tracking_nodes()
        walk = nodes.walk_codes()
        self.assertEqual(walk[walk.index("ready") + 1], "certified")
        self.assertIn("certified", nodes.with_role("warehouse"))
        self.assertTrue(self.stage("certified").is_standard)

    def test_order_waits_at_ready_until_certified_and_the_certificate_is_the_source(self):
        order, certificate = self.order_with_certificate()
        self.assertEqual(order.tracking_stage_code, "ready")
        certificate.action_issue()
        self.env.flush_all()
        self.assertEqual(order.tracking_stage_code, "certified")
        event = order.tracking_event_ids.sorted("id")[-1]
        self.assertEqual(event.from_code, "ready")
        self.assertEqual(event.to_code, "certified")
        self.assertEqual(
            (event.source_model, event.source_id),
            ("order.tracking.test.certificate", certificate.id),
        )
        timeline = order.get_tracking_timeline()[0]
        self.assertEqual(timeline[-1]["to_code"], "certified")
        self.assertEqual(timeline[-1]["source"], "quality")
        self.assertEqual(timeline[-1]["source_name"], "QC/0001")
        # the walk goes on past it: shipping moves the order to Shipped
        self.ship_all(order)
        self.assertEqual(order.tracking_stage_code, "shipped")
        self.assertTrue(order.verify_tracking_history()[0]["ok"])

    def test_orders_without_certificate_skip_the_node(self):
        self.set_stock(self.product, 10)
        order = self.create_order()
        order.action_confirm()
        self.assertEqual(self.codes(order), ["draft", "ready"])
        self.ship_all(order)
        self.assertEqual(self.codes(order), ["draft", "ready", "shipped"])

    def test_the_kanban_shows_the_node_with_its_orders(self):
        order, certificate = self.order_with_certificate()
        certificate.action_issue()
        self.env.flush_all()
        groups = self.env["sale.order"].web_read_group(
            [("id", "=", order.id)], ["tracking_stage_id"], ["tracking_stage_id"]
        )["groups"]
        counts = {
            group["tracking_stage_id"][0]: group["tracking_stage_id_count"] for group in groups
        }
        self.assertEqual(counts.get(self.stage("certified").id), 1)

    def test_install_backfill_dates_the_node_from_the_certificate(self):
        self.set_stock(self.product, 10)
        self.enterContext(history.suppressed(self.env))
        with freeze_time("2037-10-01 09:00:00"):
            order = self.create_order()
            certificate = self.env["order.tracking.test.certificate"].create(
                {"name": "QC/0002", "order_id": order.id}
            )
        with freeze_time("2037-10-02 09:00:00"):
            order.action_confirm()
        with freeze_time("2037-10-03 15:00:00"):
            certificate.action_issue()
        self.env.flush_all()
        self.assertFalse(order.tracking_event_ids)
        self.assertEqual(order.tracking_stage_code, "certified")
        post_init_hook(self.env)
        events = order.tracking_event_ids.sorted("id")
        self.assertEqual(events.mapped("to_code"), ["draft", "to_ship", "certified"])
        self.assertEqual(str(events[-1].date), "2037-10-03 15:00:00")
        self.assertEqual(events[-1].source_model, "order.tracking.test.certificate")
        self.assertEqual(events[-1].source_name, "QC/0002")
        self.assertTrue(order.verify_tracking_history()[0]["ok"])

    def test_the_node_keeps_its_place_among_the_standard_nodes(self):
        with self.assertRaisesRegex(Exception, "standard nodes must keep the order"):
            self.stage("certified").sequence = 5
            self.env.flush_all()
