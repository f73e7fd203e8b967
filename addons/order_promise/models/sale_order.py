from datetime import datetime, time, timedelta

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL

from odoo.addons.order_tracking.tools import history

from .res_company import HISTORY_DAYS, LATENESS_SHARE, MIN_SAMPLES


class SaleOrder(models.Model):
    """The order's promise (SPEC PRM-1, PRM-2): when each line can ship from
    its warehouse — available-to-promise with look-ahead, so what is already
    promised to other orders is not promised again; a split when part of it
    can go earlier; bought or made at its lead times when the warehouse will
    not have it — the ship date per the shipping policy, the delivery date
    after the delivery time the company's history measured, and why."""

    _inherit = "sale.order"

    promise_ship_date = fields.Date(
        string="Can Ship On",
        compute="_compute_promise",
        help="The earliest day the order can ship from its warehouse without taking goods "
        "promised to other orders: all of it, or its first shipment when the order ships as "
        "soon as possible.",
    )
    promise_delivery_date = fields.Date(
        string="Can Deliver On",
        compute="_compute_promise",
        help="When everything can be at the customer: the last line's ship day plus the "
        "delivery time 80 % of the company's past deliveries took.",
    )
    promise_confidence = fields.Float(
        compute="_compute_promise",
        help="How often the company's orders of the last year shipped by their first "
        "promise (0 until enough orders were measured).",
    )
    promise_why = fields.Text(string="Why This Date", compute="_compute_promise")

    @api.depends_context("tz")
    @api.depends(
        "state",
        "warehouse_id",
        "picking_policy",
        "order_line.product_id",
        "order_line.product_uom_qty",
        "order_line.qty_delivered",
    )
    def _compute_promise(self):
        promises = self._promise_compute()
        for order in self:
            promise = promises.get(order.id) or {}
            order.promise_ship_date = promise.get("ship_date") or False
            order.promise_delivery_date = promise.get("delivery_date") or False
            order.promise_confidence = promise.get("confidence") or 0.0
            order.promise_why = "\n".join(promise.get("why") or [])

    # ------------------------------------------------------------------
    # Public API
    # ------------------------------------------------------------------

    def get_delivery_promise(self):
        """The promise of each order, as docs/api.md shows it."""
        self.check_access("read")
        promises = self._promise_compute()
        day = fields.Date.to_string
        result = []
        for order in self:
            promise = promises[order.id]
            result.append(
                {
                    "order_id": order.id,
                    "ship_date": day(promise["ship_date"]) if promise["ship_date"] else False,
                    "delivery_date": (
                        day(promise["delivery_date"]) if promise["delivery_date"] else False
                    ),
                    "confidence": promise["confidence"],
                    "why": "\n".join(promise["why"]),
                    "lines": [
                        {
                            **{key: value for key, value in line.items() if key[0] != "_"},
                            "ship_date": day(line["ship_date"]) if line["ship_date"] else False,
                            "split": [
                                {"qty": piece["qty"], "date": day(piece["date"])}
                                for piece in line["split"]
                            ],
                        }
                        for line in promise["lines"]
                    ],
                }
            )
        return result

    def action_apply_promise(self):
        """Make the promise the order's commitment date, in the promise
        ledger (a re-promise, with its reason, once the order is confirmed)."""
        self.check_access("write")
        promises = self._promise_compute()
        for order in self:
            promise = promises[order.id]
            if not promise["delivery_date"]:
                raise UserError(
                    self.env._(
                        "No delivery date can be promised for %(order)s yet: %(why)s",
                        order=order.name,
                        why="; ".join(promise["why"]),
                    )
                )
            reason = self.env._(
                "Promised from the warehouse's supply and demand: ships %(ship)s, "
                "delivered %(delivery)s.",
                ship=promise["ship_date"],
                delivery=promise["delivery_date"],
            )
            with history.promising(self.env, reason):
                # noon UTC: the same calendar day in every time zone from -11 to +11
                order.commitment_date = datetime.combine(promise["delivery_date"], time(12))
        return True

    # ------------------------------------------------------------------
    # The engine
    # ------------------------------------------------------------------

    def _promise_compute(self, lines=None):
        """``{order id: promise}`` of these orders, warehouse by warehouse:
        each warehouse's timelines are read once for all their products, and
        each line takes its part from them, so the next line (and the next
        order) sees it taken. ``lines``: only these lines of the orders."""
        today = fields.Date.context_today(self)
        result = {}
        for warehouse in self.warehouse_id:
            orders = self.filtered(lambda order, w=warehouse: order.warehouse_id == w)
            result.update(orders._promise_compute_in(warehouse, today, lines))
        for order in self.filtered(lambda order: not order.warehouse_id):
            result[order.id] = order._promise_empty(self.env._("The order has no warehouse."))
        return result

    def _promise_empty(self, why):
        return {
            "ship_date": False,
            "delivery_date": False,
            "confidence": 0.0,
            "why": [why],
            "lines": [],
        }

    def _promise_lines(self, lines=None):
        """The order's lines to promise, in order (only those of ``lines``
        when given)."""
        self.ensure_one()
        candidates = (
            self.order_line if lines is None else lines.filtered(lambda line: line.order_id == self)
        )
        return candidates.filtered(lambda line: line._promise_is_promised())

    def _promise_compute_in(self, warehouse, today, lines=None):
        lines_of = {order.id: order._promise_lines(lines) for order in self}
        needs = {
            line.id: line._promise_requirements() for lines in lines_of.values() for line in lines
        }
        products = self.env["product.product"].union(
            *(product for need in needs.values() for product, _qty in need)
        )
        own_moves = self.filtered(lambda order: order.state == "sale").order_line.move_ids
        timelines = warehouse._promise_timelines(products, own_moves.ids)
        movements = {pid: list(timeline[1]) for pid, timeline in timelines.items()}
        working = {}

        def working_day(day):
            if day not in working:
                working[day] = warehouse._promise_working_day(day)
            return working[day]

        # how late the vendors the dates may wait for usually are, and the workshop
        lateness = self._promise_vendor_lateness(
            {vendor for timeline in timelines.values() for vendor in timeline[3].values()}
            | set(products.seller_ids.partner_id.ids)
        )
        measures = warehouse.company_id._promise_measures()
        line_promises = {}
        for order in self:
            line_promises[order.id] = [
                line._promise_line(
                    needs[line.id],
                    timelines,
                    movements,
                    warehouse,
                    today,
                    lateness,
                    production_days=measures[2][0],
                )
                for line in lines_of[order.id]
            ]
            for promise in line_promises[order.id]:
                if promise["ship_date"]:
                    promise["ship_date"] = working_day(promise["ship_date"])
                for piece in promise["split"]:
                    piece["date"] = working_day(piece["date"])
        vendor_rates = self._promise_vendor_rates(
            {
                vendor
                for lines in line_promises.values()
                for line in lines
                for vendor in line["_vendors"]
            }
        )
        return {
            order.id: order._promise_order(
                line_promises[order.id], today, working_day, measures, vendor_rates
            )
            for order in self
        }

    def _promise_vendor_lateness(self, vendor_ids):
        """``{vendor id: working days}``: how late each vendor's goods came
        90 % of the time over the last year (receipts of its purchases done
        after the date the purchase planned; purchase installed, at least
        ``MIN_SAMPLES`` receipts; 0 days are left out)."""
        if not vendor_ids or "purchase_line_id" not in self.env["stock.move"]._fields:
            return {}
        self.env["stock.move"].flush_model(["state", "date", "purchase_line_id"])
        self.env["purchase.order.line"].flush_model(["partner_id", "date_planned"])
        since = fields.Datetime.now() - timedelta(days=HISTORY_DAYS)
        rows = self.env.execute_query(
            SQL(
                """SELECT pol.partner_id,
                          percentile_disc(%(share)s) WITHIN GROUP (ORDER BY GREATEST(
                              (SELECT COUNT(*) FROM generate_series(
                                  pol.date_planned::date + 1, m.date::date, '1 day') d
                                WHERE EXTRACT(ISODOW FROM d) < 6), 0)),
                          COUNT(*)
                     FROM stock_move m
                     JOIN purchase_order_line pol ON pol.id = m.purchase_line_id
                    WHERE m.state = 'done' AND pol.partner_id = ANY(%(vendors)s)
                      AND m.date >= %(since)s AND pol.date_planned IS NOT NULL
                 GROUP BY pol.partner_id""",
                share=LATENESS_SHARE,
                vendors=sorted(vendor_ids),
                since=since,
            )
        )
        return {
            vendor: int(days) for vendor, days, samples in rows if samples >= MIN_SAMPLES and days
        }

    def _promise_vendor_rates(self, vendor_ids):
        """``{vendor id: share}`` of the goods each vendor delivered by the
        date planned over the last year (Odoo's own on-time rate of the
        vendor, purchase installed), for the vendors measured."""
        partners = self.env["res.partner"].sudo().browse(sorted(vendor_ids))
        if not partners or "on_time_rate" not in partners._fields:
            return {}
        return {
            partner.id: partner.on_time_rate / 100.0
            for partner in partners
            if partner.on_time_rate >= 0
        }

    def _promise_order(self, lines, today, working_day, measures, vendor_rates):
        """The order's promise from its lines' (PRM-2): ``measures`` the
        company's (``res.company._promise_measures``), ``vendor_rates`` the
        on-time share of the vendors its dates wait for."""
        self.ensure_one()
        (transit, transit_samples), (share, share_samples), production = measures
        why = [line["why"] for line in lines if line.get("why")]
        dates = [line["ship_date"] for line in lines]
        if not lines:
            ship = last = working_day(today)
        elif all(dates):
            last = max(dates)
            # as soon as possible: the first shipment, a split's first part included
            firsts = [
                line["split"][0]["date"] if line["split"] else line["ship_date"] for line in lines
            ]
            ship = min(firsts) if self.picking_policy == "direct" else last
        else:
            ship = last = False
        delivery = last and last + timedelta(days=transit)
        if transit_samples < 5:
            why.append(
                self.env._(
                    "Delivery time not measured yet (%(count)s deliveries): none added.",
                    count=transit_samples,
                )
            )
        elif transit:
            why.append(
                self.env._(
                    "%(days)s days to deliver after shipping (80 %% of %(count)s past deliveries).",
                    days=transit,
                    count=transit_samples,
                )
            )
        if share is None:
            why.append(
                self.env._(
                    "Confidence not measured yet (%(count)s orders shipped).", count=share_samples
                )
            )
        # each slip the date waits for: (its on-time share, why it lowers the confidence)
        slips = [
            (
                vendor_rates[vendor_id],
                self.env._(
                    "%(vendor)s delivered %(rate)s %% of its goods on time in the last year: "
                    "the date waits for it.",
                    vendor=self.env["res.partner"].browse(vendor_id).display_name,
                    rate=round(vendor_rates[vendor_id] * 100),
                ),
            )
            for vendor_id in sorted({vendor for line in lines for vendor in line["_vendors"]})
            if vendor_id in vendor_rates
        ]
        made_share = production[1]
        if made_share is not None and any(line["_production"] for line in lines):
            slips.append(
                (
                    made_share,
                    self.env._(
                        "%(rate)s %% of the manufacturing orders of the last year finished by "
                        "their first planned end: the date waits for manufacturing.",
                        rate=round(made_share * 100),
                    ),
                )
            )
        confidence = share
        for rate, reason in slips:
            confidence = rate if confidence is None else confidence * rate
            if rate < 1:
                why.append(reason)
        return {
            "ship_date": ship,
            "delivery_date": delivery,
            "confidence": round(confidence, 4) if confidence is not None else 0.0,
            "why": why,
            "lines": lines,
        }
