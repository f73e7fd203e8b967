from odoo import Command
from odoo.tests import new_test_user, tagged

from .common import AlertCase


@tagged("post_install", "-at_install")
class TestStockShortage(AlertCase):
    """Shortage alerts, and one to-do per product and warehouse listing every
    order waiting, closed by itself when the goods are reserved."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.warehouse.out_type_id.reservation_method = "at_confirm"
        cls.purchaser = new_test_user(
            cls.env, login="alr_purchaser", groups="stock.group_stock_user", name="Chen Jing 陈静"
        )
        cls.rare = cls._create_product("Rare Valve 稀有阀门")
        cls.rare_b = cls._create_product("Rare Gasket 稀有垫片")
        cls.rule = cls.make_rule(
            name="Waiting for stock",
            kind="stock_shortage",
            user_ids=[Command.set(cls.purchaser.ids)],
            action_activity=True,
        )
        cls.Shortage = cls.env["order.alert.shortage"]

    def short_order(self, when, lines):
        with self.at(when):
            order = self.create_order(lines, user_id=self.salesman.id)
            order.action_confirm()
            self.env.flush_all()
        self.assertEqual(order.tracking_stage_code, "waiting_stock")
        return order

    def test_grouped_todos_close_by_themselves(self):
        first = self.short_order("2037-11-30 09:00:00", [(self.rare, 3)])
        second = self.short_order("2037-11-30 10:00:00", [(self.rare, 2), (self.rare_b, 1)])
        self.assertEqual(self.scan(self.rule, "2037-11-30 10:30:00"), 2)
        todo_a = self.Shortage.search([("product_id", "=", self.rare.id)])
        todo_b = self.Shortage.search([("product_id", "=", self.rare_b.id)])
        self.assertRecordValues(
            todo_a + todo_b,
            [
                {
                    "state": "open",
                    "missing_qty": 5.0,
                    "warehouse_id": self.warehouse.id,
                    "user_id": self.purchaser.id,
                },
                {
                    "state": "open",
                    "missing_qty": 1.0,
                    "warehouse_id": self.warehouse.id,
                    "user_id": self.purchaser.id,
                },
            ],
        )
        self.assertEqual(todo_a.order_ids, first | second)
        self.assertEqual(todo_b.order_ids, second)
        self.assertEqual(len(todo_a.activity_ids), 1)
        self.assertEqual(todo_a.activity_ids.user_id, self.purchaser)
        self.assertIn(first.name, str(todo_a.activity_ids.note))
        self.assertIn(second.name, str(todo_a.activity_ids.note))
        self.assertFalse((first | second).activity_ids, "no to-do per order")
        # scanning again changes nothing
        self.assertEqual(self.scan(self.rule, "2037-11-30 11:00:00"), 0)
        self.assertEqual(len(self.Shortage.search([("state", "=", "open")])), 2)
        self.assertEqual(len(todo_a.activity_ids), 1)
        # the valves arrive: both orders get them, the valve to-do closes
        with self.at("2037-11-30 14:00:00"):
            self.receive(self.rare, 10)
            self.env.flush_all()
        self.assertEqual(first.tracking_stage_code, "ready")
        self.assertEqual(todo_a.state, "done")
        self.assertFalse(todo_a.activity_ids, "its to-do is marked done")
        self.assertEqual(todo_b.state, "open")
        alert_first = self.alerts(self.rule, first)
        alert_second = self.alerts(self.rule, second)
        self.assertEqual(alert_first.state, "resolved")
        self.assertEqual(alert_first.time_to_clear, 3.5)
        self.assertEqual(alert_second.state, "open", "still short of gaskets")
        with self.at("2037-11-30 15:00:00"):
            self.receive(self.rare_b, 10)
            self.env.flush_all()
        self.assertEqual(second.tracking_stage_code, "ready")
        self.assertEqual(todo_b.state, "done")
        self.assertEqual(alert_second.state, "resolved")

    def test_later_order_joins_the_open_todo(self):
        first = self.short_order("2037-11-30 09:00:00", [(self.rare, 3)])
        self.scan(self.rule, "2037-11-30 09:30:00")
        todo = self.Shortage.search([("product_id", "=", self.rare.id)])
        second = self.short_order("2037-11-30 10:00:00", [(self.rare, 4)])
        self.scan(self.rule, "2037-11-30 10:30:00")
        self.assertEqual(self.Shortage.search([("product_id", "=", self.rare.id)]), todo)
        self.assertEqual(todo.order_ids, first | second)
        self.assertEqual(todo.missing_qty, 7.0)
        self.assertEqual(len(todo.activity_ids), 1)
        self.assertIn(second.name, str(todo.activity_ids.note))

    def test_delay_before_alerting(self):
        self.rule.hours = 2
        order = self.short_order("2037-11-30 09:00:00", [(self.rare, 3)])
        self.assertEqual(self.scan(self.rule, "2037-11-30 10:55:00"), 0)
        self.assertEqual(self.scan(self.rule, "2037-11-30 11:05:00"), 1)
        self.assertEqual(self.alerts(self.rule, order).stage_entry_id, order.tracking_last_event_id)

    def test_sql_and_python_conditions_agree(self):
        staying = self.short_order("2037-11-30 09:00:00", [(self.rare, 3)])
        leaving = self.short_order("2037-11-30 09:00:00", [(self.rare_b, 2)])
        self.assertEqual(self.scan(self.rule, "2037-11-30 10:30:00"), 2)
        with self.at("2037-11-30 11:00:00"):
            self.receive(self.rare_b, 2)
            leaving.picking_ids.action_assign()
            self.env.flush_all()
        self.assertFalse(leaving.tracking_short)
        holding, cleared = self.assert_conditions_agree(
            self.rule, "2037-11-30 11:30:00", self.alerts(self.rule)
        )
        self.assertEqual(holding.order_id, staying)
        self.assertEqual(cleared.order_id, leaving)
