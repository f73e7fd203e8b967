import math
from datetime import timedelta

from odoo import fields, models
from odoo.tools import SQL

# the history a promise learns from
HISTORY_DAYS = 365
# fewer measured orders than this and a measure is not trusted
MIN_SAMPLES = 5
# how sure the delivery time is: this share of past deliveries took no longer
TRANSIT_PERCENTILE = 0.8


class ResCompany(models.Model):
    """What the company's own history says about its promises (SPEC PRM-2):
    how long goods really take from shipped to delivered, and how often the
    orders shipped by their first promise."""

    _inherit = "res.company"

    def _promise_transit_days(self):
        """``(days, samples)``: the days within which 80 % of the company's
        deliveries of the last year arrived after shipping (the status
        history's time in Shipped before Delivered), ``(0, samples)`` when
        fewer than ``MIN_SAMPLES`` were measured."""
        self.ensure_one()
        since = fields.Datetime.now() - timedelta(days=HISTORY_DAYS)
        [[hours, samples]] = self.env.execute_query(
            SQL(
                """SELECT percentile_cont(%(p)s) WITHIN GROUP (ORDER BY hours_in_previous),
                          COUNT(*)
                     FROM order_tracking_event
                    WHERE company_id = %(company)s AND from_code = 'shipped'
                      AND to_code = 'delivered' AND date >= %(since)s""",
                p=TRANSIT_PERCENTILE,
                company=self.id,
                since=since,
            )
        )
        if samples < MIN_SAMPLES or hours is None:
            return 0, samples
        return math.ceil(hours / 24.0), samples

    def _promise_on_time_share(self):
        """``(share, samples)``: of the company's orders shipped in the last
        year, the share shipped by the date first promised to the customer
        (the promise ledger's original), ``(None, samples)`` when fewer than
        ``MIN_SAMPLES`` were measured."""
        self.ensure_one()
        since = fields.Datetime.now() - timedelta(days=HISTORY_DAYS)
        [[kept, samples]] = self.env.execute_query(
            SQL(
                """SELECT COUNT(*) FILTER (WHERE ev.date <= so.tracking_promise_original),
                          COUNT(*)
                     FROM order_tracking_event ev
                     JOIN sale_order so ON so.id = ev.order_id
                    WHERE ev.company_id = %(company)s AND ev.to_code = 'shipped'
                      AND ev.date >= %(since)s AND so.tracking_promise_original IS NOT NULL""",
                company=self.id,
                since=since,
            )
        )
        if samples < MIN_SAMPLES:
            return None, samples
        return kept / samples, samples
