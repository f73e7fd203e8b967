"""Receivables and the group robots over XML-RPC, as docs/api.md tells an
integrator: the customer statement's values, and a robot's signing secret that
can be written and never read back."""

from datetime import timedelta

from odoo import fields
from odoo.tests import HttpCase, new_test_user, tagged

from odoo.addons.order_tracking.tests.common import OrderTrackingCase

SECRET = "SECrpc0123456789abcdef0123456789abcdef0123456789abcdef012345678"


@tagged("post_install", "-at_install")
class TestReceivablesAndRobotsRpc(HttpCase, OrderTrackingCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.finance = new_test_user(
            cls.env,
            login="ot_rpc_finance",
            password="ot_rpc_finance_pw_1",
            groups="account.group_account_invoice,sales_team.group_sale_salesman",
            name="Finance Robot 财务",
        )
        cls.ops = new_test_user(
            cls.env,
            login="ot_rpc_ops",
            password="ot_rpc_ops_pw_1",
            groups="order_tracking.order_tracking_group_manager",
            name="Operations 运营",
        )

    def call(self, user, password, model, method, *args, **kwargs):
        return self.xmlrpc_object.execute_kw(
            self.env.cr.dbname, user.id, password, model, method, list(args), kwargs
        )

    def test_statement_values(self):
        self.service.taxes_id = False
        order = self.create_order([(self.service, 1, 750.0)])
        order.action_confirm()
        invoice = self.invoice(order, post=False)
        invoice.invoice_date = fields.Date.context_today(order) - timedelta(days=3)
        invoice.action_post()
        self.env.flush_all()
        today = fields.Date.context_today(order)
        [statement] = self.call(
            self.finance,
            "ot_rpc_finance_pw_1",
            "res.partner",
            "get_customer_statement",
            [self.customer.id],
            str(today - timedelta(days=30)),
            str(today),
        )
        self.assertEqual(statement["closing"], 750.0)
        self.assertEqual(
            [(line["kind"], line["move_id"], line["orders"]) for line in statement["lines"]],
            [("invoice", invoice.id, order.name)],
        )
        self.assertEqual(statement["orders"][0]["amount_due"], 750.0)

    def test_robot_secret_is_written_never_read(self):
        if "order.alert.rule" not in self.env:
            self.skipTest("order_alerts is not installed")
        rule_id = self.call(
            self.ops,
            "ot_rpc_ops_pw_1",
            "order.alert.rule",
            "create",
            {
                "name": "To ship over 24 h 钉钉",
                "kind": "stage_sla",
                "stage_id": self.stage("to_ship").id,
                "hours": 24,
                "responsible_type": "salesperson",
                "webhook_url": "https://oapi.dingtalk.com/robot/send?access_token=abc",
                "webhook_format": "dingtalk",
                "webhook_secret": SECRET,
            },
        )
        [read] = self.call(
            self.ops,
            "ot_rpc_ops_pw_1",
            "order.alert.rule",
            "read",
            [rule_id],
            ["webhook_secret", "webhook_secret_set", "webhook_format"],
        )
        self.assertEqual(
            read,
            {
                "id": rule_id,
                "webhook_secret": False,
                "webhook_secret_set": True,
                "webhook_format": "dingtalk",
            },
        )
        every_field = self.call(self.ops, "ot_rpc_ops_pw_1", "order.alert.rule", "read", [rule_id])
        self.assertNotIn(SECRET, str(every_field))
        rule = self.env["order.alert.rule"].browse(rule_id)
        self.assertEqual(rule._webhook_secrets(), {rule_id: SECRET})
