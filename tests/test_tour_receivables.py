"""Finance's receivables in a real browser: the aging pivot (desktop in English,
phone in Simplified Chinese), the customer statement (对账单) as the customer reads
it in English and in Chinese, and the statement wizard opened from the customer's
form. Each keeps its last screen (docs/user-guide.md)."""

import json
from datetime import timedelta
from urllib.parse import quote

from odoo import fields
from odoo.tests import HttpCase, tagged

from odoo.addons.order_tracking.tests.common import OrderTrackingCase

from .tour_common import TourScreenshotMixin


@tagged("post_install", "-at_install")
class TestReceivableTours(TourScreenshotMixin, HttpCase, OrderTrackingCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.admin = cls.env.ref("base.user_admin")
        cls.today = fields.Date.context_today(cls.env.user)
        cls.service.taxes_id = False
        # payments get their journal entry at once: they show on the statement
        journal = cls.env["account.journal"].search(
            [("type", "=", "bank"), ("company_id", "=", cls.env.company.id)], limit=1
        )
        journal.inbound_payment_method_line_ids.payment_account_id = cls.env[
            "account.account"
        ].create(
            {"name": "Outstanding Receipts", "code": "OTTOUR", "account_type": "asset_current"}
        )
        partner = cls.env["res.partner"]
        cls.dongguan = partner.create({"name": "Dongguan Plastics 东莞塑胶", "lang": "en_US"})
        xiamen = partner.create({"name": "Xiamen Trading 厦门贸易"})
        foshan = partner.create({"name": "Foshan Ceramics 佛山陶瓷"})
        first = cls._invoice(cls.dongguan, 2000.0, dated=-60, due=-30)
        cls._pay(first, 800.0, -20)
        cls._invoice(cls.dongguan, 650.0, dated=-5, due=25)
        cls._invoice(xiamen, 3000.0, dated=-130, due=-100)
        cls._invoice(foshan, 800.0, dated=-2, due=28)
        cls._invoice(foshan, 500.0, dated=-40, due=-10)
        cls._invoice(foshan, 1200.0, dated=-105, due=-75)
        cls.env.flush_all()

    @classmethod
    def _invoice(cls, customer, amount, dated, due):
        order = cls.create_order([(cls.service, 1, amount)], partner=customer)
        order.action_confirm()
        invoice = cls.invoice(order, post=False)
        invoice.invoice_payment_term_id = False
        invoice.invoice_date = cls.today + timedelta(days=dated)
        invoice.invoice_date_due = cls.today + timedelta(days=due)
        invoice.action_post()
        return invoice

    @classmethod
    def _pay(cls, invoice, amount, days):
        cls.env["account.payment.register"].with_context(
            active_model="account.move", active_ids=invoice.ids
        ).create(
            {"amount": amount, "payment_date": cls.today + timedelta(days=days)}
        )._create_payments()

    # -- the aging pivot ----------------------------------------------------------

    def test_aging_desktop(self):
        self.run_tour(
            "order_tracking.order_tracking_aging_action", "order_tracking_tour_aging", "aging"
        )

    def test_aging_phone(self):
        self.run_tour(
            "order_tracking.order_tracking_aging_action",
            "order_tracking_tour_aging",
            "aging",
            True,
        )

    # -- the customer statement ------------------------------------------------------

    def statement_url(self):
        options = {
            "company_id": self.env.company.id,
            "date_from": fields.Date.to_string(self.today - timedelta(days=90)),
            "date_to": fields.Date.to_string(self.today),
        }
        return (
            f"/report/html/order_tracking.report_customer_statement/{self.dongguan.id}"
            f"?options={quote(json.dumps(options))}"
        )

    def test_statement_english(self):
        self.shoot_page(
            self.statement_url(),
            "!!document.querySelector('.o_tracking_statement_payment')",
            "statement-desktop-en",
        )

    def test_statement_chinese(self):
        self.dongguan.lang = "zh_CN"
        self.shoot_page(
            self.statement_url(),
            "!!document.querySelector('.o_tracking_statement_payment')",
            "statement-desktop-zh_CN",
        )

    def test_statement_from_the_customer_form(self):
        self.start_tour(
            f"/odoo/res.partner/{self.dongguan.id}",
            "order_tracking_tour_statement",
            login="admin",
            timeout=120,
        )
