from odoo import Command
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import tagged

from .common import AlertCase


@tagged("post_install", "-at_install")
class TestRuleValidation(AlertCase):
    """Bad input gets a clear error and changes nothing."""

    def assert_refused(self, message, **vals):
        """The create fails (and, as over RPC, its transaction is rolled back)."""
        count = self.Rule.with_context(active_test=False).search_count([])
        values = {"name": "Bad", "stage_id": self.to_ship.id, **vals}
        with self.assertRaisesRegex(ValidationError, message), self.env.cr.savepoint():
            self.make_rule(**values)
        self.assertEqual(self.Rule.with_context(active_test=False).search_count([]), count)

    def test_hours(self):
        self.assert_refused("between 0 and 8760", hours=-1)
        self.assert_refused("between 0 and 8760", hours=9000)
        self.assert_refused("Escalation hours .* between 0 and 8760", hours=4, escalation_hours=-2)
        self.assert_refused("share of the time limit", hours=4, warning_ratio=1.5)
        self.assert_refused("0 to 20 escalation steps", hours=4, escalation_max=50)
        rule = self.make_rule(name="Good", stage_id=self.to_ship.id, hours=4)
        with self.assertRaisesRegex(ValidationError, "between 0 and 8760"), self.env.cr.savepoint():
            rule.hours = -5
        rule.invalidate_recordset()
        self.assertEqual(rule.hours, 4)

    def test_stage_sla_needs_a_node_and_a_limit(self):
        self.assert_refused("needs the status node", stage_id=False)
        with self.assertRaisesRegex(ValidationError, "number of hours"):
            self.make_rule(name="No limit", stage_id=self.draft.id, hours=0)
        self.stage("shipped").pause_sla = True
        with self.assertRaisesRegex(ValidationError, "pauses SLA clocks"):
            self.make_rule(name="Paused", stage_id=self.stage("shipped").id, hours=4)

    def test_invalid_domain(self):
        self.assert_refused("not a valid filter", hours=4, domain="[('no_such_field', '=', 1)]")
        self.assert_refused("not a valid filter", hours=4, domain="[('state', '=', ")
        self.assert_refused("not a valid filter", hours=4, domain="'state'")
        self.assert_refused("not a valid filter", hours=4, domain="[('state', 'bogus', 'sale')]")

    def test_custom_date_field(self):
        base = {"kind": "custom", "hours": 4}
        self.assert_refused("needs a date field", **base)
        self.assert_refused("not a date or datetime field", date_field="name", **base)
        self.assert_refused("not a date or datetime field", date_field="no_such", **base)
        self.assert_refused("not stored", date_field="expected_date", **base)
        rule = self.make_rule(name="Good", date_field="commitment_date", **base)
        self.assertEqual(rule.date_field_id.name, "commitment_date")
        rule.date_field_id = self.env["ir.model.fields"]._get("sale.order", "date_order")
        self.assertEqual(rule.date_field, "date_order")

    def test_webhook_url_must_be_http(self):
        for url in ("ftp://example.com/hook", "javascript:alert(1)", "example.com/hook", "http://"):
            self.assert_refused("must be an http", hours=4, webhook_url=url)
        rule = self.make_rule(
            name="Robot",
            stage_id=self.to_ship.id,
            hours=4,
            webhook_url="https://oapi.dingtalk.com/robot/send?access_token=x",
        )
        self.assertTrue(rule.webhook_url)

    def test_a_responsible_must_be_resolvable(self):
        self.assert_refused("Choose the users", hours=4, user_ids=[Command.clear()])
        self.assert_refused(
            "Choose the group", hours=4, responsible_type="group", user_ids=[Command.clear()]
        )
        empty = self.env["res.groups"].create({"name": "Nobody 无人"})
        self.assert_refused(
            "has no internal user", hours=4, responsible_type="group", group_id=empty.id
        )
        self.draft.group_id = False
        with self.assertRaisesRegex(ValidationError, "no responsible department"):
            self.make_rule(
                name="Draft", stage_id=self.draft.id, hours=4, responsible_type="stage_group"
            )

    def test_email_needs_a_template(self):
        self.assert_refused("e-mail template", hours=4, action_email=True, mail_template_id=False)

    def test_run_scan_arguments_and_access(self):
        with self.assertRaisesRegex(UserError, "list of alert rule ids"):
            self.Rule.run_scan(rule_ids="all")
        portal = self.env["res.users"].create(
            {
                "name": "Portal 门户",
                "login": "alr_portal",
                "groups_id": [Command.set(self.env.ref("base.group_portal").ids)],
            }
        )
        with self.assertRaises(AccessError):
            self.Rule.with_user(portal).run_scan()
        self.assertEqual(self.Rule.with_user(self.salesman).run_scan(), 0)
