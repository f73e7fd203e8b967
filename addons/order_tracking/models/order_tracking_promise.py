from odoo import fields, models


class OrderTrackingPromise(models.Model):
    """The promise ledger: the delivery date promised at confirmation and
    every re-promise after it, with who and why."""

    _name = "order.tracking.promise"
    _inherit = ["order.tracking.order.fact"]
    _description = "Order Delivery Promise"
    _order = "order_id, id"
    _rec_name = "date"

    order_id = fields.Many2one(
        "sale.order", required=True, readonly=True, index=True, ondelete="cascade"
    )
    company_id = fields.Many2one(
        related="order_id.company_id", store=True, index=True, readonly=True
    )
    date = fields.Datetime(string="Promised Date", readonly=True)
    previous_date = fields.Datetime(string="Previous Promise", readonly=True)
    kind = fields.Selection(
        [("initial", "Initial promise"), ("repromise", "Re-promise")],
        required=True,
        readonly=True,
    )
    user_id = fields.Many2one("res.users", readonly=True, default=lambda self: self.env.user)
    reason = fields.Text(readonly=True)
