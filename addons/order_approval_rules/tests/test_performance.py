import logging
import time

from odoo.tests import tagged

from .common import ApprovalCase

_logger = logging.getLogger(__name__)


@tagged("post_install", "-at_install")
class TestPerformance(ApprovalCase):
    """The cost of evaluating many rules on one order: facts are gathered once
    per order, so queries grow with the distinct domains, not with the rules."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.account_use_credit_limit = True
        cls.customer.with_company(cls.company).credit_limit = 1_000_000
        categories = cls.env["product.category"].create([{"name": f"Cat {i}"} for i in range(5)])
        tags = cls.env["product.tag"].create([{"name": f"Tag {i}"} for i in range(5)])
        vals = []
        for i in range(10):
            vals.append({"name": f"Amount {i}", "min_amount": 1000 * (i + 1)})
            vals.append({"name": f"Discount {i}", "discount_threshold": i + 1})
        for i in range(5):
            vals += [
                {"name": f"Category {i}", "product_categ_ids": [(6, 0, categories[i].ids)]},
                {"name": f"Tag {i}", "product_tag_ids": [(6, 0, tags[i].ids)]},
                {"name": f"Credit {i}", "check_credit_limit": True, "min_amount": 100 * i},
                {"name": f"Stock {i}", "check_free_stock": True, "level": 2},
                {"name": f"Customer {i}", "customer_kind": "new", "level": 3},
                {
                    "name": f"Domain {i}",
                    "domain": f"[('amount_untaxed', '>', {i * 10})]",
                    "level": 3,
                },
            ]
        cls.rules = cls.env["order.approval.rule"].create(
            [{"user_ids": [(6, 0, cls.director.ids)], **v} for v in vals]
        )
        cls.set_stock(cls.product, 100)

    def measure(self, rules, full):
        order = self.create_order(
            [(self.product, 5, 900), (self.product_b, 2, 300), (self.service, 1, 4000)],
            user_id=self.salesman.id,
        )
        order.order_line[0].discount = 4
        self.env.flush_all()
        self.env.invalidate_all()
        order = order.browse(order.id)
        start_queries = self.env.cr.sql_log_count
        start = time.perf_counter()
        results, _batch = rules._evaluate_orders(order, full=full)
        elapsed = (time.perf_counter() - start) * 1000
        queries = self.env.cr.sql_log_count - start_queries
        matched = sum(ev["matched"] for ev in results[order.id])
        return queries, elapsed, matched

    def test_fifty_rules_on_one_order(self):
        self.assertEqual(len(self.rules), 50)
        self.measure(self.rules, full=True)  # warm the registry caches
        queries, ms, matched = self.measure(self.rules, full=True)
        queries_short, ms_short, _matched = self.measure(self.rules, full=False)
        no_domain = self.rules.filtered(lambda r: r.domain == "[]")
        one_of_each = self.rules.browse(
            {r.name.split()[0]: r.id for r in reversed(no_domain)}.values()
        )
        queries_45, ms_45, _m = self.measure(no_domain, full=True)
        queries_each, ms_each, _m = self.measure(one_of_each, full=True)
        message = (
            f"50 approval rules on one order: {queries} queries, {ms:.1f} ms "
            f"(stopping at the first false condition: {queries_short} queries, {ms_short:.1f} ms); "
            f"{matched} rules matched. The 45 without domain: {queries_45} queries, "
            f"{ms_45:.1f} ms; "
            f"one rule of each of their {len(one_of_each)} kinds: {queries_each} queries, "
            f"{ms_each:.1f} ms"
        )
        _logger.info(message)
        # 8 amounts up to 8,000; discounts above 1, 2, 3 %; product_b has no
        # stock; first order of the customer; every domain; credit is within
        self.assertEqual(matched, 8 + 3 + 5 + 5 + 5)
        # facts are read once per order: more rules of a kind cost no query ...
        self.assertEqual(queries_45, queries_each)
        # ... one query per distinct domain is the only per-rule cost (the first
        # domain search may flush fields other installed add-ons compute: +2)
        self.assertLessEqual(queries, queries_45 + 5 + 2)
        # mrp's stock quantities look each product up for kits (5 queries)
        self.assertLess(queries, 45 if "mrp.bom" in self.env else 40)
