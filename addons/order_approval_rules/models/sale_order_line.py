from odoo import api, models

# line fields whose change may re-open an approval
APPROVAL_LINE_FIELDS = frozenset(
    {
        "product_id",
        "product_uom_qty",
        "product_uom",
        "price_unit",
        "discount",
        "tax_id",
        "route_id",
        "display_type",
    }
)


class SaleOrderLine(models.Model):
    """Lines change the facts an approval was given on, whatever writes them
    (form, RPC, the product catalog, the discount wizard)."""

    _inherit = "sale.order.line"

    @api.model_create_multi
    def create(self, vals_list):
        lines = super().create(vals_list)
        lines.order_id._approval_recheck()
        return lines

    def write(self, vals):
        result = super().write(vals)
        if APPROVAL_LINE_FIELDS & set(vals):
            self.order_id._approval_recheck()
        return result

    def unlink(self):
        orders = self.order_id
        result = super().unlink()
        orders.exists()._approval_recheck()
        return result
