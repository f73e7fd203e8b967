from odoo import fields, models
from odoo.tools import SQL


# One concern of the model per file (Odoo's way: sale_stock, account): see
# docs/architecture.md.
# pylint: disable=consider-merging-classes-inherited
class OrderAlertRule(models.Model):
    """The alert kind ``payment_overdue`` (催款, SPEC AR-2): a posted customer
    invoice of a confirmed order is still open the day after its earliest
    unpaid due date, plus the rule's hours. One alert per order and invoice
    (its clock starts at the end of the due day in the company's time zone);
    it resolves itself when the invoice is paid — a payment matched without a
    journal entry yet counts, as for the order's amount due — or when its due
    date moves. Everything about the kind is here (see
    order_alert_rule_kinds.py)."""

    _inherit = "order.alert.rule"

    def _payment_rows(self, orders):
        """SQL of (order_id, move_id, day, start_at, open) of the open
        customer invoices of the orders ``orders`` (SQL over ``so0``, their
        ``sale_order`` row) selects: ``day`` the earliest due date
        of their unpaid installments, ``start_at`` the end of that day in the
        company's time zone (UTC), ``open`` what is still due net of pending
        payments (company currency)."""
        return SQL(
            """SELECT link.order_id, am.id AS move_id, due.day,
                      ((due.day + 1)::timestamp AT TIME ZONE COALESCE(cal.tz, 'UTC'))
                          AT TIME ZONE 'UTC' AS start_at,
                      am.amount_residual_signed - COALESCE(pending.amount, 0) AS open
                 FROM (SELECT DISTINCT sol.order_id, aml.move_id
                         FROM sale_order so0
                         JOIN sale_order_line sol ON sol.order_id = so0.id
                         JOIN sale_order_line_invoice_rel rel ON rel.order_line_id = sol.id
                         JOIN account_move_line aml ON aml.id = rel.invoice_line_id
                        WHERE %s) link
                 JOIN account_move am ON am.id = link.move_id
                 JOIN res_company rc ON rc.id = am.company_id
            LEFT JOIN resource_calendar cal ON cal.id = rc.resource_calendar_id
                 JOIN LATERAL (SELECT MIN(item.date_maturity) AS day
                                 FROM account_move_line item
                                WHERE item.move_id = am.id
                                  AND item.display_type = 'payment_term'
                                  AND item.amount_residual > 0) due ON due.day IS NOT NULL
            LEFT JOIN LATERAL (SELECT SUM(pay.amount_company_currency_signed) AS amount
                                 FROM account_move__account_payment paid
                                 JOIN account_payment pay ON pay.id = paid.payment_id
                                WHERE paid.invoice_id = am.id AND pay.move_id IS NULL
                                  AND pay.state IN ('in_process', 'paid')) pending ON TRUE
                WHERE am.move_type = 'out_invoice' AND am.state = 'posted'""",
            orders,
        )

    def _payment_key(self):
        return SQL("'payment:' || inv.move_id || ':' || to_char(inv.day, 'YYYY-MM-DD')")

    def _scan_source_payment_overdue(self, bound, now):
        return SQL(
            """SELECT so.id AS order_id, so.company_id AS company_id,
                      %(key)s AS entry_key,
                      so.tracking_last_event_id AS entry_id,
                      inv.start_at AS start_at,
                      NULL::integer AS picking_id
                 FROM sale_order so
                 JOIN (%(rows)s) inv ON inv.order_id = so.id
                WHERE so.state = 'sale' AND inv.open > 0
                  AND inv.start_at <= %(bound)s
                  AND %(scope)s""",
            key=self._payment_key(),
            # the order's stored, indexed earliest unpaid due date narrows the
            # scan to the orders that may be overdue (an invoice's clock starts
            # after its due day, never before the order's earliest one)
            rows=self._payment_rows(
                SQL("so0.state = 'sale' AND so0.payment_due_date <= %s::date", bound)
            ),
            bound=bound,
            scope=SQL(" AND ").join(self._scan_scope()),
        )

    def _still_holds_sql_payment_overdue(self):
        return SQL(
            """so.state = 'sale'
               AND EXISTS (SELECT 1 FROM (%(rows)s) inv
                            WHERE inv.order_id = so.id AND inv.open > 0
                              AND a.stage_entry_key = %(key)s)""",
            rows=self._payment_rows(SQL("so0.id = so.id")),
            key=self._payment_key(),
        )

    def _overdue_invoice_of(self, alert):
        """The invoice ``alert`` is about."""
        return self.env["account.move"].sudo().browse(int(alert.stage_entry_key.split(":")[1]))

    def _holds_payment_overdue(self, alert, order, risks):
        if order.state != "sale":
            return False
        invoice = self._overdue_invoice_of(alert)
        if invoice not in order.sudo()._tracking_customer_invoices():
            return False
        if invoice.move_type != "out_invoice" or invoice.state != "posted":
            return False
        currency = invoice.company_id.currency_id
        if currency.compare_amounts(order._tracking_invoice_open_amount(invoice), 0.0) <= 0:
            return False
        days = [
            item.date_maturity
            for item in invoice.line_ids
            if item.display_type == "payment_term"
            and item.date_maturity
            and currency.compare_amounts(item.amount_residual, 0.0) > 0
        ]
        return bool(days) and alert.stage_entry_key == (
            f"payment:{invoice.id}:{fields.Date.to_string(min(days))}"
        )

    def _describe_payment_overdue(self, alert):
        invoice = self._overdue_invoice_of(alert)
        order = alert.order_id
        return self.env._(
            "%(invoice)s of %(customer)s was due on %(due)s and %(amount)s is still open: "
            "it belongs to %(order)s.",
            invoice=invoice.name or "",
            customer=order.partner_id.display_name or "",
            due=alert.stage_entry_key.split(":")[2],
            amount=self._payment_open_amount_text(order, invoice),
            order=order.name or "",
        )

    def _payment_open_amount_text(self, order, invoice):
        """What is still open on ``invoice``, in the company's currency, as the
        user reads amounts."""
        currency = invoice.company_id.currency_id
        return currency.format(order._tracking_invoice_open_amount(invoice))
