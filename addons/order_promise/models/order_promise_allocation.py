from odoo import fields, models


class OrderPromiseAllocation(models.Model):
    """The ship day the allocation gave an open delivery of a confirmed
    order (SPEC PRM-3): one narrow row per delivery, written in bulk by the
    allocation (a delivery's own row is wide and heavily indexed: rewriting
    a million of them nightly would cost more than the allocation itself).
    Read through ``stock.move.promise_date``."""

    _name = "order.promise.allocation"
    _description = "Allocated Ship Day of a Delivery"
    _log_access = False

    move_id = fields.Many2one(
        "stock.move", string="Delivery", required=True, ondelete="cascade", readonly=True
    )
    day = fields.Date(string="Can Ship On", readonly=True)

    _sql_constraints = [
        ("move_unique", "UNIQUE (move_id)", "A delivery has one allocated ship day."),
    ]
