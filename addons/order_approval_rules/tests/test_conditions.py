from odoo import Command
from odoo.exceptions import UserError, ValidationError
from odoo.tests import new_test_user, tagged

from .common import ApprovalCase


@tagged("post_install", "-at_install")
class TestConditions(ApprovalCase):
    def matched(self, order):
        results, _batch = order._approval_evaluate()
        return {ev["name"] for ev in results[order.id] if ev["matched"]}

    def test_credit_limit(self):
        self.company.account_use_credit_limit = True
        self.create_rule("Credit", check_credit_limit=True)
        customer = self.env["res.partner"].create({"name": "赊账客户 Credit Customer"})
        customer.with_company(self.company).credit_limit = 2000.0
        previous = self.quote(1500, partner=customer)
        previous.action_confirm()  # ordered, not invoiced: counts against the limit
        within = self.quote(400, partner=self.env["res.partner"].create({"name": "Fresh"}))
        over = self.quote(800, partner=customer)
        self.assertEqual(self.matched(within), set())
        self.assertEqual(self.matched(over), {"Credit"})
        self.submit(over)
        condition = over.approval_request_ids.evaluation["conditions"][0]
        self.assertEqual((condition["code"], condition["threshold"]), ("credit", 2000.0))
        self.assertAlmostEqual(condition["value"], 2300.0)
        self.company.account_use_credit_limit = False
        self.assertEqual(self.matched(self.quote(800, partner=customer)), set(), "limits disabled")

    def test_oversell_guard(self):
        self.create_rule("Oversell", check_free_stock=True)
        self.set_stock(self.product, 5)
        self.assertEqual(self.matched(self.create_order([(self.product, 3)])), set())
        self.assertEqual(self.matched(self.create_order([(self.product, 8)])), {"Oversell"})
        two_lines = self.create_order([(self.product, 3), (self.product, 3)])
        self.assertEqual(self.matched(two_lines), {"Oversell"}, "the lines add up")
        self.assertEqual(self.matched(self.create_order([(self.service, 100)])), set())

    def test_discount_line_and_global(self):
        self.create_rule("Discount", discount_threshold=10)
        order = self.quote(1000)
        self.assertEqual(self.matched(order), set())
        order.order_line.discount = 15
        self.assertEqual(self.matched(order), {"Discount"})
        order.order_line.discount = 0
        # a global discount given as a negative line (Odoo's discount wizard)
        order.order_line = [
            Command.create({"product_id": self.service.id, "price_unit": -200, "tax_id": False})
        ]
        self.assertEqual(self.matched(order), {"Discount"})

    def test_customised_products_by_category_and_tag(self):
        customised = self.env["product.category"].create({"name": "定制 Customised"})
        steel = self.env["product.category"].create({"name": "Steel", "parent_id": customised.id})
        tag = self.env["product.tag"].create({"name": "Made to order"})
        self.create_rule("By category", product_categ_ids=[(6, 0, customised.ids)])
        self.create_rule("By tag", product_tag_ids=[(6, 0, tag.ids)])
        special = self._create_product("Custom frame 定制框架")
        special.categ_id = steel
        tagged_product = self._create_product("Engraved plate")
        tagged_product.product_tmpl_id.product_tag_ids = tag
        self.assertEqual(self.matched(self.create_order([(special, 1)])), {"By category"})
        self.assertEqual(self.matched(self.create_order([(tagged_product, 1)])), {"By tag"})
        self.assertEqual(self.matched(self.create_order([(self.product, 1)])), set())

    def test_new_and_existing_customer(self):
        self.create_rule("New", customer_kind="new")
        self.create_rule("Existing", customer_kind="existing")
        self.assertEqual(self.matched(self.quote(100)), {"New"})
        self.assertEqual(
            self.matched(self.quote(100, partner=self.existing_customer)), {"Existing"}
        )
        contact = self.env["res.partner"].create(
            {"name": "Buyer", "parent_id": self.existing_customer.id, "type": "contact"}
        )
        self.assertEqual(
            self.matched(self.quote(100, partner=contact)), {"Existing"}, "same company"
        )

    def test_domain_and_conditions_are_anded(self):
        self.create_rule(
            "Huaqiang with discount",
            domain="[('partner_id.name', 'ilike', 'Huaqiang')]",
            discount_threshold=5,
        )
        order = self.quote(1000)
        self.assertEqual(self.matched(order), set(), "domain holds, discount does not")
        order.order_line.discount = 10
        self.assertEqual(self.matched(order), {"Huaqiang with discount"})
        other = self.quote(1000, partner=self.existing_customer)
        other.order_line.discount = 10
        self.assertEqual(self.matched(other), set(), "discount holds, domain does not")

    def test_rule_without_condition_applies_to_every_order(self):
        rule = self.create_rule("Every order")
        self.assertEqual(rule.condition_summary, "Every order")
        self.assertEqual(self.matched(self.quote(1)), {"Every order"})

    def test_why_approval_panel_lists_values(self):
        self.create_rule("Big", min_amount=500, discount_threshold=5)
        order = self.quote(1234)
        order.order_line.discount = 10
        self.submit(order)
        html = str(order.approval_evaluation_html)
        self.assertIn("Untaxed amount from", html)
        self.assertIn("Discount above", html)
        self.assertIn("10 %", html)
        self.assertIn("Big", html)

    def test_invalid_input_is_refused_clearly(self):
        for domain in (
            "[('no_such_field', '=', 1)]",
            "not a domain",
            "[('name', 'like')]",
            "{'a': 1}",
        ):
            with self.assertRaises(ValidationError, msg=domain):
                self.create_rule("Bad", domain=domain)
        with self.assertRaises(ValidationError):
            self.create_rule("No approver", user_ids=False)
        empty_group = self.env["res.groups"].create({"name": "Nobody"})
        with self.assertRaises(ValidationError):
            self.create_rule(
                "Empty group", approver_type="group", group_id=empty_group.id, user_ids=False
            )
        for values in (
            {"sla_hours": -1},
            {"sla_hours": 100000},
            {"level": 0},
            {"min_amount": -5},
            {"discount_threshold": 120},
            {"min_amount": 100, "max_amount": 50},
        ):
            with self.assertRaises(ValidationError, msg=values):
                self.create_rule("Absurd", **values)
        self.assertFalse(
            self.env["order.approval.rule"].search([("name", "in", ("Bad", "Absurd"))])
        )

    def test_group_and_team_approvers(self):
        finance = new_test_user(
            self.env, login="apr_finance", groups="account.group_account_invoice"
        )
        credit_group = self.env["res.groups"].create(
            {"name": "Credit Control 信用管理", "users": [(6, 0, finance.ids)]}
        )
        self.create_rule("Group", approver_type="group", group_id=credit_group.id, user_ids=False)
        team = self.env["crm.team"].create({"name": "East 华东", "user_id": self.gm.id})
        self.env["crm.team.member"].create({"crm_team_id": team.id, "user_id": self.salesman.id})
        self.create_rule("Team leader", approver_type="team_leader", user_ids=False, level=2)
        self.create_rule("Manager", approver_type="manager", user_ids=False, level=3)
        order = self.submit(self.quote(100, team_id=team.id))
        approvers = {r.rule_id.name: r.approver_ids for r in order.approval_request_ids}
        self.assertEqual(approvers["Group"], finance)
        self.assertEqual(approvers["Team leader"], self.gm)
        self.assertEqual(approvers["Manager"], self.gm, "the leader of the salesperson's team")

    def test_manager_falls_back_to_escalation_target(self):
        self.create_rule(
            "Manager", approver_type="manager", user_ids=False, escalate_user_id=self.gm.id
        )
        order = self.submit(self.quote(100, team_id=False))
        self.assertEqual(order.approval_request_ids.approver_ids, self.gm)

    def test_only_salesperson_can_approve_is_refused(self):
        self.create_rule("Director only", user_ids=[(6, 0, self.director.ids)])
        order = self.quote(100, user_id=self.director.id)
        with self.assertRaises(UserError):
            self.submit(order, user=self.director)
        self.assertEqual(order.approval_state, "not_required")
