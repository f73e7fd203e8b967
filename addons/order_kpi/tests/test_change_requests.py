from odoo import Command
from odoo.tests import new_test_user, tagged

from .common import KpiCase


@tagged("post_install", "-at_install")
class TestChangeRequests(KpiCase):
    """Orders changed by a change request count in their final state:
    what the customer kept and paid for, delivered when its last goods left."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.supervisor = new_test_user(
            cls.env,
            login="kpi_cr_supervisor",
            groups="sales_team.group_sale_salesman_all_leads,"
            "order_tracking.order_tracking_group_supervisor",
        )

    def apply(self, order, moment, change_type, quantity):
        with self.at(moment):
            request = self.env["order.change.request"].create(
                {
                    "order_id": order.id,
                    "change_type": change_type,
                    "reason": f"{change_type} 客户要求",
                    "line_ids": [
                        Command.create({"sale_line_id": order.order_line.id, "quantity": quantity})
                    ],
                }
            )
            request.with_user(self.supervisor).action_apply()
        return request

    def test_after_a_return_the_order_counts_what_the_customer_kept(self):
        d = self.day(self.M1, 2)
        order = self.order(d, promise=self.day(d, 5, 10))  # 4 × 100.00
        self.ship(order, self.day(d, 1))
        request = self.apply(order, self.day(d, 3), "return", 1)
        with self.at(self.day(d, 4)):
            self.validate(request.picking_ids)
        fact = self.fact(order)
        # kept 3 of 4: 300.00, delivered (everything kept has left) on day 1,
        # before the promise of day 5; a return all the same, so not in full
        self.assertAlmostEqual(fact.amount, 300.0)
        self.assertEqual(fact.delivered_at, self.day(d, 1))
        self.assertEqual((fact.delivered, fact.on_time, fact.returned), (1, 1, 1))
        self.assertEqual((fact.in_full, fact.otif), (0, 0))
        kpis = self.kpis()
        self.assertEqual(kpis["orders"], 1)
        self.assertAlmostEqual(kpis["amount"], 300.0)
        self.assertEqual(kpis["otd_rate"], 1.0)
        self.assertEqual(kpis["otif_rate"], 0.0)

    def test_after_an_addition_the_order_is_delivered_with_its_last_goods(self):
        d = self.day(self.M1, 2)
        order = self.order(d, promise=self.day(d, 5, 10))  # 4 × 100.00
        self.ship(order, self.day(d, 1))
        self.assertEqual(self.fact(order).delivered, 1)
        self.apply(order, self.day(d, 2), "add", 2)
        fact = self.fact(order)
        # 6 × 100.00 now, 2 still to ship: no longer delivered
        self.assertAlmostEqual(fact.amount, 600.0)
        self.assertEqual(fact.delivered, 0)
        self.ship(order, self.day(d, 6))  # after the promise of day 5
        fact = self.fact(order)
        self.assertEqual(fact.delivered_at, self.day(d, 6))
        self.assertEqual((fact.delivered, fact.on_time), (1, 0))
        kpis = self.kpis()
        self.assertAlmostEqual(kpis["amount"], 600.0)
        self.assertEqual(kpis["otd_rate"], 0.0)
