import logging
from bisect import bisect_left
from collections import defaultdict
from datetime import timedelta

import pytz

from odoo import api, fields, models
from odoo.tools import SQL

from odoo.addons.order_tracking.tools import transaction

from ..tools import atp

_logger = logging.getLogger(__name__)

# the working days read at once per warehouse and allocation
CALENDAR_HORIZON = 400
# products re-allocated per step of the nightly pass (committed after each in the cron)
NIGHTLY_BATCH = 2000
# what the transaction touched, re-allocated just before it commits
TOUCHED = "order_promise.touched"
OPEN_MOVE = SQL("m.state NOT IN ('draft', 'cancel', 'done')")


class WorkingDays:
    """A warehouse's working days from today on, read once: the first one on
    or after a day by bisection (calendar days past the horizon)."""

    def __init__(self, warehouse, today):
        self.days = warehouse._promise_working_days(today, CALENDAR_HORIZON)
        self.end = today + timedelta(days=CALENDAR_HORIZON)

    def on_or_after(self, day):
        index = bisect_left(self.days, day)
        if day >= self.end or index >= len(self.days):
            return day
        return self.days[index]


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
        """Re-allocate ``products`` (ids) and re-check ``orders`` (ids) just
        before the transaction commits, once for all it touched."""
        precommit = self.env.cr.precommit
        touched = precommit.data.get(TOUCHED)
        if touched is None:
            touched = precommit.data[TOUCHED] = (set(), set())
            precommit.add(self._promise_precommit)
        touched[0].update(products)
        touched[1].update(orders)

    def _promise_precommit(self):
        products, orders = self.env.cr.precommit.data.pop(TOUCHED, (set(), set()))
        if not products and not orders:
            return
        try:
            with self.env.cr.savepoint():
                self.sudo()._promise_reallocate(sorted(products), sorted(orders))
        except Exception:  # noqa: BLE001 - a promise never stops the business fact
            _logger.exception(
                "order_promise: promises of products %s not updated; the nightly pass will",
                sorted(products)[:20],
            )

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
        total = len(product_ids)
        for start in range(0, max(total, 1), NIGHTLY_BATCH):
            batch = product_ids[start : start + NIGHTLY_BATCH]
            last = start + NIGHTLY_BATCH >= total
            self._promise_reallocate(batch, flagged if last else ())
            _logger.info(
                "order_promise: re-allocated %s of %s products",
                min(start + NIGHTLY_BATCH, total),
                total,
            )
            self.env["ir.cron"]._notify_progress(
                done=min(start + NIGHTLY_BATCH, total),
                remaining=max(total - start - NIGHTLY_BATCH, 0),
            )
            transaction.commit_between_batches(self.env)
        return True

    # ------------------------------------------------------------------
    # The allocation
    # ------------------------------------------------------------------

    @api.model
    def _promise_reallocate(self, product_ids, order_ids=()):
        """Give each open delivery of ``product_ids`` its ship day from its
        warehouse's supply, in priority, then re-check the orders of those
        deliveries and ``order_ids``."""
        self.env.flush_all()
        today = fields.Date.context_today(self)
        rows = self._promise_demand_rows(product_ids) if product_ids else []
        groups = defaultdict(lambda: defaultdict(list))
        for row in rows:
            groups[row[3]][row[1]].append(row)
        days = {}
        capable = {}
        for warehouse_id, by_product in groups.items():
            warehouse = self.env["stock.warehouse"].browse(warehouse_id)
            products = self.env["product.product"].browse(list(by_product))
            timelines = warehouse._promise_timelines(products, sale_demand=False)
            calendar = WorkingDays(warehouse, today)
            for product_id, demands in by_product.items():
                on_hand, movements, _kinds, _vendors = timelines[product_id]
                given = atp.allocate(
                    on_hand, movements, [(row[0], row[2]) for row in demands], today
                )
                for move_id, _product, _qty, _wh, line_id, _order, _day in demands:
                    day, short = given[move_id]
                    if short > 1e-6:
                        key = (product_id, warehouse_id)
                        if key not in capable:
                            line = self.env["sale.order.line"].browse(line_id)
                            capable[key] = line._promise_capable(
                                line.product_id, short, warehouse, today
                            )[0]
                        day = capable[key] and max(day or today, capable[key])
                    days[move_id] = day and calendar.on_or_after(day)
        self._promise_write_move_days(rows, days)
        orders = {row[5] for row in rows} | set(order_ids)
        self.browse(sorted(orders))._promise_check_at_risk(today)

    @api.model
    def _promise_demand_rows(self, product_ids):
        """``[(move, product, qty, warehouse, line, order, day)]``: the open
        deliveries of confirmed orders for ``product_ids``, each warehouse's
        and product's in priority."""
        return self.env.execute_query(
            SQL(
                """SELECT m.id, m.product_id, m.product_qty, so.warehouse_id, sol.id, so.id,
                          m.promise_date
                     FROM stock_move m
                     JOIN stock_location dst ON dst.id = m.location_dest_id
                     JOIN sale_order_line sol ON sol.id = m.sale_line_id
                     JOIN sale_order so ON so.id = sol.order_id
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
        """Store the deliveries' new ship days (those that changed)."""
        changed = [(row[0], days.get(row[0])) for row in rows if days.get(row[0]) != row[6]]
        if not changed:
            return
        self.env.execute_query(
            SQL(
                """UPDATE stock_move m SET promise_date = v.day
                     FROM (SELECT UNNEST(%s::int[]) AS id, UNNEST(%s::date[]) AS day) v
                    WHERE m.id = v.id""",
                [move_id for move_id, _day in changed],
                [day for _move_id, day in changed],
            )
        )
        self.env["stock.move"].invalidate_model(["promise_date"])

    def _promise_check_at_risk(self, today):
        """Flag the orders whose open deliveries can no longer reach the
        promised day (the last delivery's ship day plus the measured delivery
        time), clear the others; the reachable day moves only when it can no
        longer be kept."""
        if not self:
            return
        now = fields.Datetime.now()
        rows = self.env.execute_query(
            SQL(
                """SELECT so.id, so.state, so.company_id, so.warehouse_id,
                          so.tracking_promise_latest, so.promise_reachable_date,
                          so.promise_at_risk, so.promise_risk_since,
                          d.last_day, d.unreachable, d.open_count
                     FROM sale_order so
                LEFT JOIN LATERAL (
                          SELECT MAX(m.promise_date) AS last_day,
                                 BOOL_OR(m.promise_date IS NULL) AS unreachable,
                                 COUNT(*) AS open_count
                            FROM sale_order_line sol
                            JOIN stock_move m ON m.sale_line_id = sol.id
                            JOIN stock_location dst ON dst.id = m.location_dest_id
                           WHERE sol.order_id = so.id AND dst.usage = 'customer'
                             AND %(open)s) d ON TRUE
                    WHERE so.id = ANY(%(ids)s)""",
                open=OPEN_MOVE,
                ids=self.ids,
            )
        )
        companies = self.env["res.company"].browse({row[2] for row in rows})
        transit = {company.id: company._promise_measures()[0][0] for company in companies}
        zones = {}
        updates = []
        for (
            order_id,
            state,
            company_id,
            warehouse_id,
            promised_at,
            reachable,
            at_risk,
            since,
            last_day,
            unreachable,
            open_count,
        ) in rows:
            if state != "sale" or not open_count:
                values = (reachable, False, None)
            else:
                if warehouse_id not in zones:
                    zones[warehouse_id] = (
                        self.env["stock.warehouse"].browse(warehouse_id)._promise_timezone()
                    )
                promised = promised_at and (
                    pytz.utc.localize(promised_at).astimezone(zones[warehouse_id]).date()
                )
                delivery = None if unreachable else last_day + timedelta(days=transit[company_id])
                values = self._promise_risk_values(
                    delivery, promised, reachable, at_risk, since, now
                )
            if values != (reachable, at_risk, since):
                updates.append((order_id, *values))
        if updates:
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
