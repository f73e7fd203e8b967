from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError


class OrderApprovalDecision(models.Model):
    """One person's decision on one approval request: the audit trail of a
    co-sign (会签) keeps every signature, not only the last one."""

    _name = "order.approval.decision"
    _description = "Order Approval Decision"
    _order = "request_id, id"
    _rec_name = "user_id"

    request_id = fields.Many2one(
        "order.approval.request", required=True, readonly=True, index=True, ondelete="cascade"
    )
    order_id = fields.Many2one(related="request_id.order_id", store=True, index=True)
    company_id = fields.Many2one(related="request_id.company_id", store=True, index=True)
    user_id = fields.Many2one("res.users", string="Decided By", required=True, readonly=True)
    on_behalf_of_id = fields.Many2one(
        "res.users",
        readonly=True,
        help="The approver the user stood in for (delegation).",
    )
    decision = fields.Selection(
        [("approve", "Approved"), ("reject", "Rejected")], required=True, readonly=True
    )
    comment = fields.Text(readonly=True)
    date = fields.Datetime(required=True, readonly=True, default=fields.Datetime.now)
    escalation = fields.Boolean(
        readonly=True, help="Decided by the escalation target instead of the approvers."
    )

    @api.model_create_multi
    def create(self, vals_list):
        if not self.env.su:
            raise AccessError(self.env._("Decisions are recorded by approving or rejecting."))
        return super().create(vals_list)

    # decisions are an immutable audit trail (APR-5): no super()
    def write(self, vals):  # pylint: disable=method-required-super
        raise UserError(self.env._("A decision cannot be changed once taken."))

    def unlink(self):  # pylint: disable=method-required-super
        raise UserError(self.env._("A decision cannot be deleted: it is part of the audit trail."))
