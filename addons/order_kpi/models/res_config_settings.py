from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    kpi_late_tolerance_days = fields.Integer(
        related="company_id.kpi_late_tolerance_days", readonly=False
    )
    kpi_min_sample = fields.Integer(related="company_id.kpi_min_sample", readonly=False)
