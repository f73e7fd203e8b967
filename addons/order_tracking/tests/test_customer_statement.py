from datetime import timedelta

from odoo import Command, fields
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import HttpCase, new_test_user, tagged

from .test_receivable import ReceivableCase

REPORT = "order_tracking.action_report_customer_statement"


class StatementCase(ReceivableCase):
    """Statements of real invoices, credit notes and payments, dated relative
    to today; products without taxes (10 × 100 invoices 1,000)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Report = cls.env["report.order_tracking.report_customer_statement"]

    def day(self, days):
        return self.today + timedelta(days=days)

    def invoice_on(self, order, days, due_in=30):
        """Post an invoice of all of ``order`` dated ``days`` from today, due
        ``due_in`` days later."""
        invoice = self.invoice(order, post=False)
        invoice.invoice_payment_term_id = False
        invoice.invoice_date = self.day(days)
        invoice.invoice_date_due = self.day(days + due_in)
        invoice.action_post()
        return invoice

    def pay_on(self, invoice, amount, days):
        wizard = (
            self.env["account.payment.register"]
            .with_context(active_model="account.move", active_ids=invoice.ids)
            .create({"amount": amount, "payment_date": self.day(days)})
        )
        return wizard._create_payments()

    def credit_note_on(self, invoice, quantity, days):
        reversal = (
            self.env["account.move.reversal"]
            .with_context(active_model="account.move", active_ids=invoice.ids)
            .create(
                {
                    "journal_id": invoice.journal_id.id,
                    "reason": "damaged",
                    "date": self.day(days),
                }
            )
        )
        credit_note = self.env["account.move"].browse(reversal.refund_moves()["res_id"])
        credit_note.invoice_date = self.day(days)
        credit_note.invoice_line_ids.quantity = quantity
        credit_note.action_post()
        return credit_note

    def bank_methods(self):
        journal = self.env["account.journal"].search(
            [("type", "=", "bank"), ("company_id", "=", self.env.company.id)], limit=1
        )
        return journal.inbound_payment_method_line_ids

    def book_payments(self):
        """Payments of the company's bank journal get their journal entry at
        once (an outstanding receipts account on the payment method)."""
        outstanding = self.env["account.account"].create(
            {"name": "Outstanding Receipts", "code": "OTST01", "account_type": "asset_current"}
        )
        self.bank_methods().payment_account_id = outstanding

    def book_no_payments(self):
        """Payments of the bank journal get no journal entry until the bank
        statement (no outstanding account: the charts of early 18.0 builds)."""
        self.bank_methods().payment_account_id = False

    def statement(self, start, end, partner=None, company=None):
        values = self.Report._get_report_values(
            (partner or self.customer).ids,
            {
                "company_id": (company or self.env.company).id,
                "date_from": fields.Date.to_string(self.day(start)),
                "date_to": fields.Date.to_string(self.day(end)),
            },
        )
        return values["statements"][(partner or self.customer).id]

    @staticmethod
    def rows(statement):
        return [
            (line["kind"], line["debit"], line["credit"], line["balance"])
            for line in statement["lines"]
        ]


@tagged("post_install", "-at_install")
class TestCustomerStatement(StatementCase):
    """SPEC AR-4: the customer statement (对账单), values worked out by hand."""

    def test_running_balance_is_odoo_receivable(self):
        self.book_payments()
        first = self.confirmed()  # 1,000
        second = self.confirmed([(self.product, 2, 100.0)])  # 200
        invoice_a = self.invoice_on(first, -40)
        payment = self.pay_on(invoice_a, 400.0, -20)
        credit_note = self.credit_note_on(invoice_a, 1, -5)  # 100
        invoice_b = self.invoice_on(second, 0)

        whole = self.statement(-60, 0)
        self.assertEqual(whole["opening"], 0.0)
        self.assertEqual(
            self.rows(whole),
            [
                ("invoice", 1000.0, 0.0, 1000.0),
                ("payment", 0.0, 400.0, 600.0),
                ("credit_note", 0.0, 100.0, 500.0),
                ("invoice", 200.0, 0.0, 700.0),
            ],
        )
        self.assertEqual(
            [line["reference"] for line in whole["lines"]],
            [invoice_a.name, payment.move_id.name, credit_note.name, invoice_b.name],
        )
        self.assertEqual(whole["lines"][0]["orders"], first.name)
        self.assertEqual(whole["lines"][0]["due"], self.day(-10))
        self.assertEqual((whole["total_debit"], whole["total_credit"]), (1200.0, 500.0))
        self.assertEqual(whole["closing"], 700.0)
        # Odoo's own receivable of the customer (the partner's Total Receivable)
        self.customer.invalidate_recordset(["credit"])
        self.assertEqual(self.customer.credit, 700.0)
        # and the aging: what is open on each invoice and credit note
        aging = self.env["order.tracking.aging"].search([("partner_id", "=", self.customer.id)])
        self.assertEqual(sum(aging.mapped("amount")), 700.0)
        self.assertFalse(whole["in_process"])
        self.assertEqual(whole["orders"], first | second)

        # a period after the first invoice: it is the balance brought forward
        middle = self.statement(-30, -1)
        self.assertEqual(middle["opening"], 1000.0)
        self.assertEqual(
            self.rows(middle),
            [("payment", 0.0, 400.0, 600.0), ("credit_note", 0.0, 100.0, 500.0)],
        )
        self.assertEqual(middle["closing"], 500.0)
        self.assertEqual((middle["total_debit"], middle["total_credit"]), (0.0, 500.0))

    def test_payment_in_process_listed_apart(self):
        """A bank journal without an outstanding account: Odoo 18.0 builds of
        2024 give its payment no journal entry until the bank statement (the
        invoice stays open in the receivable, the payment is listed apart);
        builds from 2025 book every Community payment at once (it is on the
        ledger). Either way the customer is told what is left: 700."""
        self.book_no_payments()
        order = self.confirmed()
        invoice = self.invoice_on(order, -10)
        payment = self.pay_on(invoice, 300.0, -2)
        statement = self.statement(-30, 0)
        self.customer.invalidate_recordset(["credit"])
        if payment.move_id:
            self.assertEqual(
                self.rows(statement),
                [("invoice", 1000.0, 0.0, 1000.0), ("payment", 0.0, 300.0, 700.0)],
            )
            self.assertFalse(statement["in_process"])
            self.assertEqual((statement["closing"], self.customer.credit), (700.0, 700.0))
        else:
            self.assertEqual(self.rows(statement), [("invoice", 1000.0, 0.0, 1000.0)])
            self.assertEqual((statement["closing"], self.customer.credit), (1000.0, 1000.0))
            self.assertEqual(
                [(p["payment"], p["date"], p["amount"]) for p in statement["in_process"]],
                [(payment, self.day(-2), 300.0)],
            )
            # a period ending before the payment does not list it
            self.assertFalse(self.statement(-30, -3)["in_process"])
        self.assertEqual(statement["after_in_process"], 700.0)
        self.assertEqual(order.amount_due, 700.0)

    def test_foreign_currency_in_company_currency(self):
        company_currency = self.env.company.currency_id
        pricelist = self.foreign_pricelist()
        order = self.confirmed([(self.product, 10, 100.0)], pricelist_id=pricelist.id)
        self.invoice_on(order, -3)
        statement = self.statement(-5, 0)
        self.assertEqual(statement["currency"], company_currency)
        self.assertEqual(self.rows(statement), [("invoice", 250.0, 0.0, 250.0)])

    def test_other_customers_and_contacts(self):
        other = self.env["res.partner"].create({"name": "Someone Else"})
        self.invoice_on(self.confirmed(partner=other), -1)
        contact = self.env["res.partner"].create(
            {"name": "Buyer", "parent_id": self.customer.id, "type": "contact"}
        )
        mine = self.invoice_on(self.confirmed(partner=contact), -1)
        # a contact's statement is its company's; nobody else's entries
        statement = self.statement(-5, 0, partner=contact)
        self.assertEqual(statement["customer"], self.customer)
        self.assertEqual([line["move"] for line in statement["lines"]], [mine])

    def test_values_for_rpc(self):
        self.book_payments()
        order = self.confirmed()
        invoice = self.invoice_on(order, -10)
        payment = self.pay_on(invoice, 400.0, -1)
        [values] = self.customer.get_customer_statement(
            fields.Date.to_string(self.day(-30)), fields.Date.to_string(self.today)
        )
        self.assertEqual(values["opening"], 0.0)
        self.assertEqual(values["closing"], 600.0)
        self.assertEqual(values["currency"], self.env.company.currency_id.name)
        self.assertEqual(
            [(v["kind"], v["move_id"], v["due_date"], v["balance"]) for v in values["lines"]],
            [
                ("invoice", invoice.id, fields.Date.to_string(self.day(20)), 1000.0),
                ("payment", payment.move_id.id, False, 600.0),
            ],
        )
        self.assertEqual(
            values["orders"],
            [
                {
                    "order_id": order.id,
                    "name": order.name,
                    "date_order": fields.Date.to_string(order.date_order.date()),
                    "amount_total": 1000.0,
                    "currency": order.currency_id.name,
                    "amount_due": 600.0,
                }
            ],
        )

    def test_wizard_prints_the_chosen_period(self):
        billing = new_test_user(
            self.env, login="stmt_wizard", groups="account.group_account_invoice"
        )
        wizard = (
            self.env["order.tracking.statement.wizard"]
            .with_user(billing)
            .with_context(default_partner_id=self.customer.id)
            .create({})
        )
        self.assertEqual(
            (wizard.date_from, wizard.date_to), (self.today.replace(day=1), self.today)
        )
        wizard.date_from = self.day(-90)
        action = wizard.action_print()
        self.assertEqual(action["report_name"], "order_tracking.report_customer_statement")
        self.assertEqual(action["context"]["active_ids"], self.customer.ids)
        self.assertEqual(
            action["data"],
            {
                "company_id": self.env.company.id,
                "date_from": fields.Date.to_string(self.day(-90)),
                "date_to": fields.Date.to_string(self.today),
            },
        )


@tagged("post_install", "-at_install")
class TestCustomerStatementRefusals(StatementCase):
    """Bad input gets a clear error and writes nothing."""

    def test_period_ending_before_it_starts(self):
        Wizard = self.env["order.tracking.statement.wizard"]
        count = Wizard.search_count([])
        with self.assertRaisesRegex(ValidationError, "ends .* before it starts"):
            with self.env.cr.savepoint():
                Wizard.create(
                    {
                        "partner_id": self.customer.id,
                        "date_from": self.day(0),
                        "date_to": self.day(-1),
                    }
                )
        self.assertEqual(Wizard.search_count([]), count)
        with self.assertRaisesRegex(UserError, "ends .* before it starts"):
            self.statement(0, -1)
        with self.assertRaisesRegex(UserError, "is not a date"):
            self.customer.get_customer_statement("2037-02-30", "2037-03-31")
        with self.assertRaisesRegex(UserError, "is not a date"):
            self.customer.get_customer_statement(False, "2037-03-31")

    def test_customer_of_another_company(self):
        other_company = self.env["res.company"].create({"name": "Other Company"})
        stranger = self.env["res.partner"].create(
            {"name": "Their Customer", "company_id": other_company.id}
        )
        with self.assertRaisesRegex(UserError, "is a customer of Other Company"):
            self.statement(-30, 0, partner=stranger)
        with self.assertRaises(UserError), self.env.cr.savepoint():
            self.env["order.tracking.statement.wizard"].create({"partner_id": stranger.id})

    def test_who_may_print(self):
        salesman = new_test_user(
            self.env, login="stmt_salesman", groups="sales_team.group_sale_salesman"
        )
        with self.assertRaisesRegex(AccessError, "billing users and sales managers"):
            self.Report.with_user(salesman)._get_report_values(self.customer.ids, {})
        with self.assertRaises(AccessError):
            self.env["order.tracking.statement.wizard"].with_user(salesman).create(
                {"partner_id": self.customer.id}
            )
        billing = new_test_user(
            self.env, login="stmt_billing", groups="account.group_account_invoice"
        )
        values = self.Report.with_user(billing)._get_report_values(self.customer.ids, {})
        self.assertIn(self.customer.id, values["statements"])
        # a company the user does not belong to
        other_company = self.env["res.company"].create({"name": "Other Company"})
        with self.assertRaisesRegex(AccessError, "receivables of Other Company"):
            self.Report.with_user(billing)._get_report_values(
                self.customer.ids, {"company_id": other_company.id}
            )


@tagged("post_install", "-at_install")
class TestCustomerStatementRendering(StatementCase):
    """The statement in the customer's language, as HTML and as a PDF."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        order = cls.create_order([(cls.product, 10, 100.0)])
        order.action_confirm()
        invoice = cls.invoice(order, post=False)
        invoice.invoice_payment_term_id = False
        invoice.invoice_date = cls.today - timedelta(days=3)
        invoice.action_post()
        cls.data = {
            "company_id": cls.env.company.id,
            "date_from": fields.Date.to_string(cls.today - timedelta(days=30)),
            "date_to": fields.Date.to_string(cls.today),
        }

    def render_html(self, lang):
        self.customer.lang = lang
        html, kind = self.env["ir.actions.report"]._render_qweb_html(
            REPORT, self.customer.ids, data=self.data
        )
        self.assertEqual(kind, "html")
        return html.decode()

    def test_english(self):
        html = self.render_html("en_US")
        self.assertIn("Statement of Account", html)
        self.assertIn("Balance brought forward", html)
        self.assertIn("Invoice", html)
        self.assertRegex(html, r'(?s)o_tracking_statement_balance".{0,120}1,000\.00')

    def test_chinese(self):
        html = self.render_html("zh_CN")
        self.assertIn("对账单", html)
        self.assertIn("期初余额", html)
        self.assertNotIn("Statement of Account", html)
        self.assertNotIn("Balance brought forward", html)
        self.assertRegex(html, r'(?s)o_tracking_statement_balance".{0,120}1,000\.00')

    def test_pdf_in_english_and_chinese(self):
        Report = self.env["ir.actions.report"].with_context(force_report_rendering=True)
        for lang in ("en_US", "zh_CN"):
            self.customer.lang = lang
            pdf, kind = Report._render_qweb_pdf(REPORT, self.customer.ids, data=self.data)
            self.assertEqual(kind, "pdf")
            self.assertTrue(pdf.startswith(b"%PDF-"), f"{lang}: not a PDF")
            self.assertIn(b"/Type /Page", pdf)


@tagged("post_install", "-at_install")
class TestCustomerStatementPortal(HttpCase):
    """The customer downloads its own statement from the portal, and only
    its own."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        env = cls.env
        product = env["product.product"].create(
            {"name": "Statement Widget", "type": "consu", "list_price": 100.0, "taxes_id": False}
        )
        cls.customer = env["res.partner"].create({"name": "Portal Customer", "lang": "en_US"})
        other = env["res.partner"].create({"name": "Other Customer"})
        cls.portal_user = new_test_user(
            env,
            login="stmt_portal",
            password="stmt_portal",
            groups="base.group_portal",
            partner_id=cls.customer.id,
        )
        cls.mine = cls._invoiced(product, cls.customer, 3)
        cls.theirs = cls._invoiced(product, other, 7)

    @classmethod
    def _invoiced(cls, product, partner, quantity):
        order = cls.env["sale.order"].create(
            {
                "partner_id": partner.id,
                "order_line": [
                    Command.create({"product_id": product.id, "product_uom_qty": quantity})
                ],
            }
        )
        order.action_confirm()
        invoice = order._create_invoices()
        invoice.invoice_date = fields.Date.context_today(order) - timedelta(days=1)
        invoice.action_post()
        return invoice

    def test_own_statement_only(self):
        self.authenticate("stmt_portal", "stmt_portal")
        page = self.url_open("/my/statement")
        self.assertEqual(page.status_code, 200)
        self.assertIn('name="date_from"', page.text)
        today = fields.Date.context_today(self.env.user)
        response = self.url_open(
            f"/my/statement?date_from={today - timedelta(days=10)}&date_to={today}"
        )
        self.assertEqual(response.status_code, 200)
        self.assertIn("Statement of Account", response.text)
        self.assertIn(self.mine.name, response.text)
        self.assertIn("300.00", response.text)
        self.assertNotIn(self.theirs.name, response.text)
        self.assertNotIn("700.00", response.text)

    def test_reversed_period_is_explained(self):
        self.authenticate("stmt_portal", "stmt_portal")
        today = fields.Date.context_today(self.env.user)
        response = self.url_open(
            f"/my/statement?date_from={today}&date_to={today - timedelta(days=1)}"
        )
        self.assertEqual(response.status_code, 200)
        self.assertIn("o_tracking_statement_error", response.text)
        self.assertIn("before it starts", response.text)
        response = self.url_open(f"/my/statement?date_from=yesterday&date_to={today}")
        self.assertIn("Please give the period as two dates.", response.text)
