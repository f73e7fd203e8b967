from datetime import timedelta

from odoo import Command, fields
from odoo.tests import tagged

from ..tools import clock, sla
from .common import OrderTrackingCase


@tagged("post_install", "-at_install")
class TestPerformance(OrderTrackingCase):
    """PERF-4: the node of N orders is derived and recorded with the same
    number of queries as the node of one order (batched, no query per order)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.set_stock(cls.product, 1000)
        cls.checkpoint = cls.env["order.tracking.stage"].create(
            {
                "name": "Gift Wrap",
                "code": "gift_wrap",
                "sequence": 55,
                "trigger_mode": "manual",
            }
        )
        cls.stage("ready").sla_hours = 8  # passed, an order is in Ready again
        cls.orders = cls.env["sale.order"].create(
            [
                {
                    "partner_id": cls.customer.id,
                    "order_line": [
                        Command.create({"product_id": cls.product.id, "product_uom_qty": 1})
                    ],
                }
                for _i in range(11)
            ]
        )
        # each order entered its node at another moment, days ago: passing the
        # checkpoint counts working hours on the company calendar for every one
        # (and plans the SLA deadline), whatever second the test runs at
        now = fields.Datetime.now()
        for index, order in enumerate(cls.orders):
            with clock.frozen(now - timedelta(days=3, hours=index)):
                order.action_confirm()
                order.mapped("tracking_stage_id")

    def _queries_to_pass_checkpoint(self, orders):
        self.env.flush_all()
        self.env.invalidate_all()
        before = self.env.cr.sql_log_count
        orders.action_pass_checkpoint("gift_wrap")
        self.env.flush_all()
        return self.env.cr.sql_log_count - before

    def test_node_change_costs_the_same_for_one_or_ten_orders(self):
        one = self._queries_to_pass_checkpoint(self.orders[:1])
        ten = self._queries_to_pass_checkpoint(self.orders[1:])
        # passed: every order is back in Ready, with one event each
        self.assertEqual(set(self.orders.mapped("tracking_stage_code")), {"ready"})
        self.assertEqual(
            len(self.orders.tracking_event_ids.filtered(lambda e: e.from_code == "gift_wrap")), 11
        )
        self.assertLessEqual(ten, one + 2, f"1 order: {one} queries, 10 orders: {ten}")
        # the batched figures are the calendar's own, order by order
        calendar = self.company.resource_calendar_id
        self.assertTrue(calendar)
        for order in self.orders:
            entry, passed = order.tracking_event_ids.sorted("id")[-2:]
            self.assertEqual((entry.to_code, passed.to_code), ("gift_wrap", "ready"))
            expected = round(sla.work_hours(calendar, entry.date, passed.date), 2)
            self.assertGreater(expected, 0)
            self.assertEqual(passed.work_hours_in_previous, expected)
            self.assertEqual(passed.deadline, sla.deadline(calendar, passed.date, 8))

    def test_late_orders_are_one_query(self):
        self.env.flush_all()
        with self.assertQueryCount(1):
            self.env["sale.order"].search([("tracking_late", "=", True)])

    def test_confirmation_writes_each_row_once(self):
        """One way through: confirming an order updates its row once (node,
        last event, promise snapshot together) and inserts one event and one
        promise."""
        order = self.create_order([(self.product, 2)])
        self.env.flush_all()
        with self.statements(40) as statements:
            order.action_confirm()
            self.env.flush_all()
        self.assertNotEqual(order.tracking_stage_code, "draft")
        self.assertEqual(order.tracking_last_event_id.to_code, order.tracking_stage_code)
        for table in ('UPDATE "sale_order" ', 'INSERT INTO "order_tracking_event" '):
            self.assertEqual(sum(s.startswith(table) for s in statements), 1, table)
        self.assertEqual(
            sum(s.startswith('INSERT INTO "order_tracking_promise" ') for s in statements), 1
        )
