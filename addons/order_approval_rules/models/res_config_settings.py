from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    approval_amount_tolerance = fields.Float(
        related="company_id.approval_amount_tolerance", readonly=False
    )
    approval_confirm_on_grant = fields.Boolean(
        related="company_id.approval_confirm_on_grant", readonly=False
    )
