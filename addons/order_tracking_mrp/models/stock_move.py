from odoo import models


class StockMove(models.Model):
    """The finished goods of a manufacturing order done or cancelled (its
    state follows them): the customer orders short of them read what covers
    them again."""

    _inherit = "stock.move"

    def write(self, vals):
        result = super().write(vals)
        if "state" in vals:
            finished = self.filtered("production_id")
            if finished:
                self.env["sale.order"]._tracking_supply_changed(finished.product_id)
        return result
