from odoo import models


# One concern of the model per file (Odoo's way: sale_stock, account): see
# docs/architecture.md.
# pylint: disable=consider-merging-classes-inherited
class SaleOrder(models.Model):
    """The promise ledger of an order (TRK-12): the promised date at confirmation
    and every re-promise after it, with who and why, as
    ``order.tracking.promise`` rows. ``sale.order`` inherits it."""

    _inherit = "sale.order"

    def _tracking_append_promises(self, vals_list):
        """Write promise rows (order.tracking.promise values) and keep each
        order's snapshot of its original and latest promise on its row."""
        promises = self.env["order.tracking.promise"].sudo().create(vals_list)
        for promise in promises:
            order = promise.order_id
            values = {"tracking_promise_latest": promise.date}
            if promise.kind == "initial" and not order.tracking_promise_original:
                values["tracking_promise_original"] = promise.date
            order.sudo().write(values)
        return promises

    def _tracking_promised_date(self):
        self.ensure_one()
        return self.commitment_date or self.expected_date

    def _tracking_record_initial_promises(self):
        """The promise made at confirmation. An order confirmed again after a
        cancel keeps its original promise; the date promised at the new
        confirmation, when it differs, is a re-promise (the customer holds
        that date now). One first confirmed without any date (no line) gets
        its first dated promise as the original when confirmed again."""
        first = self.filtered(lambda o: not o.tracking_promise_original)
        self._tracking_append_promises(
            [
                {
                    "order_id": order.id,
                    "company_id": order.company_id.id,
                    "date": order._tracking_promised_date(),
                    "kind": "initial",
                    "user_id": self.env.uid,
                }
                for order in first
            ]
        )
        again = self - first
        again._tracking_record_repromises(
            {order.id: order.tracking_promise_latest for order in again},
            self.env._("Confirmed again."),
        )

    def _tracking_record_initial_promises_backfill(self):
        """Initial promises of orders confirmed before installation."""
        confirmed = self.filtered(lambda o: o.state == "sale" and not o.tracking_promise_ids)
        confirmed._tracking_append_promises(
            [
                {
                    "order_id": order.id,
                    "company_id": order.company_id.id,
                    "date": order._tracking_promised_date(),
                    "kind": "initial",
                    "user_id": self.env.uid,
                    "reason": self.env._("Recorded at installation."),
                }
                for order in confirmed
            ]
        )

    def _tracking_record_repromises(self, previous_dates, reason=None):
        self._tracking_append_promises(
            [
                {
                    "order_id": order.id,
                    "company_id": order.company_id.id,
                    "date": order._tracking_promised_date(),
                    "previous_date": previous_dates.get(order.id),
                    "kind": "repromise",
                    "user_id": self.env.uid,
                    "reason": reason or False,
                }
                for order in self
                if order._tracking_promised_date() != previous_dates.get(order.id)
            ]
        )
