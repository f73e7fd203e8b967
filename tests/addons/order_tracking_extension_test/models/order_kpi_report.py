from odoo import models
from odoo.tools import SQL
from odoo.tools.translate import LazyTranslate

from odoo.addons.order_kpi.tools.kpis import Kpi

_lt = LazyTranslate(__name__)


class OrderKpiReport(models.Model):
    """The KPI ``certified_orders``: the period's orders whose quality
    certificate is issued — in ``get_kpis``, the cockpit's cards and their
    drill-down, declared here and nowhere else."""

    _inherit = "order.kpi.report"

    def _kpi_definitions(self):
        return [
            *super()._kpi_definitions(),
            Kpi(
                "certified_orders",
                _lt("Certified orders"),
                "count",
                drill=(("order_id.test_certification", "=", "issued"),),
                select=lambda report, query: SQL(
                    "COUNT(*) FILTER (WHERE %s IN (SELECT id FROM sale_order "
                    "WHERE test_certification = 'issued'))",
                    report._kpi_column("order_id", query),
                ),
            ),
        ]
