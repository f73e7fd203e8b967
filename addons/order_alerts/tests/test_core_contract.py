"""What order_alerts takes from Odoo core beyond its public API: closing the
responsible's to-do with a feedback, and a few private ORM helpers. Each test
fails when an 18.0 build changes the detail underneath us."""

from odoo.tests import tagged

from odoo.addons.order_tracking.tests.common import CoreContractMixin, OrderTrackingCase


@tagged("post_install", "-at_install")
class TestCoreContract(CoreContractMixin, OrderTrackingCase):
    def test_closing_a_to_do_with_a_feedback(self):
        """mail.activity._action_done(feedback=...): resolving an alert or a
        shortage closes its to-do this way; the to-do leaves the order's
        activities and the feedback is posted on the order."""
        activities = self.env["mail.activity"]
        self.assert_core_parameters(
            activities, "_action_done", "mail", ["self", "feedback", "attachment_ids"]
        )
        order = self.create_order([(self.product, 1)])
        todo = order.activity_schedule("mail.mail_activity_data_todo", summary="Check stock")
        self.assertEqual(order.activity_ids, todo)
        todo._action_done(feedback="Goods reserved 货已预留")
        self.assertFalse(order.activity_ids)
        self.assertTrue(
            order.message_ids.filtered(lambda m: "Goods reserved 货已预留" in (m.body or ""))
        )

    def test_private_orm_helpers(self):
        """ir.model._get_id(), ir.actions.act_window._for_xml_id(),
        Selection._description_selection(env) (translated labels in alert
        texts) and _read_group(domain, groupby, aggregates) with __count and
        bool_or (open alerts and highlight per order)."""
        self.assertEqual(
            self.env["ir.model"]._get_id("sale.order"), self.env["ir.model"]._get("sale.order").id
        )
        action = self.env["ir.actions.act_window"]._for_xml_id("order_alerts.order_alert_action")
        self.assertEqual(action["res_model"], "order.alert")
        self.env["res.lang"]._activate_lang("zh_CN")
        self.env["ir.module.module"]._load_module_terms(["order_alerts"], ["zh_CN"], overwrite=True)
        field = self.env["order.alert"]._fields["level"]
        self.assertEqual(dict(field._description_selection(self.env))["breach"], "Breach")
        chinese = dict(field._description_selection(self.env(context={"lang": "zh_CN"})))
        self.assertNotEqual(chinese["breach"], "Breach")
        order = self.create_order([(self.product, 1), (self.product_b, 2)])
        groups = self.env["sale.order.line"]._read_group(
            [("order_id", "=", order.id)], ["order_id"], ["__count", "is_downpayment:bool_or"]
        )
        self.assertEqual(groups, [(order, 2, False)])
