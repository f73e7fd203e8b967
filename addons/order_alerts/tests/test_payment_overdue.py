from datetime import date

from odoo.tests import tagged

from .common import AlertCase


@tagged("post_install", "-at_install")
class TestPaymentOverdue(AlertCase):
    """催款 (SPEC AR-2): a posted invoice still open after its due day alerts
    once on its order, naming the invoice, what is open and the order; the
    alert resolves itself when the invoice is paid. Real invoices and
    payments; the business clock moved, never slept."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.product.taxes_id = False
        cls.rule = cls.make_rule(name="Dunning 催款", kind="payment_overdue", hours=0)

    def invoiced_order(self, due):
        """An order of 2 × 500 confirmed on Monday 2037-06-01, invoiced the same
        day and due on ``due``."""
        order = self.confirmed_order("2037-06-01 09:00:00", [(self.product, 2, 500.0)])
        with self.at("2037-06-01 10:00:00"):
            invoice = self.invoice(order, post=False)
            invoice.invoice_payment_term_id = False
            invoice.invoice_date = date(2037, 6, 1)
            invoice.invoice_date_due = due
            invoice.action_post()
            self.env.flush_all()
        return order, invoice

    def test_overdue_invoice_alerts_once_and_resolves_when_paid(self):
        order, invoice = self.invoiced_order(date(2037, 6, 9))
        self.assertEqual(invoice.amount_total, 1000.0)
        # due on Tuesday: not overdue that day, overdue from Wednesday
        self.assertEqual(self.scan(self.rule, "2037-06-09 16:00:00"), 0)
        self.assertEqual(self.scan(self.rule, "2037-06-10 09:00:00"), 1)
        alert = self.open_alerts(self.rule, order)
        for text in (invoice.name, order.name, "2037-06-09", "1,000.00"):
            self.assertIn(text, alert.description)
        self.assertEqual(alert.kind, "payment_overdue")
        self.assert_conditions_agree(self.rule, "2037-06-10 09:00:00")
        # one alert per invoice due, not one per scan
        self.scan(self.rule, "2037-06-11 09:00:00")
        self.assertEqual(len(self.alerts(self.rule, order)), 1)
        # half paid: still overdue for the rest
        with self.at("2037-06-11 10:00:00"):
            self.pay(invoice, 500.0)
            self.env.flush_all()
        self.assertEqual(order.amount_due, 500.0)
        holding, _cleared = self.assert_conditions_agree(self.rule, "2037-06-11 11:00:00")
        self.assertEqual(holding, alert)
        # paid: the alert resolves itself
        with self.at("2037-06-12 10:00:00"):
            self.pay(invoice, 500.0)
            self.env.flush_all()
        holding, cleared = self.assert_conditions_agree(
            self.rule, "2037-06-12 11:00:00", alerts=alert
        )
        self.assertFalse(holding)
        self.assertEqual(cleared, alert)
        self.scan(self.rule, "2037-06-12 11:00:00")
        self.assertEqual(alert.state, "resolved")

    def test_an_invoice_not_due_yet_and_a_credit_note_do_not_alert(self):
        order, invoice = self.invoiced_order(date(2037, 6, 30))
        self.assertEqual(self.scan(self.rule, "2037-06-10 09:00:00"), 0)
        # the whole invoice credited and reconciled: nothing is open any more
        with self.at("2037-06-12 09:00:00"):
            invoice._reverse_moves([{"ref": "returned"}], cancel=True)
            self.env.flush_all()
        self.assertEqual(invoice.payment_state, "reversed")
        self.assertEqual(order.amount_due, 0.0)
        self.assertEqual(self.scan(self.rule, "2037-07-02 09:00:00"), 0)
