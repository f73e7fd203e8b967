"""Change requests in a real browser: the list on a phone, the tab on the order."""

from odoo.tests import HttpCase, tagged

from odoo.addons.order_tracking.tests.common import OrderTrackingCase

from .tour_common import until


@tagged("post_install", "-at_install")
class TestChangeRequestBrowser(HttpCase, OrderTrackingCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.set_stock(cls.product, 20)
        cls.order = cls.create_order([(cls.product, 2)])
        cls.order.action_confirm()
        cls.request = cls.env["order.change.request"].create(
            {
                "order_id": cls.order.id,
                "change_type": "add",
                "reason": "客户追加",
                "line_ids": [(0, 0, {"sale_line_id": cls.order.order_line.id, "quantity": 1})],
            }
        )

    def test_change_requests_on_a_phone(self):
        self.browser_size = "375x667"
        self.touch_enabled = True
        action = self.env.ref("order_tracking.order_change_request_action")
        self.browser_js(
            f"/odoo/action-{action.id}",
            "console.log('test successful')",
            ready="!!document.querySelector('.o_kanban_renderer .o_kanban_record')"
            f" && document.body.textContent.includes('{self.request.name}')",
            login="admin",
        )

    def test_order_form_tab_lists_the_changes(self):
        self.browser_js(
            f"/odoo/sales/{self.order.id}",
            "document.querySelector('a[name=change_requests]').click();"
            + until(
                "document.querySelectorAll('div[name=change_request_ids] .o_data_row').length"
                " === 1 && !!document.querySelector('button[name=action_view_change_requests]')",
                "'rows: ' + document.querySelectorAll("
                "'div[name=change_request_ids] .o_data_row').length"
                " + ', button: ' + !!document.querySelector("
                "'button[name=action_view_change_requests]')",
            ),
            ready="!!document.querySelector('a[name=change_requests]')",
            login="admin",
        )
