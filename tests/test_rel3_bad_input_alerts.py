"""REL-3: bad input over real XML-RPC, across the add-ons, as the user who would
type it. Every row must come back as a UserError / ValidationError /
AccessError in words (never a traceback) and write nothing.

This file: order_alerts' rules and scan, and the SLA clock without a
working calendar.
Shared set-up and checks: rel_common.Rel3Case."""

from odoo.tests import tagged

from .rel_common import INF, NAN, REL3_MINIMUM, R, Rel3Case


@tagged("post_install", "-at_install")
class TestRel3BadInputAlerts(Rel3Case):
    def test_bad_alert_input(self):
        M, alert_rule_id = self.manager, self.alert_rule.id
        alert = {
            "name": "Odd",
            "kind": "stage_sla",
            "stage_id": self.stage("to_ship").id,
            "hours": 8,
            "responsible_type": "salesperson",
        }
        rows = [
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
                "webhook secret on a generic webhook",
                "Only DingTalk and Feishu robots sign",
                M,
                "order.alert.rule",
                "write",
                [alert_rule_id],
                {"webhook_format": "json", "webhook_secret": "SEC123"},
            ),
            R(
                "webhook format unknown",
                "expects one of",
                M,
                "order.alert.rule",
                "write",
                [alert_rule_id],
                {"webhook_format": "slack"},
            ),
            R(
                "webhook secret over 512 characters",
                "has at most 512",
                M,
                "order.alert.rule",
                "write",
                [alert_rule_id],
                {"webhook_format": "dingtalk", "webhook_secret": "S" * 513},
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
                "expects one of",
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
        self.assertBadInputs(rows, REL3_MINIMUM["alerts"])

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
