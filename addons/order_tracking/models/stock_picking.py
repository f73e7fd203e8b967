from odoo import models


class StockPicking(models.Model):
    _inherit = "stock.picking"

    def action_assign(self):
        """A manual "Check availability" is a reservation attempt: a shortage
        that remains afterwards moves the order to Waiting for Stock."""
        orders = self.sale_id.filtered(lambda o: not o.tracking_reservation_tried)
        if orders:
            orders.sudo().write({"tracking_reservation_tried": True})
        return super().action_assign()
