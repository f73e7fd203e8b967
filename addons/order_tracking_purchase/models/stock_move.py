from odoo import models


class StockMove(models.Model):
    """A receipt of a purchase done or cancelled: the customer orders short
    of its products read what covers them again (what is left to receive)."""

    _inherit = "stock.move"

    def write(self, vals):
        result = super().write(vals)
        if "state" in vals:
            received = self.filtered("purchase_line_id")
            if received:
                self.env["sale.order"]._tracking_supply_changed(received.product_id)
        return result
