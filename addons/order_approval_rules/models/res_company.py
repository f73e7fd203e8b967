from odoo import api, fields, models
from odoo.exceptions import ValidationError


class ResCompany(models.Model):
    _inherit = "res.company"

    approval_amount_tolerance = fields.Float(
        string="Approval Amount Tolerance (%)",
        default=0.0,
        help="An approved order whose untaxed amount grows by more than this "
        "percentage before confirmation needs the amount-based approvals again.",
    )
    approval_confirm_on_grant = fields.Boolean(
        string="Confirm When Approved",
        default=True,
        help="Confirm an order as soon as its last approval is granted. Orders "
        "the customer already accepted are always confirmed.",
    )

    @api.constrains("approval_amount_tolerance")
    def _check_approval_amount_tolerance(self):
        for company in self:
            if not 0 <= company.approval_amount_tolerance <= 100:
                raise ValidationError(
                    self.env._("The approval amount tolerance must be between 0 and 100 %.")
                )
