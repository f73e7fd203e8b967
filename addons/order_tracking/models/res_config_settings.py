from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    tracking_reservation_policy = fields.Selection(
        related="company_id.tracking_reservation_policy", readonly=False
    )
