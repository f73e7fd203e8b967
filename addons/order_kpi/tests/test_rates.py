from odoo.tests import new_test_user, tagged

from .common import KpiCase


@tagged("post_install", "-at_install")
class TestRatesAndReasons(KpiCase):
    """Missed promises by reason (the first problem in the flow), exception
    ratio, approval automation and completion. The calendar runs round the
    clock, so node SLAs are plain hours: To Approve 8 h, Ready 24 h."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.director = new_test_user(
            cls.env,
            login="kpi_director",
            groups="sales_team.group_sale_salesman_all_leads",
            name="Zhang Wei 张伟 (Sales Director)",
        )
        cls.Rule = cls.env["order.approval.rule"]
        cls.short_product = cls._create_product("Hydraulic Pump 液压泵", price=100.0)

    def submit(self, order, moment):
        with self.at(moment):
            order.action_request_approval()
        return order

    def approve(self, order, moment):
        with self.at(moment):
            order.with_user(self.director).action_approve()
        return order

    def test_miss_reasons_pareto_per_team(self):
        d = self.day(self.M1, 2)
        self.company.account_use_credit_limit = True
        self.Rule.create(
            {
                "name": "Credit",
                "check_credit_limit": True,
                "approver_type": "users",
                "user_ids": [(6, 0, self.director.ids)],
                "company_id": self.company.id,
            }
        )
        indebted = self.env["res.partner"].create({"name": "赊账客户 Credit Customer"})
        indebted.with_company(self.company).credit_limit = 100.0
        promise = self.day(d, 1, 10)
        # East: credit hold, stock shortage x2
        with self.at(d):
            credit = self.create_order(
                [(self.product, 4)],
                partner=indebted,
                commitment_date=promise,
                team_id=self.team_east.id,
            )
        self.submit(credit, d)
        self.approve(credit, self.day(d, 2))
        self.ship(credit, self.day(d, 2, 10))
        shortages = [
            self.order(d, promise=promise, lines=[(self.short_product, 2)]) for _i in range(2)
        ]
        with self.at(self.day(d, 2)):
            self.receive(self.short_product, 4)
        for order in shortages:
            self.ship(order, self.day(d, 2, 10))
        # South: warehouse delay, returned goods, late for no recorded reason
        warehouse = self.order(d, promise=promise, team=self.team_south)
        self.ship(warehouse, self.day(d, 3))  # 72 h in Ready (SLA 24 h)
        # shipped an hour late, then sent back (for a refund): the order left
        # late and came back, the carrier's (or the goods') problem
        returned = self.order(d, promise=self.day(d, 0, 10), team=self.team_south)
        self.ship(returned, self.day(d, 1, 1))  # 16 h in Ready, a day late
        self.return_goods(returned, self.day(d, 1, 9))
        other = self.order(d, promise=self.day(d, 0, 10), team=self.team_south)
        self.ship(other, self.day(d, 1, 1))  # 16 h in Ready, a day late
        on_time = self.order(d, promise=promise, team=self.team_south)
        self.ship(on_time, self.day(d, 0, 12))

        reasons = {
            order: self.fact(order).miss_reason
            for order in (credit, *shortages, warehouse, returned, other)
        }
        self.assertEqual(
            list(reasons.values()),
            ["credit_hold", "stock_shortage", "stock_shortage", "warehouse", "carrier", "other"],
        )
        self.assertEqual(self.fact(returned).otd_status, "late")
        pareto = self.groups(
            ["team_id", "miss_reason"], ["missed:sum"], [("otd_missed", "=", True)]
        )
        self.assertEqual(
            {key: row["missed"] for key, row in pareto.items()},
            {
                (self.team_east.id, "credit_hold"): 1,
                (self.team_east.id, "stock_shortage"): 2,
                (self.team_south.id, "warehouse"): 1,
                (self.team_south.id, "carrier"): 1,
                (self.team_south.id, "other"): 1,
            },
        )
        kpis = self.kpis()
        self.assertEqual(kpis["missed"], 6)
        self.assertAlmostEqual(kpis["otd_rate"], 1 / 7)
        # exceptions: the two shortages and the return, of 7 orders
        self.assertEqual(kpis["exception_orders"], 3)
        self.assertAlmostEqual(kpis["exception_ratio"], 3 / 7)

    def test_approval_wait_reason_and_automation_rate(self):
        d = self.day(self.M1, 2)
        self.Rule.create(
            {
                "name": "Routine orders",
                "domain": f"[('amount_untaxed', '<', 1000), ('team_id', '=', {self.team_east.id})]",
                "auto_approve": True,
                "approver_type": "users",
                "user_ids": [(6, 0, self.director.ids)],
                "company_id": self.company.id,
            }
        )
        self.Rule.create(
            {
                "name": "Big orders",
                "min_amount": 1000.0,
                "approver_type": "users",
                "user_ids": [(6, 0, self.director.ids)],
                "company_id": self.company.id,
            }
        )
        routine = []
        for _i in range(3):
            with self.at(d):
                order = self.create_order([(self.service, 1, 500.0)], team_id=self.team_east.id)
            routine.append(self.submit(order, d))
        with self.at(d):
            big = self.create_order(
                [(self.product, 20)], commitment_date=self.day(d, 1, 10), team_id=self.team_east.id
            )
        self.submit(big, d)
        self.approve(big, self.day(d, 2))  # 48 h in To Approve (SLA 8 h)
        self.ship(big, self.day(d, 2, 10))
        self.assertTrue(all(order.state == "sale" for order in routine))
        self.assertTrue(all(order.approval_auto_approved for order in routine))
        unruled = self.order(d, lines=[(self.service, 1, 500.0)], team=self.team_south)
        self.assertEqual(unruled.approval_state, "not_required")
        self.assertEqual(self.fact(big).miss_reason, "approval_wait")
        self.assertAlmostEqual(self.fact(big).approval_hours, 48.0)
        # services invoiced and paid: done
        with self.at(self.day(d, 3)):
            self.pay(self.invoice(routine[0]))
        self.assertEqual(routine[0].tracking_stage_code, "done")
        kpis = self.kpis()
        self.assertEqual(kpis["orders"], 5)
        self.assertEqual((kpis["auto_approved_orders"], kpis["approved_orders"]), (3, 4))
        self.assertAlmostEqual(kpis["automation_rate"], 0.75)
        self.assertEqual(kpis["completed_orders"], 1)
        self.assertAlmostEqual(kpis["completion_rate"], 0.2)
        self.assertAlmostEqual(kpis["approval_hours_mean"], 48.0)

    def test_stage_hours(self):
        d = self.day(self.M1, 2)
        for hours in (24, 48):
            order = self.order(d, promise=self.day(d, 5))
            self.ship(order, d + self.hours(hours))
        order = self.order(d, promise=self.day(d, 5))
        self.ship(order, d + self.hours(6), {self.product: 1})
        self.ship(order, d + self.hours(30))
        kpis = self.kpis()
        # Ready: 24, 48 and 6 hours; Partially Shipped: 24 hours
        self.assertAlmostEqual(kpis["stage_hours"]["ready"], 26.0)
        self.assertAlmostEqual(kpis["stage_hours"]["partially_shipped"], 24.0)
        self.assertAlmostEqual(kpis["stage_work_hours"]["ready"], 26.0)
        stays = self.env["order.kpi.stage.report"].read_group(
            [("stage_code", "=", "ready")], ["hours:avg", "over_sla:sum"], []
        )
        self.assertAlmostEqual(stays[0]["hours"], 26.0)
        self.assertEqual(stays[0]["over_sla"], 1)  # the 48 h stay

    @staticmethod
    def hours(count):
        from datetime import timedelta

        return timedelta(hours=count)
