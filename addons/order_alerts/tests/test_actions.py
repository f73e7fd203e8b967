from odoo import Command
from odoo.tests import tagged

from .common import AlertCase


@tagged("post_install", "-at_install")
class TestActions(AlertCase):
    """What a new alert does: to-do, chatter note, e-mail, highlight."""

    def test_every_action_of_a_rule(self):
        call = self.env.ref("mail.mail_activity_data_call")
        rule = self.make_rule(
            name="To Ship 4 h",
            stage_id=self.to_ship.id,
            hours=4,
            activity_type_id=call.id,
            action_post=True,
            action_email=True,
            action_highlight=True,
        )
        self.assertEqual(
            rule.mail_template_id, self.env.ref("order_alerts.mail_template_order_alert")
        )
        order = self.confirmed_order("2037-11-30 09:00:00")
        self.scan(rule, "2037-11-30 14:05:00")
        alert = self.alerts(rule, order)
        # a to-do of the chosen type on the order, for the responsible
        self.assertRecordValues(
            alert.activity_id,
            [
                {
                    "res_model": "sale.order",
                    "res_id": order.id,
                    "activity_type_id": call.id,
                    "user_id": self.stock_manager.id,
                }
            ],
        )
        self.assertIn("Breach", alert.activity_id.summary)
        # a note in the order's chatter, notifying the responsible
        note = order.message_ids.filtered(lambda m: "To Ship 4 h" in (m.body or ""))
        self.assertEqual(note.partner_ids, self.stock_manager.partner_id)
        # an e-mail to the responsible
        mail = self.env["mail.mail"].search(
            [("model", "=", "order.alert"), ("res_id", "=", alert.id)]
        )
        self.assertEqual(len(mail), 1)
        self.assertIn(self.stock_manager.email, mail.email_to)
        self.assertIn(order.name, mail.subject)
        self.assertIn(order.name, str(mail.body_html))
        # highlighted while open
        order.invalidate_recordset()
        self.assertTrue(order.alert_highlight)

    def test_users_share_the_alerts(self):
        clerk = self.salesman
        rule = self.make_rule(
            name="Shared",
            stage_id=self.to_ship.id,
            hours=4,
            user_ids=[Command.set((self.stock_manager | clerk).ids)],
        )
        orders = [self.confirmed_order("2037-11-30 09:00:00") for _i in range(4)]
        self.scan(rule, "2037-11-30 14:05:00")
        assignees = self.alerts(rule).mapped("user_id")
        self.assertEqual(assignees, self.stock_manager | clerk)
        self.assertEqual(len(self.alerts(rule)), len(orders))

    def test_no_activity_when_disabled(self):
        rule = self.make_rule(
            name="Quiet", stage_id=self.to_ship.id, hours=4, action_activity=False
        )
        order = self.confirmed_order("2037-11-30 09:00:00")
        self.scan(rule, "2037-11-30 14:05:00")
        self.assertTrue(self.alerts(rule, order))
        self.assertFalse(order.activity_ids)

    def test_archiving_a_rule_closes_its_alerts(self):
        rule = self.make_rule(name="Old", stage_id=self.to_ship.id, hours=4)
        order = self.confirmed_order("2037-11-30 09:00:00")
        self.scan(rule, "2037-11-30 14:05:00")
        alert = self.alerts(rule, order)
        rule.active = False
        self.assertEqual((alert.state, alert.resolution), ("resolved", "rule_disabled"))
        self.assertFalse(order.activity_ids)
        self.assertEqual(self.scan(rule, "2037-12-10 14:05:00"), 0)
