from odoo.tests import tagged

from .common import AlertCase


@tagged("post_install", "-at_install")
class TestDryRun(AlertCase):
    def test_lists_due_orders_and_creates_nothing(self):
        rule = self.make_rule(name="To Ship 4 h", stage_id=self.to_ship.id, hours=4)
        rule.active = False  # a rule being designed
        due = self.confirmed_order("2037-11-30 09:00:00")
        self.confirmed_order("2037-11-30 15:00:00")
        alerts = self.Alert.search_count([])
        with self.at("2037-11-30 14:00:00"):
            action = rule.action_dry_run()
        self.assertEqual(action["res_model"], "sale.order")
        self.assertEqual(action["domain"], [("id", "in", [due.id])])
        self.assertIn("1 orders", action["name"])
        self.assertEqual(self.Alert.search_count([]), alerts)
        # already alerted orders still meet the condition
        rule.active = True
        self.scan(rule, "2037-11-30 14:00:00")
        with self.at("2037-11-30 14:30:00"):
            self.assertEqual(rule._dry_run(), [due.id])
