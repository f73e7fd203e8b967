from odoo.tests import tagged

from .common import AlertCase


@tagged("post_install", "-at_install")
class TestScanCost(AlertCase):
    """The cost of a scan grows with the due orders, not with open orders."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.rule = cls.make_rule(
            name="Quotation over 40 h",
            stage_id=cls.draft.id,
            hours=40,
            warning_ratio=0.8,
            escalation_hours=8,
        )

    def quotations(self, count, when):
        with self.at(when):
            orders = self.env["sale.order"].create(
                [{"partner_id": self.customer.id} for _i in range(count)]
            )
            self.env.flush_all()
        return orders

    def scan_queries(self, when, expected_raised):
        self.env.flush_all()
        self.env.invalidate_all()
        before = self.env.cr.sql_log_count
        self.assertEqual(self.scan(self.rule, when), expected_raised)
        return self.env.cr.sql_log_count - before

    def test_same_queries_with_10_and_1000_open_orders(self):
        # one order due (entered a week earlier), the others not
        self.quotations(1, "2037-11-16 09:00:00")
        self.quotations(10, "2037-11-30 09:00:00")
        self.scan(self.rule, "2037-11-30 10:00:00")  # warm caches, raise the due one
        with_10 = self.scan_queries("2037-11-30 10:30:00", 0)
        self.quotations(990, "2037-11-30 09:00:00")
        with_1000 = self.scan_queries("2037-11-30 10:30:00", 0)
        self.assertEqual(with_10, with_1000)
        self.assertLess(with_10, 30)

    def test_raising_cost_does_not_depend_on_open_orders(self):
        self.quotations(10, "2037-11-30 09:00:00")
        self.quotations(1, "2037-11-16 09:00:00")
        self.scan(self.rule, "2037-11-30 09:30:00")
        self.quotations(1, "2037-11-16 10:00:00")
        one_due_among_10 = self.scan_queries("2037-11-30 10:00:00", 1)
        self.quotations(990, "2037-11-30 09:00:00")
        self.quotations(1, "2037-11-16 11:00:00")
        one_due_among_1000 = self.scan_queries("2037-11-30 10:30:00", 1)
        self.assertEqual(one_due_among_10, one_due_among_1000)

    def test_batches_bound_the_queries(self):
        """Due orders are raised in batches: one query set per batch."""
        self.patch(type(self.Rule), "_scan_batch_size", 5)
        self.quotations(12, "2037-11-16 09:00:00")
        self.assertEqual(self.scan(self.rule, "2037-11-30 10:00:00"), 12)
        self.assertEqual(len(self.alerts(self.rule)), 12)
        self.assertEqual(self.scan(self.rule, "2037-11-30 10:30:00"), 0)
