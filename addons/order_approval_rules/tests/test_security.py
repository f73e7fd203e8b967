from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged

from .common import ApprovalCase


@tagged("post_install", "-at_install")
class TestSecurity(ApprovalCase):
    def test_only_approval_administrators_configure_rules(self):
        Rule = self.env["order.approval.rule"]
        with self.assertRaises(AccessError):
            Rule.with_user(self.salesman).create(
                {"name": "Mine", "user_ids": [(6, 0, self.director.ids)]}
            )
        rule = self.create_rule("Existing", min_amount=1)
        self.assertEqual(rule.with_user(self.salesman).name, "Existing", "readable, to know why")
        with self.assertRaises(AccessError):
            rule.with_user(self.salesman).write({"min_amount": 999999})
        managed = Rule.with_user(self.gm).create(
            {"name": "By the GM", "user_ids": [(6, 0, self.director.ids)]}
        )
        self.assertTrue(managed)

    def test_approver_with_own_orders_only_reads_what_to_approve(self):
        self.create_rule("Outsider approves", min_amount=1, user_ids=[(6, 0, self.outsider.ids)])
        order = self.submit(self.quote(100))
        other = self.quote(100)
        self.assertEqual(order.with_user(self.outsider).read(["name"])[0]["name"], order.name)
        self.assertEqual(len(order.with_user(self.outsider).order_line.read(["name"])), 1)
        with self.assertRaises(AccessError):
            other.with_user(self.outsider).read(["name"])
        with self.assertRaises(AccessError):
            order.with_user(self.outsider).write({"note": "changed by the approver"})
        order.with_user(self.outsider).action_approve()
        self.assertEqual(order.state, "sale")

    def test_requests_visible_to_those_involved(self):
        self.create_rule("Director", min_amount=1)
        order = self.submit(self.quote(100))
        Request = self.env["order.approval.request"]
        self.assertEqual(
            Request.with_user(self.salesman).search([("order_id", "=", order.id)]),
            order.approval_request_ids,
        )
        self.assertEqual(
            Request.with_user(self.director).search([("order_id", "=", order.id)]),
            order.approval_request_ids,
        )
        self.assertFalse(Request.with_user(self.outsider).search([("order_id", "=", order.id)]))
        self.assertFalse(
            self.env["order.approval.decision"]
            .with_user(self.outsider)
            .search([("order_id", "=", order.id)])
        )

    def test_multi_company_isolation(self):
        company_b = self.env["res.company"].create({"name": "Shanghai Branch 上海分公司"})
        user_b = new_test_user(
            self.env,
            login="apr_user_b",
            groups="sales_team.group_sale_manager",
            company_id=company_b.id,
            company_ids=[(6, 0, company_b.ids)],
        )
        rule_a = self.create_rule("Company A rule", min_amount=1)
        rule_b = self.create_rule(
            "Company B rule", min_amount=1, company_id=company_b.id, user_ids=[(6, 0, user_b.ids)]
        )
        Rule = self.env["order.approval.rule"].with_user(user_b)
        self.assertEqual(Rule.search([("id", "in", (rule_a | rule_b).ids)]), rule_b)
        with self.assertRaises(AccessError):
            rule_a.with_user(user_b).read(["name"])
        order_a = self.submit(self.quote(100))
        self.assertEqual(
            order_a.approval_request_ids.rule_id, rule_a, "rules of company B do not apply"
        )
        self.assertFalse(
            self.env["order.approval.request"]
            .with_user(user_b)
            .search([("id", "in", order_a.approval_request_ids.ids)])
        )
        delegation = self.env["order.approval.delegation"].create(
            {
                "user_id": self.director.id,
                "delegate_id": self.gm.id,
                "date_from": "2030-01-01",
                "date_to": "2030-01-02",
            }
        )
        self.assertFalse(
            self.env["order.approval.delegation"]
            .with_user(user_b)
            .search([("id", "=", delegation.id)])
        )
