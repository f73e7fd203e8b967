from odoo import fields, models


class OrderApprovalReject(models.TransientModel):
    _name = "order.approval.reject"
    _description = "Reject an Order Approval"

    order_ids = fields.Many2many("sale.order", string="Orders")
    request_ids = fields.Many2many("order.approval.request", string="Requests")
    reason = fields.Text(required=True)

    def action_reject(self):
        self.ensure_one()
        if self.request_ids:
            self.request_ids.action_reject(self.reason)
        else:
            self.order_ids.action_reject(self.reason)
        return {"type": "ir.actions.act_window_close"}
