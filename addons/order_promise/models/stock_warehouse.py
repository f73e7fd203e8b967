from collections import defaultdict, namedtuple
from datetime import date, datetime, time, timedelta

import pytz

from odoo import fields, models
from odoo.tools import SQL

# how far ahead a working day is looked for (a long holiday fits in it)
WORKING_DAY_HORIZON = 60
# working days read from a calendar, shared by the process's transactions:
# {(database, calendar, its fingerprint, block of days): (day, ...)}
_WORKING_DAYS = {}
_WORKING_DAYS_KEPT = 512
WORKING_DAY_BLOCK = 64
CALENDAR_MODELS = ("resource.calendar", "resource.calendar.attendance", "resource.calendar.leaves")

Place = namedtuple("Place", "inside tz calendar_id fingerprint")


class StockWarehouse(models.Model):
    """The warehouse's side of a promise (SPEC PRM-1): each product's
    timeline of supply and demand across the warehouse's boundary, and its
    working days."""

    _inherit = "stock.warehouse"

    def _promise_place(self):
        """What a promise needs of the warehouse, in one query: ``Place``
        (its locations' path prefix, the time zone of its company's working
        calendar, that calendar and its fingerprint — which changes whenever
        the calendar, one of its attendances or a public holiday is added,
        changed or removed: what cached working days are keyed on)."""
        self.ensure_one()
        for model in CALENDAR_MODELS:
            self.env[model].flush_model()
        [[path, tz, calendar_id, fingerprint]] = self.env.execute_query(
            SQL(
                """SELECT loc.parent_path, COALESCE(rc.tz, 'UTC'), rc.id,
                          md5(concat_ws('|', rc::text,
                              (SELECT string_agg(a::text, ',' ORDER BY a.id)
                                 FROM resource_calendar_attendance a
                                WHERE a.calendar_id = rc.id),
                              (SELECT string_agg(l::text, ',' ORDER BY l.id)
                                 FROM resource_calendar_leaves l
                                WHERE l.resource_id IS NULL
                                  AND (l.calendar_id = rc.id OR l.calendar_id IS NULL))))
                     FROM stock_warehouse w
                     JOIN stock_location loc ON loc.id = w.view_location_id
                     JOIN res_company c ON c.id = w.company_id
                LEFT JOIN resource_calendar rc ON rc.id = c.resource_calendar_id
                    WHERE w.id = %s""",
                self.id,
            )
        )
        return Place(f"{path}%", pytz.timezone(tz), calendar_id, fingerprint)

    def _promise_timezone(self):
        return self._promise_place().tz

    def _promise_today(self, place=None):
        """Today in the warehouse's time zone, by the business clock."""
        place = place or self._promise_place()
        return pytz.utc.localize(fields.Datetime.now()).astimezone(place.tz).date()

    def _promise_timelines(self, products, exclude_moves=(), sale_demand=True, place=None):
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
        One query for any number of products."""
        self.ensure_one()
        timelines = {product.id: [0.0, [], {}, {}] for product in products}
        if not timelines:
            return {}
        self.env.flush_all()
        place = place or self._promise_place()
        # the warehouse's locations: its view location's descendants
        inside = place.inside
        # on hand (no day), then the planned moves by day, kind and vendor
        for product_id, day, kind, quantity, vendor_id in self.env.execute_query(
            SQL(
                """SELECT q.product_id, NULL::date, 'on_hand', SUM(q.quantity), NULL::int
                     FROM stock_quant q
                     JOIN stock_location loc ON loc.id = q.location_id
                    WHERE q.product_id = ANY(%(products)s) AND loc.usage = 'internal'
                      AND loc.parent_path LIKE %(inside)s
                 GROUP BY q.product_id
                UNION ALL
                   SELECT m.product_id, part.day,
                          CASE WHEN dst.parent_path NOT LIKE %(inside)s THEN 'demand'
                               WHEN src.usage = 'production' THEN 'production'
                               ELSE 'receipt' END,
                          SUM(part.qty),
                          MIN(pk.partner_id) FILTER (WHERE src.usage = 'supplier')
                     FROM stock_move m
                     JOIN stock_location src ON src.id = m.location_id
                     JOIN stock_location dst ON dst.id = m.location_dest_id
                LEFT JOIN stock_picking pk ON pk.id = m.picking_id
                     -- what goes out is taken on its day, what it already reserved now
                     -- (a day long past counts today): reserved goods are not free
                     CROSS JOIN LATERAL (
                          SELECT CASE WHEN dst.parent_path LIKE %(inside)s OR m.product_uom_qty = 0
                                      THEN 0
                                      ELSE LEAST(m.product_qty, GREATEST(m.quantity, 0)
                                                 * m.product_qty / m.product_uom_qty) END
                                 AS reserved) r
                     -- what should have come and has not will not come today
                     CROSS JOIN LATERAL (VALUES
                          (CASE WHEN dst.parent_path LIKE %(inside)s
                                 AND (m.date AT TIME ZONE 'UTC' AT TIME ZONE %(tz)s)::date
                                     < %(today)s
                                THEN %(today)s + 1
                                ELSE (m.date AT TIME ZONE 'UTC' AT TIME ZONE %(tz)s)::date END,
                           CASE WHEN dst.parent_path LIKE %(inside)s THEN m.product_qty
                                ELSE r.reserved - m.product_qty END),
                          (DATE '2000-01-01', -r.reserved)) part(day, qty)
                    WHERE m.product_id = ANY(%(products)s) AND part.qty != 0
                      AND m.state NOT IN ('draft', 'cancel', 'done')
                      AND (src.parent_path LIKE %(inside)s) != (dst.parent_path LIKE %(inside)s)
                      AND m.id != ALL(%(excluded)s)
                      AND (%(sale_demand)s OR m.sale_line_id IS NULL OR dst.usage != 'customer')
                 GROUP BY m.product_id, 2, 3""",
                sale_demand=sale_demand,
                today=self._promise_today(place),
                tz=place.tz.zone,
                products=list(timelines),
                inside=inside,
                excluded=list(exclude_moves),
            )
        ):
            if kind == "on_hand":
                timelines[product_id][0] = quantity or 0.0
                continue
            timelines[product_id][1].append((day, quantity))
            if kind != "demand":
                timelines[product_id][2][day] = kind
            if vendor_id:
                timelines[product_id][3][day] = vendor_id
        return {product_id: tuple(value) for product_id, value in timelines.items()}

    def _promise_working_days(self, start, horizon=WORKING_DAY_HORIZON, place=None):
        """The warehouse's working days from ``start`` on (``horizon`` days):
        the company's working calendar — its public holidays off, its dated
        working days (调休) on. Every day when there is no calendar. Read in
        blocks of ``WORKING_DAY_BLOCK`` days, once per process while the
        calendar is unchanged (its fingerprint)."""
        self.ensure_one()
        place = place or self._promise_place()
        end = start + timedelta(days=horizon - 1)
        days = []
        for block in range(
            start.toordinal() // WORKING_DAY_BLOCK, end.toordinal() // WORKING_DAY_BLOCK + 1
        ):
            key = (self.env.cr.dbname, place.calendar_id, place.fingerprint, block)
            if key not in _WORKING_DAYS:
                if len(_WORKING_DAYS) >= _WORKING_DAYS_KEPT:
                    _WORKING_DAYS.clear()
                first = date.fromordinal(block * WORKING_DAY_BLOCK)
                _WORKING_DAYS[key] = tuple(
                    self._promise_read_working_days(first, WORKING_DAY_BLOCK, place)
                )
            days.extend(day for day in _WORKING_DAYS[key] if start <= day <= end)
        return days

    def _promise_read_working_days(self, start, horizon, place):
        days = [start + timedelta(days=offset) for offset in range(horizon)]
        if not place.calendar_id:
            return days
        calendar = self.env["resource.calendar"].browse(place.calendar_id)
        tz = place.tz
        begin = tz.localize(datetime.combine(start, time.min))
        end = tz.localize(datetime.combine(days[-1], time.max))
        intervals = calendar._work_intervals_batch(begin, end)[False]
        working = defaultdict(bool)
        for interval_start, _interval_end, _record in intervals:
            working[interval_start.astimezone(tz).date()] = True
        return [day for day in days if working[day]]

    def _promise_working_day(self, day, days_after=0, place=None):
        """The first working day on or after ``day``, or the ``days_after``-th
        working day after it (lead times counted in working days)."""
        self.ensure_one()
        horizon = WORKING_DAY_HORIZON + days_after * 2
        working = self._promise_working_days(day, horizon, place)
        if len(working) <= days_after:
            # no calendar in sight (all days off): count calendar days
            return day + timedelta(days=days_after)
        return working[days_after]
