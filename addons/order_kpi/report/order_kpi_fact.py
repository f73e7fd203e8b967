from odoo import api, models
from odoo.exceptions import UserError

from ..tools import schema


class OrderKpiFact(models.AbstractModel):
    """What the KPI fact tables share: a table of their own written by the
    database only (see tools/schema.py), refreshed before any read in a
    transaction that touched orders."""

    _name = "order.kpi.fact"
    _inherit = ["order.tracking.order.fact"]
    _description = "Order KPI Fact"

    # (index name, definition) created with the table
    _kpi_indexes = ()

    def init(self):
        if self._abstract:
            return
        schema.create_table(self.env.cr, self, indexes=self._kpi_indexes)

    @api.model_create_multi
    def create(self, vals_list):  # pylint: disable=method-required-super
        raise UserError(
            self.env._("KPI facts are computed from the orders; they cannot be created.")
        )

    def write(self, vals):  # pylint: disable=method-required-super
        raise UserError(
            self.env._("KPI facts are computed from the orders; they cannot be changed.")
        )

    def unlink(self):  # pylint: disable=method-required-super
        raise UserError(
            self.env._("KPI facts are computed from the orders; they cannot be deleted.")
        )

    def _read_group(
        self, domain, groupby=(), aggregates=(), having=(), offset=0, limit=None, order=None
    ):
        self.env["order.kpi.report"]._kpi_flush()
        return super()._read_group(domain, groupby, aggregates, having, offset, limit, order)

    def search_fetch(self, domain, field_names, offset=0, limit=None, order=None):
        self.env["order.kpi.report"]._kpi_flush()
        return super().search_fetch(domain, field_names, offset, limit, order)

    def action_open_order(self):
        """Open the sale order of the fact (the list's row action)."""
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "sale.order",
            "res_id": self.order_id.id,
            "views": [(False, "form")],
        }
