from unittest.mock import patch

from odoo.exceptions import ValidationError
from odoo.tests import tagged

from ..tools import webhook
from .common import AlertCase


@tagged("post_install", "-at_install")
class TestFaultIsolation(AlertCase):
    """One rule, order or webhook that raises is shown to its manager and
    stops no other: the scheduled actions go on with the rest."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.good = cls.make_rule(name="To Ship over 24 h", stage_id=cls.to_ship.id, hours=24)

    def break_rule(self, rule, column, value):
        """What a rule can hold after an upgrade or a removed custom field:
        a value the form would refuse today, written around the ORM."""
        self.env.cr.execute(
            f"UPDATE order_alert_rule SET {column} = %s WHERE id = %s",  # noqa: S608
            (value, rule.id),
        )
        rule.invalidate_recordset()

    def test_broken_rule_beside_a_good_one(self):
        broken = self.make_rule(
            name="Big orders stuck", stage_id=self.to_ship.id, hours=24, sequence=1
        )
        self.break_rule(broken, "domain", "[('x_removed_field', '=', 1)]")
        order = self.confirmed_order("2037-11-30 09:00:00")  # Monday
        # breach at 24 working hours: Friday 09:00 (Wednesday is a holiday)
        raised = self.scan(broken | self.good, "2037-12-04 09:01:00")
        self.assertEqual(raised, 1)
        self.assertEqual(self.alerts(self.good, order).level, "breach")
        self.assertFalse(self.alerts(broken))
        self.assertIn("x_removed_field", broken.scan_error)
        self.assertIn("2037-12-04 09:01:00", broken.scan_error)
        self.assertFalse(self.good.scan_error)
        self.assertIn(broken, self.Rule.search([("scan_error", "!=", False)]))
        # once repaired, the next run raises its alert and clears the error
        broken.domain = "[]"
        self.assertEqual(self.scan(broken | self.good, "2037-12-04 09:05:00"), 1)
        self.assertEqual(self.alerts(broken, order).level, "breach")
        self.assertFalse(broken.scan_error)
        self.assertFalse(broken.scan_error_at)

    def test_nan_hours_refused_and_a_stored_nan_stops_only_its_rule(self):
        for value, words in (
            (float("nan"), "not a number"),
            (float("inf"), "not a number"),
            (-1.0, "between 0 and 8760"),
            (24 * 365 + 1, "between 0 and 8760"),
        ):
            with self.assertRaises(ValidationError, msg=value) as caught:
                self.make_rule(name="Odd", stage_id=self.to_ship.id, hours=value)
            self.assertIn(words, str(caught.exception))
        with self.assertRaises(ValidationError):
            self.make_rule(
                name="Odd", stage_id=self.to_ship.id, hours=8, warning_ratio=float("nan")
            )
        nan_rule = self.make_rule(name="Was fine", stage_id=self.to_ship.id, hours=8, sequence=1)
        self.break_rule(nan_rule, "hours", float("nan"))
        order = self.confirmed_order("2037-11-30 09:00:00")
        self.assertEqual(self.scan(nan_rule | self.good, "2037-12-04 09:01:00"), 1)
        self.assertEqual(len(self.alerts(self.good, order)), 1)
        self.assertIn("NaN", nan_rule.scan_error)

    def test_an_order_that_raises_holds_back_no_other(self):
        template = self.env["mail.template"].create(
            {
                "name": "Alert mail that breaks on one order",
                "model_id": self.env["ir.model"]._get_id("order.alert"),
                "subject": "Alert",
                "body_html": "<p><t t-out=\"object.order_id.client_order_ref == 'X' and 1 / 0\"/>"
                "</p>",
                "email_to": "ops@example.com",
            }
        )
        rule = self.make_rule(
            name="Mail on breach",
            stage_id=self.to_ship.id,
            hours=24,
            action_email=True,
            mail_template_id=template.id,
        )
        fine = self.confirmed_order("2037-11-30 09:00:00")
        broken = self.confirmed_order("2037-11-30 09:00:00", client_order_ref="X")
        fine_too = self.confirmed_order("2037-11-30 09:00:00")
        self.assertEqual(self.scan(rule, "2037-12-04 09:01:00"), 2)
        self.assertEqual((self.alerts(rule).order_id), fine | fine_too)
        self.assertIn(broken.name, rule.scan_error)
        self.assertNotIn(fine.name, rule.scan_error)
        # the next run tries the broken order again, and only it
        self.assertEqual(self.scan(rule, "2037-12-04 09:05:00"), 0)
        self.assertIn(broken.name, rule.scan_error)

    def test_a_webhook_that_raises_does_not_stop_the_queue(self):
        Log = self.env["order.alert.webhook.log"]
        logs = Log.create(
            [
                {"url": "http://127.0.0.1:9/broken", "payload": "{}", "max_attempts": 2},
                {"url": "http://127.0.0.1:9/fine", "payload": "{}", "max_attempts": 2},
            ]
        )
        real_post = webhook.post

        def post(url, payload, timeout=webhook.DEFAULT_TIMEOUT):
            if url.endswith("/broken"):
                raise RuntimeError("a bug in the sender")
            return real_post(url, payload, timeout=timeout)

        with patch.object(webhook, "post", post):
            logs._deliver()
        broken, fine = logs
        self.assertEqual((broken.state, broken.attempts), ("pending", 1))
        self.assertIn("RuntimeError: a bug in the sender", broken.error)
        self.assertTrue(broken.next_retry)
        # the second message was attempted (nothing listens on port 9)
        self.assertEqual(fine.attempts, 1)
        self.assertIn("ConnectionError", fine.error)
        with patch.object(webhook, "post", post):
            broken._deliver()
        self.assertEqual(broken.state, "failed")

    def test_a_host_urllib3_refuses_is_refused_or_a_failed_attempt(self):
        url = "http://" + "a" * 64 + ".example.com/hook"
        with self.assertRaises(ValidationError):
            self.make_rule(name="Hook", stage_id=self.to_ship.id, hours=24, webhook_url=url)
        log = self.env["order.alert.webhook.log"].create(
            {"url": url, "payload": "{}", "max_attempts": 3}
        )
        log._deliver()
        # (tests block outside addresses before urllib3 parses them: either
        # way a failed attempt, never an exception out of the queue)
        self.assertEqual((log.state, log.attempts), ("pending", 1))
        self.assertTrue(log.error)
