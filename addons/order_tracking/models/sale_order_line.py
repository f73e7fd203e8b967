from odoo import models


class SaleOrderLine(models.Model):
    _inherit = "sale.order.line"

    def _get_outgoing_incoming_moves(self, strict=True):
        """A re-shipment (补单) is free: its moves, and returns of them, are no
        sale. Left out, they change neither the delivered quantity (so nothing
        to invoice) nor what Odoo thinks is procured for the line."""
        outgoing, incoming = super()._get_outgoing_incoming_moves(strict=strict)

        def sold(move):
            return not (
                move.change_request_line_id._is_free_delivery()
                or move.origin_returned_move_id.change_request_line_id._is_free_delivery()
            )

        return outgoing.filtered(sold), incoming.filtered(sold)
