from odoo import fields
from odoo.tests import tagged

from odoo.addons.order_tracking.tests.common import OrderTrackingCase

from .common import MadeToOrderMixin


@tagged("post_install", "-at_install")
class TestProduction(MadeToOrderMixin, OrderTrackingCase):
    """A made-to-order product manufactured from a bill of materials: the
    order follows its manufacturing order through Production Planned and In
    Production to Ready, on real documents."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.setup_made_to_order(component_qty=2.0)
        cls.set_stock(cls.component, 100)

    def confirm(self, quantity=3):
        order = self.create_order([(self.made, quantity)])
        order.action_confirm()
        return order

    @staticmethod
    def productions(order):
        return order.mrp_production_ids

    def test_made_to_order_walks_through_production(self):
        order = self.confirm()
        production = self.productions(order)
        self.assertEqual(len(production), 1)
        self.assertEqual(production.state, "confirmed")
        self.assertEqual(order.tracking_supply, "production_planned")
        self.assertEqual(order.tracking_stage_id.code, "production_planned")

        production.action_start()
        self.assertEqual(production.state, "progress")
        self.assertEqual(order.tracking_stage_id.code, "in_production")

        self.produce(production)
        self.assertEqual(production.state, "done")
        self.assertEqual(order.tracking_stage_id.code, "ready")
        self.assertFalse(order.tracking_supply)

        self.ship_all(order)
        self.assertEqual(order.tracking_stage_id.code, "shipped")
        codes = self.codes(order)
        self.assertEqual(
            codes[codes.index("production_planned") :],
            ["production_planned", "in_production", "ready", "shipped"],
        )
        events = order.tracking_event_ids.sorted("id")
        planned = events.filtered(lambda e: e.to_code == "production_planned")
        started = events.filtered(lambda e: e.to_code == "in_production")
        for event in planned | started:
            self.assertEqual(
                (event.source_model, event.source_id), (production._name, production.id)
            )
        timeline = order.get_tracking_timeline()[0]
        entry = next(e for e in timeline if e["to_code"] == "in_production")
        self.assertEqual(entry["source"], "production")
        self.assertEqual(entry["source_name"], production.name)

    def test_components_picked_start_the_production_for_the_order(self):
        """Odoo computes a manufacturing order's state from its moves: its
        components picked on the shop floor start it, with no write of the
        state, and the order made to order follows it into In Production."""
        order = self.confirm()
        production = self.productions(order)
        self.assertEqual(order.tracking_stage_id.code, "production_planned")
        self.env.flush_all()
        production.move_raw_ids.picked = True
        # what a request commits: the flush at its end writes the order's new
        # node with the production's new state
        self.env.flush_all()
        self.env.cr.execute(
            "SELECT tracking_supply, tracking_stage_code FROM sale_order WHERE id = %s",
            [order.id],
        )
        self.assertEqual(self.env.cr.fetchone(), ("in_production", "in_production"))
        self.assertEqual(production.state, "progress")
        self.assertEqual(order.tracking_supply, "in_production")
        self.assertEqual(order.tracking_stage_id.code, "in_production")
        event = order.tracking_event_ids.filtered(lambda e: e.to_code == "in_production")
        self.assertEqual((event.source_model, event.source_id), (production._name, production.id))

    def test_coverage_names_the_manufacturing_order(self):
        order = self.confirm(quantity=4)
        production = self.productions(order)
        [coverage] = order.get_supply_coverage()
        self.assertEqual(len(coverage), 1)
        line = coverage[0]
        self.assertEqual(line["line_id"], order.order_line.id)
        self.assertEqual(line["product_id"], self.made.id)
        self.assertEqual(line["qty_short"], 4.0)
        self.assertEqual(
            line["coverage"],
            [
                {
                    "model": "mrp.production",
                    "id": production.id,
                    "name": production.name,
                    "state": "confirmed",
                    "expected_date": fields.Datetime.to_string(production.date_finished),
                    "qty": 4.0,
                }
            ],
        )
        self.assertIn(production.name, order.tracking_supply_html)

    def test_cancelled_production_leaves_the_order_waiting(self):
        order = self.confirm()
        production = self.productions(order)
        production.action_cancel()
        order.invalidate_recordset()
        # the delivery no longer waits on anything Odoo will make: the order is
        # short, and nothing covers it
        self.assertEqual(order.tracking_fulfilment, "short")
        self.assertEqual(order.tracking_stage_id.code, "waiting_stock")
        self.assertEqual(order.get_supply_coverage()[0][0]["coverage"], [])

    def test_made_and_short_lines_show_the_least_advanced(self):
        """One line made to order and started, one line of a stocked product
        short with nothing covering it: the order waits for stock."""
        order = self.create_order([(self.made, 1), (self.product, 5)])
        order.action_confirm()
        order._tracking_reserve()
        production = self.productions(order)
        production.action_start()
        self.assertEqual(order.tracking_stage_id.code, "waiting_stock")
        coverage = {c["product_id"]: c["coverage"] for c in order.get_supply_coverage()[0]}
        self.assertEqual(coverage[self.product.id], [])
        self.assertEqual(coverage[self.made.id][0]["id"], production.id)
        self.receive(self.product, 5)
        order._tracking_reserve()
        self.assertEqual(order.tracking_stage_id.code, "in_production")

    def test_salesperson_reads_coverage_without_manufacturing_rights(self):
        order = self.confirm()
        order.user_id = self.salesman
        production = self.productions(order)
        coverage = order.with_user(self.salesman).get_supply_coverage()
        self.assertEqual(coverage[0][0]["coverage"][0]["name"], production.name)


@tagged("post_install", "-at_install")
class TestProductionForStock(MadeToOrderMixin, OrderTrackingCase):
    """Make-to-stock: a manufacturing order for stock covers the order short
    of its product the way Odoo's forecast assigns it."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.setup_made_to_order()
        cls.set_stock(cls.component, 100)
        # made for stock: no route that makes it for the order
        cls.made.route_ids = False

    def test_a_manufacturing_order_for_stock_walks_the_order_through_production(self):
        order = self.create_order([(self.made, 3)])
        order.action_confirm()
        self.assertEqual(order.tracking_stage_code, "waiting_stock")
        production = self.env["mrp.production"].create(
            {"product_id": self.made.id, "product_qty": 5.0}
        )
        self.assertEqual(order.tracking_stage_code, "production_planned")
        production.action_confirm()
        [[line]] = order.get_supply_coverage()
        self.assertEqual(
            [(c["model"], c["id"], c["qty"]) for c in line["coverage"]],
            [("mrp.production", production.id, 3.0)],
        )
        production.action_start()
        self.assertEqual(order.tracking_stage_code, "in_production")
        self.produce(production)
        self.assertEqual(order.tracking_stage_code, "ready")
        self.assertEqual(
            self.codes(order)[-4:],
            ["waiting_stock", "production_planned", "in_production", "ready"],
        )
        event = order.tracking_event_ids.filtered(lambda e: e.to_code == "in_production")
        self.assertEqual((event.source_model, event.source_id), (production._name, production.id))
