import math

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError

from odoo.addons.order_tracking.tools import ui

from ..tools.definitions import KINDS, MAX_HOURS, OPEN_STATES


class OrderAlertRule(models.Model):
    """What a rule is: its definition, checks and buttons. The scan engine it
    runs on is models/order_alert_rule_scan.py; what each kind watches,
    models/order_alert_rule_kinds.py; both reopen this model, one concern each."""

    _name = "order.alert.rule"
    _inherit = ["order.tracking.input.guard"]
    _description = "Order Alert Rule"
    _order = "sequence, id"

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
        "after the date field. Payment overdue: how long after the invoice's due day. "
        "Counted on the company's working calendar.",
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
                if not math.isfinite(value) or value < 0 or value > MAX_HOURS:
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
            if not 0 <= rule.warning_ratio < 1:
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

    @api.constrains("kind", "stage_id", "hours", "date_field")
    def _check_kind(self):
        """What the rule's kind refuses (``_check_rule_<kind>``)."""
        for rule in self:
            check = rule._kind_hook("check_rule")
            if check:
                check()

    def _register_hook(self):
        result = super()._register_hook()
        missing = self._kind_missing_hooks()
        if missing:
            raise TypeError(
                "order.alert.rule: alert kinds without their methods "
                "(see models/order_alert_rule_kinds.py): " + ", ".join(missing)
            )
        return result

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
            watched = rule._kind_hook("watched_stage")
            if kind == "stage_group" and watched:
                stage = watched(rule.company_id)
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
        return ui.notification(self.env._("%(count)s alert(s) raised.", count=raised), close=True)

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
            raised += rule._scan_isolated(now)
        self.env["order.alert.shortage"].sudo()._refresh_open()
        self._scan_commit()
        return raised
