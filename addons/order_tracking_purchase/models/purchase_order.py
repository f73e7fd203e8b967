from odoo import models

# what changes the supply a purchase brings (what it covers, until when)
WATCHED = {"state", "date_planned"}


class PurchaseOrder(models.Model):
    """A purchase confirmed or cancelled (its lines' state follows the
    order's): the customer orders short of its products read what covers
    them again."""

    _inherit = "purchase.order"

    def write(self, vals):
        result = super().write(vals)
        if WATCHED & vals.keys():
            self.env["sale.order"]._tracking_supply_changed(self.order_line.product_id)
        return result
