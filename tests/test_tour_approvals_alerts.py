"""The approver's inbox and "My Alerts" work in a real browser on a phone."""

from datetime import timedelta

from odoo import fields
from odoo.tests import HttpCase, tagged

from odoo.addons.order_tracking.tests.common import OrderTrackingCase
from odoo.addons.order_tracking.tools import clock


@tagged("post_install", "-at_install")
class TestApprovalsAlertsBrowser(HttpCase, OrderTrackingCase):
    def _open_on_phone(self, xmlid, ready):
        self.browser_size = "375x667"
        self.touch_enabled = True
        action = self.env.ref(xmlid)
        self.browser_js(
            f"/odoo/action-{action.id}",
            "console.log('test successful')",
            ready=ready,
            login="admin",
        )

    def test_to_approve_inbox(self):
        if "order.approval.rule" not in self.env:
            self.skipTest("order_approval_rules is not installed")
        admin = self.env.ref("base.user_admin")
        self.env["order.approval.rule"].search([]).write({"active": False})
        self.env["order.approval.rule"].create(
            {"name": "Big 大额", "min_amount": 1000, "user_ids": [(6, 0, admin.ids)]}
        )
        order = self.create_order([(self.service, 1, 5000.0)], user_id=self.salesman.id)
        order.with_user(self.salesman).action_request_approval()
        self.assertEqual(order.approval_state, "pending")
        self.env.flush_all()
        self._open_on_phone(
            "order_approval_rules.order_approval_request_action_to_approve",
            f"[...document.querySelectorAll('.o_kanban_record')]"
            f".some((el) => el.textContent.includes('{order.name}'))",
        )

    def test_my_alerts(self):
        if "order.alert.rule" not in self.env:
            self.skipTest("order_alerts is not installed")
        admin = self.env.ref("base.user_admin")
        self.env["order.alert.rule"].search([]).write({"active": False})
        self.env["order.alert.rule"].create(
            {
                "name": "To Ship > 8 h",
                "kind": "stage_sla",
                "stage_id": self.stage("to_ship").id,
                "hours": 8,
                "severity": "high",
                "responsible_type": "users",
                "user_ids": [(6, 0, admin.ids)],
            }
        )
        with clock.frozen(fields.Datetime.now() - timedelta(days=10)):
            order = self.create_order([(self.service, 1)])
            order.action_confirm()
            order.mapped("tracking_stage_id")
        self.assertGreaterEqual(self.env["order.alert.rule"].run_scan(), 1)
        self.env.flush_all()
        self._open_on_phone(
            "order_alerts.order_alert_action",
            f"[...document.querySelectorAll('.o_kanban_record')]"
            f".some((el) => el.textContent.includes('{order.name}'))",
        )
