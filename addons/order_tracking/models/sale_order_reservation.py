from odoo import models


# One concern of the model per file (Odoo's way: sale_stock, account): see
# docs/architecture.md.
# pylint: disable=consider-merging-classes-inherited
class SaleOrder(models.Model):
    """Stock reservation at confirmation (TRK-8, per company): the order's
    deliveries are reserved at once and the reordering rules of the products
    short run. ``sale.order`` inherits it; ``_action_confirm`` calls it."""

    _inherit = "sale.order"

    def _tracking_reserve(self):
        """Reserve the deliveries now; trigger reordering rules for shortages."""
        if not self:
            return
        self.sudo().write({"tracking_reservation_tried": True})
        pickings = self.picking_ids.filtered(
            lambda p: p.state in ("confirmed", "waiting") and p.picking_type_code != "incoming"
        )
        if pickings:
            pickings.action_assign()
        short_moves = pickings.move_ids.filtered(
            lambda m: m.state in ("confirmed", "partially_available")
        )
        if short_moves:
            orderpoints = (
                self.env["stock.warehouse.orderpoint"]
                .sudo()
                .search(
                    [
                        ("product_id", "in", short_moves.product_id.ids),
                        ("trigger", "=", "auto"),
                        ("company_id", "in", self.company_id.ids),
                    ]
                )
            )
            if orderpoints:
                orderpoints._procure_orderpoint_confirm(
                    use_new_cursor=False, company_id=orderpoints.company_id[:1]
                )
