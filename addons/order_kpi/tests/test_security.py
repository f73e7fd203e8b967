from odoo import Command, fields
from odoo.exceptions import AccessError, UserError
from odoo.tests import new_test_user, tagged

from .common import KpiCase


@tagged("post_install", "-at_install")
class TestSecurity(KpiCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        base = cls.company.currency_id
        cls.foreign = (
            cls.env.ref("base.EUR") if base != cls.env.ref("base.EUR") else cls.env.ref("base.USD")
        )
        cls.foreign.active = True
        # 1 unit of the first company's currency = 2 of the other's, today
        cls.env["res.currency.rate"].search(
            [("currency_id", "in", (base | cls.foreign).ids)]
        ).unlink()
        cls.env["res.currency.rate"].create(
            [
                {"currency_id": base.id, "rate": 1.0, "name": "2000-01-01", "company_id": False},
                {
                    "currency_id": cls.foreign.id,
                    "rate": 2.0,
                    "name": "2000-01-01",
                    "company_id": False,
                },
            ]
        )
        cls.company_b = cls.env["res.company"].create(
            {"name": "Suzhou Branch 苏州分公司", "currency_id": cls.foreign.id}
        )
        cls.company_b.resource_calendar_id.tz = "UTC"
        cls.salesman_own = new_test_user(
            cls.env, login="kpi_own", groups="sales_team.group_sale_salesman", name="Own Docs"
        )
        cls.both = new_test_user(
            cls.env,
            login="kpi_both",
            groups="sales_team.group_sale_salesman_all_leads",
            company_ids=[Command.set((cls.company | cls.company_b).ids)],
            name="Regional Manager 区域经理",
        )

    def setUp(self):
        super().setUp()
        self.order_a = self.order(self.day(self.M1, 2), lines=[(self.service, 1, 300.0)])
        with self.at(self.day(self.M1, 2)):
            self.order_b = (
                self.env["sale.order"]
                .with_company(self.company_b)
                .create(
                    {
                        "partner_id": self.customer.id,
                        "company_id": self.company_b.id,
                        "order_line": [
                            Command.create(
                                {
                                    "product_id": self.service.id,
                                    "product_uom_qty": 1,
                                    "price_unit": 100.0,
                                }
                            )
                        ],
                    }
                )
            )
            self.order_b.action_confirm()

    def test_plain_salesman_sees_no_kpi(self):
        with self.assertRaises(AccessError):
            self.Report.with_user(self.salesman_own).get_kpis("2037-01-01", "2037-12-31")
        with self.assertRaises(AccessError):
            self.Report.with_user(self.salesman_own).search([])

    def test_team_leader_sees_own_company_only(self):
        report = self.Report.with_user(self.leader)
        self.assertEqual(report.search([("date", ">=", self.M1.date())]).order_id, self.order_a)
        self.assertAlmostEqual(report.get_kpis(self.M1.date(), self.M2.date())["amount"], 300.0)
        with self.assertRaisesRegex(AccessError, str(self.company_b.id)):
            report.get_kpis(self.M1.date(), self.M2.date(), company_id=self.company_b.id)

    def test_several_companies_in_one_currency(self):
        report = self.Report.with_user(self.both)
        kpis_b = report.get_kpis(self.M1.date(), self.M2.date(), company_id=self.company_b.id)
        self.assertEqual((kpis_b["orders"], kpis_b["amount"]), (1, 100.0))
        self.assertEqual(kpis_b["currency"], self.foreign.name)
        both = report.with_context(
            allowed_company_ids=[self.company.id, self.company_b.id]
        ).get_kpis(self.M1.date(), self.M2.date())
        # 300 + 100 of the other currency at 2 per unit
        self.assertEqual(both["orders"], 2)
        self.assertAlmostEqual(both["amount"], 350.0)
        self.assertEqual(both["currency"], self.company.currency_id.name)
        [total] = report.with_context(
            allowed_company_ids=[self.company.id, self.company_b.id]
        ).read_group([("date", ">=", self.M1.date())], ["amount:sum"], [])
        self.assertAlmostEqual(total["amount"], 350.0)

    def test_bad_input_is_refused_in_words(self):
        with self.assertRaisesRegex(UserError, "YYYY-MM-DD"):
            self.Report.get_kpis("last month", "2037-12-31")
        with self.assertRaisesRegex(UserError, "after it ends"):
            self.Report.get_kpis("2037-12-31", "2037-01-01")
        with self.assertRaisesRegex(UserError, "company id"):
            self.Report.get_kpis("2037-01-01", "2037-01-31", company_id="main")
        with self.assertRaises(AccessError):
            self.Report.with_user(self.leader).get_kpis(
                "2037-01-01", "2037-01-31", company_id=999999
            )
        self.assertEqual(fields.Date.to_string(self.M1.date())[:2], "20")
