from odoo import fields, models


class OrderApprovalApprove(models.TransientModel):
    _name = "order.approval.approve"
    _description = "Approve an Order with a Comment"

    order_ids = fields.Many2many("sale.order", string="Orders")
    request_ids = fields.Many2many("order.approval.request", string="Requests")
    comment = fields.Text()

    def action_approve(self):
        self.ensure_one()
        if self.request_ids:
            self.request_ids.action_approve(self.comment or None)
        else:
            self.order_ids.action_approve(self.comment or None)
        return {"type": "ir.actions.act_window_close"}
