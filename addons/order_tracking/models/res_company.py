from odoo import fields, models


class ResCompany(models.Model):
    _inherit = "res.company"

    tracking_reservation_policy = fields.Selection(
        [
            ("odoo", "Odoo default (per operation type)"),
            ("confirm", "Reserve at order confirmation"),
        ],
        string="Stock Reservation",
        required=True,
        default="odoo",
        help="Reserve at order confirmation: the deliveries of a confirmed order "
        "are reserved at once, whatever the operation type says, and a "
        "shortage triggers the product's reordering rules.",
    )
