"""What the order's screens show: at-risk orders, who may pass a checkpoint from
the status bar, and the printable order status report (PDF, English and Chinese)."""

from datetime import timedelta

from odoo import fields
from odoo.tests import new_test_user, tagged

from ..tools import clock
from .common import OrderTrackingCase


@tagged("post_install", "-at_install")
class TestAtRisk(OrderTrackingCase):
    def test_deadline_within_a_day_is_due_soon_not_late(self):
        orders = self.env["sale.order"]
        for _i in range(3):
            order = self.create_order([(self.product, 1)])
            order.action_confirm()
            orders |= order
        self.env.flush_all()
        soon, late, later = orders
        now = fields.Datetime.now()
        # the history is immutable: set the stored deadline as the SLA would have
        self.env.cr.execute(
            "UPDATE sale_order SET tracking_deadline = %s WHERE id = %s",
            (now + timedelta(hours=5), soon.id),
        )
        self.env.cr.execute(
            "UPDATE sale_order SET tracking_deadline = %s WHERE id = %s",
            (now - timedelta(hours=1), late.id),
        )
        self.env.cr.execute(
            "UPDATE sale_order SET tracking_deadline = %s WHERE id = %s",
            (now + timedelta(hours=30), later.id),
        )
        orders.invalidate_recordset(["tracking_deadline"])
        self.assertEqual(
            [o.tracking_due_soon for o in orders], [True, False, False], "5 h left: due soon"
        )
        self.assertEqual([o.tracking_late for o in orders], [False, True, False])
        Order = self.env["sale.order"]
        self.assertEqual(
            Order.search([("id", "in", orders.ids), ("tracking_due_soon", "=", True)]), soon
        )
        self.assertEqual(
            Order.search([("id", "in", orders.ids), ("tracking_due_soon", "=", False)]),
            late | later,
        )
        self.assertEqual(
            Order.search([("id", "in", orders.ids), ("tracking_due_soon", "!=", True)]),
            late | later,
        )
        late_or_due_soon = ["|", ("tracking_late", "=", True), ("tracking_due_soon", "=", True)]
        self.assertEqual(Order.search([("id", "in", orders.ids), *late_or_due_soon]), soon | late)


@tagged("post_install", "-at_install")
class TestCanPass(OrderTrackingCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.quality = cls.env["res.groups"].create({"name": "Quality 质检"})
        cls.inspector = new_test_user(
            cls.env, login="ot_disp_inspector", groups="stock.group_stock_user", name="Inspector"
        )
        cls.inspector.groups_id += cls.quality
        cls.clerk = new_test_user(
            cls.env, login="ot_disp_clerk", groups="stock.group_stock_user", name="Clerk"
        )
        cls.env["order.tracking.stage"].create(
            {
                "name": "Quality Inspection",
                "code": "quality_check",
                "sequence": 55,
                "trigger_mode": "manual",
                "group_id": cls.quality.id,
            }
        )
        cls.set_stock(cls.product, 10)

    def test_only_the_checkpoint_group_may_pass_it(self):
        order = self.create_order([(self.product, 2)])
        self.assertFalse(order.tracking_can_pass, "a quotation waits at no checkpoint")
        order.action_confirm()
        self.assertTrue(order.tracking_checkpoint_id)
        self.assertTrue(order.with_user(self.inspector).tracking_can_pass)
        self.assertFalse(order.with_user(self.clerk).tracking_can_pass)
        self.assertTrue(order.with_user(self.env.ref("base.user_admin")).tracking_can_pass)
        order.with_user(self.inspector).action_pass_current_checkpoint()
        self.assertFalse(order.with_user(self.inspector).tracking_can_pass)


@tagged("post_install", "-at_install")
class TestStatusReport(OrderTrackingCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.set_stock(cls.product, 10)
        start = fields.Datetime.now() - timedelta(days=3)
        with clock.frozen(start):
            cls.order = cls.create_order([(cls.product, 2)])
            cls.order.mapped("tracking_stage_id")
        with clock.frozen(start + timedelta(hours=2)):
            cls.order.action_confirm()  # reserved at once: Quotation -> Ready
            cls.order.mapped("tracking_stage_id")
        with clock.frozen(start + timedelta(hours=5, minutes=30)):
            for picking in cls.outgoing(cls.order):
                cls.validate(picking)
            cls.order.mapped("tracking_stage_id")
        cls.env.flush_all()

    def render_html(self, lang):
        self.order.partner_id.lang = lang
        html, kind = self.env["ir.actions.report"]._render_qweb_html(
            "order_tracking.action_report_order_status", self.order.ids
        )
        self.assertEqual(kind, "html")
        return html.decode()

    def test_timeline_with_durations(self):
        self.assertEqual(self.codes(self.order), ["draft", "ready", "shipped"])
        html = self.render_html("en_US")
        self.assertIn("Order Status", html)
        self.assertIn(self.order.name, html)
        # 2 h as a quotation, 3.5 h reserved, then shipped (current)
        self.assertIn(">2.0<", html)
        self.assertIn(">3.5<", html)
        self.assertIn("Promise Ledger", html)
        self.assertIn(self.outgoing(self.order)[:1].name or "WH/OUT", html)

    def test_chinese(self):
        html = self.render_html("zh_CN")
        self.assertIn("订单状态", html)
        self.assertIn("已发货", html)  # the node's name in Chinese
        self.assertIn("交期承诺台账", html)
        self.assertNotIn("Promise Ledger", html)

    def test_pdf_in_english_and_chinese(self):
        Report = self.env["ir.actions.report"].with_context(force_report_rendering=True)
        for lang in ("en_US", "zh_CN"):
            self.order.partner_id.lang = lang
            pdf, kind = Report._render_qweb_pdf(
                "order_tracking.action_report_order_status", self.order.ids
            )
            self.assertEqual(kind, "pdf")
            self.assertTrue(pdf.startswith(b"%PDF-"), f"{lang}: not a PDF")
            self.assertIn(b"/Type /Page", pdf)


@tagged("post_install", "-at_install")
class TestBoardColumns(OrderTrackingCase):
    """The tracking board's columns: Odoo's web client loads the orders of its
    first ten open columns only, so every node that holds orders comes first
    and empty nodes fill the rest."""

    def columns(self, orders):
        groups = self.env["sale.order"].web_read_group(
            [("id", "in", orders.ids)], ["tracking_stage_id"], ["tracking_stage_id"]
        )["groups"]
        return self.env["order.tracking.stage"].browse(
            [group["tracking_stage_id"][0] for group in groups]
        )

    def test_an_order_in_a_late_node_is_on_an_open_column(self):
        quotation = self.create_order([(self.product, 1)])
        invoiced = self.create_order([(self.service, 1)])
        invoiced.action_confirm()
        self.invoice(invoiced)
        self.assertEqual(invoiced.tracking_stage_code, "invoiced")
        every = self.env["order.tracking.stage"].search([])
        self.assertGreater(len(every.filtered(lambda s: not s.fold)), 10)
        columns = self.columns(quotation | invoiced)
        open_columns = columns.filtered(lambda s: not s.fold)
        self.assertEqual(len(open_columns), 10)
        self.assertIn(invoiced.tracking_stage_id, open_columns)
        self.assertIn(quotation.tracking_stage_id, open_columns)
        # in the nodes' order, folded nodes (cancelled, returned) still listed
        self.assertEqual(columns, every & columns)
        self.assertTrue(every.filtered("fold") <= columns)
