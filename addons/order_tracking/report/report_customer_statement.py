from datetime import datetime, time, timedelta

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError

from ..models.sale_order_lifecycle import PENDING_PAYMENT_STATES

# who may print any customer's statement: the customer's own is printed for
# it by the portal (sudo, after checking the portal user's partner)
STATEMENT_GROUPS = ("account.group_account_invoice", "sales_team.group_sale_manager")


class ReportCustomerStatement(models.AbstractModel):
    """The customer statement (对账单, SPEC AR-4): for a customer, a company and
    a period, the balance brought forward, every posted entry of the
    customer's receivable in the period — invoices, credit notes, payments,
    other entries — with a running balance, the balance at the end of the
    period, payments received but not yet booked, and the orders of the
    period with what is still owed on each. In the company's currency; the
    balance is Odoo's own receivable of the customer (the partner's *Total
    Receivable* when the period ends today)."""

    _name = "report.order_tracking.report_customer_statement"
    _description = "Customer Statement"

    @api.model
    def _get_report_values(self, docids, data=None):
        data = data or {}
        partners = self.env["res.partner"].browse(docids)
        company = self.env["res.company"].browse(data.get("company_id")) or self.env.company
        today = fields.Date.context_today(self)
        date_from = fields.Date.to_date(data.get("date_from")) or today.replace(day=1)
        date_to = fields.Date.to_date(data.get("date_to")) or today
        self._check_statement_request(partners, company, date_from, date_to)
        return {
            "doc_ids": docids,
            "doc_model": "res.partner",
            "docs": partners,
            "company": company,
            "date_from": date_from,
            "date_to": date_to,
            "statements": {
                partner.id: self._statement_of(partner, company, date_from, date_to)
                for partner in partners
            },
        }

    @api.model
    def _check_statement_request(self, partners, company, date_from, date_to):
        """Raise, in words a user understands, when the statement asked for
        cannot be given: a period ending before it starts, a customer of
        another company, a company or a customer the user may not see."""
        if date_to < date_from:
            raise UserError(
                self.env._(
                    "The statement's period ends (%(end)s) before it starts (%(start)s).",
                    end=date_to,
                    start=date_from,
                )
            )
        if not self.env.su:
            if not any(self.env.user.has_group(group) for group in STATEMENT_GROUPS):
                raise AccessError(
                    self.env._(
                        "Only billing users and sales managers can print customer statements."
                    )
                )
            if company not in self.env.user.company_ids:
                raise AccessError(
                    self.env._(
                        "You are not allowed to see the receivables of %(company)s.",
                        company=company.name,
                    )
                )
            partners.check_access("read")
        for partner in partners:
            owner = partner.commercial_partner_id.company_id
            if owner and owner.root_id != company.root_id:
                raise UserError(
                    self.env._(
                        "%(customer)s is a customer of %(owner)s: a statement of %(company)s "
                        "cannot be made for it.",
                        customer=partner.display_name,
                        owner=owner.name,
                        company=company.name,
                    )
                )

    @api.model
    def _statement_of(self, partner, company, date_from, date_to):
        customer = partner.commercial_partner_id
        items = self.env["account.move.line"].sudo()
        base = [
            ("partner_id", "=", customer.id),
            ("parent_state", "=", "posted"),
            ("account_id.account_type", "=", "asset_receivable"),
            ("company_id", "child_of", company.root_id.id),
        ]
        [[opening]] = items._read_group(base + [("date", "<", date_from)], [], ["balance:sum"])
        rows = items._read_group(
            base + [("date", ">=", date_from), ("date", "<=", date_to)],
            ["move_id"],
            ["debit:sum", "credit:sum", "date_maturity:min"],
        )
        currency = company.currency_id
        balance = opening or 0.0
        lines = []
        for move, debit, credit, due in sorted(rows, key=lambda row: (row[0].date, row[0].id)):
            balance += debit - credit
            lines.append(
                {
                    "move": move,
                    "kind": self._statement_kind(move),
                    "date": move.date,
                    "reference": move.name,
                    "orders": ", ".join(self._statement_orders(move).mapped("name")),
                    "due": due if move.move_type in ("out_invoice", "out_receipt") else False,
                    "debit": debit,
                    "credit": credit,
                    "balance": currency.round(balance),
                }
            )
        in_process = self._statement_payments_in_process(customer, company, date_to)
        closing = currency.round(balance)
        return {
            "customer": customer,
            "currency": currency,
            "opening": currency.round(opening or 0.0),
            "lines": lines,
            "total_debit": currency.round(sum(line["debit"] for line in lines)),
            "total_credit": currency.round(sum(line["credit"] for line in lines)),
            "closing": closing,
            "in_process": in_process,
            "after_in_process": currency.round(
                closing - sum(payment["amount"] for payment in in_process)
            ),
            "orders": self._statement_order_rows(customer, company, date_from, date_to),
        }

    @api.model
    def _statement_kind(self, move):
        """What the entry is to the customer: the template prints its label
        in the customer's language."""
        if move.move_type in ("out_invoice", "out_receipt"):
            return "invoice"
        if move.move_type == "out_refund":
            return "credit_note"
        if move.origin_payment_id:
            return "refund" if move.origin_payment_id.payment_type == "outbound" else "payment"
        return "entry"

    @api.model
    def _statement_orders(self, move):
        return move.invoice_line_ids.sale_line_ids.order_id

    @api.model
    def _statement_payments_in_process(self, customer, company, date_to):
        """Payments received up to ``date_to`` and matched to the customer's
        invoices that Odoo has not booked in a journal entry yet (in payment):
        the invoices stay open in the receivable until then."""
        payments = (
            self.env["account.payment"]
            .sudo()
            .search(
                [
                    ("partner_id", "=", customer.id),
                    ("company_id", "child_of", company.root_id.id),
                    ("move_id", "=", False),
                    ("state", "in", PENDING_PAYMENT_STATES),
                    ("date", "<=", date_to),
                    ("invoice_ids.amount_residual", "!=", 0),
                ],
                order="date, id",
            )
        )
        currency = company.currency_id
        return [
            {
                "payment": payment,
                "date": payment.date,
                "reference": payment.memo or payment.name,
                "amount": currency.round(
                    (-1 if payment.payment_type == "outbound" else 1)
                    * payment.currency_id._convert(
                        payment.amount, currency, payment.company_id, payment.date
                    )
                ),
            }
            for payment in payments
        ]

    @api.model
    def _statement_order_rows(self, customer, company, date_from, date_to):
        """The customer's orders confirmed in the period, with what is still
        owed on each today."""
        start = datetime.combine(date_from, time.min)
        end = datetime.combine(date_to + timedelta(days=1), time.min)
        orders = (
            self.env["sale.order"]
            .sudo()
            .search(
                [
                    ("partner_id", "child_of", customer.id),
                    ("company_id", "child_of", company.root_id.id),
                    ("state", "=", "sale"),
                    ("date_order", ">=", start),
                    ("date_order", "<", end),
                ],
                order="date_order, id",
            )
        )
        return orders

    @api.model
    def _statement_as_values(self, statement, company, date_from, date_to):
        """``statement`` as XML-RPC values: ids and names for records, dates
        as YYYY-MM-DD, ``False`` for none."""
        day = fields.Date.to_string
        return {
            "customer_id": statement["customer"].id,
            "customer": statement["customer"].display_name,
            "company_id": company.id,
            "currency": statement["currency"].name,
            "date_from": day(date_from),
            "date_to": day(date_to),
            "opening": statement["opening"],
            "lines": [
                {
                    "date": day(line["date"]),
                    "kind": line["kind"],
                    "move_id": line["move"].id,
                    "reference": line["reference"],
                    "orders": line["orders"],
                    "due_date": day(line["due"]) if line["due"] else False,
                    "debit": line["debit"],
                    "credit": line["credit"],
                    "balance": line["balance"],
                }
                for line in statement["lines"]
            ],
            "total_debit": statement["total_debit"],
            "total_credit": statement["total_credit"],
            "closing": statement["closing"],
            "in_process": [
                {
                    "payment_id": payment["payment"].id,
                    "date": day(payment["date"]),
                    "reference": payment["reference"] or "",
                    "amount": payment["amount"],
                }
                for payment in statement["in_process"]
            ],
            "after_in_process": statement["after_in_process"],
            "orders": [
                {
                    "order_id": order.id,
                    "name": order.name,
                    "date_order": day(order.date_order.date()),
                    "amount_total": order.amount_total,
                    "currency": order.currency_id.name,
                    "amount_due": order.amount_due,
                }
                for order in statement["orders"]
            ],
        }
