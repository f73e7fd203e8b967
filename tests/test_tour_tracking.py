"""The order kanban and form work in a real browser (desktop and phone width)."""

from odoo.tests import HttpCase, tagged

from odoo.addons.order_tracking.tests.common import OrderTrackingCase

from .tour_common import until


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
        """Status bar in the header, Odoo's state beside the reference, the history as
        a timeline: newest first, the current node marked, the source document a link."""
        self.browser_js(
            f"/odoo/sales/{self.order.id}",
            "document.querySelector('a[name=order_tracking]').click();"
            + until(
                "(() => {"
                "  const items = [...document.querySelectorAll('.o_tracking_timeline_item')];"
                "  const current = document.querySelector("
                "    '.o_field_order_tracking_statusbar button[aria-checked=true]');"
                "  return items.length === 2"
                "    && items[0].classList.contains('o_tracking_timeline_current')"
                "    && items[0].dataset.code === 'ready' && items[1].dataset.code === 'draft'"
                "    && !!items[0].querySelector('a.o_tracking_timeline_source')"
                "    && !!current && current.textContent.includes('Ready (Picked)')"
                "    && !!document.querySelector('.o_tracking_summary [name=state]');"
                "})()",
                "'timeline: ' + [...document.querySelectorAll('.o_tracking_timeline_item')]"
                ".map((i) => i.dataset.code)",
            ),
            ready="!!document.querySelector('a[name=order_tracking]')",
            login="admin",
        )

    def test_status_bar_nodes_are_not_typed(self):
        """No node of the status bar reacts to a click when no checkpoint waits."""
        self.browser_js(
            f"/odoo/sales/{self.order.id}",
            "const buttons = [...document.querySelectorAll("
            "  '.o_field_order_tracking_statusbar .o_statusbar_status'"
            "  + ' > button.o_arrow_button:not(.dropdown-toggle)')];"
            "if (buttons.length > 3 && buttons.every((b) => b.disabled)"
            "    && !document.querySelector('.o_tracking_statusbar_passable')) {"
            "  console.log('test successful');"
            "} else {"
            "  console.error('clickable: ' + buttons.filter((b) => !b.disabled).length);"
            "}",
            ready="!!document.querySelector("
            "'.o_field_order_tracking_statusbar button[aria-checked=true]')",
            login="admin",
        )

    def test_pass_checkpoint_from_the_status_bar(self):
        inspection = self.env["order.tracking.stage"].create(
            {
                "name": "Quality Inspection",
                "code": "quality_check",
                "sequence": 55,  # between ready and partially shipped
                "trigger_mode": "manual",
            }
        )
        order = self.create_order([(self.product, 1)])
        order.action_confirm()
        self.assertEqual(order.tracking_checkpoint_id, inspection)
        self.start_tour(
            f"/odoo/sales/{order.id}", "order_tracking_tour_pass_checkpoint", login="admin"
        )
        self.assertIn(inspection, order.tracking_passed_stage_ids)
        self.assertFalse(order.tracking_checkpoint_id)

    def test_one_shortage_badge_on_the_chinese_board(self):
        """A waiting-for-stock card says 缺货 once (it said it twice)."""
        self.env.ref("base.user_admin").lang = "zh_CN"
        short = self.create_order([(self.product_b, 3)])
        short.action_confirm()
        short._tracking_reserve()  # what the reservation policy does at confirmation
        self.assertEqual(short.tracking_stage_code, "waiting_stock")
        self.browser_js(
            self._kanban_url(),
            f"const card = [...document.querySelectorAll('.o_kanban_record')]"
            f"  .find((el) => el.textContent.includes('{short.name}'));"
            "const badges = [...card.querySelectorAll('.badge, .o_field_badge')]"
            "  .filter((b) => b.textContent.trim() === '缺货');"
            "if (badges.length === 1) { console.log('test successful'); }"
            "else { console.error('缺货 badges: ' + badges.length); }",
            ready=f"[...document.querySelectorAll('.o_kanban_record')]"
            f".some((el) => el.textContent.includes('{short.name}'))",
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
