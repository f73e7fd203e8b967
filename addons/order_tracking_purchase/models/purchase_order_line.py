from odoo import models


class PurchaseOrderLine(models.Model):
    """A purchase line added or changed: the customer orders short of its
    product read what covers them again (make-to-stock coverage;
    order_tracking's supply source mixin)."""

    _name = "purchase.order.line"
    _inherit = ["purchase.order.line", "order.tracking.supply.source"]

    _tracking_supply_watched = frozenset(
        {"product_id", "product_qty", "product_uom", "date_planned"}
    )
