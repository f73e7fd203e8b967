from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL
from odoo.tools.sql import column_exists, create_column, table_exists

from ..tools.definitions import OPEN_FULFILMENT, OPEN_STATES


class SaleOrder(models.Model):
    _inherit = "sale.order"

    alert_ids = fields.One2many("order.alert", "order_id", string="Alerts", readonly=True)
    alert_open_count = fields.Integer(
        string="Open Alerts",
        compute="_compute_alert_open",
        search="_search_alert_open_count",
    )
    alert_highlight = fields.Boolean(
        string="Highlighted by an Alert",
        compute="_compute_alert_open",
        search="_search_alert_highlight",
    )
    alert_shortage_ids = fields.Many2many(
        "order.alert.shortage",
        "order_alert_shortage_sale_order_rel",
        "order_id",
        "shortage_id",
        string="Shortage To-dos",
        readonly=True,
        copy=False,
    )
    alert_attention = fields.Boolean(
        compute="_compute_alert_attention",
        store=True,
        precompute=True,
        copy=False,
        help="Technical: the order has open alerts or shortage to-dos, so that "
        "a node change checks whether they cleared (most node changes concern "
        "orders with neither, and then cost no query).",
    )

    def _auto_init(self):
        # the flag of the orders that have alerts when the add-on is updated
        # is set in one statement, not recomputed order by order
        cr = self.env.cr
        if not column_exists(cr, "sale_order", "alert_attention"):
            create_column(cr, "sale_order", "alert_attention", "boolean")
            if table_exists(cr, "order_alert"):
                cr.execute(
                    SQL(
                        """UPDATE sale_order SET alert_attention = TRUE
                            WHERE id IN (SELECT order_id FROM order_alert WHERE state IN %s)""",
                        OPEN_STATES,
                    )
                )
            if table_exists(cr, "order_alert_shortage_sale_order_rel"):
                cr.execute(
                    SQL(
                        """UPDATE sale_order SET alert_attention = TRUE
                            WHERE id IN (SELECT rel.order_id
                                           FROM order_alert_shortage_sale_order_rel rel
                                           JOIN order_alert_shortage s ON s.id = rel.shortage_id
                                          WHERE s.state = 'open')"""
                    )
                )
        return super()._auto_init()

    def _tracking_system_fields(self):
        return super()._tracking_system_fields() | {
            "alert_ids",
            "alert_shortage_ids",
            "alert_attention",
        }

    def init(self):
        result = super().init()
        # "orders in node X that entered it before T": one index range scan
        self.env.cr.execute(
            SQL(
                """CREATE INDEX IF NOT EXISTS sale_order_alert_stage_entered_idx
                   ON sale_order (tracking_stage_id, tracking_entered_at)"""
            )
        )
        # "confirmed orders not fully shipped whose promise passed"
        self.env.cr.execute(
            SQL(
                """CREATE INDEX IF NOT EXISTS sale_order_alert_promise_idx
                   ON sale_order ((COALESCE(commitment_date, tracking_promise_latest)))
                   WHERE state = 'sale'
                     AND tracking_fulfilment IN ('to_ship', 'short', 'ready', 'partial')"""
            )
        )
        return result

    def _compute_alert_open(self):
        ids = [order_id for order_id in self.ids if isinstance(order_id, int)]
        counts = {}
        highlights = {}
        if ids:
            groups = (
                self.env["order.alert"]
                .sudo()
                ._read_group(
                    [("order_id", "in", ids), ("state", "in", OPEN_STATES)],
                    ["order_id"],
                    ["__count", "highlight:bool_or"],
                )
            )
            for order, count, highlight in groups:
                counts[order.id] = count
                highlights[order.id] = highlight
        for order in self:
            order.alert_open_count = counts.get(order.id, 0)
            order.alert_highlight = highlights.get(order.id, False)

    @api.depends("alert_ids.state", "alert_shortage_ids.state")
    def _compute_alert_attention(self):
        # alerts raised by the scan are inserted in SQL, which sets the flag
        # on their orders (order.alert._insert_alerts)
        for order in self:
            order.alert_attention = any(
                alert.state in OPEN_STATES for alert in order.alert_ids
            ) or any(shortage.state == "open" for shortage in order.alert_shortage_ids)

    def _open_alert_order_query(self, highlight=False):
        conditions = [SQL("state IN %s", OPEN_STATES)]
        if highlight:
            conditions.append(SQL("highlight"))
        return SQL("(SELECT order_id FROM order_alert WHERE %s)", SQL(" AND ").join(conditions))

    def _search_alert_open_count(self, operator, value):
        if operator not in ("=", "!=", ">", ">=", "<", "<=") or not isinstance(value, (int, float)):
            raise UserError(self.env._("Open alerts can only be compared with a number."))
        having = SQL(
            "(SELECT order_id FROM order_alert WHERE state IN %s "
            "GROUP BY order_id HAVING COUNT(*) %s %s)",
            OPEN_STATES,
            SQL(operator),
            value,
        )
        matches_zero = {
            "=": value == 0,
            "!=": value != 0,
            ">": 0 > value,
            ">=": 0 >= value,
            "<": 0 < value,
            "<=": 0 <= value,
        }[operator]
        if matches_zero:
            # orders without any open alert count as 0
            return [
                "|",
                ("id", "in", having),
                ("id", "not in", self._open_alert_order_query()),
            ]
        return [("id", "in", having)]

    def _search_alert_highlight(self, operator, value):
        if operator not in ("=", "!="):
            raise UserError(self.env._("Highlighted can only be searched as true or false."))
        positive = (operator == "=") == bool(value)
        return [("id", "in" if positive else "not in", self._open_alert_order_query(True))]

    # ------------------------------------------------------------------
    # Promise and forecast (ship date alerts)
    # ------------------------------------------------------------------

    def _alert_promise(self):
        """The promised date the ship date alerts watch: commitment date,
        else the expected date recorded at confirmation."""
        self.ensure_one()
        return self.commitment_date or self.tracking_promise_latest

    def _alert_promise_key(self):
        promise = self._alert_promise()
        return f"promise:{fields.Datetime.to_string(promise)}" if promise else False

    def _alert_ship_risk(self):
        """{order id: (at risk, forecast date)}: the goods are expected after
        the promise (planned delivery, incoming stock), or are short with no
        replenishment planned (forecast False)."""
        result = {}
        for order in self:
            promise = order._alert_promise()
            if (
                not promise
                or order.state != "sale"
                or order.tracking_fulfilment not in OPEN_FULFILMENT
            ):
                result[order.id] = (False, False)
                continue
            forecast = False
            unknown = False
            deliveries = order.picking_ids.filtered(
                lambda p: (
                    p.picking_type_code == "outgoing" and p.state not in ("draft", "done", "cancel")
                )
            )
            for picking in deliveries:
                if picking.scheduled_date and (not forecast or picking.scheduled_date > forecast):
                    forecast = picking.scheduled_date
            if order.tracking_short:
                for move in order._tracking_short_moves():
                    expected = move.forecast_expected_date
                    if not expected:
                        unknown = True
                    elif not forecast or expected > forecast:
                        forecast = expected
            late = bool(forecast and forecast > promise)
            result[order.id] = (late or unknown, forecast if late else False)
        return result

    # ------------------------------------------------------------------
    # Hooks
    # ------------------------------------------------------------------

    def write(self, vals):
        result = super().write(vals)
        if "commitment_date" in vals:
            # a re-promise: the ship-date alerts about the old promise clear now
            alerts = (
                self.env["order.alert"]
                .sudo()
                .search(
                    [
                        ("order_id", "in", self.ids),
                        ("kind", "=", "ship_date"),
                        ("state", "in", OPEN_STATES),
                    ]
                )
            )
            alerts._resolve_cleared()
        return result

    def _tracking_after_transitions(self, events):
        """The node changed: resolve at once the alerts whose condition
        cleared, and re-check the shortage to-dos of these orders."""
        result = super()._tracking_after_transitions(events)
        # an order's first event (its creation) has nothing to clear yet, and
        # an order without open alert or shortage to-do neither
        orders = events.filtered("from_stage_id").order_id.filtered("alert_attention")
        if not orders:
            return result
        has_alerts, has_shortages = self._alerts_open_for(orders)
        if has_alerts:
            alerts = (
                self.env["order.alert"]
                .sudo()
                .search([("order_id", "in", orders.ids), ("state", "in", OPEN_STATES)])
            )
            alerts._resolve_cleared()
        if has_shortages:
            self.env["order.alert.shortage"].sudo()._refresh_for_orders(orders)
        return result

    def _alerts_open_for(self, orders):
        """(any open alert, any open shortage to-do) among ``orders``, in one
        query: most node changes concern orders with neither."""
        self.env["order.alert"].flush_model(["order_id", "state"])
        self.env["order.alert.shortage"].flush_model(["order_ids", "state"])
        self.env.cr.execute(
            SQL(
                """SELECT EXISTS(SELECT 1 FROM order_alert
                                  WHERE order_id = ANY(%(ids)s) AND state IN %(states)s),
                          EXISTS(SELECT 1 FROM order_alert_shortage_sale_order_rel rel
                                   JOIN order_alert_shortage s ON s.id = rel.shortage_id
                                  WHERE rel.order_id = ANY(%(ids)s) AND s.state = 'open')""",
                ids=orders.ids,
                states=OPEN_STATES,
            )
        )
        return self.env.cr.fetchone()

    def action_view_alerts(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("order_alerts.order_alert_action")
        action["domain"] = [("order_id", "=", self.id)]
        action["context"] = {"search_default_open": 1, "create": False}
        return action
