from dateutil.relativedelta import relativedelta

from odoo import fields
from odoo.tests import tagged

from .common import KpiCase


@tagged("post_install", "-at_install")
class TestOrdersAndCustomers(KpiCase):
    def test_foreign_currency_order_in_company_currency(self):
        company_currency = self.company.currency_id
        foreign = self.env.ref("base.EUR")
        if foreign == company_currency:
            foreign = self.env.ref("base.USD")
        foreign.active = True
        d = self.day(self.M1, 2)
        self.env["res.currency.rate"].create(
            {
                "currency_id": foreign.id,
                "name": (d - relativedelta(days=1)).date(),
                "rate": 7.0,
                "company_id": self.company.id,
            }
        )
        pricelist = self.env["product.pricelist"].create(
            {"name": "Export 出口", "currency_id": foreign.id}
        )
        order = self.order(d, lines=[(self.service, 1, 700.0)], pricelist_id=pricelist.id)
        self.assertEqual(order.currency_id, foreign)
        self.assertAlmostEqual(order.amount_untaxed, 700.0)
        fact = self.fact(order)
        self.assertAlmostEqual(fact.amount, 100.0)
        self.assertEqual(fact.company_currency_id, company_currency)
        kpis = self.kpis()
        self.assertAlmostEqual(kpis["amount"], 100.0)
        self.assertEqual(kpis["currency"], company_currency.name)
        self.assertAlmostEqual(kpis["top_customers"][0]["amount"], 100.0)
        self.assertAlmostEqual(kpis["top_products"][0]["amount"], 100.0)

    def test_ten_line_order_counted_once(self):
        parts = self.products(10)  # priced 10, 20, ... 100
        order = self.order(self.day(self.M1, 2), lines=[(p, 1) for p in parts])
        self.assertEqual(len(order.order_line), 10)
        kpis = self.kpis()
        self.assertEqual(kpis["orders"], 1)
        self.assertAlmostEqual(kpis["amount"], 550.0)
        self.assertAlmostEqual(kpis["aov"], 550.0)
        self.assertEqual(self.fact(order).line_count, 10)
        [total] = self.Report.read_group(
            [("confirmed", "=", True), *self.window()], ["order_count:sum"], []
        )
        self.assertEqual((total["__count"], total["order_count"]), (1, 1))
        self.assertEqual(len(kpis["top_products"]), 10)
        self.assertEqual(kpis["top_products"][0]["name"], "Part 09")
        self.assertAlmostEqual(kpis["top_products"][0]["amount"], 100.0)
        lines = self.env["order.kpi.line.report"].search([("order_id", "=", order.id)])
        self.assertEqual(len(lines), 10)

    def test_first_and_repeat_customers_and_cohorts(self):
        head = self.env["res.partner"].create(
            {"name": "宁波港贸易 Ningbo Harbour", "is_company": True}
        )
        buyer = self.env["res.partner"].create({"name": "Buyer 采购员", "parent_id": head.id})
        newcomer = self.env["res.partner"].create({"name": "Fresh Foods 新鲜食品"})
        regular = self.env["res.partner"].create({"name": "Old Friend 老朋友"})
        # a cancelled quotation is nobody's first order
        with self.at(self.day(self.M1, -20)):
            cancelled = self.create_order(partner=head)
            cancelled._action_cancel()
        self.order(self.day(self.M1, -40), partner=regular)  # before the period
        first = self.order(self.day(self.M1, 3), partner=head)
        again = self.order(self.day(self.M2, 5), partner=buyer)  # same company, a contact
        self.order(self.day(self.M2, 6), partner=newcomer)
        self.order(self.day(self.M2, 7), partner=newcomer)
        self.order(self.day(self.M2, 8), partner=regular)

        self.assertEqual(self.fact(first).first_order, 1)
        self.assertEqual(self.fact(again).partner_id, head)
        self.assertEqual((self.fact(again).first_order, self.fact(again).repeat_order), (0, 1))
        self.assertEqual(self.fact(again).cohort_age, 1)
        m1 = self.kpis(self.M1.date(), (self.M2 - relativedelta(days=1)).date())
        self.assertEqual((m1["customers"], m1["new_customers"]), (1, 1))
        self.assertEqual(m1["repurchase_rate"], 0.0)
        m2 = self.kpis(self.M2.date(), (self.M2 + relativedelta(months=1, days=-1)).date())
        # head (again), newcomer (new, then again), regular (ordered before)
        self.assertEqual((m2["customers"], m2["new_customers"]), (3, 1))
        self.assertEqual(m2["repeat_customers"], 3)
        self.assertAlmostEqual(m2["repurchase_rate"], 1.0)
        cohorts = self.groups(["cohort_date:month", "cohort_age"], ["partner_id:count_distinct"])
        m1_name, m2_name = self.M1.strftime("%B %Y"), self.M2.strftime("%B %Y")
        before = (self.M1 - relativedelta(months=2)).strftime("%B %Y")
        self.assertEqual(
            {key: row["partner_id"] for key, row in cohorts.items()},
            {(m1_name, 0): 1, (m1_name, 1): 1, (m2_name, 0): 1, (before, 0): 1, (before, 3): 1},
        )

    def test_returned_order_counts_in_its_final_state(self):
        d = self.day(self.M1, 2)
        order = self.order(d, promise=self.day(d, 5, 10))
        self.ship(order, self.day(d, 0, 12))
        self.assertEqual(self.fact(order).otd_status, "early")
        self.return_goods(order, self.day(d, 8), quantity=1)
        fact = self.fact(order)
        # sent back for a refund: nothing is owed any more, the order was
        # delivered early all the same; a return is an exception, not in full
        # (its reason is recorded, it counts as a miss only when late)
        self.assertEqual(fact.returned, 1)
        self.assertEqual(fact.delivered, 1)
        self.assertEqual(fact.otd_status, "early")
        self.assertEqual((fact.miss_reason, fact.missed), ("carrier", 0))
        self.assertEqual((fact.exception, fact.in_full), (1, 0))
        [line] = self.env["order.kpi.line.report"].search([("order_id", "=", order.id)])
        self.assertEqual((line.product_uom_qty, line.qty_delivered), (4.0, 3.0))
        kpis = self.kpis()
        self.assertEqual((kpis["returned"], kpis["otd_due"], kpis["on_time"]), (1, 1, 1))

    def test_quotations_and_cancelled_orders_are_not_orders(self):
        d = self.day(self.M1, 2)
        with self.at(d):
            self.create_order()
            cancelled = self.create_order()
            cancelled.action_confirm()
            cancelled._action_cancel()
        self.order(d)
        kpis = self.kpis()
        self.assertEqual(kpis["orders"], 1)
        self.assertAlmostEqual(kpis["amount"], 400.0)

    def test_empty_period_rates_are_false(self):
        kpis = self.kpis(fields.Date.to_date("2037-03-01"), fields.Date.to_date("2037-03-31"))
        self.assertEqual(kpis["orders"], 0)
        self.assertEqual(kpis["amount"], 0.0)
        for key in (
            "aov",
            "otd_rate",
            "otif_rate",
            "exception_ratio",
            "automation_rate",
            "completion_rate",
            "growth_rate",
            "repurchase_rate",
            "cycle_hours_mean",
            "cycle_hours_median",
            "cycle_hours_p90",
        ):
            self.assertIs(kpis[key], False, key)
        self.assertEqual(kpis["top_customers"], [])
        self.assertEqual(kpis["stage_hours"], {})

    def test_days_are_the_company_days(self):
        """Shanghai (UTC+8): confirmed 20:00 UTC is the next local day; a
        delivery at 17:00 UTC on the promised UTC day is 01:00 the next
        local day: late, though a UTC reading would call it on time."""
        self.calendar.tz = "Asia/Shanghai"
        self.Report._kpi_refresh_companies(self.company)
        order = self.order(self.day(self.M1, 3, 20), promise=self.day(self.M1, 5, 2))
        self.ship(order, self.day(self.M1, 5, 17))
        fact = self.fact(order)
        self.assertEqual(fact.date, self.day(self.M1, 4).date())
        self.assertEqual(fact.date_delivered, self.day(self.M1, 6).date())
        self.assertEqual(fact.otd_status, "late")
        self.assertEqual(fact.late_days, 1.0)
