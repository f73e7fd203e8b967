from odoo import api, models


class OrderTrackingSupplySource(models.AbstractModel):
    """Mixin of the documents that bring goods in (a purchase line, a
    manufacturing order: the bridges add it to their models). Created, or
    changed in one of ``_tracking_supply_watched``, such a document makes the
    customer orders short of its products read what covers them again
    (``sale.order._tracking_supply_changed``): make-to-stock coverage has no
    link an ORM dependency could follow."""

    _name = "order.tracking.supply.source"
    _description = "Supply Document (order tracking)"

    # the fields whose change changes the supply the document brings
    _tracking_supply_watched = frozenset()

    @api.model_create_multi
    def create(self, vals_list):
        records = super().create(vals_list)
        self.env["sale.order"]._tracking_supply_changed(records.product_id)
        return records

    def write(self, vals):
        products = self.product_id
        result = super().write(vals)
        if self._tracking_supply_watched & vals.keys():
            self.env["sale.order"]._tracking_supply_changed(products | self.product_id)
        return result
