from unittest.mock import patch

from odoo.tests import tagged

from odoo.addons.order_alerts.tests.common import AlertCase


@tagged("post_install", "-at_install")
class TestExtensionAlertKind(AlertCase):
    """The alert kind ``certificate_pending``, declared in one file of this
    add-on (models/order_alert_rule.py): raised by the scan, told in words,
    cleared when the certificate is issued, its three conditions agreeing;
    a kind without its methods is refused at install."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.rule = cls.make_rule(
            name="Certificate pending over 2 h", kind="certificate_pending", hours=2
        )

    def certificate(self, when, name):
        order = self.confirmed_order(when)
        with self.at(when):
            return self.env["order.tracking.test.certificate"].create(
                {"name": name, "order_id": order.id}
            )

    def test_raised_described_and_cleared(self):
        # Monday 9:00; the calendar works 9-12, 13-17: due at 11:00
        certificate = self.certificate("2037-11-30 09:00:00", "QC/0100")
        order = certificate.order_id
        self.assertEqual(self.scan(self.rule, "2037-11-30 10:55:00"), 0)
        self.assertEqual(self.scan(self.rule, "2037-11-30 11:05:00"), 1)
        alert = self.alerts(self.rule, order)
        self.assertEqual(alert.kind, "certificate_pending")
        self.assertEqual(alert.stage_entry_key, f"certificate:{certificate.id}")
        self.assertIn("quality certificate", alert.description)
        self.assertIn(order.name, alert.description)
        self.assertEqual(order.alert_open_count, 1)
        with self.at("2037-11-30 11:30:00"):
            certificate.action_issue()
        self.assertEqual(self.scan(self.rule, "2037-11-30 12:00:00"), 0)
        self.assertEqual(alert.state, "resolved")
        self.assertEqual(alert.resolution, "cleared")

    def test_sql_and_python_conditions_agree(self):
        pending = self.certificate("2037-11-30 09:00:00", "QC/0101")
        issued = self.certificate("2037-11-30 09:00:00", "QC/0102")
        self.assertEqual(self.scan(self.rule, "2037-11-30 11:05:00"), 2)
        with self.at("2037-11-30 11:30:00"):
            issued.action_issue()
        holding, cleared = self.assert_conditions_agree(
            self.rule, "2037-11-30 11:45:00", self.alerts(self.rule)
        )
        self.assertEqual(holding.order_id, pending.order_id)
        self.assertEqual(cleared.order_id, issued.order_id)

    def test_a_kind_without_its_methods_is_refused(self):
        self.assertEqual(self.Rule._kind_missing_hooks(), [])
        Rule = type(self.Rule)
        with patch.object(Rule, "_describe_certificate_pending", None):
            self.assertEqual(
                self.Rule._kind_missing_hooks(),
                ["certificate_pending: _describe_certificate_pending"],
            )
            with self.assertRaisesRegex(TypeError, "_describe_certificate_pending"):
                self.Rule._register_hook()
