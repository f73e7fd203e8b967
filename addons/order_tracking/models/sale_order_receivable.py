from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.osv import expression


# One concern of the model per file (Odoo's way: sale_stock, account): see
# docs/architecture.md.
# pylint: disable=consider-merging-classes-inherited
class SaleOrder(models.Model):
    """What the customer still owes on the order (SPEC AR-1): the open amount
    of its posted invoices net of its credit notes and payments, in the
    company's currency, the earliest due date of what is unpaid and the days
    it is overdue. Read from the invoices' receivable items (installments of
    a payment term each keep their own due date); a payment Odoo matched
    without a journal entry yet (in payment) counts as paid, as for the
    Paid node. An invoice of several orders is shared by their part of it."""

    _inherit = "sale.order"

    tracking_company_currency_id = fields.Many2one(
        related="company_id.currency_id", string="Company Currency"
    )
    amount_due = fields.Monetary(
        compute="_compute_tracking_payment",
        store=True,
        currency_field="tracking_company_currency_id",
        help="What the customer still owes on the order's posted invoices, net of credit "
        "notes and payments, in the company's currency.",
    )
    payment_due_date = fields.Date(
        string="Payment Due",
        compute="_compute_tracking_payment",
        store=True,
        index=True,
        help="The earliest due date of what is still unpaid on the order's invoices.",
    )
    payment_overdue_days = fields.Integer(
        string="Days Overdue",
        compute="_compute_payment_overdue_days",
        search="_search_payment_overdue_days",
        help="Days since the earliest unpaid due date (0 when nothing is overdue; due "
        "today is not overdue).",
    )

    # computed with the payment axis, from the same invoices, on the same
    # triggers (sale_order_lifecycle.py, _compute_tracking_payment)
    def _tracking_payment_computed(self, invoices_of):
        result = super()._tracking_payment_computed(invoices_of)
        for order in self:
            posted = invoices_of[order.id].filtered(lambda m: m.state == "posted")
            due, earliest = 0.0, False
            for invoice in posted:
                currency = invoice.company_id.currency_id
                open_amount = order._tracking_invoice_open_amount(invoice)
                due += open_amount * order._tracking_invoice_share(invoice)
                if currency.compare_amounts(open_amount, 0.0) > 0:
                    dates = [
                        item.date_maturity or invoice.invoice_date_due
                        for item in invoice.line_ids
                        if item.account_type == "asset_receivable"
                        and currency.compare_amounts(item.amount_residual, 0.0) > 0
                    ]
                    earliest = min([d for d in [earliest, *dates] if d], default=False)
            order.amount_due = posted[:1].company_id.currency_id.round(due) if posted else 0.0
            order.payment_due_date = earliest
        return result

    def _tracking_system_fields(self):
        return super()._tracking_system_fields() | {"amount_due", "payment_due_date"}

    def _tracking_invoice_open_amount(self, invoice):
        """What is still open on ``invoice`` in the company's currency (a credit
        note's negative), net of the payments matched to it without a journal
        entry yet."""
        company_currency = invoice.company_id.currency_id
        pending = self._tracking_invoice_pending_payments(invoice)
        paid = sum(
            p.currency_id._convert(p.amount, company_currency, invoice.company_id, p.date)
            for p in pending
        )
        sign = -1 if invoice.move_type == "out_refund" else 1
        return invoice.amount_residual_signed - sign * paid

    def _tracking_invoice_share(self, invoice):
        """The order's part of ``invoice``: 1 when the invoice is the order's
        alone, else the share of its lines' total that bills the order."""
        self.ensure_one()
        lines = invoice.invoice_line_ids.filtered(lambda line: line.display_type == "product")
        orders = lines.sale_line_ids.order_id
        if orders == self or not orders:
            return 1.0
        total = sum(lines.mapped("price_total"))
        mine = sum(line.price_total for line in lines if self in line.sale_line_ids.order_id)
        return mine / total if total else 0.0

    @api.depends("payment_due_date")
    @api.depends_context("tz")
    def _compute_payment_overdue_days(self):
        today = fields.Date.context_today(self)
        for order in self:
            due = order.payment_due_date
            order.payment_overdue_days = max((today - due).days, 0) if due else 0

    def _search_payment_overdue_days(self, operator, value):
        if operator not in ("=", "!=", "<", "<=", ">", ">=") or type(value) is not int:
            raise UserError(
                self.env._("Days Overdue can only be compared with a whole number of days.")
            )
        today = fields.Date.context_today(self)

        def at_least(days):
            # overdue by ``days`` days or more
            if days <= 0:
                return expression.TRUE_DOMAIN
            return [("payment_due_date", "<=", today - timedelta(days=days))]

        def below(days):
            # overdue by fewer than ``days`` days (nothing due counts as 0)
            if days <= 0:
                return expression.FALSE_DOMAIN
            return [
                "|",
                ("payment_due_date", "=", False),
                ("payment_due_date", ">", today - timedelta(days=days)),
            ]

        if operator in (">=", ">"):
            return at_least(value + (operator == ">"))
        if operator in ("<", "<="):
            return below(value + (operator == "<="))
        if value <= 0:
            exactly, other = below(1), at_least(1)
            if value < 0:
                exactly, other = expression.FALSE_DOMAIN, expression.TRUE_DOMAIN
        else:
            day = today - timedelta(days=value)
            exactly = [("payment_due_date", "=", day)]
            other = ["|", ("payment_due_date", "=", False), ("payment_due_date", "!=", day)]
        return exactly if operator == "=" else other
