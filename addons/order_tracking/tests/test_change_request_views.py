from lxml import etree

from odoo.exceptions import UserError
from odoo.tests import Form, tagged

from .common_change_request import ChangeRequestCase


@tagged("post_install", "-at_install")
class TestChangeRequestViews(ChangeRequestCase):
    """The forms a salesperson fills in, as the web client and the mobile app
    use them."""

    def test_salesperson_fills_in_a_return_on_the_form(self):
        order = self.shipped_order([(self.product, 6)])
        Request = self.env["order.change.request"].with_user(self.salesman)
        with Form(Request.with_context(default_order_id=order.id)) as form:
            form.change_type = "return"
            form.reason = "包装破损"
            with form.line_ids.new() as line:
                line.sale_line_id = order.order_line
                self.assertEqual(line.product_id, self.product)
                line.quantity = 2
        request = form.record
        self.assertEqual(request.order_id, order)
        self.assertEqual(request.line_ids.product_uom_id, self.product.uom_id)
        self.assertTrue(request.to_refund)
        self.assertTrue(request.name.startswith("CR/"))
        self.apply(request)
        self.assertEqual(request.state, "applied")

    def test_new_delivery_address_on_the_form(self):
        self.set_stock(self.product, 5)
        order = self.create_order([(self.product, 1)], user_id=self.salesman.id)
        order.action_confirm()
        site = self.env["res.partner"].create({"name": "工地", "parent_id": self.customer.id})
        with Form(
            self.env["order.change.request"]
            .with_user(self.salesman)
            .with_context(default_order_id=order.id)
        ) as form:
            form.change_type = "address"
            form.reason = "改送工地"
            form.new_partner_shipping_id = site
        self.apply(form.record)
        self.assertEqual(order.partner_shipping_id, site)

    def test_views_load_for_a_salesperson(self):
        Request = self.env["order.change.request"].with_user(self.salesman)
        views = Request.get_views(
            [(False, "list"), (False, "kanban"), (False, "form"), (False, "search")]
        )["views"]
        kanban = etree.fromstring(views["kanban"]["arch"])
        self.assertIn("o_kanban_mobile", kanban.get("class"))
        order_form = (self.env["sale.order"].with_user(self.salesman).get_views([(False, "form")]))[
            "views"
        ]["form"]["arch"]
        arch = etree.fromstring(order_form)
        self.assertTrue(arch.xpath("//button[@name='action_view_change_requests']"))
        self.assertTrue(
            arch.xpath("//page[@name='change_requests']//field[@name='change_request_ids']")
        )

    def test_smart_button_counts_and_opens_the_order_changes(self):
        order = self.shipped_order([(self.product, 6)])
        first = self.request(order, "replenish", [(order.order_line, 1)])
        self.request(self.shipped_order([(self.product, 1)]), "replenish", [(self.product, 1)])
        self.assertEqual(order.change_request_count, 1)
        action = order.action_view_change_requests()
        self.assertEqual(self.env["order.change.request"].search(action["domain"]), first)
        self.assertEqual(action["context"]["default_order_id"], order.id)

    def test_a_chinese_user_reads_chinese(self):
        self.env["res.lang"]._activate_lang("zh_CN")
        self.env["ir.module.module"]._load_module_terms(
            ["order_tracking"], ["zh_CN"], overwrite=True
        )
        self.supervisor.lang = "zh_CN"
        order = self.shipped_order([(self.product, 2)])
        request = self.request(order, "return", [(order.order_line, 5)])
        as_chinese = request.with_user(self.supervisor).with_context(lang="zh_CN")
        with self.assertRaisesRegex(UserError, "最多只能退回 2"):
            as_chinese.action_apply()
        labels = dict(as_chinese._fields["change_type"]._description_selection(as_chinese.env))
        self.assertEqual(labels["replenish"], "补单")
        self.assertEqual(labels["exchange"], "换货")
