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
# how sure a slip is covered: this share of the goods came no later
LATENESS_SHARE = 0.9


class ResCompany(models.Model):
    """What the company's own history says about its promises (SPEC PRM-2):
    how long goods really take from shipped to delivered, and how often the
    orders shipped by their first promise."""

    _inherit = "res.company"

    # measured by the nightly pass (and at installation), read by every promise
    promise_transit_days = fields.Integer(
        string="Measured Delivery Days",
        readonly=True,
        help="80 % of the company's deliveries of the last year arrived within this many "
        "days after shipping (0 until enough were measured).",
    )
    promise_transit_samples = fields.Integer(string="Deliveries Measured", readonly=True)
    promise_on_time_share = fields.Float(
        string="Shipped by First Promise",
        readonly=True,
        help="The share of the company's orders of the last year shipped by the date first "
        "promised to the customer.",
    )
    promise_on_time_samples = fields.Integer(string="Orders Measured", readonly=True)
    promise_production_late_days = fields.Integer(
        string="Manufacturing Days Late",
        readonly=True,
        help="90 % of the company's manufacturing orders of the last year finished within this "
        "many working days after the end first planned for them (0 until enough were measured).",
    )
    promise_production_on_time_share = fields.Float(
        string="Manufacturing On Time",
        readonly=True,
        help="The share of the company's manufacturing orders of the last year finished by the "
        "end first planned for them.",
    )
    promise_production_samples = fields.Integer(
        string="Manufacturing Orders Measured", readonly=True
    )

    def _promise_refresh_measures(self):
        """Measure again what the promises learn from the history (the
        nightly pass): one query per measure and company."""
        for company in self:
            transit, transit_samples = company._promise_transit_days()
            share, share_samples = company._promise_on_time_share()
            late_days, made_share, made_samples = company._promise_production_slips()
            company.write(
                {
                    "promise_transit_days": transit,
                    "promise_transit_samples": transit_samples,
                    "promise_on_time_share": share if share is not None else -1.0,
                    "promise_on_time_samples": share_samples,
                    "promise_production_late_days": late_days,
                    "promise_production_on_time_share": (
                        made_share if made_share is not None else -1.0
                    ),
                    "promise_production_samples": made_samples,
                }
            )

    def _promise_measures(self):
        """``((transit days, samples), (share or None, samples),
        (manufacturing days late, share on time or None, samples))`` as last
        measured."""
        self.ensure_one()
        share = self.promise_on_time_share
        made_share = self.promise_production_on_time_share
        made_samples = self.promise_production_samples
        measured = made_samples >= MIN_SAMPLES
        return (
            (self.promise_transit_days, self.promise_transit_samples),
            (
                share if share >= 0 and self.promise_on_time_samples >= MIN_SAMPLES else None,
                self.promise_on_time_samples,
            ),
            (
                self.promise_production_late_days if measured else 0,
                made_share if measured and made_share >= 0 else None,
                made_samples,
            ),
        )

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

    def _promise_production_slips(self):
        """``(working days, share, samples)`` of the company's manufacturing
        orders finished in the last year: the working days within which 90 %
        of them finished after the end first planned for them (their finished
        goods' first planned date), and the share finished by it; ``(0, None,
        samples)`` when fewer than ``MIN_SAMPLES`` were measured or
        manufacturing is not installed."""
        self.ensure_one()
        if "production_id" not in self.env["stock.move"]._fields:
            return 0, None, 0
        self.env["stock.move"].flush_model(
            ["state", "date", "production_id", "product_id", "promise_first_date", "company_id"]
        )
        since = fields.Datetime.now() - timedelta(days=HISTORY_DAYS)
        [[days, on_time, samples]] = self.env.execute_query(
            SQL(
                """SELECT percentile_disc(%(share)s) WITHIN GROUP (ORDER BY late.days),
                          COUNT(*) FILTER (WHERE late.days = 0), COUNT(*)
                     FROM stock_move m
                     JOIN mrp_production mp ON mp.id = m.production_id
                                           AND mp.product_id = m.product_id
                    CROSS JOIN LATERAL (
                          SELECT COUNT(*) AS days FROM generate_series(
                              m.promise_first_date::date + 1, m.date::date, '1 day') d
                           WHERE EXTRACT(ISODOW FROM d) < 6) late
                    WHERE m.company_id = %(company)s AND m.state = 'done'
                      AND m.date >= %(since)s AND m.promise_first_date IS NOT NULL""",
                share=LATENESS_SHARE,
                company=self.id,
                since=since,
            )
        )
        if samples < MIN_SAMPLES:
            return 0, None, samples
        return int(days or 0), on_time / samples, samples
