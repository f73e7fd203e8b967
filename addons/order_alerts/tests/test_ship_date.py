from datetime import datetime

from odoo import Command
from odoo.tests import tagged

from .common import AlertCase


@tagged("post_install", "-at_install")
class TestShipDate(AlertCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.rule = cls.make_rule(
            name="Ship date passed",
            kind="ship_date",
            responsible_type="salesperson",
            user_ids=[Command.clear()],
            action_activity=False,
            action_post=True,
            action_highlight=True,
        )

    def test_commitment_date_passed_without_full_shipment(self):
        order = self.confirmed_order(
            "2037-11-30 09:00:00", commitment_date=datetime(2037, 12, 7, 10, 0)
        )
        self.assertEqual(self.scan(self.rule, "2037-12-07 09:55:00"), 0)
        self.assertFalse(order.alert_highlight)
        self.assertEqual(self.scan(self.rule, "2037-12-07 10:05:00"), 1)
        alert = self.alerts(self.rule, order)
        self.assertRecordValues(
            alert,
            [
                {
                    "level": "breach",
                    "user_id": self.salesman.id,
                    "stage_entry_key": "promise:2037-12-07 10:00:00",
                    "highlight": True,
                }
            ],
        )
        order.invalidate_recordset()
        self.assertEqual(order.alert_open_count, 1)
        self.assertTrue(order.alert_highlight)
        self.assertIn(order, self.env["sale.order"].search([("alert_highlight", "=", True)]))
        self.assertIn(order, self.env["sale.order"].search([("alert_open_count", ">", 0)]))
        self.assertNotIn(order, self.env["sale.order"].search([("alert_open_count", "=", 0)]))
        note = order.message_ids.filtered(lambda m: "Ship date passed" in (m.body or ""))
        self.assertTrue(note, "a chatter note mentions the alert")
        self.assertIn(self.salesman.partner_id, note.partner_ids)
        self.assertEqual(self.scan(self.rule, "2037-12-07 12:00:00"), 0)
        # shipping everything clears it at once
        with self.at("2037-12-07 13:00:00"):
            order.picking_ids.action_assign()
            self.ship_all(order)
            self.env.flush_all()
        self.assertEqual(alert.state, "resolved")
        order.invalidate_recordset()
        self.assertFalse(order.alert_highlight)
        self.assertEqual(order.alert_open_count, 0)

    def test_repromise_is_a_new_entry(self):
        order = self.confirmed_order(
            "2037-11-30 09:00:00", commitment_date=datetime(2037, 12, 7, 10, 0)
        )
        self.scan(self.rule, "2037-12-07 11:00:00")
        first = self.alerts(self.rule, order)
        with self.at("2037-12-07 11:30:00"):
            order.commitment_date = datetime(2037, 12, 9, 10, 0)
        self.assertEqual(first.state, "resolved", "the promise it was about is gone")
        self.assertEqual(first.resolved_at, datetime(2037, 12, 7, 11, 30))
        self.assertEqual(self.scan(self.rule, "2037-12-07 12:00:00"), 0)
        self.assertEqual(self.scan(self.rule, "2037-12-09 10:30:00"), 1)
        second = self.alerts(self.rule, order) - first
        self.assertEqual(second.stage_entry_key, "promise:2037-12-09 10:00:00")

    def test_expected_date_when_no_commitment_date(self):
        order = self.confirmed_order("2037-11-30 09:00:00")
        self.assertFalse(order.commitment_date)
        self.assertTrue(order.tracking_promise_latest)
        promise = order.tracking_promise_latest
        self.assertEqual(self.scan(self.rule, promise.strftime("%Y-%m-%d %H:%M:%S")), 1)
        self.assertEqual(
            self.alerts(self.rule, order).stage_entry_key,
            f"promise:{promise.strftime('%Y-%m-%d %H:%M:%S')}",
        )

    def test_grace_hours_on_the_working_calendar(self):
        self.rule.hours = 4
        order = self.confirmed_order(
            "2037-11-30 09:00:00", commitment_date=datetime(2037, 12, 4, 15, 0)
        )
        # Fri 15-17 (2 h) + Mon 8-10 (2 h): due Monday 10:00
        self.assertEqual(self.scan(self.rule, "2037-12-05 12:00:00"), 0)
        self.assertEqual(self.scan(self.rule, "2037-12-07 10:05:00"), 1)
        self.assertEqual(self.alerts(self.rule, order).due_at, datetime(2037, 12, 7, 10, 0))


@tagged("post_install", "-at_install")
class TestPredictiveBreach(AlertCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.rule = cls.make_rule(
            name="Ship date at risk",
            kind="ship_date",
            predictive=True,
            responsible_type="salesperson",
            user_ids=[Command.clear()],
        )
        cls.rare = cls._create_product("Rare Valve 稀有阀门")

    def short_order(self, promise):
        order = self.confirmed_order(
            "2037-11-30 09:00:00", lines=[(self.rare, 3)], commitment_date=promise
        )
        with self.at("2037-11-30 09:30:00"):
            order.picking_ids.action_assign()
            self.env.flush_all()
        self.assertEqual(order.tracking_stage_code, "waiting_stock")
        return order

    def incoming(self, product, quantity, date):
        picking_type = self.warehouse.in_type_id
        supplier = self.env.ref("stock.stock_location_suppliers")
        picking = self.env["stock.picking"].create(
            {
                "picking_type_id": picking_type.id,
                "location_id": supplier.id,
                "location_dest_id": picking_type.default_location_dest_id.id,
                "scheduled_date": date,
                "move_ids": [
                    Command.create(
                        {
                            "name": product.name,
                            "product_id": product.id,
                            "product_uom_qty": quantity,
                            "product_uom": product.uom_id.id,
                            "location_id": supplier.id,
                            "location_dest_id": picking_type.default_location_dest_id.id,
                            "date": date,
                        }
                    )
                ],
            }
        )
        with self.at("2037-11-30 09:45:00"):
            picking.action_confirm()
        return picking

    def test_goods_expected_after_the_promise_warn_before_it(self):
        order = self.short_order(datetime(2037, 12, 7, 10, 0))
        self.incoming(self.rare, 10, datetime(2037, 12, 9, 10, 0))
        self.assertEqual(self.scan(self.rule, "2037-12-01 09:00:00"), 1)
        alert = self.alerts(self.rule, order)
        self.assertRecordValues(
            alert,
            [{"level": "warning", "step": 0, "due_at": datetime(2037, 12, 9, 10, 0)}],
        )
        self.assertIn("expected", alert.description)
        self.assertEqual(self.scan(self.rule, "2037-12-01 10:00:00"), 0)
        # then the promised date passes: the breach replaces the warning
        self.assertEqual(self.scan(self.rule, "2037-12-07 10:05:00"), 1)
        self.assertEqual(alert.state, "resolved")
        self.assertEqual(self.alerts(self.rule, order, level="breach").state, "open")

    def test_goods_expected_in_time_raise_nothing(self):
        self.short_order(datetime(2037, 12, 7, 10, 0))
        self.incoming(self.rare, 10, datetime(2037, 12, 3, 10, 0))
        self.assertEqual(self.scan(self.rule, "2037-12-01 09:00:00"), 0)
        self.assertFalse(self.Rule.browse(self.rule.id)._dry_run())

    def test_short_without_replenishment_is_at_risk(self):
        order = self.short_order(datetime(2037, 12, 7, 10, 0))
        self.assertEqual(self.scan(self.rule, "2037-12-01 09:00:00"), 1)
        alert = self.alerts(self.rule, order)
        self.assertFalse(alert.due_at)
        self.assertIn("no replenishment", alert.description)
        # the goods arrive and are reserved: the warning clears
        with self.at("2037-12-01 11:00:00"):
            self.receive(self.rare, 10)
            order.picking_ids.action_assign()
            self.env.flush_all()
        self.assertEqual(order.tracking_stage_code, "ready")
        self.scan(self.rule, "2037-12-01 12:00:00")
        self.assertEqual(alert.state, "resolved")

    def test_delivery_planned_after_the_promise(self):
        order = self.confirmed_order(
            "2037-11-30 09:00:00", commitment_date=datetime(2037, 12, 7, 10, 0)
        )
        order.picking_ids.scheduled_date = datetime(2037, 12, 8, 9, 0)
        self.assertEqual(self.scan(self.rule, "2037-12-01 09:00:00"), 1)
        self.assertEqual(self.alerts(self.rule, order).due_at, datetime(2037, 12, 8, 9, 0))

    def test_sql_and_python_conditions_agree(self):
        late = self.confirmed_order(
            "2037-11-30 09:00:00", commitment_date=datetime(2037, 12, 7, 10, 0)
        )
        shipped = self.confirmed_order(
            "2037-11-30 09:00:00", commitment_date=datetime(2037, 12, 7, 10, 0)
        )
        self.assertEqual(self.scan(self.rule, "2037-12-07 10:05:00"), 2)
        with self.at("2037-12-07 11:00:00"):
            shipped.picking_ids.action_assign()
            self.ship_all(shipped)
            self.env.flush_all()
        holding, cleared = self.assert_conditions_agree(
            self.rule, "2037-12-07 11:30:00", self.alerts(self.rule)
        )
        self.assertEqual(holding.order_id, late)
        self.assertEqual(cleared.order_id, shipped)
