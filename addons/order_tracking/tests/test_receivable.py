from datetime import timedelta

from odoo import fields
from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from .common import OrderTrackingCase


class ReceivableCase(OrderTrackingCase):
    """Orders invoiced on real invoices (products without taxes: an order of
    10 × 100 owes 1,000), due a given number of days from today."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.product.taxes_id = False
        cls.product_b.taxes_id = False
        cls.set_stock(cls.product, 1000)
        cls.set_stock(cls.product_b, 1000)
        cls.today = fields.Date.context_today(cls.env.user)

    def confirmed(self, lines=None, **vals):
        order = self.create_order(lines or [(self.product, 10, 100.0)], **vals)
        order.action_confirm()
        return order

    def foreign_pricelist(self):
        """A pricelist in another currency, of which 1 company unit is 4 units
        since 60 days ago."""
        other = (
            self.env["res.currency"]
            .with_context(active_test=False)
            .search([("id", "!=", self.env.company.currency_id.id)], limit=1)
        )
        other.active = True
        self.env["res.currency.rate"].create(
            {"currency_id": other.id, "name": self.today - timedelta(days=60), "rate": 4.0}
        )
        return self.env["product.pricelist"].create({"name": "Foreign", "currency_id": other.id})

    def invoice_due(self, order, days, lines=None):
        """Post an invoice of ``order`` (all of it, or ``lines``: {sale line:
        quantity}) due ``days`` from today."""
        invoice = self.invoice(order, post=False)
        invoice.invoice_date = self.today
        invoice.invoice_date_due = self.today + timedelta(days=days)
        invoice.invoice_payment_term_id = False
        if lines:
            for line in invoice.invoice_line_ids:
                sale_line = line.sale_line_ids[:1]
                if sale_line in lines:
                    line.quantity = lines[sale_line]
        invoice.action_post()
        return invoice


@tagged("post_install", "-at_install")
class TestReceivable(ReceivableCase):
    """SPEC AR-1: what the customer still owes on the order, from its real
    invoices, credit notes and payments, with values worked out by hand."""

    def test_nothing_invoiced_owes_nothing(self):
        order = self.confirmed()
        self.assertEqual(order.amount_due, 0.0)
        self.assertFalse(order.payment_due_date)
        self.assertEqual(order.payment_overdue_days, 0)

    def test_partial_payment_and_credit_note(self):
        order = self.confirmed()
        invoice = self.invoice_due(order, days=-12)
        self.assertEqual(order.amount_due, 1000.0)
        self.assertEqual(order.payment_due_date, self.today - timedelta(days=12))
        self.assertEqual(order.payment_overdue_days, 12)
        self.pay(invoice, 400.0)
        self.assertEqual(order.amount_due, 600.0)
        self.assertEqual(order.payment_overdue_days, 12)
        # a credit note of one unit (100) on what is still open
        reversal = (
            self.env["account.move.reversal"]
            .with_context(active_model="account.move", active_ids=invoice.ids)
            .create({"journal_id": invoice.journal_id.id, "reason": "one damaged"})
        )
        credit_note = self.env["account.move"].browse(reversal.refund_moves()["res_id"])
        credit_note.invoice_line_ids.quantity = 1
        credit_note.action_post()
        self.assertEqual(order.amount_due, 500.0)
        self.pay(invoice, 500.0)
        self.assertEqual(order.amount_due, 0.0)
        self.assertFalse(order.payment_due_date)
        self.assertEqual(order.payment_overdue_days, 0)

    def test_two_invoices_with_different_due_dates(self):
        order = self.confirmed([(self.product, 10, 100.0), (self.product_b, 4, 50.0)])
        first_line, second_line = order.order_line
        first = self.invoice_due(order, days=-5, lines={first_line: 10, second_line: 0})
        second = self.invoice_due(order, days=20)
        self.assertEqual((first.amount_total, second.amount_total), (1000.0, 200.0))
        self.assertEqual(order.amount_due, 1200.0)
        self.assertEqual(order.payment_due_date, self.today - timedelta(days=5))
        self.assertEqual(order.payment_overdue_days, 5)
        self.pay(first)
        # the older one paid: what is left is due in 20 days, not overdue
        self.assertEqual(order.amount_due, 200.0)
        self.assertEqual(order.payment_due_date, self.today + timedelta(days=20))
        self.assertEqual(order.payment_overdue_days, 0)

    def test_foreign_currency_invoice_in_company_currency(self):
        pricelist = self.foreign_pricelist()
        other = pricelist.currency_id
        order = self.confirmed([(self.product, 10, 100.0)], pricelist_id=pricelist.id)
        self.assertEqual(order.currency_id, other)
        invoice = self.invoice_due(order, days=-3)
        self.assertEqual(invoice.amount_total, 1000.0)
        # 1,000 of the other currency is 250 of the company's
        self.assertEqual(order.amount_due, 250.0)
        self.pay(invoice, 400.0)
        self.assertEqual(order.amount_due, 150.0)

    def test_invoice_of_two_orders_is_shared_by_their_part(self):
        first = self.confirmed([(self.product, 3, 100.0)])
        second = self.confirmed([(self.product, 1, 100.0)])
        invoice = (first | second)._create_invoices()
        invoice.invoice_date_due = self.today - timedelta(days=2)
        invoice.action_post()
        self.assertEqual(invoice.amount_total, 400.0)
        self.assertEqual((first.amount_due, second.amount_due), (300.0, 100.0))
        self.pay(invoice, 200.0)
        self.assertEqual((first.amount_due, second.amount_due), (150.0, 50.0))

    def test_overdue_days_search_and_finance_list_order(self):
        late = self.confirmed()
        self.invoice_due(late, days=-40)
        soon = self.confirmed()
        self.invoice_due(soon, days=3)
        today_due = self.confirmed()
        self.invoice_due(today_due, days=0)
        none = self.confirmed()
        orders = late | soon | today_due | none
        Order = self.env["sale.order"]

        def found(domain):
            return Order.search([("id", "in", orders.ids), *domain])

        self.assertEqual(today_due.payment_overdue_days, 0)  # due today is not overdue
        self.assertEqual(found([("payment_overdue_days", ">", 0)]), late)
        self.assertEqual(found([("payment_overdue_days", ">=", 40)]), late)
        self.assertFalse(found([("payment_overdue_days", ">", 40)]))
        self.assertEqual(found([("payment_overdue_days", "=", 40)]), late)
        self.assertEqual(found([("payment_overdue_days", "=", 0)]), soon | today_due | none)
        self.assertEqual(found([("payment_overdue_days", "<", 40)]), soon | today_due | none)
        self.assertEqual(found([("payment_overdue_days", "<=", 40)]), orders)
        self.assertEqual(found([("payment_overdue_days", "!=", 0)]), late)
        for value in ("many", True, 2.5):
            with self.assertRaises(UserError):
                found([("payment_overdue_days", ">", value)])
        # finance's list: the most overdue first, nothing due last
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "order_tracking.sale_order_action_finance"
        )
        view = self.env.ref("order_tracking.sale_order_view_list_finance")
        self.assertIn((view.id, "list"), [tuple(v) for v in action["views"]])
        listed = Order.search([("id", "in", orders.ids)], order="payment_due_date, id")
        self.assertEqual(listed[:3], late | today_due | soon)
        self.assertEqual(listed[:3].ids, [late.id, today_due.id, soon.id])

    def test_amount_due_cannot_be_written(self):
        order = self.confirmed(user_id=self.salesman.id)
        self.invoice_due(order, days=-1)
        for values in ({"amount_due": 0.0}, {"payment_due_date": self.today}):
            with self.assertRaises(AccessError):
                order.with_user(self.salesman).write(values)
        self.assertEqual(order.amount_due, 1000.0)
        self.assertEqual(order.payment_due_date, self.today - timedelta(days=1))


@tagged("post_install", "-at_install")
class TestReceivableAging(ReceivableCase):
    """The aging per customer: each open invoice in the bucket of the days
    it is overdue today, net of its payments."""

    def test_aging_buckets_per_customer(self):
        other = self.env["res.partner"].create({"name": "杭州远望贸易 Hangzhou Yuanwang Trading"})
        current = self.confirmed()
        self.invoice_due(current, days=5)
        recent = self.confirmed()
        recent_invoice = self.invoice_due(recent, days=-10)
        old = self.confirmed(partner=other)
        self.invoice_due(old, days=-75)
        older = self.confirmed(partner=other)
        self.invoice_due(older, days=-120)
        self.pay(recent_invoice, 250.0)
        self.env.flush_all()
        Aging = self.env["order.tracking.aging"]
        customers = (self.customer | other).ids
        groups = Aging.read_group(
            [("partner_id", "in", customers)],
            ["amount:sum"],
            ["partner_id", "bucket"],
            lazy=False,
        )
        table = {(g["partner_id"][0], g["bucket"]): g["amount"] for g in groups}
        self.assertEqual(
            table,
            {
                (self.customer.id, "0_current"): 1000.0,
                # 250 of the 1,000 paid
                (self.customer.id, "1_30"): 750.0,
                (other.id, "61_90"): 1000.0,
                (other.id, "91_plus"): 1000.0,
            },
        )
        # the pivot's columns: in aging order, not alphabetical
        columns = Aging.read_group(
            [("partner_id", "in", customers)], ["amount:sum"], ["bucket"], lazy=False
        )
        self.assertEqual([g["bucket"] for g in columns], ["0_current", "1_30", "61_90", "91_plus"])
        late = Aging.search([("partner_id", "=", other.id)], order="days_overdue desc")
        self.assertEqual(late.mapped("days_overdue"), [120, 75])
        # finance reads it, a salesperson does not
        with self.assertRaises(AccessError):
            Aging.with_user(self.salesman).search([])
