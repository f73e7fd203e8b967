from odoo import models


class MrpProduction(models.Model):
    """A manufacturing order created, started, rescheduled or cancelled: the
    customer orders short of its product read what covers them again
    (make-to-stock coverage; order_tracking's supply source mixin)."""

    _name = "mrp.production"
    _inherit = ["mrp.production", "order.tracking.supply.source"]

    _tracking_supply_watched = frozenset(
        {"state", "product_id", "product_qty", "date_finished", "qty_producing"}
    )
