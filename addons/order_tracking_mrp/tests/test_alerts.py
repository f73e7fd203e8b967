from datetime import timedelta

from odoo import Command, fields
from odoo.tests import tagged

from odoo.addons.order_alerts.tests.common import AlertCase

from .common import MadeToOrderMixin


@tagged("post_install", "-at_install")
class TestProductionAlerts(MadeToOrderMixin, AlertCase):
    """A manufacturing order late against its planned end, or waiting for its
    components after its planned start, alerts on the customer order it
    delays; the alert resolves by itself when the production catches up."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.setup_made_to_order(component_qty=2.0)
        cls.late_rule = cls.make_rule(name="Production late", kind="production_late", hours=0)
        cls.short_rule = cls.make_rule(name="Components short", kind="components_short", hours=0)

    def made_order(self, when, quantity=2):
        with self.at(when):
            order = self.create_order([(self.made, quantity)], user_id=self.salesman.id)
            order.action_confirm()
            self.env.flush_all()
        production = order.mrp_production_ids
        self.assertEqual(len(production), 1)
        self.assertEqual(order.tracking_stage_code, "production_planned")
        return order, production

    @staticmethod
    def after(value, **delta):
        return fields.Datetime.to_string(value + timedelta(**delta))

    def test_production_late_names_the_order_and_resolves_when_done(self):
        self.set_stock(self.component, 100)
        order, production = self.made_order("2037-11-30 09:00:00")
        end = production.date_finished
        self.assertEqual(self.scan(self.late_rule, self.after(end, minutes=-5)), 0)
        self.assertEqual(self.scan(self.late_rule, self.after(end, hours=1)), 1)
        alert = self.open_alerts(self.late_rule, order)
        self.assertEqual(alert.start_at, end)
        self.assertIn(production.name, alert.description)
        self.assertIn(order.name, alert.description)
        self.assert_conditions_agree(self.late_rule, self.after(end, hours=1))
        # rescheduled: the old planned end no longer holds
        with self.at(self.after(end, hours=2)):
            production.date_finished = end + timedelta(days=3)
            self.env.flush_all()
        holding, cleared = self.assert_conditions_agree(self.late_rule, self.after(end, hours=2))
        self.assertFalse(holding)
        self.assertEqual(cleared, alert)
        self.scan(self.late_rule, self.after(end, hours=2))
        self.assertEqual(alert.state, "resolved")

    def test_components_short_until_they_arrive(self):
        order, production = self.made_order("2037-11-30 09:00:00")
        self.assertEqual(production.reservation_state, "confirmed")
        start = production.date_start
        self.assertEqual(self.scan(self.short_rule, self.after(start, hours=1)), 1)
        alert = self.open_alerts(self.short_rule, order)
        self.assertIn(production.name, alert.description)
        self.assert_conditions_agree(self.short_rule, self.after(start, hours=1))
        # the frames arrive and are reserved for the manufacturing order
        with self.at(self.after(start, hours=2)):
            self.receive(self.component, 10)
            production.action_assign()
            self.env.flush_all()
        self.assertEqual(production.reservation_state, "assigned")
        holding, _cleared = self.assert_conditions_agree(
            self.short_rule, self.after(start, hours=2)
        )
        self.assertFalse(holding)
        self.scan(self.short_rule, self.after(start, hours=2))
        self.assertEqual(alert.state, "resolved")

    def test_production_for_stock_alerts_on_the_order_it_covers(self):
        """A manufacturing order for stock that Odoo's forecast assigns to a
        short order (make-to-stock) delays that order when late."""
        self.set_stock(self.component, 100)
        stocked = self._create_product("Terminal Box 接线盒", price=120.0)
        self.env["mrp.bom"].create(
            {
                "product_tmpl_id": stocked.product_tmpl_id.id,
                "bom_line_ids": [
                    Command.create({"product_id": self.component.id, "product_qty": 1.0})
                ],
            }
        )
        with self.at("2037-11-30 09:00:00"):
            order = self.create_order([(stocked, 3)], user_id=self.salesman.id)
            order.action_confirm()
            production = self.env["mrp.production"].create(
                {"product_id": stocked.id, "product_qty": 3.0}
            )
            production.action_confirm()
            self.env.flush_all()
        self.assertFalse(production.procurement_group_id.sale_id)
        self.assertEqual(order.tracking_stage_code, "production_planned")
        end = production.date_finished
        self.assertEqual(self.scan(self.late_rule, self.after(end, hours=1)), 1)
        alert = self.open_alerts(self.late_rule, order)
        self.assertIn(production.name, alert.description)
        self.assert_conditions_agree(self.late_rule, self.after(end, hours=1))
        with self.at(self.after(end, hours=2)):
            self.produce(production)
            self.env.flush_all()
        self.assertEqual(order.tracking_stage_code, "ready")
        self.scan(self.late_rule, self.after(end, hours=2))
        self.assertEqual(alert.state, "resolved")

    def test_create_manufacturing_order_from_the_shortage_todo(self):
        self.set_stock(self.component, 100)
        self.made.route_ids = False  # made for stock
        rule = self.make_rule(name="Short", kind="stock_shortage", hours=0)
        with self.at("2037-11-30 09:00:00"):
            order = self.create_order([(self.made, 4)], user_id=self.salesman.id)
            order.action_confirm()
            self.env.flush_all()
        self.assertEqual(order.tracking_stage_code, "waiting_stock")
        self.scan(rule, "2037-11-30 10:00:00")
        todo = self.env["order.alert.shortage"].search([("product_id", "=", self.made.id)])
        todo.action_create_production()
        production = self.env["mrp.production"].search([("product_id", "=", self.made.id)])
        self.assertEqual(production.product_qty, 4.0)
        self.assertEqual(order.tracking_stage_code, "production_planned")
