from odoo.tests import Form, tagged

from odoo.addons.order_tracking.tests.common import TranslationCheckMixin

from .common import AlertCase


@tagged("post_install", "-at_install")
class TestViews(AlertCase, TranslationCheckMixin):
    def test_views_load(self):
        for model, types in (
            ("order.alert", ["list", "kanban", "form", "search", "graph", "pivot"]),
            ("order.alert.rule", ["list", "form", "search"]),
            ("order.alert.shortage", ["list", "kanban", "form", "search"]),
            ("order.alert.webhook.log", ["list", "form", "search"]),
        ):
            views = self.env[model].get_views([(False, view_type) for view_type in types])
            self.assertEqual(set(views["views"]), set(types))
        kanban = self.env.ref("order_tracking.sale_order_view_kanban")
        arch = self.env["sale.order"].get_views([(kanban.id, "kanban")])["views"]["kanban"]["arch"]
        self.assertIn("alert_open_count", arch)
        form = self.env["sale.order"].get_views([(False, "form")])["views"]["form"]["arch"]
        self.assertIn("action_view_alerts", form)

    def test_rule_form_and_order_button(self):
        with Form(self.Rule) as rule_form:
            rule_form.name = "Form rule"
            rule_form.kind = "stage_sla"
            rule_form.stage_id = self.to_ship
            rule_form.hours = 6
            rule_form.responsible_type = "salesperson"
        rule = rule_form.record
        order = self.confirmed_order("2037-11-30 09:00:00")
        self.scan(rule, "2037-12-01 09:00:00")
        action = order.action_view_alerts()
        self.assertEqual(action["res_model"], "order.alert")
        self.assertEqual(self.Alert.search(action["domain"]), self.alerts(rule, order))
        self.assertEqual(rule.alert_open_count, 1)
        self.assertEqual(rule.action_view_alerts()["domain"], [("rule_id", "=", rule.id)])

    def test_every_term_is_translated_to_chinese(self):
        self.assertGreater(self.assert_fully_translated("order_alerts"), 100)
