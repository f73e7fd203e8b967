from odoo import models


class StockRule(models.Model):
    _inherit = "stock.rule"

    def _get_custom_move_fields(self):
        """Deliveries procured for a change request keep a link to its line."""
        return super()._get_custom_move_fields() + ["change_request_line_id"]

    def _push_prepare_move_copy_values(self, move_to_copy, new_date):
        """The next step of a multi-step delivery keeps the link too."""
        vals = super()._push_prepare_move_copy_values(move_to_copy, new_date)
        if move_to_copy.change_request_line_id:
            vals["change_request_line_id"] = move_to_copy.change_request_line_id.id
        return vals
