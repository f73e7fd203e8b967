from odoo import models
from odoo.tools import SQL
from odoo.tools.translate import LazyTranslate

from odoo.addons.order_kpi.tools.kpis import Kpi

from ..tools import links

_lt = LazyTranslate(__name__)


class OrderKpiReport(models.Model):
    """The purchasing KPIs (SPEC PRD-4): the time the period's orders spent
    waiting for a purchase, the on-time receipt of the purchases that covered
    them, and the missed promises whose first cause was a supplier (the
    facts' delay reason ``supplier_delay``, from the nodes of the purchase
    role)."""

    _inherit = "order.kpi.report"

    def _kpi_definitions(self):
        return [
            *super()._kpi_definitions(),
            Kpi(
                "purchase_hours_mean",
                _lt("Time in purchasing"),
                "hours",
                "down",
                hint=_lt("Mean, orders that waited for a purchase"),
                drill=(("purchase_hours", ">", 0),),
                select=lambda report, query: SQL(
                    "AVG(%s)", report._kpi_column("purchase_hours", query)
                ),
            ),
            Kpi(
                "supplier_otd_rate",
                _lt("Supplier on-time receipt"),
                "rate",
                hint=_lt("Purchases for the period's orders received by their expected date"),
                drill=(("purchase_hours", ">", 0),),
                select=lambda report, query: report._kpi_supplier_on_time(query),
            ),
            Kpi(
                "missed_supplier",
                _lt("Missed: supplier delay"),
                "count",
                "down",
                drill=(("otd_missed", "=", True), ("miss_reason", "=", "supplier_delay")),
                select=lambda report, query: report._kpi_missed_for("supplier_delay", query),
            ),
        ]

    def _kpi_supplier_on_time(self, query):
        """The share of the fully received purchase lines that covered the
        period's orders whose last receipt was done by the line's expected
        arrival (SQL, one value)."""
        return SQL(
            """(SELECT AVG(CASE WHEN r.received_at <= r.date_planned THEN 1.0 ELSE 0.0 END)
                  FROM (SELECT pol.id, pol.date_planned, MAX(sm.date) AS received_at
                          FROM (%(links)s) link
                          JOIN purchase_order_line pol ON pol.id = link.line_id
                          JOIN stock_move sm ON sm.purchase_line_id = pol.id
                         WHERE link.order_id IN %(orders)s
                           AND pol.state IN ('purchase', 'done')
                           AND pol.qty_received >= pol.product_qty
                           AND sm.state = 'done'
                      GROUP BY pol.id, pol.date_planned) r)""",
            links=links.order_purchase_lines(),
            orders=query.subselect(self._kpi_column("order_id", query)),
        )
