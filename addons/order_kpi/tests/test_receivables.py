from datetime import date, datetime

from freezegun import freeze_time

from odoo import fields
from odoo.tests import tagged

from .common import KpiCase

MARCH = (date(2037, 3, 1), date(2037, 3, 31))


@tagged("post_install", "-at_install")
class TestReceivableKpis(KpiCase):
    """SPEC AR-3 on a hand-built March 2037 (31 days), with real invoices,
    a credit note and payments (products without taxes):

    - X, confirmed 1 March: invoice 1,000 of 5 March due 15 March; paid 600 on
      20 March and 400 on 5 April (after the period);
    - Z, confirmed 2 March: invoice 300 of 3 March due 3 March, paid on 11 March;
    - Y, confirmed 10 March: invoice 500 of 25 March due 10 April, a credit
      note of 100 on 28 March set against it, nothing paid.

    Invoiced 1,000 + 300 + 500 − 100 = 1,700; collected by 31 March 600 + 300 =
    900 (the credit note is not cash); open at the end 800:
    DSO = 800 / 1,700 × 31, collection rate = 900 / 1,700. Overdue at the end
    of March: X's 400 (due 15 March); Z paid, Y not due, the credit note set
    against Y. Order to cash over the fully paid orders: X 35 days (1 March →
    5 April), Z 9 days (2 → 11 March): median and mean 22, p90 9 + 0.9 × 26."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.product.taxes_id = False

    def invoice_on(self, order, day, due, quantity=None):
        with self.at(datetime.combine(day, datetime.min.time().replace(hour=10))):
            invoice = self.invoice(order, post=False)
            invoice.invoice_payment_term_id = False
            invoice.invoice_date = day
            invoice.invoice_date_due = due
            if quantity is not None:
                invoice.invoice_line_ids.quantity = quantity
            invoice.action_post()
        return invoice

    def pay_on(self, invoice, day, amount):
        with self.at(datetime.combine(day, datetime.min.time().replace(hour=11))):
            wizard = (
                self.env["account.payment.register"]
                .with_context(active_model="account.move", active_ids=invoice.ids)
                .create({"amount": amount, "payment_date": day})
            )
            wizard._create_payments()

    def credit_on(self, invoice, day, quantity):
        """A credit note of ``quantity`` units set against ``invoice``."""
        with self.at(datetime.combine(day, datetime.min.time().replace(hour=12))):
            credit = invoice._reverse_moves([{"invoice_date": day, "ref": "damaged"}])
            credit.invoice_line_ids.quantity = quantity
            credit.action_post()
        # Odoo sets a credit note made from the invoice against it when posted
        self.assertEqual(invoice.amount_residual, invoice.amount_total - credit.amount_total)
        return credit

    def test_order_to_cash_on_a_hand_built_month(self):
        x = self.order(datetime(2037, 3, 1, 9), lines=[(self.product, 10, 100.0)])
        z = self.order(datetime(2037, 3, 2, 9), lines=[(self.product, 3, 100.0)])
        y = self.order(datetime(2037, 3, 10, 9), lines=[(self.product, 5, 100.0)])
        x_invoice = self.invoice_on(x, date(2037, 3, 5), date(2037, 3, 15))
        z_invoice = self.invoice_on(z, date(2037, 3, 3), date(2037, 3, 3))
        y_invoice = self.invoice_on(y, date(2037, 3, 25), date(2037, 4, 10))
        self.assertEqual(
            (x_invoice.amount_total, z_invoice.amount_total, y_invoice.amount_total),
            (1000.0, 300.0, 500.0),
        )
        self.pay_on(z_invoice, date(2037, 3, 11), 300.0)
        self.pay_on(x_invoice, date(2037, 3, 20), 600.0)
        credit = self.credit_on(y_invoice, date(2037, 3, 28), 1)
        self.assertEqual(credit.amount_total, 100.0)
        self.pay_on(x_invoice, date(2037, 4, 5), 400.0)
        self.assertEqual((x.tracking_payment, z.tracking_payment), ("paid", "paid"))
        self.assertNotEqual(y.tracking_payment, "paid")

        with freeze_time("2037-04-20 09:00:00"):
            kpis = self.kpis(*MARCH)
        self.assertAlmostEqual(kpis["dso_days"], 800 / 1700 * 31)
        self.assertAlmostEqual(kpis["collection_rate"], 900 / 1700)
        self.assertAlmostEqual(kpis["overdue_amount"], 400.0)
        self.assertEqual(kpis["order_to_cash_days_median"], 22.0)
        self.assertEqual(kpis["order_to_cash_days_mean"], 22.0)
        self.assertAlmostEqual(kpis["order_to_cash_days_p90"], 9 + 0.9 * 26)

        # read in the middle of March, overdue is what was overdue that day:
        # Z's 300 (due 3 March, paid on the 11th), X not due yet
        with freeze_time("2037-03-08 09:00:00"):
            kpis = self.kpis(*MARCH)
        self.assertAlmostEqual(kpis["overdue_amount"], 300.0)

    def test_a_period_without_invoices_has_no_rate(self):
        with freeze_time("2037-09-01 09:00:00"):
            kpis = self.kpis(date(2037, 8, 1), date(2037, 8, 31))
        self.assertIs(kpis["dso_days"], False)
        self.assertIs(kpis["collection_rate"], False)
        self.assertIs(kpis["order_to_cash_days_median"], False)
        self.assertEqual(kpis["overdue_amount"], 0.0)

    def test_cards_on_the_cockpit(self):
        with freeze_time("2037-04-20 09:00:00"):
            data = self.env["order.kpi.dashboard"].get_dashboard_data(
                *(fields.Date.to_string(d) for d in MARCH)
            )
        keys = [card["key"] for card in data["cards"]]
        for key in ("dso_days", "collection_rate", "order_to_cash_days_median", "overdue_amount"):
            self.assertIn(key, keys)
            self.assertIn(key, data["previous"])
