from odoo import api, fields, models
from odoo.exceptions import AccessError
from odoo.tools import SQL

# what a move changes of a warehouse's supply or demand
WATCHED = {
    "product_id",
    "product_uom_qty",
    "product_uom",
    "date",
    "state",
    "location_id",
    "location_dest_id",
    "priority",
}


class StockMove(models.Model):
    """A move that changes a product's supply or demand gets the promises of
    that product updated before the transaction commits (SPEC PRM-3); a
    delivery of a confirmed order keeps the ship day its allocation gave it."""

    _inherit = "stock.move"

    promise_date = fields.Date(
        string="Can Ship On (Allocated)",
        compute="_compute_promise_date",
        help="The day this delivery can ship when the warehouse's supply is given to the open "
        "orders in priority; empty when nothing planned can cover it.",
    )
    promise_first_date = fields.Datetime(
        string="First Planned Date",
        readonly=True,
        copy=False,
        help="The date the move was planned for when it was created: how late supply really "
        "came is measured against it (a manufacturing order finished after its first planned "
        "end slipped, however often it was rescheduled).",
    )

    def _compute_promise_date(self):
        days = dict(
            self.env.execute_query(
                SQL(
                    "SELECT move_id, day FROM order_promise_allocation WHERE move_id = ANY(%s)",
                    self.ids,
                )
            )
        )
        for move in self:
            move.promise_date = days.get(move.id, False)

    def _promise_check_not_written(self, vals_list):
        """The allocated day is the allocation's (written in SQL) and the
        first planned date is the move's creation's: nobody else sets them."""
        if any("promise_date" in vals for vals in vals_list):
            raise AccessError(
                self.env._(
                    "The day a delivery can ship is given by the promise allocation; it "
                    "cannot be written."
                )
            )
        if any("promise_first_date" in vals for vals in vals_list):
            raise AccessError(
                self.env._(
                    "The date a move was first planned for is kept as it was created; it "
                    "cannot be written."
                )
            )

    @api.model_create_multi
    def create(self, vals_list):
        self._promise_check_not_written(vals_list)
        now = fields.Datetime.now()
        vals_list = [dict(vals, promise_first_date=vals.get("date") or now) for vals in vals_list]
        moves = super().create(vals_list)
        moves._promise_touch()
        return moves

    def write(self, vals):
        self._promise_check_not_written([vals])
        if WATCHED & set(vals):
            # the products before the write too (a product changed)
            self._promise_touch()
            result = super().write(vals)
            # a delivery done or cancelled leaves its order's open ones
            self._promise_touch(with_orders="state" in vals)
            return result
        return super().write(vals)

    def _promise_touch(self, with_orders=False):
        if not self:
            return
        self.env["sale.order"]._promise_touch(
            products=self.product_id.ids,
            orders=self.sale_line_id.order_id.ids if with_orders else (),
        )
