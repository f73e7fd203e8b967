from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import SQL, format_amount

from odoo.addons.order_tracking.tools import sla

REQUEST_STATES = [
    ("waiting", "Waiting for Previous Level"),
    ("pending", "To Approve"),
    ("approved", "Approved"),
    ("rejected", "Rejected"),
    ("cancelled", "Cancelled"),
]
DECIDED_STATES = ("approved", "rejected", "cancelled")
OPEN_STATES = ("waiting", "pending")


class OrderApprovalRequest(models.Model):
    """One rule's approval of one order in one round.

    Created by the system when an order is submitted; decided by its
    approvers; never edited once decided and never deleted, so that every
    round stays in the order's history.
    """

    _name = "order.approval.request"
    _description = "Order Approval Request"
    _order = "order_id, round desc, level, id"

    # fields the system may still set on a decided request (none of them
    # changes what was decided)
    _MUTABLE_AFTER_DECISION = frozenset()

    order_id = fields.Many2one(
        "sale.order", required=True, readonly=True, index=True, ondelete="cascade"
    )
    company_id = fields.Many2one(
        related="order_id.company_id", store=True, index=True, string="Company"
    )
    rule_id = fields.Many2one(
        "order.approval.rule", required=True, readonly=True, index=True, ondelete="restrict"
    )
    round = fields.Integer(readonly=True, default=1, help="Submission number of the order.")
    level = fields.Integer(readonly=True, default=1)
    mode = fields.Selection(
        [("any", "Any one approves (或签)"), ("all", "Everyone approves (会签)")],
        readonly=True,
        default="any",
        required=True,
    )
    state = fields.Selection(
        REQUEST_STATES, readonly=True, default="waiting", required=True, index=True
    )
    approver_ids = fields.Many2many(
        "res.users",
        "order_approval_request_approver_rel",
        "request_id",
        "user_id",
        string="Approvers",
        readonly=True,
    )
    delegate_ids = fields.Many2many(
        "res.users",
        "order_approval_request_delegate_rel",
        "request_id",
        "user_id",
        string="Delegates",
        readonly=True,
        help="Users approvers delegated to while the request was open.",
    )
    escalation_user_ids = fields.Many2many(
        "res.users",
        "order_approval_request_escalation_rel",
        "request_id",
        "user_id",
        string="Escalated To",
        readonly=True,
    )
    requested_by_id = fields.Many2one("res.users", readonly=True)
    requested_at = fields.Datetime(readonly=True, default=fields.Datetime.now)
    opened_at = fields.Datetime(
        string="Open Since", readonly=True, help="When the request's level opened."
    )
    sla_hours = fields.Float(string="SLA (working hours)", readonly=True)
    deadline = fields.Datetime(readonly=True, index=True)
    escalated = fields.Boolean(readonly=True, index=True)
    escalated_at = fields.Datetime(readonly=True)
    escalation_error = fields.Text(
        readonly=True,
        copy=False,
        help="Why the last escalation attempt failed; the scheduled action tries again.",
    )
    decided_by_id = fields.Many2one("res.users", readonly=True)
    delegated_from_id = fields.Many2one(
        "res.users",
        string="On Behalf Of",
        readonly=True,
        help="The approver the decider stood in for (delegation).",
    )
    decided_at = fields.Datetime(string="Decided On", readonly=True)
    comment = fields.Text(readonly=True)
    auto = fields.Boolean(string="Automatic", readonly=True)
    evaluation = fields.Json(readonly=True, help="The rule's conditions and their values.")
    evaluation_html = fields.Html(
        string="Why Approval?", compute="_compute_evaluation_html", sanitize=False
    )
    fingerprint = fields.Json(readonly=True, help="The facts the decision was taken on.")
    reopened_from_id = fields.Many2one(
        "order.approval.request", string="Re-opens", readonly=True, index="btree_not_null"
    )
    reopen_reason = fields.Text(readonly=True)
    superseded = fields.Boolean(
        compute="_compute_superseded", help="A later request of the same round re-opened it."
    )
    decision_ids = fields.One2many(
        "order.approval.decision", "request_id", string="Decisions", readonly=True
    )
    last_decision_at = fields.Datetime(readonly=True)
    approval_progress = fields.Char(compute="_compute_approval_progress", string="Progress")
    can_decide = fields.Boolean(compute="_compute_can_decide", search="_search_can_decide")
    # the order, readable by approvers who may not read sale orders
    order_name = fields.Char(related="order_id.name", string="Order Reference")
    partner_id = fields.Many2one(related="order_id.partner_id", string="Customer")
    salesperson_id = fields.Many2one(related="order_id.user_id", string="Salesperson")
    team_id = fields.Many2one(related="order_id.team_id", string="Sales Team")
    currency_id = fields.Many2one(related="order_id.currency_id")
    amount_untaxed = fields.Monetary(related="order_id.amount_untaxed", string="Untaxed Amount")
    amount_total = fields.Monetary(related="order_id.amount_total", string="Total")
    date_order = fields.Datetime(related="order_id.date_order", string="Order Date")
    order_line_summary = fields.Html(compute="_compute_order_line_summary", string="Order Lines")

    # ------------------------------------------------------------------
    # Computes
    # ------------------------------------------------------------------

    @api.depends("order_name", "rule_id.name", "round")
    def _compute_display_name(self):
        for request in self:
            request.display_name = self.env._(
                "%(order)s · %(rule)s (round %(round)s)",
                order=request.order_name or "",
                rule=request.rule_id.sudo().name or "",
                round=request.round,
            )

    @api.depends("reopened_from_id")
    def _compute_superseded(self):
        reopened = self.sudo().search([("reopened_from_id", "in", self.ids)]).reopened_from_id
        for request in self:
            request.superseded = request in reopened

    @api.depends("decision_ids", "approver_ids", "mode", "state")
    def _compute_approval_progress(self):
        for request in self:
            approvals = request.sudo().decision_ids.filtered(lambda d: d.decision == "approve")
            needed = len(request.approver_ids) if request.mode == "all" else 1
            request.approval_progress = f"{min(len(approvals), needed)} / {needed}"

    @api.depends_context("uid")
    @api.depends("state", "approver_ids", "delegate_ids", "escalation_user_ids", "decision_ids")
    def _compute_can_decide(self):
        user = self.env.user
        Delegation = self.env["order.approval.delegation"].sudo()
        delegators = {}
        for request in self:
            company = request.sudo().company_id
            if company.id not in delegators:
                delegators[company.id] = Delegation._active_delegators(user, company)
            role = request.sudo()._decider_role(
                user, raise_=False, delegators=delegators[company.id]
            )
            request.can_decide = bool(role)

    def _search_can_decide(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise UserError(self.env._("“To decide” can only be searched as true or false."))
        user = self.env.user
        delegators = self.env["order.approval.delegation"].sudo()._active_delegators(user)
        domain = [
            ("state", "=", "pending"),
            ("salesperson_id", "!=", user.id),
            ("requested_by_id", "!=", user.id),
            "|",
            ("escalation_user_ids", "in", user.id),
            ("approver_ids", "in", (user | delegators).ids),
            ("decision_ids", "not any", [("user_id", "=", user.id)]),
        ]
        ids = self.sudo()._search(domain)
        positive = (operator == "=") == value
        return [("id", "in" if positive else "not in", ids)]

    @api.depends("evaluation")
    def _compute_evaluation_html(self):
        for request in self:
            request.evaluation_html = request._render_evaluation(request.evaluation)

    @api.depends("order_id.order_line")
    def _compute_order_line_summary(self):
        for request in self:
            order = request.sudo().order_id
            rows = [
                Markup(
                    "<tr><td>%s</td><td class='text-end'>%s %s</td>"
                    "<td class='text-end'>%s</td></tr>"
                )
                % (
                    line.name.splitlines()[0] if line.name else line.product_id.display_name,
                    line.product_uom_qty,
                    line.product_uom.name,
                    format_amount(self.env, line.price_subtotal, order.currency_id),
                )
                for line in order.order_line
                if not line.display_type
            ]
            request.order_line_summary = (
                Markup("<table class='table table-sm'>%s</table>") % Markup("").join(rows)
                if rows
                else False
            )

    def _format_value(self, code, value, company):
        currency = company.currency_id
        if value is None:
            return self.env._("not applicable")
        if code in ("min_amount", "max_amount", "credit"):
            return format_amount(self.env, value or 0.0, currency)
        if code == "discount":
            return f"{value:g} %"
        if code == "customer":
            return {
                "new": self.env._("New customer (first order)"),
                "existing": self.env._("Existing customer"),
                "any": self.env._("Any customer"),
            }.get(value, value)
        if code == "free_stock":
            return ", ".join(
                self.env._(
                    "%(product)s: %(qty)s ordered, %(free)s free",
                    product=line["product"],
                    qty=line["qty"],
                    free=line["free"],
                )
                for line in value
            ) or self.env._("enough stock")
        if isinstance(value, list):
            return ", ".join(str(v) for v in value) or "—"
        return str(value)

    def _render_evaluation(self, evaluation):
        """The "why approval?" table of one evaluation, in the user's language."""
        if not evaluation:
            return False
        labels = self.env["order.approval.rule"]._condition_labels()
        company = self.company_id or self.env.company
        conditions = evaluation.get("conditions") or []
        if not conditions:
            return Markup("<p>%s</p>") % self.env._("The rule applies to every order.")
        rows = []
        for condition in conditions:
            code = condition.get("code")
            threshold = condition.get("threshold")
            rows.append(
                Markup("<tr><td>%s</td><td>%s</td><td>%s</td><td>%s</td></tr>")
                % (
                    labels.get(code, code),
                    self._format_value(code, condition.get("value"), company),
                    ""
                    if threshold is None or code == "free_stock"
                    else self._format_value(code, threshold, company),
                    Markup("<span class='badge text-bg-success'>%s</span>") % self.env._("yes")
                    if condition.get("ok")
                    else Markup("<span class='badge text-bg-secondary'>%s</span>")
                    % self.env._("no"),
                )
            )
        header = Markup("<tr><th>%s</th><th>%s</th><th>%s</th><th>%s</th></tr>") % (
            self.env._("Condition"),
            self.env._("Order"),
            self.env._("Rule"),
            self.env._("Holds"),
        )
        return Markup("<table class='table table-sm o_approval_evaluation'>%s%s</table>") % (
            header,
            Markup("").join(rows),
        )

    # ------------------------------------------------------------------
    # CRUD: decisions are permanent
    # ------------------------------------------------------------------

    @api.model_create_multi
    def create(self, vals_list):
        if not self.env.su:
            raise AccessError(
                self.env._("Approval requests are created by submitting the order for approval.")
            )
        return super().create(vals_list)

    def write(self, vals):
        decided = self.filtered(lambda r: r.state in DECIDED_STATES)
        if decided and set(vals) - self._MUTABLE_AFTER_DECISION:
            raise UserError(
                self.env._(
                    "The decision on %(request)s was taken and cannot be changed.",
                    request=decided[0].display_name,
                )
            )
        return super().write(vals)

    # approval rounds are never deleted (APR-5, APR-8): no super()
    def unlink(self):  # pylint: disable=method-required-super
        raise UserError(
            self.env._(
                "Approval requests are the order's approval history: they are never deleted."
            )
        )

    # ------------------------------------------------------------------
    # Business
    # ------------------------------------------------------------------

    def _lock(self):
        """Row-lock the requests (sorted, waiting for other deciders). A
        concurrent decision committed meanwhile makes this transaction fail
        with a serialisation error, which Odoo retries: the retry sees it."""
        if self.ids:
            self.env.cr.execute(
                SQL(
                    "SELECT id FROM order_approval_request WHERE id = ANY(%s) "
                    "ORDER BY id FOR NO KEY UPDATE",
                    sorted(self.ids),
                )
            )

    def _decider_role(self, user, raise_=True, delegators=None):
        """How ``user`` may decide this pending request:
        ``("approver", user)``, ``("delegate", approver)``, ``("escalation", user)``
        or ``None``. Segregation of duties: never on one's own order."""
        self.ensure_one()
        if self.state != "pending":
            if raise_:
                raise UserError(
                    self.env._(
                        "%(request)s is not waiting for a decision (it is %(state)s).",
                        request=self.display_name,
                        state=dict(self._fields["state"]._description_selection(self.env))[
                            self.state
                        ],
                    )
                )
            return None
        if user in (self.order_id.user_id | self.requested_by_id):
            if raise_:
                raise AccessError(
                    self.env._(
                        "%(user)s cannot approve %(order)s: nobody approves their own order.",
                        user=user.name,
                        order=self.order_id.name,
                    )
                )
            return None
        decided = self.decision_ids.user_id
        if user in decided:
            if raise_:
                raise AccessError(
                    self.env._(
                        "%(user)s already decided on %(request)s: a co-sign needs distinct people.",
                        user=user.name,
                        request=self.display_name,
                    )
                )
            return None
        if user in self.approver_ids:
            return ("approver", user)
        represented = self.decision_ids.on_behalf_of_id
        if delegators is None:
            delegators = self.env["order.approval.delegation"]._active_delegators(
                user, self.company_id
            )
        for approver in (self.approver_ids & delegators) - represented - decided:
            return ("delegate", approver)
        if self.escalated and user in self.escalation_user_ids:
            return ("escalation", user)
        if raise_:
            raise AccessError(
                self.env._(
                    "%(user)s is not an approver of %(request)s.",
                    user=user.name,
                    request=self.display_name,
                )
            )
        return None

    def _is_complete(self):
        """Whether the approvals recorded complete this request."""
        self.ensure_one()
        approvals = self.decision_ids.filtered(lambda d: d.decision == "approve")
        if any(d.escalation for d in approvals) or self.mode == "any":
            return bool(approvals)
        covered = approvals.on_behalf_of_id | approvals.user_id
        return not (self.approver_ids - covered)

    def _describe_rule_level(self):
        self.ensure_one()
        if self.auto:
            return self.env._(
                "%(rule)s (level %(level)s, automatic)", rule=self.rule_id.name, level=self.level
            )
        return self.env._("%(rule)s (level %(level)s)", rule=self.rule_id.name, level=self.level)

    def _open(self):
        """Move waiting requests to pending: SLA clock, activities."""
        if not self:
            return
        now = fields.Datetime.now()
        for request in self:
            calendar = request.order_id._tracking_calendar()
            request.write(
                {
                    "state": "pending",
                    "opened_at": now,
                    "deadline": sla.deadline(calendar, now, request.sla_hours),
                }
            )
        self._refresh_delegates()
        self._schedule_activities(self.approver_ids | self.delegate_ids)

    def _refresh_delegates(self):
        Delegation = self.env["order.approval.delegation"].sudo()
        for request in self.filtered(lambda r: r.state == "pending"):
            delegates = Delegation._active_delegates(request.approver_ids, request.company_id)
            delegates -= request.order_id.user_id | request.requested_by_id
            if delegates - request.delegate_ids:
                request.write({"delegate_ids": [fields.Command.link(u.id) for u in delegates]})

    # ------------------------------------------------------------------
    # Actions (buttons on the request)
    # ------------------------------------------------------------------

    def action_approve(self, comment=None):
        """Approve these requests (the caller must be one of their deciders)."""
        self.order_id.sudo()._approval_decide("approve", comment, requests=self)
        return True

    def action_reject(self, reason=None):
        self.order_id.sudo()._approval_decide("reject", reason, requests=self)
        return True

    def action_open_reject_wizard(self):
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Reject"),
            "res_model": "order.approval.reject",
            "view_mode": "form",
            "target": "new",
            "context": {"default_request_ids": self.ids},
        }

    def action_open_order(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "sale.order",
            "res_id": self.order_id.id,
            "view_mode": "form",
        }
