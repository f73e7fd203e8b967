"""Builders for approval tests; other add-ons may import ``ApprovalCase``."""

from odoo.tests import new_test_user

from odoo.addons.order_tracking.tests.common import OrderTrackingCase


class ApprovalCase(OrderTrackingCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # no reliance on demo data: this company starts without rules
        cls.env["order.approval.rule"].search([]).write({"active": False})
        cls.company.write({"approval_amount_tolerance": 0.0, "approval_confirm_on_grant": True})
        cls.salesman.groups_id = [
            (4, cls.env.ref("order_approval_rules.order_approval_rules_group_user").id)
        ]
        cls.director = new_test_user(
            cls.env,
            login="apr_director",
            groups="sales_team.group_sale_salesman_all_leads",
            name="Zhang Wei 张伟 (Sales Director)",
        )
        cls.gm = new_test_user(
            cls.env,
            login="apr_gm",
            groups="sales_team.group_sale_manager",
            name="Wang Fang 王芳 (General Manager)",
        )
        cls.production = new_test_user(
            cls.env,
            login="apr_production",
            groups="stock.group_stock_user",
            name="Liu Yang 刘洋 (Production Manager)",
        )
        cls.outsider = new_test_user(
            cls.env,
            login="apr_outsider",
            groups="sales_team.group_sale_salesman",
            name="Chen Jing 陈静",
        )
        cls.existing_customer = cls.env["res.partner"].create({"name": "老客户 Old Friend Ltd"})
        old = cls.create_order([(cls.service, 1)], partner=cls.existing_customer)
        old.action_confirm()

    @classmethod
    def create_rule(cls, name="Rule", **vals):
        values = {
            "name": name,
            "approver_type": "users",
            "user_ids": [(6, 0, cls.director.ids)],
            "company_id": cls.company.id,
        }
        values.update(vals)
        return cls.env["order.approval.rule"].create(values)

    @classmethod
    def quote(cls, amount=1000.0, partner=None, product=None, **vals):
        """A quotation of ``amount`` (untaxed) sold by the test salesman."""
        vals.setdefault("user_id", cls.salesman.id)
        order = cls.create_order([(product or cls.service, 1, amount)], partner=partner, **vals)
        order.order_line.tax_id = False
        return order

    def submit(self, order, user=None):
        order.with_user(user or self.salesman).action_request_approval()
        return order

    @staticmethod
    def live(order):
        return order._approval_live_requests()
