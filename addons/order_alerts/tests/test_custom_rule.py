from datetime import datetime

from odoo import Command
from odoo.tests import tagged

from .common import AlertCase


@tagged("post_install", "-at_install")
class TestCustomRule(AlertCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.rule = cls.make_rule(
            name="Big orders not shipped within a day",
            kind="custom",
            domain="[('amount_untaxed', '>=', 1000), "
            "('tracking_stage_code', 'not in', ('shipped', 'done'))]",
            date_field="date_order",
            hours=8,
            responsible_type="team_leader",
            user_ids=[Command.clear()],
        )

    def test_domain_date_field_and_delay(self):
        big = self.confirmed_order("2037-11-30 09:00:00", lines=[(self.product, 20)])
        small = self.confirmed_order("2037-11-30 09:00:00", lines=[(self.product, 2)])
        self.assertEqual(big.date_order, datetime(2037, 11, 30, 9, 0))
        self.assertEqual(self.scan(self.rule, "2037-11-30 17:00:00"), 0)
        self.assertEqual(self.scan(self.rule, "2037-12-01 09:05:00"), 1)
        alert = self.alerts(self.rule, big)
        self.assertRecordValues(
            alert,
            [
                {
                    "stage_entry_key": "date:2037-11-30 09:00:00",
                    "due_at": datetime(2037, 12, 1, 9, 0),
                    "user_id": self.director.id,
                }
            ],
        )
        self.assertFalse(self.alerts(self.rule, small))
        # leaving the condition (shipped) resolves it
        with self.at("2037-12-01 10:00:00"):
            big.picking_ids.action_assign()
            self.ship_all(big)
            self.env.flush_all()
        self.assertEqual(alert.state, "resolved")

    def test_time_in_pause_nodes_is_not_counted(self):
        self.stage("ready").pause_sla = True
        self.rule.hours = 16
        order = self.confirmed_order("2037-11-30 09:00:00", lines=[(self.product, 20)])
        with self.at("2037-11-30 10:00:00"):
            order.picking_ids.action_assign()  # ready: waiting for the customer's pickup
            self.env.flush_all()
        self.assertEqual(order.tracking_stage_code, "ready")
        # while paused nothing runs, even past the wall-clock due date
        self.assertEqual(self.scan(self.rule, "2037-12-01 09:30:00"), 0)
        with self.at("2037-12-01 10:00:00"):
            self.rule.domain = "[('amount_untaxed', '>=', 1000)]"
            self.ship_all(order)
            self.env.flush_all()
        self.assertEqual(order.tracking_stage_code, "shipped")
        # 1 h on Monday + 6 h on Tuesday + (holiday) + 8 h Thursday + 1 h Friday;
        # without the pause it would have been due on Thursday 09:00
        self.assertEqual(self.scan(self.rule, "2037-12-03 12:00:00"), 0)
        self.assertEqual(self.scan(self.rule, "2037-12-04 09:05:00"), 1)
        self.assertEqual(self.alerts(self.rule, order).due_at, datetime(2037, 12, 4, 9, 0))

    def test_date_field_and_domain_on_quotations(self):
        rule = self.make_rule(
            name="Quotation expired",
            kind="custom",
            domain="[('state', 'in', ('draft', 'sent'))]",
            date_field="validity_date",
            hours=0,
        )
        with self.at("2037-11-30 09:00:00"):
            quotation = self.create_order(validity_date="2037-12-03")
        self.assertEqual(self.scan(rule, "2037-12-02 23:00:00"), 0)
        self.assertEqual(self.scan(rule, "2037-12-03 00:05:00"), 1)
        alert = self.alerts(rule, quotation)
        self.assertEqual(alert.stage_entry_key, "date:2037-12-03")
        with self.at("2037-12-03 09:00:00"):
            quotation.action_confirm()
            self.env.flush_all()
        self.assertEqual(alert.state, "resolved")

    def test_sql_and_python_conditions_agree(self):
        waiting = self.confirmed_order("2037-11-30 09:00:00", lines=[(self.product, 20)])
        shipped = self.confirmed_order("2037-11-30 09:00:00", lines=[(self.product, 20)])
        self.assertEqual(self.scan(self.rule, "2037-12-01 09:05:00"), 2)
        with self.at("2037-12-01 10:00:00"):
            shipped.picking_ids.action_assign()
            self.ship_all(shipped)
            self.env.flush_all()
        holding, cleared = self.assert_conditions_agree(
            self.rule, "2037-12-01 10:30:00", self.alerts(self.rule)
        )
        self.assertEqual(holding.order_id, waiting)
        self.assertEqual(cleared.order_id, shipped)
