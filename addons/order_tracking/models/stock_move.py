from collections import defaultdict

from odoo import fields, models
from odoo.tools import float_compare


class StockMove(models.Model):
    _inherit = "stock.move"

    change_request_line_id = fields.Many2one(
        "order.change.request.line",
        index="btree_not_null",
        copy=False,
        readonly=True,
        ondelete="set null",
    )

    def _prepare_move_split_vals(self, qty):
        """A backorder of a change request's move still belongs to the request."""
        vals = super()._prepare_move_split_vals(qty)
        if self.change_request_line_id:
            vals["change_request_line_id"] = self.change_request_line_id.id
        return vals

    def _action_done(self, cancel_backorder=False):
        moves = super()._action_done(cancel_backorder=cancel_backorder)
        moves.filtered(
            lambda m: m.state == "done" and m.change_request_line_id
        )._change_request_received()
        return moves

    def _change_request_received(self):
        """Goods of a refunded return are back: the customer keeps less, so the
        order line now asks for less (and gets a credit note where invoiced)."""
        returned = defaultdict(float)
        for move in self:
            request_line = move.change_request_line_id
            sale_line = request_line.sale_line_id
            if (
                move.location_id.usage != "customer"
                or not move.to_refund
                or move.sale_line_id != sale_line
                or not request_line._reduces_ordered_qty()
            ):
                continue
            returned[sale_line] += move.product_uom._compute_quantity(
                move.quantity, sale_line.product_uom, rounding_method="HALF-UP"
            )
        for sale_line, quantity in returned.items():
            sale_line = sale_line.sudo()
            ordered = sale_line.product_uom_qty
            new_qty = max(ordered - quantity, min(ordered, sale_line.qty_delivered))
            if float_compare(new_qty, ordered, precision_rounding=sale_line.product_uom.rounding):
                order = sale_line.order_id
                locked = order.locked
                if locked:
                    order.action_unlock()
                sale_line.write({"product_uom_qty": new_qty})
                if locked:
                    order.action_lock()
