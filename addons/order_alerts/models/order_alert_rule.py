import logging
from collections import defaultdict
from datetime import datetime
from urllib.parse import urlparse

from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.modules import module as odoo_module
from odoo.osv import expression
from odoo.tools import SQL
from odoo.tools.safe_eval import datetime as safe_datetime
from odoo.tools.safe_eval import safe_eval
from odoo.tools.safe_eval import time as safe_time

from ..tools import clock

_logger = logging.getLogger(__name__)

MAX_HOURS = 24 * 365
OPEN_STATES = ("open", "acknowledged")
# fulfilment values of a confirmed order whose goods have not all left
OPEN_FULFILMENT = ("to_ship", "short", "ready", "partial")
# the node of these orders never changes any more
CLOSED_CODES = ("done", "cancelled")
# pg_try_advisory_xact_lock(namespace, rule id): one scanner per rule
LOCK_NAMESPACE = 1868655730
KINDS = [
    ("stage_sla", "Node SLA exceeded"),
    ("ship_date", "Planned ship date passed"),
    ("stock_shortage", "Stock shortage"),
    ("approval_overdue", "Approval overdue"),
    ("delivery_exception", "Delivery exception"),
    ("custom", "Custom: domain + date + delay"),
]
# kinds whose clock runs from the node entry of one given node
STAGE_KINDS = ("stage_sla", "approval_overdue")


def date_key(value):
    """The entry key of a clock started by a date or datetime value (as the
    SQL of the scan writes it)."""
    if isinstance(value, datetime):
        return f"date:{fields.Datetime.to_string(value)}"
    return f"date:{fields.Date.to_string(value)}"


class OrderAlertRule(models.Model):
    _name = "order.alert.rule"
    _description = "Order Alert Rule"
    _order = "sequence, id"

    _scan_batch_size = 500

    name = fields.Char(required=True, translate=True)
    active = fields.Boolean(default=True)
    sequence = fields.Integer(default=10)
    company_id = fields.Many2one(
        "res.company",
        index=True,
        default=lambda self: self.env.company,
        help="Leave empty to watch the orders of every company.",
    )
    kind = fields.Selection(KINDS, required=True, default="stage_sla")
    stage_id = fields.Many2one(
        "order.tracking.stage",
        string="Status Node",
        ondelete="cascade",
        help="The node whose time limit is watched.",
    )
    hours = fields.Float(
        string="Working Hours",
        help="Node SLA and approval: the time limit (0 = the node's own SLA). "
        "Ship date: grace after the promised date. Shortage and delivery "
        "exception: how long before the alert (0 = at once). Custom: the delay "
        "after the date field. Counted on the company's working calendar.",
    )
    warning_ratio = fields.Float(
        string="Warning At",
        default=0.8,
        help="Share of the time limit at which an early warning is raised "
        "(0.8 = at 80 %). 0 disables the warning step.",
    )
    escalation_hours = fields.Float(
        help="Working hours after the breach before each escalation step. 0 = no escalation."
    )
    escalation_max = fields.Integer(
        string="Escalation Steps", default=3, help="How many escalation steps at most."
    )
    escalation_user_id = fields.Many2one(
        "res.users",
        string="Escalate To",
        domain=[("share", "=", False)],
        help="The last escalation target (e.g. the general manager): escalations go "
        "first to the sales team leader of the order, then to this user.",
    )
    domain = fields.Char(
        string="Condition",
        default="[]",
        help="Only orders matching this filter are watched (for the custom kind: "
        "the condition itself).",
    )
    date_field = fields.Char(
        help="Technical name of the sale order date or datetime field the custom "
        "clock starts from.",
    )
    date_field_id = fields.Many2one(
        "ir.model.fields",
        string="Start Date",
        compute="_compute_date_field_id",
        inverse="_inverse_date_field_id",
        domain=[
            ("model", "=", "sale.order"),
            ("ttype", "in", ("date", "datetime")),
            ("store", "=", True),
        ],
    )
    predictive = fields.Boolean(
        string="Predict Breaches",
        help="Warn before the promised date when the forecast date of the goods "
        "(incoming stock, planned delivery) is after it.",
    )
    severity = fields.Selection(
        [("low", "Low"), ("medium", "Medium"), ("high", "High")],
        required=True,
        default="medium",
    )
    responsible_type = fields.Selection(
        [
            ("users", "Given users"),
            ("group", "A group"),
            ("salesperson", "Salesperson of the order"),
            ("team_leader", "Sales team leader"),
            ("stage_group", "Department of the node"),
        ],
        string="Responsible",
        required=True,
        default="salesperson",
    )
    user_ids = fields.Many2many(
        "res.users",
        "order_alert_rule_res_users_rel",
        "rule_id",
        "user_id",
        string="Users",
        domain=[("share", "=", False)],
        help="Alerts are shared out among these users, order by order.",
    )
    group_id = fields.Many2one("res.groups")
    action_activity = fields.Boolean(
        string="Schedule Activity",
        default=True,
        help="A to-do for the responsible on the order (stock shortages: one "
        "to-do per product and warehouse listing every order waiting).",
    )
    activity_type_id = fields.Many2one(
        "mail.activity.type",
        default=lambda self: self.env.ref("mail.mail_activity_data_todo", raise_if_not_found=False),
    )
    action_post = fields.Boolean(
        string="Post in Chatter", help="Post a note on the order mentioning the responsible."
    )
    action_email = fields.Boolean(string="Send E-mail")
    mail_template_id = fields.Many2one(
        "mail.template",
        string="E-mail Template",
        domain=[("model", "=", "order.alert")],
        default=lambda self: self.env.ref(
            "order_alerts.mail_template_order_alert", raise_if_not_found=False
        ),
    )
    action_highlight = fields.Boolean(
        string="Highlight Order",
        help="Show the order in red in lists and kanban while the alert is open.",
    )
    webhook_url = fields.Char(
        string="Webhook URL",
        help="JSON POST to this address for every alert (e.g. a WeCom or DingTalk group robot).",
    )
    webhook_format = fields.Selection(
        [("json", "Alert as JSON"), ("robot", "WeCom / DingTalk robot text")],
        default="json",
        required=True,
    )
    webhook_retries = fields.Integer(
        string="Webhook Attempts", default=5, help="Delivery attempts before giving up."
    )
    alert_ids = fields.One2many("order.alert", "rule_id", string="Alerts")
    alert_open_count = fields.Integer(compute="_compute_alert_open_count", string="Open Alerts")

    # ------------------------------------------------------------------
    # Computes
    # ------------------------------------------------------------------

    @api.depends("date_field")
    def _compute_date_field_id(self):
        for rule in self:
            rule.date_field_id = (
                self.env["ir.model.fields"]._get("sale.order", rule.date_field)
                if rule.date_field
                else False
            )

    def _inverse_date_field_id(self):
        for rule in self:
            rule.date_field = rule.date_field_id.name or False

    def _compute_alert_open_count(self):
        groups = self.env["order.alert"]._read_group(
            [("rule_id", "in", self.ids), ("state", "in", OPEN_STATES)], ["rule_id"], ["__count"]
        )
        counts = {rule.id: count for rule, count in groups}
        for rule in self:
            rule.alert_open_count = counts.get(rule.id, 0)

    # ------------------------------------------------------------------
    # Constraints
    # ------------------------------------------------------------------

    @api.constrains(
        "hours", "escalation_hours", "warning_ratio", "escalation_max", "webhook_retries"
    )
    def _check_numbers(self):
        for rule in self:
            for value, label in (
                (rule.hours, self.env._("Working hours")),
                (rule.escalation_hours, self.env._("Escalation hours")),
            ):
                if value < 0 or value > MAX_HOURS:
                    raise ValidationError(
                        self.env._(
                            "%(label)s of the alert rule “%(rule)s” must be between 0 and "
                            "%(max)s (one year); %(value)s was given.",
                            label=label,
                            rule=rule.name,
                            max=MAX_HOURS,
                            value=value,
                        )
                    )
            if rule.warning_ratio < 0 or rule.warning_ratio >= 1:
                raise ValidationError(
                    self.env._(
                        "The warning step of “%(rule)s” is a share of the time limit between "
                        "0 and 0.99 (0.8 = warn at 80 %%).",
                        rule=rule.name,
                    )
                )
            if not 0 <= rule.escalation_max <= 20:
                raise ValidationError(
                    self.env._("“%(rule)s” may have 0 to 20 escalation steps.", rule=rule.name)
                )
            if not 1 <= rule.webhook_retries <= 20:
                raise ValidationError(
                    self.env._("“%(rule)s” must try its webhook 1 to 20 times.", rule=rule.name)
                )

    @api.constrains("kind", "stage_id", "hours")
    def _check_stage(self):
        for rule in self:
            if rule.kind == "stage_sla":
                if not rule.stage_id:
                    raise ValidationError(
                        self.env._(
                            "The alert rule “%(rule)s” needs the status node to watch.",
                            rule=rule.name,
                        )
                    )
                if rule.stage_id.pause_sla:
                    raise ValidationError(
                        self.env._(
                            "“%(node)s” pauses SLA clocks: an SLA alert on it would never run.",
                            node=rule.stage_id.name,
                        )
                    )
                if not rule.hours and not rule.stage_id.sla_hours:
                    raise ValidationError(
                        self.env._(
                            "Give the alert rule “%(rule)s” a number of hours, or set an SLA on "
                            "the node “%(node)s”.",
                            rule=rule.name,
                            node=rule.stage_id.name,
                        )
                    )
            if rule.kind == "approval_overdue" and not rule.hours:
                stage = rule._approval_stage(rule.company_id)
                if not (stage and stage.sla_hours):
                    raise ValidationError(
                        self.env._(
                            "Give the alert rule “%(rule)s” a number of hours: the “To Approve” "
                            "node has no SLA.",
                            rule=rule.name,
                        )
                    )

    @api.constrains("kind", "date_field")
    def _check_date_field(self):
        for rule in self:
            if rule.kind != "custom":
                continue
            if not rule.date_field:
                raise ValidationError(
                    self.env._(
                        "The custom alert rule “%(rule)s” needs a date field.", rule=rule.name
                    )
                )
            field = self.env["sale.order"]._fields.get(rule.date_field)
            if not field or field.type not in ("date", "datetime"):
                raise ValidationError(
                    self.env._(
                        "“%(field)s” is not a date or datetime field of sale orders.",
                        field=rule.date_field,
                    )
                )
            if not field.store or field.company_dependent:
                raise ValidationError(
                    self.env._(
                        "“%(field)s” is not stored in the database, so it cannot start "
                        "an alert clock.",
                        field=rule.date_field,
                    )
                )

    @api.constrains("domain")
    def _check_domain(self):
        for rule in self:
            try:
                domain = rule._get_domain()
                self.env["sale.order"].sudo()._search(domain)
            except Exception as error:  # noqa: BLE001 - any parse error is the user's input
                raise ValidationError(
                    self.env._(
                        "The condition of the alert rule “%(rule)s” is not a valid filter on "
                        "sale orders: %(error)s",
                        rule=rule.name,
                        error=error,
                    )
                ) from None

    @api.constrains("webhook_url")
    def _check_webhook_url(self):
        for rule in self:
            if not rule.webhook_url:
                continue
            parsed = urlparse(rule.webhook_url.strip())
            if parsed.scheme not in ("http", "https") or not parsed.hostname:
                raise ValidationError(
                    self.env._(
                        "The webhook URL “%(url)s” must be an http:// or https:// address.",
                        url=rule.webhook_url,
                    )
                )

    @api.constrains("responsible_type", "user_ids", "group_id", "stage_id", "kind")
    def _check_responsible(self):
        for rule in self:
            kind = rule.responsible_type
            if kind == "users" and not rule.user_ids:
                raise ValidationError(
                    self.env._("Choose the users responsible for “%(rule)s”.", rule=rule.name)
                )
            if kind == "group":
                if not rule.group_id:
                    raise ValidationError(
                        self.env._("Choose the group responsible for “%(rule)s”.", rule=rule.name)
                    )
                if not rule.group_id.users.filtered(lambda u: not u.share):
                    raise ValidationError(
                        self.env._(
                            "The group “%(group)s” has no internal user to receive the alerts of "
                            "“%(rule)s”.",
                            group=rule.group_id.display_name,
                            rule=rule.name,
                        )
                    )
            if kind == "stage_group" and rule.kind in STAGE_KINDS:
                stage = (
                    rule.stage_id
                    if rule.kind == "stage_sla"
                    else rule._approval_stage(rule.company_id)
                )
                if not stage.group_id:
                    raise ValidationError(
                        self.env._(
                            "The node “%(node)s” has no responsible department: choose another "
                            "responsible for “%(rule)s”.",
                            node=stage.name or "",
                            rule=rule.name,
                        )
                    )

    @api.constrains("action_email", "mail_template_id")
    def _check_email(self):
        for rule in self:
            if rule.action_email and not rule.mail_template_id:
                raise ValidationError(
                    self.env._("Choose the e-mail template of “%(rule)s”.", rule=rule.name)
                )

    # ------------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------------

    def write(self, vals):
        result = super().write(vals)
        if vals.get("active") is False:
            # a disabled rule leaves no alert open behind it
            alerts = (
                self.env["order.alert"]
                .sudo()
                .search([("rule_id", "in", self.ids), ("state", "in", OPEN_STATES)])
            )
            alerts._close("rule_disabled")
        return result

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------

    def action_dry_run(self):
        """The orders this rule would alert now; nothing is created."""
        self.ensure_one()
        order_ids = self._dry_run()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._(
                "Dry run: %(rule)s (%(count)s orders)", rule=self.name, count=len(order_ids)
            ),
            "res_model": "sale.order",
            "view_mode": "list,form",
            "views": [
                (self.env.ref("order_tracking.sale_order_view_list").id, "list"),
                (False, "form"),
            ],
            "domain": [("id", "in", order_ids)],
            "context": {"create": False},
            "help": self.env._("<p>No order meets the condition of this rule right now.</p>"),
        }

    def action_run_now(self):
        self.check_access("write")
        raised = self.run_scan()
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "message": self.env._("%(count)s alert(s) raised.", count=raised),
                "type": "success",
                "next": {"type": "ir.actions.act_window_close"},
            },
        }

    def action_view_alerts(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("order_alerts.order_alert_action")
        action["domain"] = [("rule_id", "=", self.id)]
        action["context"] = {"search_default_open": 1}
        return action

    # ------------------------------------------------------------------
    # Public API: the scan
    # ------------------------------------------------------------------

    @api.model
    def run_scan(self, rule_ids=None):
        """Evaluate the active rules (``self``, ``rule_ids`` or all of them):
        resolve the alerts whose condition cleared, raise the ones now due.

        Returns the number of alerts raised. What the scheduled action calls;
        safe when two workers run it at the same moment."""
        if not (self.env.su or self.env.user.has_group("order_tracking.order_tracking_group_user")):
            raise AccessError(self.env._("Only order tracking users may run the alert scan."))
        if rule_ids is not None and (
            not isinstance(rule_ids, (list, tuple)) or not all(isinstance(i, int) for i in rule_ids)
        ):
            raise UserError(self.env._("rule_ids must be a list of alert rule ids."))
        Rule = self.sudo().with_context(active_test=True)
        if rule_ids is not None:
            rules = Rule.browse(rule_ids).exists()
        elif self:
            rules = self.sudo()
        else:
            rules = Rule.search([])
        self.env.flush_all()  # the scan reads the orders with SQL
        now = fields.Datetime.now()
        raised = 0
        for rule in rules.filtered("active").sorted(lambda r: (r.sequence, r.id)):
            raised += rule._scan(now)
        self.env["order.alert.shortage"].sudo()._refresh_open()
        self._scan_commit()
        return raised

    # ------------------------------------------------------------------
    # The scan, rule by rule
    # ------------------------------------------------------------------

    def _scan(self, now):
        self.ensure_one()
        if not self._scan_lock():
            _logger.info("Alert rule %s is being scanned by another worker: skipped", self.id)
            return 0
        self._scan_resolve(now)
        raised = self._scan_raise(now)
        if self.kind == "ship_date" and self.predictive:
            raised += self._scan_predict(now)
        return raised

    def _scan_lock(self):
        self.env.cr.execute(
            SQL("SELECT pg_try_advisory_xact_lock(%s, %s)", LOCK_NAMESPACE, self.id)
        )
        return self.env.cr.fetchone()[0]

    def _scan_commit(self):
        """Commit between batches of the scheduled action, never in tests or
        in a user's request: a crash then keeps what was already raised."""
        if (
            self.env.context.get("cron_id")
            and not self.env.registry.in_test_mode()
            and not odoo_module.current_test
        ):
            self.env.cr.commit()  # pylint: disable=invalid-commit
            return True
        return False

    def _scan_resolve(self, now):
        """Close the open alerts of this rule whose condition cleared."""
        Alert = self.env["order.alert"].sudo()
        last_id = 0
        while True:
            alerts = Alert.search(
                [("rule_id", "=", self.id), ("state", "in", OPEN_STATES), ("id", ">", last_id)],
                order="id",
                limit=self._scan_batch_size,
            )
            if not alerts:
                break
            last_id = alerts[-1].id
            holds = self._alert_holds(alerts)
            alerts.filtered(lambda a, holds=holds: a.id not in holds)._close("cleared", now=now)
            if len(alerts) < self._scan_batch_size:
                break

    def _scan_raise(self, now):
        table, bound = self._scan_thresholds(now)
        if not table:
            return 0
        source = self._scan_source(bound, now)
        if source is None:
            return 0
        return self._scan_in_batches(
            lambda last: self._scan_fetch(source, table, last),
            lambda rows: self._scan_filter(rows, now),
            now,
        )

    def _scan_predict(self, now):
        Order = self.env["sale.order"].sudo()

        def at_risk(rows):
            risks = Order.browse([row["order_id"] for row in rows])._alert_ship_risk()
            due = []
            for row in rows:
                risky, forecast = risks.get(row["order_id"], (False, False))
                if risky:
                    due.append(dict(row, step=0, due_at=forecast or False))
            return due

        return self._scan_in_batches(
            lambda last: self._fetch(self._predict_query(now, last)), at_risk, now
        )

    def _scan_in_batches(self, fetch, pick_due, now):
        """Raise alerts batch by batch: ``fetch(last)`` returns the next rows
        after the key ``last``, ``pick_due(rows)`` the rows to alert on. Stops
        when another worker holds the rule; commits between batches in cron."""
        raised = 0
        last = (0, "")
        while True:
            rows = fetch(last)
            if not rows:
                break
            last = (rows[-1]["order_id"], rows[-1]["entry_key"])
            due = pick_due(rows)
            alerts = self._raise_alerts(due, now) if due else self.env["order.alert"]
            if alerts is None:  # another worker is on this rule
                break
            raised += len(alerts)
            if len(rows) < self._scan_batch_size:
                break
            if self._scan_commit() and not self._scan_lock():
                break
        return raised

    # ------------------------------------------------------------------
    # Ladder and thresholds
    # ------------------------------------------------------------------

    def _approval_stage(self, company):
        Stage = self.env["order.tracking.stage"].sudo()
        return Stage._get_by_code("to_approve", company or self.env.company)

    def _scan_companies(self):
        if self.company_id:
            return self.company_id
        return self.env["res.company"].sudo().search([])

    def _limit_hours(self, company):
        """The time limit (breach) in working hours for ``company``'s orders."""
        self.ensure_one()
        if self.kind == "stage_sla":
            return self.hours or self.stage_id.sla_hours
        if self.kind == "approval_overdue":
            return self.hours or self._approval_stage(company).sla_hours
        return self.hours

    def _ladder(self, company):
        """[(step, working hours)]: 0 warning, 1 breach, 1 + n escalation n."""
        self.ensure_one()
        limit = self._limit_hours(company)
        if limit is False or limit is None:
            return []
        steps = []
        if self.kind != "ship_date" and limit > 0 and self.warning_ratio > 0:
            steps.append((0, limit * self.warning_ratio))
        steps.append((1, limit))
        if self.escalation_hours > 0:
            steps.extend(
                (1 + n, limit + n * self.escalation_hours)
                for n in range(1, self.escalation_max + 1)
            )
        return steps

    def _scan_thresholds(self, now):
        """Rows (company, step, latest due start) and the loosest bound."""
        table = []
        for company in self._scan_companies():
            calendar = company.resource_calendar_id
            for step, hours in self._ladder(company):
                table.append((company.id, step, clock.threshold(calendar, now, hours)))
        bound = max((row[2] for row in table), default=None)
        return table, bound

    # ------------------------------------------------------------------
    # SQL: the due orders of one rule, one indexed query per batch
    # ------------------------------------------------------------------

    def _get_domain(self):
        self.ensure_one()
        text = (self.domain or "").strip() or "[]"
        domain = safe_eval(
            text,
            {
                "uid": self.env.uid,
                "datetime": safe_datetime,
                "time": safe_time,
                "relativedelta": relativedelta,
                "context_today": lambda: fields.Date.context_today(self),
            },
        )
        if not isinstance(domain, (list, tuple)):
            raise ValueError(self.env._("a filter is a list of conditions"))
        return expression.normalize_domain(list(domain))

    def _scan_scope(self, alias="so"):
        """Conditions every kind shares: company, not cancelled, the filter."""
        conditions = [SQL("%s.state != 'cancel'", SQL.identifier(alias))]
        if self.company_id:
            conditions.append(SQL("%s.company_id = %s", SQL.identifier(alias), self.company_id.id))
        domain = self._get_domain()
        if domain != expression.TRUE_DOMAIN:
            query = self.env["sale.order"].sudo().with_context(active_test=False)._search(domain)
            conditions.append(SQL("%s.id IN %s", SQL.identifier(alias), query.subselect()))
        return conditions

    def _pause_stage_ids(self):
        return (
            self.env["order.tracking.stage"]
            .sudo()
            .with_context(active_test=False)
            .search([("pause_sla", "=", True)])
            .ids
        )

    def _promise_sql(self):
        return SQL("COALESCE(so.commitment_date, so.tracking_promise_latest)")

    def _scan_source(self, bound, now):
        """SQL selecting (order_id, company_id, entry_key, entry_id, start_at,
        picking_id) of the candidates whose clock started before ``bound``."""
        method = getattr(self, f"_scan_source_{self.kind}", None)
        return method(bound, now) if method else None

    def _node_entry_source(self, conditions):
        return SQL(
            """SELECT so.id AS order_id, so.company_id AS company_id,
                      'event:' || so.tracking_last_event_id AS entry_key,
                      so.tracking_last_event_id AS entry_id,
                      so.tracking_entered_at AS start_at,
                      NULL::integer AS picking_id
                 FROM sale_order so
                WHERE so.tracking_last_event_id IS NOT NULL AND %s""",
            SQL(" AND ").join(conditions),
        )

    def _scan_source_stage_sla(self, bound, now):
        return self._node_entry_source(
            [
                SQL("so.tracking_stage_id = %s", self.stage_id.id),
                SQL("so.tracking_entered_at <= %s", bound),
                *self._scan_scope(),
            ]
        )

    def _scan_source_approval_overdue(self, bound, now):
        stages = self.env["order.tracking.stage"]
        for company in self._scan_companies():
            stages |= self._approval_stage(company)
        if not stages:
            return None
        return self._node_entry_source(
            [
                SQL("so.tracking_stage_id IN %s", tuple(stages.ids)),
                SQL("so.tracking_entered_at <= %s", bound),
                *self._scan_scope(),
            ]
        )

    def _scan_source_stock_shortage(self, bound, now):
        return self._node_entry_source(
            [
                SQL("so.tracking_short"),
                SQL("so.state = 'sale'"),
                SQL("so.tracking_entered_at <= %s", bound),
                *self._scan_scope(),
            ]
        )

    def _not_paused(self):
        pause_ids = self._pause_stage_ids()
        if not pause_ids:
            return SQL("TRUE")
        return SQL(
            "(so.tracking_stage_id IS NULL OR so.tracking_stage_id NOT IN %s)", tuple(pause_ids)
        )

    def _promise_rows(self, conditions, tail=None):
        """Open confirmed orders keyed by their promise (the entry of the
        ship-date kinds), under ``conditions``; ``tail`` orders / limits."""
        promise = self._promise_sql()
        return SQL(
            """SELECT so.id AS order_id, so.company_id AS company_id,
                      'promise:' || to_char(%(promise)s, 'YYYY-MM-DD HH24:MI:SS') AS entry_key,
                      so.tracking_last_event_id AS entry_id,
                      %(promise)s AS start_at,
                      NULL::integer AS picking_id
                 FROM sale_order so
                WHERE so.state = 'sale'
                  AND so.tracking_fulfilment IN %(open)s
                  AND %(not_paused)s
                  AND %(scope)s
                  AND %(conditions)s
                  %(tail)s""",
            promise=promise,
            open=OPEN_FULFILMENT,
            not_paused=self._not_paused(),
            scope=SQL(" AND ").join(self._scan_scope()),
            conditions=SQL(" AND ").join(conditions),
            tail=tail or SQL(""),
        )

    def _scan_source_ship_date(self, bound, now):
        return self._promise_rows([SQL("%s <= %s", self._promise_sql(), bound)])

    def _predict_query(self, now, last):
        promise = self._promise_sql()
        key = SQL("'promise:' || to_char(%s, 'YYYY-MM-DD HH24:MI:SS')", promise)
        return self._promise_rows(
            [
                SQL("%s > %s", promise, now),
                SQL(
                    """(so.tracking_short OR EXISTS (
                        SELECT 1 FROM stock_picking sp
                          JOIN stock_picking_type spt ON spt.id = sp.picking_type_id
                         WHERE sp.sale_id = so.id AND spt.code = 'outgoing'
                           AND sp.state NOT IN ('draft', 'done', 'cancel')
                           AND sp.scheduled_date > %s))""",
                    promise,
                ),
                SQL(
                    """NOT EXISTS (
                        SELECT 1 FROM order_alert a
                         WHERE a.rule_id = %s AND a.order_id = so.id AND a.stage_entry_key = %s)""",
                    self.id,
                    key,
                ),
                SQL("(so.id, %s) > (%s, %s)", key, last[0], last[1]),
            ],
            tail=SQL("ORDER BY so.id LIMIT %s", self._scan_batch_size),
        )

    def _scan_source_delivery_exception(self, bound, now):
        start = SQL("COALESCE(sp.date_done, sp.write_date)")
        return SQL(
            """SELECT so.id AS order_id, so.company_id AS company_id,
                      'picking:' || sp.id AS entry_key,
                      so.tracking_last_event_id AS entry_id,
                      %(start)s AS start_at,
                      sp.id AS picking_id
                 FROM stock_picking sp
                 JOIN sale_order so ON so.id = sp.sale_id
                 JOIN stock_picking_type spt ON spt.id = sp.picking_type_id
                 JOIN stock_location src ON src.id = sp.location_id
                WHERE so.state = 'sale'
                  AND (so.tracking_stage_code IS NULL OR so.tracking_stage_code NOT IN %(closed)s)
                  AND %(start)s <= %(bound)s
                  AND (
                       (sp.delivery_exception AND sp.state != 'cancel')
                    OR (sp.state = 'cancel' AND spt.code = 'outgoing'
                        AND so.tracking_fulfilment IN %(open)s)
                    OR (sp.state = 'done' AND src.usage = 'customer'
                        AND NOT (so.tracking_fulfilment = 'shipped' AND EXISTS (
                            SELECT 1 FROM stock_picking out_sp
                              JOIN stock_picking_type out_spt ON out_spt.id = out_sp.picking_type_id
                             WHERE out_sp.sale_id = so.id AND out_sp.state = 'done'
                               AND out_spt.code = 'outgoing'
                               AND out_sp.date_done > sp.date_done)))
                  )
                  AND %(scope)s""",
            start=start,
            closed=CLOSED_CODES,
            bound=bound,
            open=OPEN_FULFILMENT,
            scope=SQL(" AND ").join(self._scan_scope()),
        )

    def _scan_source_custom(self, bound, now):
        column = SQL("so.%s", SQL.identifier(self.date_field))
        return SQL(
            """SELECT so.id AS order_id, so.company_id AS company_id,
                      'date:' || %(column)s::text AS entry_key,
                      so.tracking_last_event_id AS entry_id,
                      %(column)s::timestamp AS start_at,
                      NULL::integer AS picking_id
                 FROM sale_order so
                WHERE %(column)s IS NOT NULL
                  AND %(column)s::timestamp <= %(bound)s
                  AND %(not_paused)s
                  AND %(scope)s""",
            column=column,
            bound=bound,
            not_paused=self._not_paused(),
            scope=SQL(" AND ").join(self._scan_scope()),
        )

    def _due_query(self, source, table, last=None, new_only=True, limit=None):
        """The due rows of ``source``: highest step reached per (order, entry),
        without the ones already alerted at that step or higher."""
        values = SQL(", ").join(
            SQL("(%s::integer, %s::integer, %s::timestamp)", company_id, step, threshold)
            for company_id, step, threshold in table
        )
        conditions = [SQL("TRUE")]
        if new_only:
            conditions.append(
                SQL(
                    """NOT EXISTS (SELECT 1 FROM order_alert a
                                    WHERE a.rule_id = %s AND a.order_id = d.order_id
                                      AND a.stage_entry_key = d.entry_key AND a.step >= d.step)""",
                    self.id,
                )
            )
        if last:
            conditions.append(SQL("(d.order_id, d.entry_key) > (%s, %s)", last[0], last[1]))
        return SQL(
            """WITH c AS (%(source)s),
                    t(company_id, step, threshold) AS (VALUES %(values)s),
                    d AS (SELECT c.order_id, c.company_id, c.entry_key, c.entry_id,
                                 c.start_at, c.picking_id, MAX(t.step) AS step
                            FROM c JOIN t ON t.company_id = c.company_id
                                         AND c.start_at <= t.threshold
                        GROUP BY c.order_id, c.company_id, c.entry_key, c.entry_id,
                                 c.start_at, c.picking_id)
             SELECT d.* FROM d
              WHERE %(conditions)s
           ORDER BY d.order_id, d.entry_key
              %(limit)s""",
            source=source,
            values=values,
            conditions=SQL(" AND ").join(conditions),
            limit=SQL("LIMIT %s", limit) if limit else SQL(""),
        )

    def _fetch(self, query):
        self.env.cr.execute(query)
        return self.env.cr.dictfetchall()

    def _scan_fetch(self, source, table, last):
        return self._fetch(self._due_query(source, table, last, limit=self._scan_batch_size))

    def _dry_run(self):
        """Ids of the orders meeting the rule's condition now."""
        self.ensure_one()
        rule = self.sudo()
        self.env.flush_all()
        now = fields.Datetime.now()
        order_ids = set()
        table, bound = rule._scan_thresholds(now)
        source = rule._scan_source(bound, now) if table else None
        if source is not None:
            rows = rule._fetch(rule._due_query(source, table, new_only=False))
            order_ids.update(row["order_id"] for row in rule._scan_filter(rows, now))
        if rule.kind == "ship_date" and rule.predictive:
            last = (0, "")
            while True:
                rows = rule._fetch(rule._predict_query(now, last))
                if not rows:
                    break
                last = (rows[-1]["order_id"], rows[-1]["entry_key"])
                risks = (
                    self.env["sale.order"]
                    .sudo()
                    .browse([r["order_id"] for r in rows])
                    ._alert_ship_risk()
                )
                order_ids.update(oid for oid, (risk, _f) in risks.items() if risk)
                if len(rows) < rule._scan_batch_size:
                    break
        return sorted(order_ids)

    # ------------------------------------------------------------------
    # Pause nodes (custom clocks run across nodes)
    # ------------------------------------------------------------------

    def _scan_filter(self, rows, now):
        """Python refinement of the SQL rows; custom clocks skip pause time."""
        if self.kind != "custom" or not rows:
            return rows
        pause_ids = set(self._pause_stage_ids())
        if not pause_ids:
            return rows
        order_ids = [row["order_id"] for row in rows]
        self.env.cr.execute(
            SQL(
                """SELECT order_id, date, to_stage_id FROM order_tracking_event
                    WHERE order_id = ANY(%s) ORDER BY order_id, id""",
                order_ids,
            )
        )
        events = defaultdict(list)
        for order_id, date, stage_id in self.env.cr.fetchall():
            events[order_id].append((date, stage_id))
        clocks = self._clocks(rows, now)
        companies = self.env["res.company"].sudo()
        ladders = {}
        result = []
        adjusted = False
        for row in rows:
            paused = []
            history = events.get(row["order_id"], [])
            for index, (date, stage_id) in enumerate(history):
                if stage_id in pause_ids:
                    end = history[index + 1][0] if index + 1 < len(history) else now
                    paused.append((max(date, row["start_at"]), end))
            if not paused:
                result.append(row)
                continue
            work = clocks[row["company_id"]]
            paused_hours = sum(work.hours(a, b) for a, b in paused)
            elapsed = work.hours(row["start_at"], now) - paused_hours
            if row["company_id"] not in ladders:
                ladders[row["company_id"]] = self._ladder(companies.browse(row["company_id"]))
            reached = [step for step, hours in ladders[row["company_id"]] if hours <= elapsed]
            if not reached:
                continue
            step = max(reached)
            adjusted = adjusted or step != row["step"]
            result.append(dict(row, step=step, paused_hours=paused_hours))
        if adjusted:
            # the SQL excluded what was alerted at the wall-clock step only
            self.env.cr.execute(
                SQL(
                    """SELECT order_id, stage_entry_key, MAX(step) FROM order_alert
                        WHERE rule_id = %s AND order_id = ANY(%s) GROUP BY 1, 2""",
                    self.id,
                    order_ids,
                )
            )
            done = {(o, k): s for o, k, s in self.env.cr.fetchall()}
            result = [
                row
                for row in result
                if done.get((row["order_id"], row["entry_key"]), -1) < row["step"]
            ]
        return result

    def _clocks(self, rows, now):
        """One working-time clock per company covering the rows' clocks."""
        starts = defaultdict(lambda: now)
        for row in rows:
            if row.get("start_at"):
                starts[row["company_id"]] = min(starts[row["company_id"]], row["start_at"])
        companies = self.env["res.company"].sudo().browse(list(starts))
        return {
            company.id: clock.WorkClock(
                company.resource_calendar_id,
                starts[company.id] - relativedelta(days=1),
                now + relativedelta(days=1),
            )
            for company in companies
        }

    # ------------------------------------------------------------------
    # Raising
    # ------------------------------------------------------------------

    def _raise_alerts(self, rows, now):
        """Insert the alerts of ``rows`` (duplicates are skipped by the
        database), close the lower steps they supersede, run the actions.
        None when a concurrent scan raised them first."""
        self.ensure_one()
        Order = self.env["sale.order"].sudo()
        orders = Order.browse([row["order_id"] for row in rows])
        orders.fetch(["company_id", "user_id", "team_id", "tracking_stage_id"])
        clocks = self._clocks(rows, now)
        ladders = {}
        members = {}
        vals_list = []
        for row in rows:
            order = Order.browse(row["order_id"])
            company = order.company_id
            if company.id not in ladders:
                ladders[company.id] = dict(self._ladder(company))
            step = row["step"]
            due_at = row.get("due_at")
            if not due_at and row.get("start_at") and step in ladders[company.id]:
                hours = ladders[company.id][step] + row.get("paused_hours", 0.0)
                due_at = clocks[company.id].plan(row["start_at"], hours)
            user, group = self._alert_responsible(order, step, members)
            vals_list.append(
                {
                    "rule_id": self.id,
                    "order_id": order.id,
                    "company_id": company.id,
                    "kind": self.kind,
                    "stage_id": order.tracking_stage_id.id or None,
                    "stage_entry_id": row.get("entry_id") or None,
                    "stage_entry_key": row["entry_key"],
                    "picking_id": row.get("picking_id") or None,
                    "step": step,
                    "level": "warning" if step == 0 else "breach" if step == 1 else "escalation",
                    "escalation_level": max(step - 1, 0),
                    "severity": self._step_severity(step),
                    "state": "open",
                    "start_at": row.get("start_at") or None,
                    "due_at": due_at or None,
                    "raised_at": now,
                    "user_id": user.id or None,
                    "group_id": group.id or None,
                    "highlight": self.action_highlight,
                }
            )
        alerts = self.env["order.alert"].sudo()._insert_alerts(vals_list)
        if alerts is None:
            return None
        alerts._supersede_lower(now)
        alerts._run_actions()
        return alerts

    def _step_severity(self, step):
        """Warnings are one notch below the rule, escalations are high."""
        if step == 0:
            return {"high": "medium"}.get(self.severity, "low")
        if step >= 2:
            return "high"
        return self.severity

    def _group_members(self, group, company, cache):
        key = (group.id, company.id)
        if key not in cache:
            cache[key] = group.users.filtered(
                lambda u: u.active and not u.share and company in u.company_ids
            ).sorted("id")
        return cache[key]

    def _alert_responsible(self, order, step, cache):
        """(user, group) receiving the alert of ``order`` at ``step``."""
        user = self.env["res.users"]
        group = self.env["res.groups"]
        kind = self.responsible_type
        if kind == "users":
            users = self.user_ids.filtered("active").sorted("id")
            user = users[order.id % len(users)] if users else user
        elif kind == "group":
            group = self.group_id
        elif kind == "salesperson":
            user = order.user_id
        elif kind == "team_leader":
            user = order.team_id.user_id or order.user_id
        elif kind == "stage_group":
            if self.kind == "stage_sla":
                group = self.stage_id.group_id
            elif self.kind == "approval_overdue":
                group = self._approval_stage(order.company_id).group_id
            else:
                group = order.tracking_stage_id.group_id
        if group and not user:
            users = self._group_members(group, order.company_id, cache)
            user = users[order.id % len(users)] if users else user
        user = user or order.user_id
        if step >= 2:
            targets = self._escalation_targets(order, user)
            if targets:
                user = targets[min(step - 2, len(targets) - 1)]
                group = self.env["res.groups"]
        return user, group

    def _escalation_targets(self, order, user):
        """Who escalation 1, 2, … go to: the sales team leader of the order,
        then the rule's escalation user (the last target takes the rest)."""
        targets = []
        for target in (order.team_id.user_id, self.escalation_user_id):
            if target and target != user and target not in targets:
                targets.append(target)
        return targets

    # ------------------------------------------------------------------
    # Does the condition of an alert still hold?
    # ------------------------------------------------------------------

    def _alert_holds(self, alerts):
        """Ids of ``alerts`` (of this rule) whose condition still holds."""
        self.ensure_one()
        orders = alerts.order_id
        orders.fetch(
            [
                "state",
                "tracking_stage_id",
                "tracking_last_event_id",
                "tracking_fulfilment",
                "tracking_short",
                "commitment_date",
                "tracking_promise_latest",
            ]
        )
        live = orders.filtered(lambda o: o.state != "cancel")
        domain = self._get_domain()
        if domain != expression.TRUE_DOMAIN:
            live = live.filtered_domain(domain)
        if self.company_id:
            live = live.filtered(lambda o: o.company_id == self.company_id)
        risks = {}
        if self.kind == "ship_date":
            predicted = alerts.filtered(lambda a: a.step == 0).order_id & live
            risks = predicted._alert_ship_risk()
        check = getattr(self, f"_holds_{self.kind}")
        return {
            alert.id
            for alert in alerts
            if alert.order_id in live and check(alert, alert.order_id, risks)
        }

    def _holds_stage_sla(self, alert, order, risks):
        return (
            order.tracking_stage_id == self.stage_id
            and order.tracking_last_event_id == alert.stage_entry_id
        )

    def _holds_approval_overdue(self, alert, order, risks):
        return (
            order.tracking_stage_id.code == "to_approve"
            and order.tracking_last_event_id == alert.stage_entry_id
        )

    def _holds_stock_shortage(self, alert, order, risks):
        return (
            order.state == "sale"
            and order.tracking_short
            and order.tracking_last_event_id == alert.stage_entry_id
        )

    def _holds_ship_date(self, alert, order, risks):
        if order.state != "sale" or order.tracking_fulfilment not in OPEN_FULFILMENT:
            return False
        if alert.stage_entry_key != order._alert_promise_key():
            return False
        if alert.step == 0:
            return risks.get(order.id, (False, False))[0]
        return True

    def _holds_delivery_exception(self, alert, order, risks):
        if order.tracking_stage_id.code in CLOSED_CODES:
            return False
        return bool(alert.picking_id._alert_exception_reasons())

    def _holds_custom(self, alert, order, risks):
        value = order[self.date_field]
        return bool(value) and alert.stage_entry_key == date_key(value)
