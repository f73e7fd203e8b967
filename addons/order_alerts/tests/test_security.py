from odoo import Command
from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged

from .common import AlertCase


@tagged("post_install", "-at_install")
class TestSecurity(AlertCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.rule = cls.make_rule(name="To Ship 4 h", stage_id=cls.to_ship.id, hours=4)

    def raise_alert(self):
        order = self.confirmed_order("2037-11-30 09:00:00")
        self.scan(self.rule, "2037-11-30 14:05:00")
        return self.alerts(self.rule, order)

    def test_users_handle_alerts_but_do_not_configure_rules(self):
        alert = self.raise_alert()
        user = self.stock_manager
        alert.with_user(user).check_access("read")
        self.rule.with_user(user).check_access("read")
        with self.assertRaises(AccessError):
            self.Rule.with_user(self.salesman).create(
                {"name": "Mine", "kind": "stage_sla", "stage_id": self.to_ship.id, "hours": 1}
            )
        with self.assertRaises(AccessError):
            self.rule.with_user(self.salesman).write({"hours": 1})
        with self.assertRaises(AccessError):
            self.Alert.with_user(user).create(
                {
                    "rule_id": self.rule.id,
                    "order_id": alert.order_id.id,
                    "company_id": self.company.id,
                    "stage_entry_key": "x",
                }
            )
        # state moves through the actions only
        with self.assertRaisesRegex(AccessError, "Acknowledge and Resolve"):
            alert.with_user(user).write({"state": "resolved"})
        alert.with_user(user).write({"note": "Calling the carrier 联系承运商"})
        alert.with_user(user).action_acknowledge()
        self.assertEqual(alert.state, "acknowledged")
        with self.assertRaises(AccessError):
            alert.with_user(user).unlink()

    def test_manager_configures_rules(self):
        manager = new_test_user(
            self.env, login="alr_manager", groups="order_tracking.order_tracking_group_manager"
        )
        rule = self.Rule.with_user(manager).create(
            {
                "name": "Mgr",
                "kind": "stage_sla",
                "stage_id": self.to_ship.id,
                "hours": 2,
                "responsible_type": "salesperson",
            }
        )
        rule.write({"hours": 3})
        self.env["order.alert.webhook.log"].with_user(manager).check_access("read")
        with self.assertRaises(AccessError):
            self.env["order.alert.webhook.log"].with_user(self.salesman).check_access("read")

    def test_alerts_of_other_companies_are_hidden(self):
        alert = self.raise_alert()
        other = self.env["res.company"].create({"name": "Other Co 其他公司"})
        outsider = new_test_user(
            self.env,
            login="alr_outsider",
            groups="stock.group_stock_manager",
            company_id=other.id,
            company_ids=[Command.set(other.ids)],
        )
        self.assertFalse(self.Alert.with_user(outsider).search([("id", "=", alert.id)]))
        with self.assertRaises(AccessError):
            alert.with_user(outsider).action_acknowledge()
        self.assertTrue(self.Alert.with_user(self.stock_manager).search([("id", "=", alert.id)]))

    def test_resolving_a_resolved_alert_is_harmless_acknowledging_it_is_refused(self):
        alert = self.raise_alert()
        alert.action_resolve()
        self.assertIs(alert.action_resolve(note="again"), True)
        self.assertNotEqual(alert.note, "again")
        with self.assertRaisesRegex(Exception, "already resolved"):
            alert.action_acknowledge()
