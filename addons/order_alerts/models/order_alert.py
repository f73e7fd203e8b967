import logging

import psycopg2.errors

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import SQL, format_datetime

from odoo.addons.order_tracking.tools import transaction

from ..tools.definitions import KINDS, OPEN_STATES

_logger = logging.getLogger(__name__)

# columns the scan inserts itself (INSERT ... ON CONFLICT DO NOTHING)
INSERT_COLUMNS = (
    "rule_id",
    "order_id",
    "company_id",
    "kind",
    "stage_id",
    "stage_entry_id",
    "stage_entry_key",
    "picking_id",
    "step",
    "level",
    "escalation_level",
    "severity",
    "state",
    "start_at",
    "due_at",
    "raised_at",
    "user_id",
    "group_id",
    "highlight",
)
# what a user may change by hand; the rest moves through the actions
USER_WRITABLE = {"note", "user_id"}


def _hours(start, end):
    if not start or not end or end <= start:
        return 0.0
    return round((end - start).total_seconds() / 3600.0, 2)


class OrderAlert(models.Model):
    _name = "order.alert"
    _description = "Order Alert"
    _inherit = [
        "mail.thread",
        "order.tracking.input.guard",
        "order.tracking.order.fact",
    ]
    _order = "raised_at desc, id desc"

    rule_id = fields.Many2one(
        "order.alert.rule", required=True, readonly=True, index=True, ondelete="cascade"
    )
    order_id = fields.Many2one(
        "sale.order", required=True, readonly=True, index=True, ondelete="cascade"
    )
    company_id = fields.Many2one("res.company", required=True, readonly=True, index=True)
    kind = fields.Selection(KINDS, readonly=True)
    partner_id = fields.Many2one(related="order_id.partner_id", string="Customer")
    salesperson_id = fields.Many2one(related="order_id.user_id", string="Salesperson")
    stage_id = fields.Many2one(
        "order.tracking.stage",
        string="Node",
        readonly=True,
        index=True,
        help="The node of the order when the alert was raised.",
    )
    # computed when the form reads it, with no dependency on the order's node:
    # related to it, the alert would hang on every path of Odoo's trigger trees
    # that reaches an order's node (each stock move written walks them)
    current_stage_id = fields.Many2one(
        "order.tracking.stage",
        string="Current Node",
        compute="_compute_current_stage_id",
        compute_sudo=True,
    )
    stage_entry_id = fields.Many2one(
        "order.tracking.event",
        string="Node Entry",
        readonly=True,
        ondelete="set null",
        help="The status event with which the order entered the node watched.",
    )
    stage_entry_key = fields.Char(
        string="Entry Key",
        required=True,
        readonly=True,
        help="What one alert is raised once for: a node entry (event), a promised "
        "date, a delivery order or a date value.",
    )
    picking_id = fields.Many2one(
        "stock.picking", string="Delivery", readonly=True, ondelete="set null"
    )
    step = fields.Integer(
        string="Ladder Step", readonly=True, help="0 warning, 1 breach, 1 + n escalation n."
    )
    level = fields.Selection(
        [("warning", "Warning"), ("breach", "Breach"), ("escalation", "Escalation")],
        required=True,
        readonly=True,
        default="breach",
    )
    escalation_level = fields.Integer(
        readonly=True, help="0 for warnings and breaches, n for the n-th escalation."
    )
    level_name = fields.Char(compute="_compute_level_name", string="Step")
    severity = fields.Selection(
        [("low", "Low"), ("medium", "Medium"), ("high", "High")],
        required=True,
        readonly=True,
        default="medium",
    )
    state = fields.Selection(
        [("open", "Open"), ("acknowledged", "Acknowledged"), ("resolved", "Resolved")],
        required=True,
        default="open",
        readonly=True,
        index=True,
        tracking=True,
    )
    resolution = fields.Selection(
        [
            ("cleared", "Condition cleared"),
            ("manual", "Resolved by hand"),
            ("superseded", "Superseded by a higher step"),
            ("rule_disabled", "Rule disabled"),
        ],
        readonly=True,
    )
    start_at = fields.Datetime(string="Clock Started", readonly=True)
    due_at = fields.Datetime(
        string="Due",
        readonly=True,
        help="When the step of this alert was reached (forecast date for predictions).",
    )
    raised_at = fields.Datetime(required=True, readonly=True, default=fields.Datetime.now)
    acknowledged_at = fields.Datetime(readonly=True)
    acknowledged_by = fields.Many2one("res.users", readonly=True)
    resolved_at = fields.Datetime(readonly=True)
    resolved_by = fields.Many2one("res.users", readonly=True)
    time_to_acknowledge = fields.Float(
        string="Hours to Acknowledge", readonly=True, digits=(16, 2), aggregator="avg"
    )
    time_to_clear = fields.Float(
        string="Hours to Clear", readonly=True, digits=(16, 2), aggregator="avg"
    )
    user_id = fields.Many2one("res.users", string="Assignee", index=True, tracking=True)
    group_id = fields.Many2one("res.groups", string="Responsible Group", readonly=True)
    highlight = fields.Boolean(readonly=True)
    note = fields.Text()
    activity_id = fields.Many2one("mail.activity", readonly=True, ondelete="set null")
    webhook_log_ids = fields.One2many(
        "order.alert.webhook.log", "alert_id", string="Webhook Deliveries"
    )
    description = fields.Text(compute="_compute_description")

    def init(self):
        # at most one open alert per rule, order, node entry and step: two
        # scans racing insert the same row, the second insert is a no-op
        self.env.cr.execute(
            SQL(
                """CREATE UNIQUE INDEX IF NOT EXISTS order_alert_open_uniq
                   ON order_alert (rule_id, order_id, stage_entry_key, step)
                   WHERE state != 'resolved'"""
            )
        )
        self.env.cr.execute(
            SQL(
                """CREATE INDEX IF NOT EXISTS order_alert_rule_order_key_idx
                   ON order_alert (rule_id, order_id, stage_entry_key, step)"""
            )
        )

    # ------------------------------------------------------------------
    # Computes
    # ------------------------------------------------------------------

    @api.depends("level", "escalation_level")
    @api.depends_context("lang")
    def _compute_level_name(self):
        labels = dict(self._fields["level"]._description_selection(self.env))
        for alert in self:
            if alert.level == "escalation":
                alert.level_name = self.env._("Escalation %(n)s", n=alert.escalation_level)
            else:
                alert.level_name = labels.get(alert.level, "")

    def _compute_current_stage_id(self):
        for alert in self:
            alert.current_stage_id = alert.order_id.tracking_stage_id

    @api.depends("rule_id", "order_id", "level_name")
    def _compute_display_name(self):
        for alert in self:
            alert.display_name = (
                f"{alert.order_id.name or ''} · {alert.rule_id.name or ''} · {alert.level_name}"
            )

    def _fmt(self, value):
        return format_datetime(self.env, value, dt_format="short") if value else ""

    @api.depends("kind", "order_id", "start_at", "due_at", "picking_id", "step")
    def _compute_description(self):
        for alert in self:
            alert.description = alert._describe()

    def _describe(self):
        """The sentence of the alert's kind (``_describe_<kind>`` of the rules)."""
        self.ensure_one()
        describe = getattr(self.env["order.alert.rule"], f"_describe_{self.kind}", None)
        return describe(self) if describe else ""

    # ------------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------------

    @api.model_create_multi
    def create(self, vals_list):
        if not self.env.su:
            raise AccessError(self.env._("Alerts are raised by the alert rules only."))
        return super().create(vals_list)

    def write(self, vals):
        if not self.env.su and set(vals) - USER_WRITABLE:
            raise AccessError(self.env._("Alerts change through Acknowledge and Resolve only."))
        return super().write(vals)

    @api.model
    def _insert_alerts(self, vals_list):
        """Insert alerts in one statement; rows the unique index refuses (an
        open alert for the same rule, order, entry and step exists, maybe
        inserted by a concurrent scan) are skipped. Returns the new alerts,
        or None when a concurrent scan committed them first or an order of
        the batch changed since the transaction began."""
        if not vals_list:
            return self.browse()
        uid = self.env.uid
        now = fields.Datetime.now()
        columns = [*INSERT_COLUMNS, "create_uid", "create_date", "write_uid", "write_date"]
        rows = SQL(", ").join(
            SQL(
                "(%s)",
                SQL(", ").join(
                    SQL("%s", value)
                    for value in (
                        *(vals.get(column) for column in INSERT_COLUMNS),
                        uid,
                        now,
                        uid,
                        now,
                    )
                ),
            )
            for vals in vals_list
        )
        try:
            with self.env.cr.savepoint(flush=False):
                self.env.cr.execute(
                    SQL(
                        "INSERT INTO order_alert (%s) VALUES %s "
                        "ON CONFLICT DO NOTHING RETURNING id, order_id",
                        SQL(", ").join(SQL.identifier(column) for column in columns),
                        rows,
                    )
                )
                inserted = self.env.cr.fetchall()
                ids = [alert_id for alert_id, _order_id in inserted]
                self._mark_orders_attention([order_id for _alert_id, order_id in inserted])
        except psycopg2.errors.SerializationFailure:
            # after our snapshot was taken (REPEATABLE READ), a concurrent scan
            # committed the same alerts, or a transaction changed one of the
            # orders: the batch is undone, the scan runs it again afresh
            _logger.info("Alerts or orders of the batch changed concurrently: batch undone")
            return None
        self.env["sale.order"].invalidate_model(["alert_ids", "alert_attention"])
        self.env["order.alert.rule"].invalidate_model(["alert_ids"])
        return self.browse(sorted(ids))

    def _mark_orders_attention(self, order_ids):
        """The stored flag sale.order.alert_attention of orders that just got
        an alert inserted in SQL (the ORM keeps it for every other change)."""
        if order_ids:
            transaction.lock_orders(self.env, order_ids)
            self.env.cr.execute(
                SQL(
                    "UPDATE sale_order SET alert_attention = TRUE "
                    "WHERE id = ANY(%s) AND alert_attention IS NOT TRUE",
                    sorted(set(order_ids)),
                )
            )

    # ------------------------------------------------------------------
    # Actions (public API)
    # ------------------------------------------------------------------

    def action_acknowledge(self):
        """The responsible has seen the alert and is on it."""
        self.check_access("write")
        resolved = self.filtered(lambda a: a.state == "resolved")
        if resolved:
            raise UserError(
                self.env._(
                    "These alerts are already resolved: %(alerts)s.",
                    alerts=", ".join(resolved.mapped("display_name")),
                )
            )
        now = fields.Datetime.now()
        for alert in self.filtered(lambda a: a.state == "open"):
            alert.sudo().write(
                {
                    "state": "acknowledged",
                    "acknowledged_at": now,
                    "acknowledged_by": self.env.uid,
                    "time_to_acknowledge": _hours(alert.raised_at, now),
                }
            )
        return True

    def action_resolve(self, note=None):
        """Close the alerts by hand, with an optional note."""
        if note is not None and note is not False and not isinstance(note, str):
            raise UserError(self.env._("The note must be text."))
        self.check_access("write")
        self.filtered(lambda a: a.state != "resolved")._close(
            "manual", note=note or None, user=self.env.user
        )
        return True

    def action_open_order(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "sale.order",
            "res_id": self.order_id.id,
            "view_mode": "form",
            "views": [(False, "form")],
        }

    # ------------------------------------------------------------------
    # Business methods
    # ------------------------------------------------------------------

    def _close(self, resolution, now=None, note=None, user=None):
        """Resolve these alerts; their to-dos are marked done."""
        if not self:
            return
        now = now or fields.Datetime.now()
        labels = dict(self._fields["resolution"]._description_selection(self.env))
        for alert in self:
            vals = {
                "state": "resolved",
                "resolution": resolution,
                "resolved_at": now,
                "resolved_by": user.id if user else False,
                "time_to_clear": _hours(alert.raised_at, now),
            }
            if note:
                vals["note"] = note
            if user and not alert.acknowledged_at:
                vals.update(
                    acknowledged_at=now,
                    acknowledged_by=user.id,
                    time_to_acknowledge=_hours(alert.raised_at, now),
                )
            alert.sudo().write(vals)
        activities = self.activity_id.exists()
        if activities:
            activities.sudo()._action_done(feedback=labels.get(resolution, resolution))
        self.env["sale.order"].invalidate_model(["alert_open_count", "alert_highlight"])

    def _supersede_lower(self, now):
        """A higher step replaces the lower open steps of the same entry."""
        if not self:
            return
        keys = {(a.rule_id.id, a.order_id.id, a.stage_entry_key): a.step for a in self}
        lower = (
            self.sudo()
            .search(
                [
                    ("rule_id", "in", self.rule_id.ids),
                    ("order_id", "in", self.order_id.ids),
                    ("state", "in", OPEN_STATES),
                    ("id", "not in", self.ids),
                ]
            )
            .filtered(
                lambda a: a.step < keys.get((a.rule_id.id, a.order_id.id, a.stage_entry_key), -1)
            )
        )
        lower._close("superseded", now=now)

    def _condition_holds(self):
        """Ids of these alerts whose condition still holds."""
        holds = set()
        for rule in self.rule_id:
            holds |= rule._alert_holds(self.filtered(lambda a, r=rule: a.rule_id == r))
        return holds

    def _resolve_cleared(self):
        """Resolve the open alerts among these whose condition cleared."""
        alerts = self.filtered(lambda a: a.state in OPEN_STATES)
        if alerts:
            holds = alerts._condition_holds()
            alerts.filtered(lambda a: a.id not in holds)._close("cleared")

    def _title(self):
        self.ensure_one()
        return self.env._("%(step)s: %(rule)s", step=self.level_name, rule=self.rule_id.name)
