from odoo import models
from odoo.tools.sql import table_exists


class SaleOrder(models.Model):
    _inherit = "sale.order"

    def init(self):
        """Odoo runs this whenever an add-on that reopens ``sale.order`` is
        installed or upgraded — and an add-on that adds or changes a status
        node reopens it (``_tracking_nodes()``): the KPI facts follow the
        nodes' roles (order.kpi.report._kpi_follow_nodes)."""
        result = super().init()
        if table_exists(self.env.cr, "order_kpi_dirty"):
            self.env["order.kpi.report"]._kpi_follow_nodes()
        return result
