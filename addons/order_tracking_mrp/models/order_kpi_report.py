from odoo import models
from odoo.tools import SQL
from odoo.tools.translate import LazyTranslate

from odoo.addons.order_kpi.tools.kpis import Kpi

_lt = LazyTranslate(__name__)


class OrderKpiReport(models.Model):
    """The production KPIs (SPEC PRD-4): the time the period's orders spent
    waiting for manufacturing (planned and started), and the missed promises
    whose first cause was production (the facts' delay reason
    ``production_delay``, from the nodes of the production role)."""

    _inherit = "order.kpi.report"

    def _kpi_definitions(self):
        return [
            *super()._kpi_definitions(),
            Kpi(
                "production_hours_mean",
                _lt("Time in production"),
                "hours",
                "down",
                hint=_lt("Mean, orders that waited for manufacturing"),
                drill=(("production_hours", ">", 0),),
                select=lambda report, query: SQL(
                    "AVG(%s)", report._kpi_column("production_hours", query)
                ),
            ),
            Kpi(
                "missed_production",
                _lt("Missed: production delay"),
                "count",
                "down",
                drill=(("otd_missed", "=", True), ("miss_reason", "=", "production_delay")),
                select=lambda report, query: report._kpi_missed_for("production_delay", query),
            ),
        ]
