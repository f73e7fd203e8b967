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

    def _action_done(self):
        """A manual checkpoint that holds deliveries (quality inspection before
        shipping) refuses the validation of the order's delivery to the
        customer until it is passed. Internal steps (pick, pack) and returns
        are never held."""
        if "delivery" in self.env["order.tracking.stage"]._holding_facts():
            # a system check: the user validating may not read the order itself
            self.filtered(
                lambda p: p.sale_id and p.location_dest_id.usage == "customer"
            ).sale_id.sudo()._tracking_check_fact_allowed("delivery")
        return super()._action_done()
