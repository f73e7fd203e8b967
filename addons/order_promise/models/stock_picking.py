from odoo import models


class StockPicking(models.Model):
    """A transfer made urgent (or not) changes the order its moves are
    served in (SPEC PRM-3): its products are re-allocated."""

    _inherit = "stock.picking"

    def write(self, vals):
        result = super().write(vals)
        if "priority" in vals:
            self.move_ids._promise_touch()
        return result
