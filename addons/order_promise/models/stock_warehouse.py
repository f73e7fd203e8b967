from collections import defaultdict
from datetime import datetime, time, timedelta

import pytz

from odoo import models
from odoo.tools import SQL

# how far ahead a working day is looked for (a long holiday fits in it)
WORKING_DAY_HORIZON = 60


class StockWarehouse(models.Model):
    """The warehouse's side of a promise (SPEC PRM-1): each product's
    timeline of supply and demand across the warehouse's boundary, and its
    working days."""

    _inherit = "stock.warehouse"

    def _promise_timezone(self):
        self.ensure_one()
        calendar = self.company_id.resource_calendar_id
        return pytz.timezone(calendar.tz or "UTC")

    def _promise_timelines(self, products, exclude_moves=(), sale_demand=True):
        """``{product id: (on hand, [(day, signed quantity), ...], {day:
        "receipt" | "production"}, {day: vendor id of a receipt})}`` of
        ``products`` in this warehouse, in their stock unit: what is on hand in
        its internal locations, and every move not done nor cancelled that
        crosses its boundary (in: receipts, manufacturing output, transfers
        from elsewhere; out: deliveries, components consumed, transfers
        away), on its scheduled day in the warehouse's time zone. Moves in
        ``exclude_moves`` (the order's own, when it is re-promised) are left
        out; without ``sale_demand``, every open delivery of a confirmed
        order too (the demand the nightly pass gives supply to, in priority).
        Two queries for any number of products."""
        self.ensure_one()
        timelines = {product.id: [0.0, [], {}, {}] for product in products}
        if not timelines:
            return {}
        self.env.flush_all()
        # the warehouse's locations: its view location's descendants
        inside = f"{self.view_location_id.parent_path}%"
        for product_id, quantity in self.env.execute_query(
            SQL(
                """SELECT q.product_id, SUM(q.quantity)
                     FROM stock_quant q
                     JOIN stock_location loc ON loc.id = q.location_id
                    WHERE q.product_id = ANY(%(products)s) AND loc.usage = 'internal'
                      AND loc.parent_path LIKE %(inside)s
                 GROUP BY q.product_id""",
                products=list(timelines),
                inside=inside,
            )
        ):
            timelines[product_id][0] = quantity or 0.0
        for product_id, day, kind, quantity, vendor_id in self.env.execute_query(
            SQL(
                """SELECT m.product_id,
                          (m.date AT TIME ZONE 'UTC' AT TIME ZONE %(tz)s)::date,
                          CASE WHEN dst.parent_path NOT LIKE %(inside)s THEN 'demand'
                               WHEN src.usage = 'production' THEN 'production'
                               ELSE 'receipt' END,
                          SUM(CASE WHEN dst.parent_path LIKE %(inside)s
                                   THEN m.product_qty ELSE -m.product_qty END),
                          MIN(pk.partner_id) FILTER (WHERE src.usage = 'supplier')
                     FROM stock_move m
                     JOIN stock_location src ON src.id = m.location_id
                     JOIN stock_location dst ON dst.id = m.location_dest_id
                LEFT JOIN stock_picking pk ON pk.id = m.picking_id
                    WHERE m.product_id = ANY(%(products)s)
                      AND m.state NOT IN ('draft', 'cancel', 'done')
                      AND (src.parent_path LIKE %(inside)s) != (dst.parent_path LIKE %(inside)s)
                      AND m.id != ALL(%(excluded)s)
                      AND (%(sale_demand)s OR m.sale_line_id IS NULL OR dst.usage != 'customer')
                 GROUP BY m.product_id, 2, 3""",
                sale_demand=sale_demand,
                tz=self._promise_timezone().zone,
                products=list(timelines),
                inside=inside,
                excluded=list(exclude_moves),
            )
        ):
            timelines[product_id][1].append((day, quantity))
            if kind != "demand":
                timelines[product_id][2][day] = kind
            if vendor_id:
                timelines[product_id][3][day] = vendor_id
        return {product_id: tuple(value) for product_id, value in timelines.items()}

    def _promise_working_days(self, start, horizon=WORKING_DAY_HORIZON):
        """The warehouse's working days from ``start`` on (``horizon`` days):
        the company's working calendar — its public holidays off, its dated
        working days (调休) on. Every day when there is no calendar."""
        self.ensure_one()
        calendar = self.company_id.resource_calendar_id
        days = [start + timedelta(days=offset) for offset in range(horizon)]
        if not calendar:
            return days
        tz = self._promise_timezone()
        begin = tz.localize(datetime.combine(start, time.min))
        end = tz.localize(datetime.combine(days[-1], time.max))
        intervals = calendar._work_intervals_batch(begin, end)[False]
        working = defaultdict(bool)
        for interval_start, _interval_end, _record in intervals:
            working[interval_start.astimezone(tz).date()] = True
        return [day for day in days if working[day]]

    def _promise_working_day(self, day, days_after=0):
        """The first working day on or after ``day``, or the ``days_after``-th
        working day after it (lead times counted in working days)."""
        self.ensure_one()
        horizon = WORKING_DAY_HORIZON + days_after * 2
        working = self._promise_working_days(day, horizon)
        if len(working) <= days_after:
            # no calendar in sight (all days off): count calendar days
            return day + timedelta(days=days_after)
        return working[days_after]
