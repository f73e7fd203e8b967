from datetime import timedelta

from odoo import api, fields, models
from odoo.tools import SQL
from odoo.tools.translate import LazyTranslate

from ..tools.kpis import Kpi

_lt = LazyTranslate(__name__)

# customer invoices and credit notes
CUSTOMER_MOVES = ("out_invoice", "out_refund")


def _receivables(period):
    """The period's receivable figures, read once per period."""
    if "receivables" not in period:
        period["receivables"] = period["report"]._kpi_receivables(
            period["date_from"], period["date_to"]
        )
    return period["receivables"]


def _figure(key):
    return lambda figures, period: _receivables(period)[key]


# pylint: disable=consider-merging-classes-inherited
class OrderKpiReport(models.Model):
    """Order to cash (SPEC AR-3), in the company's currency, customer invoices
    net of credit notes: ``dso_days``, ``collection_rate``,
    ``order_to_cash_days_median`` (mean and p90 beside it) and
    ``overdue_amount``. Collected means matched with a payment or a bank
    statement line (a journal entry), or with a payment Odoo matched without
    a journal entry yet — not with a credit note, which the invoiced amount
    already nets."""

    _inherit = "order.kpi.report"

    def _kpi_definitions(self):
        return [
            *super()._kpi_definitions(),
            Kpi(
                "dso_days",
                _lt("Days sales outstanding"),
                "days",
                "down",
                hint=_lt("Still open at the end of the period ÷ invoiced in it × its days"),
                result=_figure("dso_days"),
            ),
            Kpi(
                "collection_rate",
                _lt("Collection rate"),
                "rate",
                hint=_lt("Collected on the period's invoices ÷ invoiced in it"),
                result=_figure("collection_rate"),
            ),
            Kpi(
                "order_to_cash_days_median",
                _lt("Order to cash, median"),
                "days",
                "down",
                hint=_lt("Confirmation to the payment that completed the order"),
                result=_figure("order_to_cash_days_median"),
            ),
            Kpi(
                "order_to_cash_days_mean",
                kind="days",
                card=False,
                result=_figure("order_to_cash_days_mean"),
            ),
            Kpi(
                "order_to_cash_days_p90",
                kind="days",
                card=False,
                result=_figure("order_to_cash_days_p90"),
            ),
            Kpi(
                "overdue_amount",
                _lt("Overdue receivables"),
                "money",
                "down",
                hint=_lt("Open on invoices due before the end of the period (or today)"),
                result=_figure("overdue_amount"),
            ),
        ]

    # -- SQL pieces --

    @api.model
    def _kpi_collected_sql(self, until):
        """SQL: what was collected on the invoice ``inv`` up to the day
        ``until`` (company currency; a credit note's refunds negative)."""
        return SQL(
            """(
            COALESCE((SELECT SUM(apr.amount) FROM account_move_line item
                        JOIN account_partial_reconcile apr ON apr.debit_move_id = item.id
                        JOIN account_move_line other ON other.id = apr.credit_move_id
                        JOIN account_move om ON om.id = other.move_id
                       WHERE item.move_id = inv.id AND item.display_type = 'payment_term'
                         AND apr.max_date <= %(until)s AND om.move_type = 'entry'), 0)
          - COALESCE((SELECT SUM(apr.amount) FROM account_move_line item
                        JOIN account_partial_reconcile apr ON apr.credit_move_id = item.id
                        JOIN account_move_line other ON other.id = apr.debit_move_id
                        JOIN account_move om ON om.id = other.move_id
                       WHERE item.move_id = inv.id AND item.display_type = 'payment_term'
                         AND apr.max_date <= %(until)s AND om.move_type = 'entry'), 0)
          + %(pending)s)""",
            until=until,
            pending=self._kpi_pending_sql(until),
        )

    @api.model
    def _kpi_pending_sql(self, until):
        """SQL: the payments matched to the invoice ``inv`` without a journal
        entry yet, dated up to ``until`` (company currency, money paid back
        negative: without a journal entry Odoo's signed amount is not)."""
        return SQL(
            """COALESCE((SELECT SUM(CASE WHEN pay.payment_type = 'outbound' THEN -1 ELSE 1 END
                                   * pay.amount_company_currency_signed)
                           FROM account_move__account_payment paid
                           JOIN account_payment pay ON pay.id = paid.payment_id
                          WHERE paid.invoice_id = inv.id AND pay.move_id IS NULL
                            AND pay.state IN ('in_process', 'paid') AND pay.date <= %s), 0)""",
            until,
        )

    @api.model
    def _kpi_settled_sql(self, until):
        """SQL: what was settled on the invoice ``inv`` up to the day
        ``until`` by anything (payments, credit notes), company currency."""
        return SQL(
            """(
            COALESCE((SELECT SUM(CASE WHEN item.balance > 0 THEN apr.amount ELSE -apr.amount END)
                        FROM account_move_line item
                        JOIN account_partial_reconcile apr
                          ON item.id IN (apr.debit_move_id, apr.credit_move_id)
                       WHERE item.move_id = inv.id AND item.display_type = 'payment_term'
                         AND apr.max_date <= %(until)s), 0)
          + %(pending)s)""",
            until=until,
            pending=self._kpi_pending_sql(until),
        )

    # -- the figures --

    @api.model
    def _kpi_receivables(self, date_from, date_to):
        """{KPI key: value} of order to cash for the period."""
        companies = self.env.companies.ids
        cr = self.env.cr
        cr.execute(
            SQL(
                """SELECT COALESCE(SUM(inv.amount_total_signed), 0),
                          COALESCE(SUM(%(collected)s), 0)
                     FROM account_move inv
                    WHERE inv.move_type IN %(types)s AND inv.state = 'posted'
                      AND inv.company_id = ANY(%(companies)s)
                      AND inv.invoice_date BETWEEN %(date_from)s AND %(date_to)s""",
                collected=self._kpi_collected_sql(date_to),
                types=CUSTOMER_MOVES,
                companies=companies,
                date_from=date_from,
                date_to=date_to,
            )
        )
        invoiced, collected = (float(value) for value in cr.fetchone())
        days = (date_to - date_from).days + 1
        result = {
            "dso_days": (invoiced - collected) / invoiced * days if invoiced > 0 else False,
            "collection_rate": collected / invoiced if invoiced > 0 else False,
            "overdue_amount": self._kpi_overdue_amount(date_to),
        }
        result.update(self._kpi_order_to_cash(date_from, date_to))
        return result

    @api.model
    def _kpi_overdue_amount(self, date_to):
        """What was open at the end of the period (or today, if sooner) on
        the customer invoices and credit notes due before it."""
        reference = min(fields.Date.context_today(self), date_to + timedelta(days=1))
        until = reference - timedelta(days=1)
        self.env.cr.execute(
            SQL(
                """SELECT COALESCE(SUM(inv.amount_total_signed - %(settled)s), 0)
                     FROM account_move inv
                    WHERE inv.move_type IN %(types)s AND inv.state = 'posted'
                      AND inv.company_id = ANY(%(companies)s)
                      AND inv.invoice_date < %(reference)s
                      AND EXISTS (SELECT 1 FROM account_move_line due
                                   WHERE due.move_id = inv.id
                                     AND due.display_type = 'payment_term'
                                     AND due.date_maturity < %(reference)s)""",
                settled=self._kpi_settled_sql(until),
                types=CUSTOMER_MOVES,
                companies=self.env.companies.ids,
                reference=reference,
            )
        )
        return float(self.env.cr.fetchone()[0])

    @api.model
    def _kpi_order_to_cash(self, date_from, date_to):
        """Days from the confirmation of the period's fully paid orders to the
        payment that completed them: median, mean, p90."""
        start, end = self._kpi_utc_bounds(date_from, date_to)
        self.env.cr.execute(
            SQL(
                """SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY days), AVG(days),
                          percentile_cont(0.9) WITHIN GROUP (ORDER BY days)
                     FROM (SELECT link.order_id, MAX(paid.day) - link.confirmed AS days
                             FROM (SELECT DISTINCT so.id AS order_id,
                                          so.date_order::date AS confirmed, aml.move_id
                                     FROM sale_order so
                                     JOIN sale_order_line sol ON sol.order_id = so.id
                                     JOIN sale_order_line_invoice_rel rel
                                       ON rel.order_line_id = sol.id
                                     JOIN account_move_line aml ON aml.id = rel.invoice_line_id
                                     JOIN account_move inv ON inv.id = aml.move_id
                                    WHERE so.state = 'sale' AND so.tracking_payment = 'paid'
                                      AND so.company_id = ANY(%(companies)s)
                                      AND so.date_order >= %(start)s
                                      AND so.date_order < %(end)s
                                      AND inv.state = 'posted'
                                      AND inv.move_type IN %(types)s) link
                             JOIN LATERAL (
                                  SELECT apr.max_date AS day
                                    FROM account_move_line item
                                    JOIN account_partial_reconcile apr
                                      ON item.id IN (apr.debit_move_id, apr.credit_move_id)
                                   WHERE item.move_id = link.move_id
                                     AND item.display_type = 'payment_term'
                                  UNION ALL
                                  SELECT pay.date
                                    FROM account_move__account_payment matched
                                    JOIN account_payment pay ON pay.id = matched.payment_id
                                   WHERE matched.invoice_id = link.move_id
                                     AND pay.move_id IS NULL
                                     AND pay.state IN ('in_process', 'paid')) paid ON TRUE
                         GROUP BY link.order_id, link.confirmed) per_order""",
                types=CUSTOMER_MOVES,
                companies=self.env.companies.ids,
                start=start,
                end=end,
            )
        )
        median, mean, p90 = (self._kpi_value(value) for value in self.env.cr.fetchone())
        return {
            "order_to_cash_days_median": median,
            "order_to_cash_days_mean": mean,
            "order_to_cash_days_p90": p90,
        }
