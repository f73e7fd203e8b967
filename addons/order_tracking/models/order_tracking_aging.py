from odoo import fields, models
from odoo.tools import SQL

from .sale_order_lifecycle import PENDING_PAYMENT_STATES

BUCKETS = [
    ("0_current", "Not due"),
    ("1_30", "1-30 days"),
    ("31_60", "31-60 days"),
    ("61_90", "61-90 days"),
    ("91_plus", "Over 90 days"),
]


class OrderTrackingAging(models.Model):
    """Receivables aging per customer (SPEC AR-1): one row per open posted
    customer invoice or credit note, in the bucket of the days its earliest
    unpaid due date is overdue today (not due, 1–30, 31–60, 61–90, over 90),
    its open amount in the company's currency — a payment Odoo matched
    without a journal entry yet counts as paid, as for the order's amount
    due. A query, not a table: the buckets move with the business clock's
    day, nothing to refresh."""

    _name = "order.tracking.aging"
    _description = "Receivables Aging"
    _auto = False
    _order = "date_maturity, id"
    _rec_name = "move_id"

    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    currency_id = fields.Many2one(related="company_id.currency_id", string="Currency")
    move_id = fields.Many2one("account.move", string="Invoice", readonly=True)
    invoice_date = fields.Date(readonly=True)
    date_maturity = fields.Date(string="Due Date", readonly=True)
    days_overdue = fields.Integer(readonly=True, aggregator="max")
    bucket = fields.Selection(BUCKETS, string="Aging", readonly=True)
    amount = fields.Monetary(string="Open Amount", readonly=True, currency_field="currency_id")

    @property
    def _table_query(self):
        # the buckets of the business clock's today (fields.Date), not the
        # database server's: read at every query, nothing to refresh
        return SQL(
            """SELECT am.id, am.commercial_partner_id AS partner_id, am.company_id,
                      am.id AS move_id, am.invoice_date, due.day AS date_maturity,
                      GREATEST(%(today)s - due.day, 0) AS days_overdue,
                      CASE WHEN due.day >= %(today)s THEN '0_current'
                           WHEN %(today)s - due.day <= 30 THEN '1_30'
                           WHEN %(today)s - due.day <= 60 THEN '31_60'
                           WHEN %(today)s - due.day <= 90 THEN '61_90'
                           ELSE '91_plus' END AS bucket,
                      am.amount_residual_signed - COALESCE(pending.amount, 0) AS amount
                 FROM account_move am
                 JOIN LATERAL (SELECT MIN(item.date_maturity) AS day
                                 FROM account_move_line item
                                WHERE item.move_id = am.id
                                  AND item.display_type = 'payment_term'
                                  AND item.amount_residual != 0) due ON due.day IS NOT NULL
            LEFT JOIN LATERAL (SELECT SUM(CASE WHEN pay.payment_type = 'outbound'
                                               THEN -1 ELSE 1 END
                                          * pay.amount_company_currency_signed) AS amount
                                 FROM account_move__account_payment matched
                                 JOIN account_payment pay ON pay.id = matched.payment_id
                                WHERE matched.invoice_id = am.id AND pay.move_id IS NULL
                                  AND pay.state IN %(pending_states)s) pending ON TRUE
                WHERE am.state = 'posted'
                  AND am.move_type IN ('out_invoice', 'out_refund')
                  AND am.amount_residual_signed - COALESCE(pending.amount, 0) != 0""",
            today=fields.Date.context_today(self),
            pending_states=PENDING_PAYMENT_STATES,
        )

    def action_open_invoice(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "account.move",
            "res_id": self.move_id.id,
            "views": [(False, "form")],
        }
