import logging
from bisect import bisect_left
from collections import defaultdict
from datetime import timedelta

from odoo import api, fields, models
from odoo.tools import SQL

from odoo.addons.order_tracking.tools import transaction

from ..tools import atp

_logger = logging.getLogger(__name__)

# the working days read past the last day asked for (a long holiday fits in it)
SPAN_MARGIN = 21
# products re-allocated per step of the nightly pass (committed after each in the cron)
NIGHTLY_BATCH = 2000
# orders checked at once at the end of the nightly pass
NIGHTLY_ORDER_BATCH = 20000
# what the transaction touched, re-allocated just before it commits
TOUCHED = "order_promise.touched"
OPEN_MOVE = SQL("m.state NOT IN ('draft', 'cancel', 'done')")


class WorkingDays:
    """A warehouse's working days over the span of the days asked for, read
    once (the calendar's cost grows with the span): the first working day on
    or after a day by bisection, a day outside the span looked up alone."""

    def __init__(self, warehouse, days, place):
        self.warehouse = warehouse
        self.place = place
        days = [day for day in days if day]
        self.start = min(days) if days else None
        self.end = max(days) + timedelta(days=SPAN_MARGIN) if days else None
        self.days = (
            warehouse._promise_working_days(self.start, (self.end - self.start).days + 1, place)
            if days
            else []
        )

    def on_or_after(self, day):
        if self.start and self.start <= day <= self.end:
            index = bisect_left(self.days, day)
            if index < len(self.days):
                return self.days[index]
        return self.warehouse._promise_working_day(day, place=self.place)


# One concern of the model per file (Odoo's way): see docs/architecture.md.
# pylint: disable=consider-merging-classes-inherited
class SaleOrder(models.Model):
    """Promises kept current (SPEC PRM-3). Every open delivery of a confirmed
    order is given its ship day from its warehouse's supply in priority
    (the delivery's priority, then the original promise, then the order
    date): on each product a fact touched — a move created, rescheduled,
    done or cancelled, an order confirmed or re-promised — just before the
    transaction commits, and on every product by the nightly pass. An order
    whose deliveries can no longer reach its promised date is flagged at
    risk, with the day it was found; the day it can be reached is changed
    only when it can no longer be kept."""

    _inherit = "sale.order"

    promise_at_risk = fields.Boolean(
        string="Promise at Risk",
        readonly=True,
        copy=False,
        help="Confirmed, and the warehouse's supply, given to the open orders in priority, "
        "can no longer deliver it by the date promised to the customer.",
    )
    promise_risk_since = fields.Datetime(string="At Risk Since", readonly=True, copy=False)
    promise_reachable_date = fields.Date(
        string="Reachable By",
        readonly=True,
        copy=False,
        help="The day the order can be delivered as its warehouse's supply is given in "
        "priority: changed only when it can no longer be kept (or to an earlier day while "
        "it is later than the promise).",
    )

    def init(self):
        result = super().init()
        self.env.cr.execute(
            "CREATE INDEX IF NOT EXISTS sale_order_promise_at_risk_index "
            "ON sale_order (company_id) WHERE promise_at_risk"
        )
        return result

    def _tracking_system_fields(self):
        return super()._tracking_system_fields() | {
            "promise_at_risk",
            "promise_risk_since",
            "promise_reachable_date",
        }

    def write(self, vals):
        result = super().write(vals)
        if {"commitment_date", "state"} & set(vals):
            self._promise_touch(orders=self.ids)
        return result

    # ------------------------------------------------------------------
    # What the transaction touched
    # ------------------------------------------------------------------

    @api.model
    def _promise_touch(self, products=(), orders=()):
        """Re-allocate ``products`` (ids) and re-check ``orders`` (ids) once
        the transaction commits, once for all it touched (queued just before
        it commits)."""
        precommit = self.env.cr.precommit
        touched = precommit.data.get(TOUCHED)
        if touched is None:
            touched = precommit.data[TOUCHED] = (set(), set())
            precommit.add(self._promise_precommit)
        touched[0].update(products)
        touched[1].update(orders)

    def _promise_precommit(self):
        """Queue what the transaction touched: re-allocated right after it
        commits (``order.promise.queue``)."""
        products, orders = self.env.cr.precommit.data.pop(TOUCHED, (set(), set()))
        self.env["order.promise.queue"].sudo()._promise_enqueue(products, orders)

    # ------------------------------------------------------------------
    # The nightly pass
    # ------------------------------------------------------------------

    @api.model
    def _cron_promise_reallocate(self):
        """Measure the history again, then give every product's supply to its
        open deliveries in priority, a batch of products at a time."""
        self = self.sudo()
        self.env["res.company"].search([])._promise_refresh_measures()
        self.env.flush_all()
        product_ids = [
            product_id
            for [product_id] in self.env.execute_query(
                SQL(
                    """SELECT DISTINCT m.product_id
                         FROM stock_move m
                         JOIN stock_location dst ON dst.id = m.location_dest_id
                        WHERE m.sale_line_id IS NOT NULL AND dst.usage = 'customer'
                          AND %s
                     ORDER BY 1""",
                    OPEN_MOVE,
                )
            )
        ]
        # orders flagged whose deliveries are all gone are checked once more
        flagged = [
            order_id
            for [order_id] in self.env.execute_query(
                SQL("SELECT id FROM sale_order WHERE promise_at_risk")
            )
        ]
        # each order's last ship day over all its open deliveries, gathered
        # batch by batch: {order id: (last day or None, one cannot be given)}
        reach = dict.fromkeys(flagged, (None, False))
        total = len(product_ids)
        for start in range(0, total, NIGHTLY_BATCH):
            done = min(start + NIGHTLY_BATCH, total)
            for order_id, (last, unreachable) in self._promise_allocate(product_ids[start:done])[
                0
            ].items():
                known, never = reach.get(order_id, (None, False))
                reach[order_id] = (
                    max(filter(None, (known, last)), default=None),
                    never or unreachable,
                )
            _logger.info("order_promise: re-allocated %s of %s products", done, total)
            self.env["ir.cron"]._notify_progress(done=done, remaining=total - done)
            transaction.commit_between_batches(self.env)
        # the planner's statistics of the days just written
        self.env.cr.execute(SQL("ANALYZE order_promise_allocation"))
        # each order once, after all its products were allocated
        orders = sorted(reach)
        for start in range(0, len(orders), NIGHTLY_ORDER_BATCH):
            self.browse(orders[start : start + NIGHTLY_ORDER_BATCH])._promise_check_at_risk(reach)
            transaction.commit_between_batches(self.env)
        _logger.info("order_promise: %s orders checked", len(orders))
        return True

    # ------------------------------------------------------------------
    # The allocation
    # ------------------------------------------------------------------

    @api.model
    def _promise_reallocate(self, product_ids, order_ids=()):
        """Give each open delivery of ``product_ids`` its ship day from its
        warehouse's supply, in priority, then re-check the orders of those
        deliveries and ``order_ids``."""
        # an order none of whose deliveries changed day keeps its flag
        _orders, changed = self._promise_allocate(product_ids)
        self.browse(sorted(changed | set(order_ids)))._promise_check_at_risk()

    @api.model
    def _promise_allocate(self, product_ids):
        """Give each open delivery of ``product_ids`` its ship day from its
        warehouse's supply, in priority: ``({order id: (the last day of its
        deliveries among them or None, whether one of them cannot be given a
        day)}, ids of the orders of those whose day changed)``."""
        self.env.flush_all()
        rows = self._promise_demand_rows(product_ids) if product_ids else []
        groups = defaultdict(lambda: defaultdict(list))
        for row in rows:
            groups[row[3]][row[1]].append(row)
        days = {}
        capable = {}
        for warehouse_id, by_product in groups.items():
            warehouse = self.env["stock.warehouse"].browse(warehouse_id)
            place = warehouse._promise_place()
            today = warehouse._promise_today(place)
            products = self.env["product.product"].browse(list(by_product))
            timelines = warehouse._promise_timelines(products, sale_demand=False, place=place)
            found = {}
            for product_id, demands in by_product.items():
                on_hand, movements, _kinds, _vendors = timelines[product_id]
                given = self._promise_allocate_product(on_hand, movements, demands, today)
                for move_id, _product, _qty, _wh, line_id, *_rest in demands:
                    day, short = given[move_id]
                    if short > 1e-6:
                        key = (product_id, warehouse_id)
                        if key not in capable:
                            line = self.env["sale.order.line"].browse(line_id)
                            capable[key] = line._promise_capable(
                                line.product_id, short, warehouse, today
                            )[0]
                        day = capable[key] and max(day or today, capable[key])
                    found[move_id] = day
            calendar = WorkingDays(warehouse, set(found.values()), place)
            for move_id, day in found.items():
                days[move_id] = day and calendar.on_or_after(day)
        changed = self._promise_write_move_days(rows, days)
        reach = {}
        for row in rows:
            day = days.get(row[0])
            last, unreachable = reach.get(row[5], (None, False))
            reach[row[5]] = (
                max(filter(None, (last, day)), default=None),
                unreachable or day is None,
            )
        return reach, {
            row[5] for row in rows if row[0] in changed and self._promise_may_change(row, days)
        }

    @api.model
    def _promise_allocate_product(self, on_hand, movements, demands, today):
        """``{move id: (day or None, short)}`` of one product's deliveries
        (``demands``: their rows, in priority): what a delivery already
        reserved is its own, today, whatever its priority (the warehouse will
        not take it back); the rest is given in priority from what is not
        reserved."""
        reserved = {row[0]: min(row[11], row[2]) for row in demands}
        given = atp.allocate(
            on_hand - sum(reserved.values()),
            movements,
            [
                (row[0], row[2] - reserved[row[0]])
                for row in demands
                if row[2] - reserved[row[0]] > 1e-6
            ],
            today,
        )
        return {row[0]: given.get(row[0], (today, 0.0)) for row in demands}

    @api.model
    def _promise_may_change(self, row, days):
        """Whether a delivery's new day may change its order's promise: an
        order on track whose reachable day this day still keeps (plus the
        delivery time) stays as it is."""
        day = days.get(row[0])
        _m, _p, _q, _w, _l, _o, _d, _a, reachable, at_risk, transit, _r = row
        return bool(
            at_risk or not reachable or not day or day + timedelta(days=transit) > reachable
        )

    @api.model
    def _promise_demand_rows(self, product_ids):
        """``[(move, product, qty, warehouse, line, order, day, allocated,
        reachable, at risk, transit days, reserved)]``: the open deliveries of
        confirmed orders for ``product_ids``, each warehouse's and product's
        in priority, with the day they were last given (``allocated``: whether
        they were), what their order holds, and what they reserved (quantities
        in the product's unit)."""
        return self.env.execute_query(
            SQL(
                """SELECT m.id, m.product_id, m.product_qty, so.warehouse_id, sol.id, so.id,
                          a.day, a.id IS NOT NULL,
                          so.promise_reachable_date, so.promise_at_risk,
                          COALESCE(c.promise_transit_days, 0),
                          CASE WHEN m.product_uom_qty = 0 THEN 0
                               ELSE GREATEST(m.quantity, 0) * m.product_qty / m.product_uom_qty
                          END
                     FROM stock_move m
                     JOIN stock_location dst ON dst.id = m.location_dest_id
                     JOIN sale_order_line sol ON sol.id = m.sale_line_id
                     JOIN sale_order so ON so.id = sol.order_id
                     JOIN res_company c ON c.id = so.company_id
                -- one index lookup per delivery, whatever the table's statistics say
                LEFT JOIN LATERAL (SELECT pa.id, pa.day FROM order_promise_allocation pa
                                    WHERE pa.move_id = m.id) a ON TRUE
                    WHERE m.product_id = ANY(%(products)s) AND %(open)s
                      AND dst.usage = 'customer' AND so.state = 'sale'
                      AND so.warehouse_id IS NOT NULL
                 ORDER BY so.warehouse_id, m.product_id, m.priority DESC,
                          so.tracking_promise_original NULLS LAST, so.date_order, so.id, m.id""",
                products=list(product_ids),
                open=OPEN_MOVE,
            )
        )

    def _promise_write_move_days(self, rows, days):
        """Store the deliveries' new ship days (those that changed): the ids
        of the deliveries changed."""
        changed = [
            (row[0], days.get(row[0])) for row in rows if not row[7] or days.get(row[0]) != row[6]
        ]
        if not changed:
            return set()
        self.env.execute_query(
            SQL(
                """INSERT INTO order_promise_allocation (move_id, day)
                   SELECT UNNEST(%s::int[]), UNNEST(%s::date[])
                       ON CONFLICT (move_id) DO UPDATE SET day = EXCLUDED.day""",
                [move_id for move_id, _day in changed],
                [day for _move_id, day in changed],
            )
        )
        self.env["stock.move"].invalidate_model(["promise_date"])
        return {move_id for move_id, _day in changed}

    def _promise_check_at_risk(self, reach=None):
        """Flag the orders whose open deliveries can no longer reach the
        promised day (the last delivery's ship day plus the measured delivery
        time), clear the others; the reachable day moves only when it can no
        longer be kept. ``reach``: the orders' last ship day over all their
        open deliveries, when the caller has it (the nightly pass), else read
        from the deliveries."""
        if not self:
            return
        now = fields.Datetime.now()
        # the promised day in the warehouse's time zone, the company's measured delivery time
        rows = self.env.execute_query(
            SQL(
                """SELECT so.id, so.state,
                          (so.tracking_promise_latest AT TIME ZONE 'UTC'
                              AT TIME ZONE COALESCE(rc.tz, 'UTC'))::date,
                          so.promise_reachable_date, so.promise_at_risk, so.promise_risk_since,
                          COALESCE(c.promise_transit_days, 0),
                          d.last_day, d.unreachable, d.open_count
                     FROM sale_order so
                     JOIN res_company c ON c.id = so.company_id
                LEFT JOIN stock_warehouse w ON w.id = so.warehouse_id
                LEFT JOIN res_company wc ON wc.id = w.company_id
                LEFT JOIN resource_calendar rc ON rc.id = wc.resource_calendar_id
                LEFT JOIN LATERAL (%(deliveries)s) d ON TRUE
                    WHERE so.id = ANY(%(ids)s)""",
                deliveries=SQL(
                    """SELECT NULL::date AS last_day, NULL::bool AS unreachable,
                              NULL::bigint AS open_count"""
                )
                if reach is not None
                else SQL(
                    """SELECT MAX(a.day) AS last_day,
                              BOOL_OR(a.day IS NULL) AS unreachable,
                              COUNT(*) AS open_count
                         FROM sale_order_line sol
                         JOIN stock_move m ON m.sale_line_id = sol.id
                         JOIN stock_location dst ON dst.id = m.location_dest_id
                    LEFT JOIN LATERAL (SELECT pa.day FROM order_promise_allocation pa
                                        WHERE pa.move_id = m.id) a ON TRUE
                        WHERE sol.order_id = so.id AND dst.usage = 'customer' AND %s""",
                    OPEN_MOVE,
                ),
                ids=self.ids,
            )
        )
        if reach is not None:
            rows = [
                (*row[:7], *reach.get(row[0], (None, False)), any(reach.get(row[0], ())))
                for row in rows
            ]
        updates = []
        for (
            order_id,
            state,
            promised,
            reachable,
            at_risk,
            since,
            transit,
            last_day,
            unreachable,
            open_count,
        ) in rows:
            if state != "sale" or not open_count:
                values = (reachable, False, None)
            else:
                delivery = None if unreachable else last_day + timedelta(days=transit)
                values = self._promise_risk_values(
                    delivery, promised, reachable, at_risk, since, now
                )
            if values != (reachable, at_risk, since):
                updates.append((order_id, *values))
        if updates:
            transaction.lock_orders(self.env, [update[0] for update in updates])
            self.env.execute_query(
                SQL(
                    """UPDATE sale_order so
                          SET promise_reachable_date = v.reachable,
                              promise_at_risk = v.at_risk,
                              promise_risk_since = v.since
                         FROM (SELECT UNNEST(%s::int[]) AS id, UNNEST(%s::date[]) AS reachable,
                                      UNNEST(%s::bool[]) AS at_risk,
                                      UNNEST(%s::timestamp[]) AS since) v
                        WHERE so.id = v.id""",
                    [update[0] for update in updates],
                    [update[1] for update in updates],
                    [update[2] for update in updates],
                    [update[3] for update in updates],
                )
            )
            self.invalidate_model(
                ["promise_reachable_date", "promise_at_risk", "promise_risk_since"]
            )

    @api.model
    def _promise_risk_values(self, delivery, promised, reachable, at_risk, since, now):
        """``(reachable, at risk, since)`` of an open order that can be
        delivered on ``delivery`` (``None``: no way yet) and was promised
        ``promised``: the reachable day moves only when it can no longer be
        kept, or while it breaks the promise; at risk from the first time it
        is found unreachable."""
        if delivery is None:
            reachable = None
        elif (
            reachable is None
            or delivery > reachable
            or (promised and reachable > promised and delivery < reachable)
        ):
            reachable = delivery
        risk = reachable is None or bool(promised and reachable > promised)
        return reachable, risk, (since if at_risk and since else now) if risk else None
