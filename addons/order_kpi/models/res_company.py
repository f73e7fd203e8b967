from odoo import api, fields, models
from odoo.exceptions import ValidationError


class ResCompany(models.Model):
    _inherit = "res.company"

    kpi_late_tolerance_days = fields.Integer(
        string="On-Time Tolerance (days)",
        default=0,
        help="A delivery up to this many days after the promised day still counts as on time.",
    )
    kpi_min_sample = fields.Integer(
        string="Minimum Sample for Rankings",
        default=10,
        help="A sales team or customer is ranked on a rate (on-time delivery, OTIF) only "
        "with at least this many orders due in the period.",
    )

    @api.constrains("kpi_late_tolerance_days", "kpi_min_sample")
    def _check_kpi_settings(self):
        for company in self:
            if not 0 <= company.kpi_late_tolerance_days <= 60:
                raise ValidationError(
                    self.env._("The on-time tolerance must be between 0 and 60 days.")
                )
            if not 1 <= company.kpi_min_sample <= 10000:
                raise ValidationError(
                    self.env._("The minimum sample for rankings must be between 1 and 10,000.")
                )

    def write(self, vals):
        result = super().write(vals)
        if "kpi_late_tolerance_days" in vals:
            # the on-time deadline of every order of these companies moves
            self.env["order.kpi.report"]._kpi_refresh_companies(self)
        return result
