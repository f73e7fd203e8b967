"""The order kanban and form work in a real browser (desktop and phone width)."""

from odoo.tests import HttpCase, tagged

from odoo.addons.order_tracking.tests.common import OrderTrackingCase


@tagged("post_install", "-at_install")
class TestTrackingBrowser(HttpCase, OrderTrackingCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.set_stock(cls.product, 20)
        cls.order = cls.create_order([(cls.product, 2)])
        cls.order.action_confirm()
        cls.order.mapped("tracking_stage_id")

    def _kanban_url(self):
        action = self.env.ref("order_tracking.sale_order_tracking_action")
        return f"/odoo/action-{action.id}"

    def test_kanban_groups_orders_by_node(self):
        self.browser_js(
            self._kanban_url(),
            "console.log('test successful')",
            ready="!!document.querySelector('.o_kanban_group .o_kanban_record')"
            " && [...document.querySelectorAll('.o_column_title')]"
            ".some((el) => el.textContent.includes('Ready (Picked)'))",
            login="admin",
        )

    def test_order_form_shows_the_timeline(self):
        self.browser_js(
            f"/odoo/sales/{self.order.id}",
            "document.querySelector('a[name=order_tracking]').click();"
            "setTimeout(() => {"
            "  const rows = document.querySelectorAll('div[name=tracking_event_ids] .o_data_row');"
            "  if (rows.length === 2) { console.log('test successful'); }"
            "  else { console.error('timeline rows: ' + rows.length); }"
            "}, 500);",
            ready="!!document.querySelector('a[name=order_tracking]')",
            login="admin",
        )

    def test_kanban_on_a_phone(self):
        self.browser_size = "375x667"
        self.touch_enabled = True
        self.browser_js(
            self._kanban_url(),
            "console.log('test successful')",
            ready="!!document.querySelector('.o_kanban_renderer .o_kanban_record')",
            login="admin",
        )
