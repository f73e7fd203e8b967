from odoo import models


class StockRule(models.Model):
    _inherit = "stock.rule"

    def _get_custom_move_fields(self):
        """Deliveries procured for a change request keep a link to its line."""
        return super()._get_custom_move_fields() + ["change_request_line_id"]
