"""REL-3: bad input over real XML-RPC, across the add-ons, as the user who would
type it. Every row must come back as a UserError / ValidationError /
AccessError in words (never a traceback) and write nothing."""

import xmlrpc.client

from odoo.tests import HttpCase, get_db_name, new_test_user, tagged

from odoo.addons.order_approval_rules.tests.common import ApprovalCase

NAN, INF = float("nan"), float("inf")
TABLES = (
    "sale_order",
    "sale_order_line",
    "order_tracking_stage",
    "order_tracking_event",
    "order_approval_rule",
    "order_approval_request",
    "order_approval_decision",
    "order_approval_delegation",
    "order_alert_rule",
    "order_alert",
)


@tagged("post_install", "-at_install")
class TestRel3BadInput(ApprovalCase, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.db = get_db_name()
        cls.set_stock(cls.product, 100)
        cls.manager = new_test_user(
            cls.env,
            login="rel3_manager",
            groups="order_tracking.order_tracking_group_manager,"
            "order_approval_rules.order_approval_rules_group_manager,"
            "sales_team.group_sale_manager",
            name="Operations Manager 运营经理",
        )
        cls.approval_rule = cls.create_rule("From 10,000", min_amount=10000)
        cls.empty_group = cls.env["res.groups"].create({"name": "Nobody yet 暂无成员"})
        cls.checkpoint = cls.env["order.tracking.stage"].create(
            {
                "name": "Quality check 质检",
                "code": "qc",
                "trigger_mode": "manual",
                "sequence": 55,
                "active": False,  # configured, not in use: the orders keep their nodes
            }
        )
        cls.alert_rule = cls.env["order.alert.rule"].create(
            {
                "name": "To ship over 24 h",
                "kind": "stage_sla",
                "stage_id": cls.stage("to_ship").id,
                "hours": 24,
                "responsible_type": "salesperson",
            }
        )
        cls.order = cls.create_order([(cls.product, 2)], user_id=cls.salesman.id)
        cls.order.action_confirm()
        cls.pending = cls.submit(cls, cls.quote(20000))
        gone = cls.create_order([(cls.product, 1)])
        cls.deleted_order_id = gone.id
        gone.unlink()
        gone_partner = cls.env["res.partner"].create({"name": "Gone 已删除"})
        cls.deleted_partner_id = gone_partner.id
        gone_partner.unlink()
        gone_user = new_test_user(cls.env, login="rel3_gone", groups="base.group_user")
        cls.deleted_user_id = gone_user.id
        gone_user.unlink()
        cls.env.flush_all()

    def call(self, user, model, method, *args, **kwargs):
        password = user.login + "x" * (8 - len(user.login))  # new_test_user's
        return self.xmlrpc_object.execute_kw(
            self.db, user.id, password, model, method, list(args), kwargs
        )

    def fingerprint(self):
        self.env.flush_all()
        result = {}
        for table in TABLES:
            self.env.cr.execute(
                f"SELECT count(*), max(write_date), max(id) FROM {table}"  # noqa: S608
            )
            result[table] = self.env.cr.fetchone()
        return result

    def assertBadInput(self, label, words, user, model, method, *args, **kwargs):
        before = self.fingerprint()
        try:
            self.call(user, model, method, *args, **kwargs)
        except xmlrpc.client.Fault as fault:
            text = fault.faultString
            if fault.faultCode not in (2, 3, 4) or "Traceback" in text:
                self.failures.append(f"{label}: not refused in words: {text[-600:]}")
            elif words.lower() not in text.lower():
                self.failures.append(f"{label}: {words!r} not in {text!r}")
        else:
            self.failures.append(f"{label}: accepted")
        if self.fingerprint() != before:
            self.failures.append(f"{label}: wrote something")
        self.count += 1

    def test_bad_input_table(self):
        def R(label, words, user, model, method, *args, **kwargs):  # noqa: N802 - a table row
            return label, words, user, model, method, args, kwargs

        self.count, self.failures = 0, []
        M, S = self.manager, self.salesman
        stage_id, order_id = self.checkpoint.id, self.order.id
        rule_id, alert_rule_id = self.approval_rule.id, self.alert_rule.id
        stage = {"name": "Odd", "code": "odd", "trigger_mode": "manual", "sequence": 56}
        rule = {"name": "Odd", "approver_type": "users", "user_ids": [(6, 0, [self.director.id])]}
        alert = {
            "name": "Odd",
            "kind": "stage_sla",
            "stage_id": self.stage("to_ship").id,
            "hours": 8,
            "responsible_type": "salesperson",
        }
        rows = [
            # order_tracking: nodes
            R(
                "node code",
                "code",
                M,
                "order.tracking.stage",
                "create",
                dict(stage, code="Bad Code!"),
            ),
            R(
                "node SLA negative",
                "8760",
                M,
                "order.tracking.stage",
                "write",
                [stage_id],
                {"sla_hours": -1},
            ),
            R(
                "node SLA NaN",
                "not a number",
                M,
                "order.tracking.stage",
                "write",
                [stage_id],
                {"sla_hours": NAN},
            ),
            R(
                "node SLA infinite",
                "not a number",
                M,
                "order.tracking.stage",
                "write",
                [stage_id],
                {"sla_hours": INF},
            ),
            R(
                "node SLA absurd",
                "8760",
                M,
                "order.tracking.stage",
                "write",
                [stage_id],
                {"sla_hours": 1e9},
            ),
            R(
                "node trigger unknown",
                "not one of",
                M,
                "order.tracking.stage",
                "write",
                [stage_id],
                {"trigger_mode": "sometimes"},
            ),
            R(
                "node sequence as text",
                "whole number",
                M,
                "order.tracking.stage",
                "write",
                [stage_id],
                {"sequence": "first"},
            ),
            R(
                "node sequence fractional",
                "whole number",
                M,
                "order.tracking.stage",
                "write",
                [stage_id],
                {"sequence": 2.5},
            ),
            R(
                "node name oversized",
                "too long",
                M,
                "order.tracking.stage",
                "write",
                [stage_id],
                {"name": "x" * 20000},
            ),
            R(
                "node unknown field",
                "no such field",
                M,
                "order.tracking.stage",
                "write",
                [stage_id],
                {"x_colour": "red"},
            ),
            R(
                "switch a required node off",
                "",
                M,
                "order.tracking.stage",
                "write",
                [self.stage("draft").id],
                {"active": False},
            ),
            # order_tracking: orders
            R(
                "pass an unknown node",
                "no active status node",
                S,
                "sale.order",
                "action_pass_checkpoint",
                [order_id],
                "no_such_node",
            ),
            R(
                "pass a node given as a number",
                "",
                S,
                "sale.order",
                "action_pass_checkpoint",
                [order_id],
                42,
            ),
            R(
                "sign-off name as a number",
                "must be text",
                S,
                "sale.order",
                "action_confirm_receipt",
                [order_id],
                signed_by=123,
            ),
            R(
                "sign-off before delivery",
                "not all of its goods",
                S,
                "sale.order",
                "action_confirm_receipt",
                [order_id],
            ),
            R(
                "sign-off of a deleted order",
                "",
                S,
                "sale.order",
                "action_confirm_receipt",
                [self.deleted_order_id],
            ),
            R(
                "timeline of a deleted order",
                "",
                S,
                "sale.order",
                "get_tracking_timeline",
                [self.deleted_order_id],
            ),
            R(
                "commitment date in the wrong format",
                "is not a date",
                S,
                "sale.order",
                "write",
                [order_id],
                {"commitment_date": "31/12/2037"},
            ),
            R(
                "customer given as text",
                "id of a record",
                S,
                "sale.order",
                "create",
                {"partner_id": "Huaqiang"},
            ),
            R(
                "customer deleted",
                "",
                S,
                "sale.order",
                "create",
                {"partner_id": self.deleted_partner_id},
            ),
            R(
                "order lines not a list",
                "list of record ids",
                S,
                "sale.order",
                "write",
                [order_id],
                {"order_line": "many"},
            ),
            R(
                "unknown order field",
                "no such field",
                S,
                "sale.order",
                "write",
                [order_id],
                {"x_forged": 1},
            ),
            # order_approval_rules
            R(
                "rule filter on an unknown field",
                "",
                M,
                "order.approval.rule",
                "write",
                [rule_id],
                {"domain": "[('x_nope', '=', 1)]"},
            ),
            R(
                "rule filter not a list",
                "",
                M,
                "order.approval.rule",
                "write",
                [rule_id],
                {"domain": "42"},
            ),
            R(
                "rule filter syntax",
                "",
                M,
                "order.approval.rule",
                "write",
                [rule_id],
                {"domain": "[('amount_total', '>'"},
            ),
            R(
                "rule amount negative",
                "from 0",
                M,
                "order.approval.rule",
                "write",
                [rule_id],
                {"min_amount": -5},
            ),
            R(
                "rule amount NaN",
                "",
                M,
                "order.approval.rule",
                "write",
                [rule_id],
                {"min_amount": NAN},
            ),
            R(
                "rule amount infinite",
                "",
                M,
                "order.approval.rule",
                "write",
                [rule_id],
                {"min_amount": INF},
            ),
            R(
                "rule ceiling below threshold",
                "never apply",
                M,
                "order.approval.rule",
                "write",
                [rule_id],
                {"max_amount": 5000},
            ),
            R(
                "rule discount 150 %",
                "between 0 and 100",
                M,
                "order.approval.rule",
                "write",
                [rule_id],
                {"discount_threshold": 150},
            ),
            R(
                "rule SLA negative",
                "8760",
                M,
                "order.approval.rule",
                "write",
                [rule_id],
                {"sla_hours": -1},
            ),
            R("rule SLA NaN", "", M, "order.approval.rule", "write", [rule_id], {"sla_hours": NAN}),
            R(
                "rule level 0",
                "between 1 and 99",
                M,
                "order.approval.rule",
                "write",
                [rule_id],
                {"level": 0},
            ),
            R(
                "rule approver type unknown",
                "not one of",
                M,
                "order.approval.rule",
                "write",
                [rule_id],
                {"approver_type": "boss"},
            ),
            R(
                "rule mode unknown",
                "not one of",
                M,
                "order.approval.rule",
                "write",
                [rule_id],
                {"mode": "most"},
            ),
            R(
                "rule with no approver",
                "at least one approver",
                M,
                "order.approval.rule",
                "create",
                dict(rule, user_ids=[(6, 0, [])]),
            ),
            R(
                "rule approver deleted",
                "",
                M,
                "order.approval.rule",
                "create",
                dict(rule, user_ids=[(6, 0, [self.deleted_user_id])]),
            ),
            R(
                "rule group without users",
                "at least one",
                M,
                "order.approval.rule",
                "create",
                dict(rule, approver_type="group", group_id=self.empty_group.id),
            ),
            R(
                "rule name oversized",
                "too long",
                M,
                "order.approval.rule",
                "write",
                [rule_id],
                {"name": "长" * 20000},
            ),
            R(
                "reject without a reason",
                "reason",
                self.director,
                "sale.order",
                "action_reject",
                [self.pending.id],
            ),
            R(
                "approval comment not text",
                "must be text",
                self.director,
                "sale.order",
                "action_approve",
                [self.pending.id],
                comment=["ok"],
            ),
            R(
                "rejection reason oversized",
                "too long",
                self.director,
                "sale.order",
                "action_reject",
                [self.pending.id],
                reason="x" * 2_000_000,
            ),
            R(
                "delegation ends before it starts",
                "",
                self.director,
                "order.approval.delegation",
                "create",
                {"delegate_id": self.gm.id, "date_from": "2037-03-10", "date_to": "2037-03-01"},
            ),
            R(
                "delegation date in words",
                "is not a date",
                self.director,
                "order.approval.delegation",
                "create",
                {"delegate_id": self.gm.id, "date_from": "next monday", "date_to": "2037-03-01"},
            ),
            # order_alerts
            R(
                "alert hours NaN",
                "not a number",
                M,
                "order.alert.rule",
                "write",
                [alert_rule_id],
                {"hours": NAN},
            ),
            R(
                "alert hours infinite",
                "not a number",
                M,
                "order.alert.rule",
                "write",
                [alert_rule_id],
                {"hours": INF},
            ),
            R(
                "alert hours negative",
                "between 0 and 8760",
                M,
                "order.alert.rule",
                "write",
                [alert_rule_id],
                {"hours": -1},
            ),
            R(
                "alert hours absurd",
                "between 0 and 8760",
                M,
                "order.alert.rule",
                "write",
                [alert_rule_id],
                {"hours": 1e6},
            ),
            R(
                "alert escalation NaN",
                "not a number",
                M,
                "order.alert.rule",
                "write",
                [alert_rule_id],
                {"escalation_hours": NAN},
            ),
            R(
                "alert warning at 150 %",
                "share of the time limit",
                M,
                "order.alert.rule",
                "write",
                [alert_rule_id],
                {"warning_ratio": 1.5},
            ),
            R(
                "alert 500 escalation steps",
                "0 to 20",
                M,
                "order.alert.rule",
                "write",
                [alert_rule_id],
                {"escalation_max": 500},
            ),
            R(
                "alert webhook retries 0",
                "1 to 20",
                M,
                "order.alert.rule",
                "write",
                [alert_rule_id],
                {"webhook_retries": 0},
            ),
            R(
                "webhook not http",
                "http://",
                M,
                "order.alert.rule",
                "write",
                [alert_rule_id],
                {"webhook_url": "ftp://robots.example.com/hook"},
            ),
            R(
                "webhook javascript",
                "http://",
                M,
                "order.alert.rule",
                "write",
                [alert_rule_id],
                {"webhook_url": "javascript:alert(1)"},
            ),
            R(
                "webhook host label too long",
                "http://",
                M,
                "order.alert.rule",
                "write",
                [alert_rule_id],
                {"webhook_url": "https://" + "a" * 64 + ".example.com/"},
            ),
            R(
                "webhook port out of range",
                "http://",
                M,
                "order.alert.rule",
                "write",
                [alert_rule_id],
                {"webhook_url": "http://example.com:99999/"},
            ),
            R(
                "alert kind unknown",
                "not one of",
                M,
                "order.alert.rule",
                "create",
                dict(alert, kind="sometimes"),
            ),
            R(
                "alert node SLA without a node",
                "needs the status node",
                M,
                "order.alert.rule",
                "create",
                dict(alert, stage_id=False),
            ),
            R(
                "custom alert on a text field",
                "not a date",
                M,
                "order.alert.rule",
                "create",
                dict(alert, kind="custom", date_field="name"),
            ),
            R(
                "alert filter invalid",
                "not a valid filter",
                M,
                "order.alert.rule",
                "write",
                [alert_rule_id],
                {"domain": "[('nope', '=')]"},
            ),
            R(
                "alert for no users",
                "choose the users",
                M,
                "order.alert.rule",
                "write",
                [alert_rule_id],
                {"responsible_type": "users", "user_ids": [(6, 0, [])]},
            ),
            R(
                "scan with rule ids as text",
                "list of alert rule ids",
                M,
                "order.alert.rule",
                "run_scan",
                rule_ids="all",
            ),
            R(
                "scan with a fractional id",
                "list of alert rule ids",
                M,
                "order.alert.rule",
                "run_scan",
                rule_ids=[1.5],
            ),
        ]
        for label, words, user, model, method, args, kwargs in rows:
            self.assertBadInput(label, words, user, model, method, *args, **kwargs)
        self.assertFalse(self.failures, "\n".join(self.failures))
        self.assertGreaterEqual(self.count, 60)

    def test_missing_working_calendar_falls_back_to_the_wall_clock(self):
        """A company without a working calendar: SLA clocks and the scan run on
        wall-clock hours instead of failing."""
        self.company.resource_calendar_id = False
        order = self.create_order([(self.product, 1)])
        order.action_confirm()
        self.env.flush_all()
        self.assertEqual(order.tracking_stage_code, "ready")
        self.assertEqual(
            self.call(self.manager, "order.alert.rule", "run_scan", rule_ids=[self.alert_rule.id]),
            0,
        )
        self.assertFalse(self.alert_rule.scan_error)
