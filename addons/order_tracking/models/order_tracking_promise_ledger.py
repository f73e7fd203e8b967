from odoo import api, models


class OrderTrackingPromiseLedger(models.AbstractModel):
    """The promise ledger of an order (TRK-12): the promised date at confirmation
    and every re-promise after it, with who and why, as
    ``order.tracking.promise`` rows. ``sale.order`` inherits it."""

    _name = "order.tracking.promise.ledger"
    _description = "Order Promise Ledger"

    @api.depends("tracking_promise_ids")
    def _compute_tracking_promise(self):
        for order in self:
            promises = order.tracking_promise_ids.sorted("id")
            order.tracking_promise_original = promises[:1].date
            order.tracking_promise_latest = promises[-1:].date

    def _tracking_promised_date(self):
        self.ensure_one()
        return self.commitment_date or self.expected_date

    def _tracking_record_initial_promises(self):
        # an order with an original promise has its initial row: its ledger is
        # read only for the others (an order confirmed again after a cancel)
        orders = self.filtered(
            lambda o: not o.tracking_promise_original and not o.tracking_promise_ids
        )
        self.env["order.tracking.promise"].sudo().create(
            [
                {
                    "order_id": order.id,
                    "company_id": order.company_id.id,
                    "date": order._tracking_promised_date(),
                    "kind": "initial",
                    "user_id": self.env.uid,
                }
                for order in orders
            ]
        )

    def _tracking_record_initial_promises_backfill(self):
        """Initial promises of orders confirmed before installation."""
        confirmed = self.filtered(lambda o: o.state == "sale" and not o.tracking_promise_ids)
        self.env["order.tracking.promise"].sudo().create(
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
        self.env["order.tracking.promise"].sudo().create(
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
