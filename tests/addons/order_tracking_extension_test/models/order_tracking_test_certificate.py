from odoo import fields, models


class OrderTrackingTestCertificate(models.Model):
    """A quality certificate an order's goods need before they ship: the
    document that drives the test node ``certified``."""

    _name = "order.tracking.test.certificate"
    _description = "Quality Certificate (test)"

    name = fields.Char(required=True)
    order_id = fields.Many2one("sale.order", required=True, ondelete="cascade", index=True)
    state = fields.Selection(
        [("draft", "Draft"), ("issued", "Issued")], default="draft", required=True
    )
    requested_at = fields.Datetime(required=True, default=fields.Datetime.now)
    issued_at = fields.Datetime()

    def action_issue(self):
        self.write({"state": "issued", "issued_at": fields.Datetime.now()})
        return True
