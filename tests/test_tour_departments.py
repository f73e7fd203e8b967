"""Each department's main task as an Odoo tour in a real browser, at desktop width in
English and at phone width in Simplified Chinese; each run ends on a screenshot.

The screenshots go to .test-logs/screenshots/ (or $ORDER_TRACKING_SCREENSHOTS, which is
how docs/img/guide/ is refreshed: see docs/user-guide.md).
"""

from datetime import timedelta

from odoo import Command, fields
from odoo.tests import HttpCase, new_test_user, tagged

from odoo.addons.order_tracking.tests.common import OrderTrackingCase
from odoo.addons.order_tracking.tools import clock

from .tour_common import TourScreenshotMixin


@tagged("post_install", "-at_install")
class TestDepartmentTours(TourScreenshotMixin, HttpCase, OrderTrackingCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.admin = cls.env.ref("base.user_admin")
        cls.warehouse.out_type_id.reservation_method = "at_confirm"
        cls.stage("waiting_stock").sla_hours = 24
        partner = cls.env["res.partner"]
        cls.customers = {
            key: partner.create({"name": name})
            for key, name in {
                "sales": "Sales Tour 华南贸易",
                "approval": "Approval Tour 宁波机械",
                "warehouse": "Warehouse Tour 苏州精工",
                "purchasing": "Purchasing Tour 杭州五金",
                "finance": "Finance Tour 成都食品",
                "service": "Service Tour 上海自动化",
            }.items()
        }
        if "order.approval.rule" in cls.env:
            cls._approval_orders()
        # the warehouse: an order short of stock for ten days, past its node deadline
        cls.bolt = cls._create_product("Tour Bolt 螺栓")
        with clock.frozen(fields.Datetime.now() - timedelta(days=10)):
            cls.late_order = cls.create_order(
                [(cls.product_b, 4)], partner=cls.customers["warehouse"], user_id=cls.admin.id
            )
            cls.late_order.action_confirm()
            cls.late_order.mapped("tracking_stage_id")
        # purchasing: a shortage to-do for the bolt
        cls.short_order = cls.create_order([(cls.bolt, 6)], partner=cls.customers["purchasing"])
        cls.short_order.action_confirm()
        if "order.alert.rule" in cls.env:
            cls.env["order.alert.rule"].with_context(active_test=False).search([]).write(
                {"active": False}
            )
            rule = cls.env["order.alert.rule"].create(
                {
                    "name": "Waiting for stock",
                    "kind": "stock_shortage",
                    "responsible_type": "users",
                    "user_ids": [Command.set(cls.admin.ids)],
                    "action_activity": True,
                }
            )
            cls.env.flush_all()
            cls.env["order.alert.rule"].run_scan(rule_ids=rule.ids)
        # finance: invoiced, not paid
        cls.invoiced_order = cls.create_order(
            [(cls.service, 2)], partner=cls.customers["finance"], user_id=cls.admin.id
        )
        cls.invoiced_order.action_confirm()
        cls.invoice(cls.invoiced_order)
        # customer service: shipped
        cls.set_stock(cls.product, 50)
        cls.shipped_order = cls.create_order(
            [(cls.product, 3)], partner=cls.customers["service"], user_id=cls.admin.id
        )
        cls.shipped_order.action_confirm()
        cls.shipped_order.mapped("tracking_stage_id")
        for picking in cls.outgoing(cls.shipped_order):
            cls.validate(picking)
        cls.env.flush_all()

    @classmethod
    def _approval_orders(cls):
        cls.env["order.approval.rule"].with_context(active_test=False).search([]).write(
            {"active": False}
        )
        manager = new_test_user(
            cls.env,
            login="tour_sales_manager",
            groups="sales_team.group_sale_manager",
            name="Wang Fang 王芳",
        )
        director = new_test_user(
            cls.env,
            login="tour_sales_director",
            groups="sales_team.group_sale_manager",
            name="Zhao Min 赵敏",
        )
        cls.env["order.approval.rule"].create(
            {
                "name": "Large order 大额订单",
                "min_amount": 1000,
                "user_ids": [Command.set((cls.admin | director).ids)],
            }
        )
        cls.pending_mine = cls.create_order(
            [(cls.service, 1, 6000.0)], partner=cls.customers["sales"], user_id=cls.admin.id
        )
        cls.pending_mine.with_user(manager).action_request_approval()
        cls.to_approve = cls.create_order(
            [(cls.service, 1, 8000.0)],
            partner=cls.customers["approval"],
            user_id=cls.salesman.id,
        )
        cls.to_approve.with_user(cls.salesman).action_request_approval()

    # -- sales: my orders, and why one waits for approval ----------------------

    def test_sales_desktop(self):
        self._skip_without("order.approval.rule")
        self.run_tour(
            "order_tracking.sale_order_action_my_orders", "order_tracking_tour_sales", "sales"
        )

    def test_sales_phone(self):
        self._skip_without("order.approval.rule")
        self.run_tour(
            "order_tracking.sale_order_action_my_orders", "order_tracking_tour_sales", "sales", True
        )

    # -- approvers: to approve, with the facts --------------------------------

    def _approver(self, phone):
        self._skip_without("order.approval.rule")
        self.run_tour(
            "order_approval_rules.order_approval_request_action_to_approve",
            "order_tracking_tour_approver",
            "approver",
            phone,
        )
        self.assertEqual(self.to_approve.approval_state, "approved")

    def test_approver_desktop(self):
        self._approver(False)

    def test_approver_phone(self):
        self._approver(True)

    # -- warehouse: to ship, waiting for stock, late ----------------------------

    def test_warehouse_desktop(self):
        self.assertTrue(self.late_order.tracking_late)
        self.run_tour(
            "order_tracking.sale_order_action_warehouse",
            "order_tracking_tour_warehouse",
            "warehouse",
        )

    def test_warehouse_phone(self):
        self.run_tour(
            "order_tracking.sale_order_action_warehouse",
            "order_tracking_tour_warehouse",
            "warehouse",
            True,
        )

    # -- purchasing: shortage to-dos per product ---------------------------------

    def test_purchasing_desktop(self):
        self._skip_without("order.alert.shortage")
        self.run_tour(
            "order_alerts.order_alert_shortage_action",
            "order_tracking_tour_purchasing",
            "purchasing",
        )

    def test_purchasing_phone(self):
        self._skip_without("order.alert.shortage")
        self.run_tour(
            "order_alerts.order_alert_shortage_action",
            "order_tracking_tour_purchasing",
            "purchasing",
            True,
        )

    # -- finance: to invoice, unpaid ------------------------------------------

    def test_finance_desktop(self):
        self.assertEqual(self.invoiced_order.tracking_stage_code, "invoiced")
        self.run_tour(
            "order_tracking.sale_order_action_finance", "order_tracking_tour_finance", "finance"
        )

    def test_finance_phone(self):
        self.run_tour(
            "order_tracking.sale_order_action_finance",
            "order_tracking_tour_finance",
            "finance",
            True,
        )

    # -- customer service: find an order, read its timeline ----------------------

    def test_service_desktop(self):
        self.assertEqual(self.shipped_order.tracking_stage_code, "shipped")
        self.run_tour(
            "order_tracking.sale_order_action_service", "order_tracking_tour_service", "service"
        )

    def test_service_phone(self):
        self.run_tour(
            "order_tracking.sale_order_action_service",
            "order_tracking_tour_service",
            "service",
            True,
        )

    # -- management: late and at-risk orders -------------------------------------

    def test_management_desktop(self):
        self.run_tour(
            "order_tracking.sale_order_action_management",
            "order_tracking_tour_management",
            "management",
        )

    def test_management_phone(self):
        self.run_tour(
            "order_tracking.sale_order_action_management",
            "order_tracking_tour_management",
            "management",
            True,
        )
