from datetime import timedelta

from odoo import fields
from odoo.exceptions import AccessError
from odoo.tests import HttpCase, new_test_user, tagged

from .common import KpiCase


@tagged("post_install", "-at_install")
class TestDashboardData(KpiCase):
    """The cockpit's one call: cards with the previous period, trend,
    rankings with a minimum sample, the Pareto of misses, orders at risk."""

    def setUp(self):
        super().setUp()
        d = self.day(self.M2, 2)
        self.d = d
        promise = self.day(d, 3, 10)
        # East: 2 on time, 1 late (warehouse: 96 h in Ready)
        for hours in (24, 30, 96):
            order = self.order(d, promise=promise, team=self.team_east)
            self.ship(order, d + timedelta(hours=hours))
        # South: 1 late for no recorded reason; below the minimum sample of 2
        late = self.order(d, promise=self.day(d, 0, 10), team=self.team_south)
        self.ship(late, d + timedelta(hours=20))
        # the month before: 1 order, on time
        before = self.order(self.day(self.M1, 5), promise=self.day(self.M1, 8, 10))
        self.ship(before, self.day(self.M1, 6))
        # open, short of stock, promise ahead: at risk
        pump = self._create_product("Hydraulic Pump 液压泵", price=1000.0)
        self.at_risk = self.order(
            d,
            promise=fields.Datetime.now() + timedelta(days=10),
            lines=[(pump, 1)],
            team=self.team_south,
        )
        self.month = (self.M2.date(), (self.M2 + timedelta(days=27)).date())

    def data(self, user=None):
        dashboard = self.env["order.kpi.dashboard"]
        if user:
            dashboard = dashboard.with_user(user)
        return dashboard.get_dashboard_data(*(fields.Date.to_string(d) for d in self.month))

    def test_cards_compare_with_the_previous_period(self):
        data = self.data()
        self.assertEqual(data["current"]["orders"], 5)
        self.assertAlmostEqual(data["current"]["otd_rate"], 2 / 4)
        self.assertEqual(data["previous"]["orders"], 1)
        self.assertAlmostEqual(data["previous"]["otd_rate"], 1.0)
        self.assertEqual(
            (data["previous_from"], data["previous_to"]),
            (
                fields.Date.to_string(self.M2.date() - timedelta(days=28)),
                fields.Date.to_string(self.M2.date() - timedelta(days=1)),
            ),
        )

    def test_every_card_is_a_kpi_definition_with_a_value(self):
        """The cards are the KPI definitions (one list): each has a value in
        the period and the one before, labelled in the reader's language."""
        data = self.data()
        keys = [kpi.key for kpi in self.env["order.kpi.report"]._kpi_definitions() if kpi.card]
        self.assertEqual([card["key"] for card in data["cards"]], keys)
        for card in data["cards"]:
            self.assertIn(card["key"], data["current"])
            self.assertIn(card["key"], data["previous"])
        self.assertEqual(data["cards"][0]["label"], "Orders")
        self.assertEqual(
            next(c for c in data["cards"] if c["key"] == "exception_ratio")["drill"],
            [["exception", "=", 1]],
        )
        self.env["res.lang"]._activate_lang("zh_CN")
        chinese = self.env["order.kpi.dashboard"].with_context(lang="zh_CN")
        cards = chinese.get_dashboard_data(*(fields.Date.to_string(d) for d in self.month))["cards"]
        self.assertNotEqual(cards[0]["label"], "Orders")
        kpis = self.env["order.kpi.report"].get_kpis(
            *(fields.Date.to_string(d) for d in self.month)
        )
        self.assertLessEqual(set(keys), set(kpis), "every card is a key of get_kpis")
        # and every figure get_kpis returns is a definition: one list, one place
        lists = {"top_customers", "top_products", "stage_hours", "stage_work_hours"}
        meta = {"date_from", "date_to", "company_ids", "currency"}
        defined = {kpi.key for kpi in self.env["order.kpi.report"]._kpi_definitions()}
        self.assertEqual(set(kpis) - lists - meta, defined)

    def test_teams_ranked_above_the_minimum_sample(self):
        teams = self.data()["teams"]
        self.assertEqual([t["name"] for t in teams], [self.team_east.name, self.team_south.name])
        east, south = teams
        self.assertEqual((east["rank"], east["ranked"], east["otd_due"]), (1, True, 3))
        self.assertAlmostEqual(east["otd_rate"], 2 / 3)
        # South's rate is shown, not ranked: one order due, the minimum is 2
        self.assertEqual((south["rank"], south["ranked"], south["otd_due"]), (False, False, 1))
        self.assertEqual(south["otd_rate"], 0.0)

    def test_customers_we_fail_most(self):
        # the test customer has 4 orders due, 2 on time (South's late one too)
        [customer] = self.data()["customers"]
        self.assertEqual(customer["partner_id"], self.customer.id)
        self.assertEqual((customer["otd_due"], customer["missed"]), (4, 2))
        self.assertAlmostEqual(customer["otd_rate"], 0.5)
        self.company.kpi_min_sample = 5
        self.assertEqual(self.data()["customers"], [])

    def test_pareto_trend_stages_and_risks(self):
        data = self.data()
        self.assertEqual(
            [(r["reason"], r["count"], r["cumulative"]) for r in data["reasons"]],
            # a tie is shown in the order of the flow
            [("warehouse", 1, 0.5), ("other", 1, 1.0)],
        )
        trend = {row["month"]: row for row in data["trend"]}
        self.assertEqual(len(data["trend"]), 12)
        self.assertEqual(trend[fields.Date.to_string(self.M2.date())]["orders"], 5)
        self.assertEqual(trend[fields.Date.to_string(self.M1.date())]["otd_rate"], 1.0)
        ready = next(s for s in data["stages"] if s["code"] == "ready")
        self.assertAlmostEqual(ready["hours"], (24 + 30 + 96 + 20) / 4)
        self.assertEqual(ready["over_sla"], 2)  # 30 h and 96 h against 24 h
        self.assertEqual([r["order_id"] for r in data["at_risk"]], [self.at_risk.id])
        self.assertTrue(data["at_risk"][0]["short"])

    def test_only_kpi_viewers(self):
        salesman = new_test_user(
            self.env, login="kpi_plain", groups="sales_team.group_sale_salesman"
        )
        with self.assertRaises(AccessError):
            self.data(salesman)
        self.assertEqual(self.data(self.leader)["current"]["orders"], 5)


@tagged("post_install", "-at_install")
class TestDashboardBrowser(HttpCase, KpiCase):
    """The cockpit in a real browser: desktop, phone width, Chinese."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        order = cls.create_order(
            commitment_date=fields.Datetime.now() + timedelta(days=3), team_id=cls.team_east.id
        )
        order.action_confirm()
        cls.env["order.kpi.report"]._kpi_flush()

    def url(self):
        action = self.env.ref("order_kpi.order_kpi_dashboard_action")
        return f"/odoo/action-{action.id}"

    READY = (
        "document.querySelectorAll('.o_kpi_dashboard .o_kpi_card').length >= 10"
        " && !!document.querySelector('.o_kpi_dashboard canvas')"
    )

    def test_dashboard_on_a_desktop(self):
        self.browser_js(
            self.url(),
            "const value = document.querySelector('.o_kpi_card[data-key=orders] .o_kpi_value');"
            "if (value && value.textContent.trim() === '1') { console.log('test successful'); }"
            "else { console.error('orders card: ' + (value && value.textContent)); }",
            ready=self.READY,
            login="admin",
        )

    def test_dashboard_on_a_phone_in_chinese(self):
        self.env.ref("base.user_admin").lang = "zh_CN"
        self.env["res.lang"]._activate_lang("zh_CN")
        self.browser_size = "375x667"
        self.touch_enabled = True
        self.browser_js(
            self.url(),
            "const card = document.querySelector('.o_kpi_card[data-key=otd_rate]');"
            "const wide = document.querySelector('.o_kpi_cards').getBoundingClientRect().width;"
            "const narrow = card.getBoundingClientRect().width < wide;"
            "if (card.textContent.includes('准时交付率') && narrow)"
            " { console.log('test successful'); }"
            "else { console.error('card: ' + card.textContent); }",
            ready=self.READY,
            login="admin",
        )

    def test_order_to_cash_cards_on_a_phone_in_chinese(self):
        """The receivable cards (AR-3) in 简体中文 at phone width, each within
        the screen."""
        self.env.ref("base.user_admin").lang = "zh_CN"
        self.env["res.lang"]._activate_lang("zh_CN")
        self.browser_size = "375x667"
        self.touch_enabled = True
        self.browser_js(
            self.url(),
            "const labels = {dso_days: '应收账款周转天数', collection_rate: '回款率',"
            " order_to_cash_days_median: '订单到回款', overdue_amount: '逾期应收'};"
            "const wide = document.querySelector('.o_kpi_cards').getBoundingClientRect().width;"
            "const wrong = Object.entries(labels).filter(([key, label]) => {"
            "  const card = document.querySelector(`.o_kpi_card[data-key=${key}]`);"
            "  return !card || !card.textContent.includes(label)"
            "    || card.getBoundingClientRect().width > wide; });"
            "if (!wrong.length) { console.log('test successful'); }"
            "else { console.error('cards: ' + JSON.stringify(wrong)); }",
            ready=self.READY,
            login="admin",
        )
