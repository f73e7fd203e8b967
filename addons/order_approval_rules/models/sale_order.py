from markupsafe import Markup

from odoo import SUPERUSER_ID, api, fields, models
from odoo.exceptions import UserError

from odoo.addons.order_tracking.tools import engine

from ..tools import evaluator

APPROVAL_STATES = [
    ("not_required", "Not Required"),
    ("pending", "Waiting for Approval"),
    ("approved", "Approved"),
    ("rejected", "Rejected"),
]
# order fields whose change may re-open an approval (lines have their own hook)
APPROVAL_ORDER_FIELDS = frozenset(
    {"partner_id", "payment_term_id", "currency_id", "pricelist_id", "company_id"}
)


class OrderIds(frozenset):
    """Order ids passed in the context by this module's own code only.

    A context coming over RPC is JSON: it can carry a list, never an instance
    of this class, so these keys cannot be forged from outside."""


class SaleOrder(models.Model):
    _inherit = "sale.order"

    approval_state = fields.Selection(
        APPROVAL_STATES,
        string="Approval",
        compute="_compute_approval_state",
        store=True,
        index=True,
        copy=False,
        tracking=True,
        help="Not required: no approval rule applies (checked again at confirmation).",
    )
    approval_round = fields.Integer(copy=False, readonly=True, help="Number of submissions.")
    approval_request_ids = fields.One2many(
        "order.approval.request", "order_id", string="Approval Requests", readonly=True, copy=False
    )
    approval_current_request_ids = fields.Many2many(
        "order.approval.request",
        string="Current Approvals",
        compute="_compute_approval_current_request_ids",
    )
    approval_awaiting_confirm = fields.Boolean(
        string="Accepted, Awaiting Approval",
        copy=False,
        readonly=True,
        help="The customer signed or paid before approval: the order confirms "
        "by itself once approved.",
    )
    approval_confirming = fields.Boolean(
        copy=False,
        readonly=True,
        help="Technical: a decision that may grant the approval is being recorded "
        "and the order is to confirm right after; the order stays in To Approve "
        "until then instead of passing through Quotation.",
    )
    approval_auto_approved = fields.Boolean(
        string="Approved Automatically",
        compute="_compute_approval_state",
        store=True,
        copy=False,
    )
    approval_can_decide = fields.Boolean(compute="_compute_approval_can_decide")
    approval_evaluation_html = fields.Html(
        string="Why Approval?", compute="_compute_approval_evaluation_html", sanitize=False
    )

    # ------------------------------------------------------------------
    # Computes
    # ------------------------------------------------------------------

    def _approval_live_requests(self):
        """Requests of the current round that count: not cancelled, not
        re-opened by a later request."""
        self.ensure_one()
        if not self.approval_round:
            return self.env["order.approval.request"]
        requests = self.approval_request_ids.filtered(lambda r: r.round == self.approval_round)
        superseded = requests.reopened_from_id
        return requests.filtered(lambda r: r.state != "cancelled" and r not in superseded)

    @api.depends(
        "approval_round",
        "approval_request_ids.state",
        "approval_request_ids.round",
        "approval_request_ids.reopened_from_id",
        "approval_request_ids.auto",
    )
    def _compute_approval_state(self):
        for order in self:
            live = order._approval_live_requests()
            if not live:
                state = "not_required"
            elif "rejected" in live.mapped("state"):
                state = "rejected"
            elif all(r.state == "approved" for r in live):
                state = "approved"
            else:
                state = "pending"
            order.approval_state = state
            order.approval_auto_approved = bool(live) and all(r.auto for r in live)

    def _compute_approval_current_request_ids(self):
        for order in self:
            order.approval_current_request_ids = order.sudo()._approval_live_requests()

    @api.depends_context("uid")
    @api.depends("approval_state")
    def _compute_approval_can_decide(self):
        user = self.env.user
        for order in self:
            pending = (
                order.sudo()._approval_live_requests().filtered(lambda r: r.state == "pending")
            )
            order.approval_can_decide = any(r._decider_role(user, raise_=False) for r in pending)

    @api.depends("approval_state")
    def _compute_approval_evaluation_html(self):
        states = dict(
            self.env["order.approval.request"]._fields["state"]._description_selection(self.env)
        )
        for order in self:
            live = order.sudo()._approval_live_requests()
            if not live:
                order.approval_evaluation_html = False
                continue
            parts = []
            for request in live.sorted(lambda r: (r.level, r.id)):
                parts.append(
                    Markup("<h6>%s · %s <span class='badge text-bg-light'>%s</span></h6>%s")
                    % (
                        self.env._("Level %(level)s", level=request.level),
                        request.rule_id.name,
                        states[request.state],
                        request.evaluation_html or "",
                    )
                )
                if request.reopen_reason:
                    parts.append(
                        Markup("<p class='text-warning'>%s</p>")
                        % self.env._("Re-opened: %(reason)s", reason=request.reopen_reason)
                    )
            order.approval_evaluation_html = Markup("").join(parts)

    # ------------------------------------------------------------------
    # order_tracking hooks: the "To Approve" node
    # ------------------------------------------------------------------

    def _tracking_stage_depends(self):
        return [*super()._tracking_stage_depends(), "approval_state", "approval_confirming"]

    def _tracking_milestones(self):
        milestones = super()._tracking_milestones()
        milestones["to_approve"] = (
            engine.BLOCKING,
            lambda o: (
                o.approval_state == "pending"
                or (
                    o.approval_state == "approved"
                    and o.approval_confirming
                    and o.state in ("draft", "sent")
                )
            ),
        )
        return milestones

    def _tracking_event_source(self, code):
        previous = self.tracking_last_event_id.to_code
        if code == "to_approve" or (previous == "to_approve" and code != "cancelled"):
            request = self.sudo().approval_request_ids.sorted(
                lambda r: (r.decided_at or r.create_date or fields.Datetime.now(), r.id)
            )[-1:]
            if code == "to_approve":
                request = (
                    self.sudo()
                    ._approval_live_requests()
                    .filtered(lambda r: r.state == "pending")[:1]
                    or request
                )
            if request:
                return request._name, request.id, request.display_name
        return super()._tracking_event_source(code)

    # ------------------------------------------------------------------
    # CRUD and Odoo flow: every way to confirm goes through write(state)
    # ------------------------------------------------------------------

    @api.model_create_multi
    def create(self, vals_list):
        orders = super().create(vals_list)
        confirmed = orders.filtered(lambda o: o.state == "sale")
        if confirmed:
            confirmed._approval_guard_confirmation()
        return orders

    def write(self, vals):
        if vals.get("state") == "sale":
            self.filtered(lambda o: o.state != "sale")._approval_guard_confirmation()
        result = super().write(vals)
        if APPROVAL_ORDER_FIELDS & set(vals):
            self._approval_recheck()
        return result

    @api.ondelete(at_uninstall=False)
    def _unlink_except_approval_history(self):
        if self.sudo().approval_request_ids:
            raise UserError(
                self.env._(
                    "%(order)s has an approval history: cancel it instead of deleting it.",
                    order=self.sudo().filtered("approval_request_ids")[0].name,
                )
            )

    def action_confirm(self):
        skip = self.env.context.get("approval_skip_ids")
        if isinstance(skip, OrderIds):
            orders = self.filtered(lambda o: o.id not in skip)
            return super(SaleOrder, orders).action_confirm() if orders else True
        return super().action_confirm()

    def _validate_order(self):
        """Portal and e-shop acceptance: an order still needing approval is
        parked and confirms by itself when approved."""
        parked = self._approval_park()
        rest = self - parked
        if rest:
            return super(SaleOrder, rest)._validate_order()
        return None

    def _action_cancel(self):
        for order in self.sudo():
            open_requests = order._approval_live_requests().filtered(
                lambda r: r.state in ("waiting", "pending")
            )
            if open_requests:
                open_requests._close_activities()
                open_requests.write({"state": "cancelled"})
        self.sudo().filtered("approval_awaiting_confirm").write(
            {"approval_awaiting_confirm": False}
        )
        return super()._action_cancel()

    # ------------------------------------------------------------------
    # Evaluation
    # ------------------------------------------------------------------

    def _approval_rules(self):
        return (
            self.env["order.approval.rule"]
            .sudo()
            .search([("company_id", "in", self.company_id.ids)])
        )

    def _approval_evaluate(self, full=False):
        """({order id: [rule evaluations]}, facts batch) for all active rules."""
        return self._approval_rules()._evaluate_orders(self, full=full)

    def _approval_assess(self):
        """What stands between each order and its confirmation.

        {order id: (status, payload)} with status ``ok`` (nothing),
        ``auto`` (only automatic rules: payload the evaluations), ``required``
        (payload the matching evaluations), ``pending``, ``rejected``,
        ``changed`` (approved, but the order changed since: payload the plan).
        """
        results, batch = self._approval_evaluate()
        assessment = {}
        Rule = self.env["order.approval.rule"].sudo()
        for order in self:
            matched = [ev for ev in results[order.id] if ev["matched"]]
            state = order.approval_state
            if state == "pending":
                assessment[order.id] = ("pending", None)
            elif state == "rejected":
                assessment[order.id] = ("rejected", matched)
            elif state == "approved":
                plan = order._approval_plan(matched, batch)
                assessment[order.id] = ("changed", plan) if plan else ("ok", None)
            elif not matched:
                assessment[order.id] = ("ok", None)
            elif all(Rule.browse(ev["rule_id"]).auto_approve for ev in matched):
                assessment[order.id] = ("auto", matched)
            else:
                assessment[order.id] = ("required", matched)
        return assessment, batch

    def _approval_plan(self, matched, batch):
        """Requests to add to the current round: rules now matching without a
        request ("new") and approved decisions whose facts changed beyond the
        company's tolerance ("reopen"): [(kind, evaluation, request, changes)]."""
        self.ensure_one()
        live = self._approval_live_requests()
        by_rule = {request.rule_id.id: request for request in live}
        facts = batch.facts(self)
        tolerance = self.company_id.approval_amount_tolerance
        plan = []
        for evaluation in matched:
            request = by_rule.get(evaluation["rule_id"])
            if not request:
                plan.append(("new", evaluation, request, []))
                continue
            if request.state != "approved" or request.auto:
                continue
            rule = request.rule_id
            changes = evaluator.changed_facts(
                request.fingerprint,
                facts.fingerprint(rule._product_lines(facts)),
                rule._fingerprint_keys(),
                tolerance,
            )
            if changes:
                plan.append(("reopen", evaluation, request, changes))
        return plan

    def _approval_blocker_message(self, status, payload):
        self.ensure_one()
        Rule = self.env["order.approval.rule"].sudo()
        if status == "pending":
            waiting = self._approval_live_requests().filtered(lambda r: r.state == "pending")
            return self.env._(
                "%(order)s is waiting for approval (%(rules)s) by %(approvers)s: it cannot "
                "be confirmed before.",
                order=self.name,
                rules=", ".join(waiting.rule_id.mapped("name")),
                approvers=", ".join(
                    (waiting.approver_ids | waiting.escalation_user_ids).mapped("name")
                ),
            )
        if status == "rejected":
            return self.env._(
                "%(order)s was rejected: revise it and request approval again.",
                order=self.name,
            )
        if status == "changed":
            return self.env._(
                "%(order)s changed since it was approved (%(changes)s): request approval again.",
                order=self.name,
                changes="; ".join(self._approval_describe_changes(payload)),
            )
        return self.env._(
            "%(order)s needs approval (%(rules)s): use “Request Approval”.",
            order=self.name,
            rules=", ".join(
                Rule.browse(ev["rule_id"]).name
                for ev in payload
                if not Rule.browse(ev["rule_id"]).auto_approve
            ),
        )

    def _approval_guard_confirmation(self):
        """Refuse to confirm orders whose approval is missing (record the
        automatic decision of routine orders). Called by write(state='sale')."""
        checked = self.env.context.get("approval_checked")
        orders = self
        if isinstance(checked, OrderIds):
            orders = orders.filtered(lambda o: o.id not in checked)
        if not orders:
            return
        orders = orders.sudo()
        assessment, batch = orders._approval_assess()
        errors = []
        for order in orders:
            status, payload = assessment[order.id]
            if status == "auto":
                order._approval_start_round(payload, batch)
            elif status != "ok":
                errors.append(order._approval_blocker_message(status, payload))
        if errors:
            raise UserError("\n".join(errors))

    # ------------------------------------------------------------------
    # Rounds and requests
    # ------------------------------------------------------------------

    def _approval_request_vals(self, evaluation, batch, excluded):
        """Values of one request of ``evaluation``'s rule for this order."""
        self.ensure_one()
        rule = self.env["order.approval.rule"].sudo().browse(evaluation["rule_id"])
        vals = {
            "order_id": self.id,
            "rule_id": rule.id,
            "round": self.approval_round,
            "level": rule.level,
            "mode": rule.mode,
            "sla_hours": rule.sla_hours,
            "requested_by_id": self.env.uid,
            "evaluation": evaluation,
        }
        if rule.auto_approve:
            facts = batch.facts(self)
            vals.update(
                {
                    "state": "approved",
                    "auto": True,
                    "decided_by_id": SUPERUSER_ID,
                    "decided_at": fields.Datetime.now(),
                    "comment": self.env._("Approved automatically: %(rule)s.", rule=rule.name),
                    "fingerprint": facts.fingerprint(rule._product_lines(facts)),
                }
            )
            return vals
        approvers = rule._resolve_approvers(self, excluded)
        if not approvers:
            raise UserError(
                self.env._(
                    "Nobody can approve %(order)s for the rule “%(rule)s”: the rule names no "
                    "approver other than the salesperson or the requester, and no escalation "
                    "target. Ask an approval administrator to complete the rule.",
                    order=self.name,
                    rule=rule.name,
                )
            )
        vals.update({"state": "waiting", "approver_ids": [fields.Command.set(approvers.ids)]})
        return vals

    def _approval_excluded_users(self):
        """Segregation of duties: the salesperson and the requester."""
        self.ensure_one()
        return self.user_id | self.env.user

    def _approval_start_round(self, matched, batch):
        """A new round with a request per matching rule; opens level 1.
        Confirming is left to the caller."""
        self.ensure_one()
        self.approval_round += 1
        excluded = self._approval_excluded_users()
        vals_list = [self._approval_request_vals(ev, batch, excluded) for ev in matched]
        requests = self.env["order.approval.request"].sudo().create(vals_list)
        if requests:
            self.message_post(
                body=self.env._(
                    "Submitted for approval (round %(round)s): %(rules)s.",
                    round=self.approval_round,
                    rules=", ".join(r._describe_rule_level() for r in requests),
                ),
                subtype_xmlid="mail.mt_note",
            )
        self._approval_advance()
        return requests

    def _approval_apply_plan(self, plan, batch):
        """Add the plan's requests to the current round (re-opened levels)."""
        self.ensure_one()
        excluded = self._approval_excluded_users() | self._approval_live_requests().requested_by_id
        vals_list = []
        for kind, evaluation, request, changes in plan:
            vals = self._approval_request_vals(evaluation, batch, excluded)
            if kind == "reopen":
                vals["reopened_from_id"] = request.id
                vals["reopen_reason"] = "; ".join(
                    self._approval_describe_changes(plan=[(kind, evaluation, request, changes)])
                )
            vals_list.append(vals)
        requests = self.env["order.approval.request"].sudo().create(vals_list)
        self.message_post(
            body=self.env._(
                "Approval re-opened: %(changes)s.",
                changes="; ".join(self._approval_describe_changes(plan)),
            ),
            subtype_xmlid="mail.mt_note",
        )
        self._approval_advance()
        return requests

    def _approval_describe_changes(self, plan):
        labels = {
            evaluator.AMOUNT: self.env._("untaxed amount"),
            evaluator.DISCOUNT: self.env._("discount"),
            evaluator.PRODUCTS: self.env._("customised lines"),
            evaluator.LINES: self.env._("quantities"),
            evaluator.PARTNER: self.env._("customer"),
            evaluator.PAYMENT_TERM: self.env._("payment terms"),
        }
        texts = []
        Rule = self.env["order.approval.rule"].sudo()
        for kind, evaluation, _request, changes in plan:
            rule = Rule.browse(evaluation["rule_id"])
            if kind == "new":
                texts.append(self.env._("the rule “%(rule)s” now applies", rule=rule.name))
                continue
            for key, before, after in changes:
                if key == evaluator.AMOUNT:
                    texts.append(
                        self.env._(
                            "“%(rule)s”: %(what)s %(before)s → %(after)s (%(percent)s %%)",
                            rule=rule.name,
                            what=labels[key],
                            before=before,
                            after=after,
                            percent=evaluator.amount_change_percent(before, after),
                        )
                    )
                elif key == evaluator.DISCOUNT:
                    texts.append(
                        self.env._(
                            "“%(rule)s”: %(what)s %(before)s %% → %(after)s %%",
                            rule=rule.name,
                            what=labels[key],
                            before=before,
                            after=after,
                        )
                    )
                else:
                    texts.append(
                        self.env._("“%(rule)s”: %(what)s changed", rule=rule.name, what=labels[key])
                    )
        return texts

    def _approval_advance(self, grant=False):
        """Open the lowest level still waiting; with ``grant``, act on orders
        now fully approved (a decision was just taken)."""
        for order in self:
            live = order._approval_live_requests()
            open_requests = live.filtered(lambda r: r.state in ("waiting", "pending"))
            if open_requests:
                level = min(open_requests.mapped("level"))
                open_requests.filtered(
                    lambda r, level=level: r.level == level and r.state == "waiting"
                )._open()
            elif grant and live and order.approval_state == "approved":
                order._approval_on_granted()

    def _approval_on_granted(self):
        """Every approval of the round is granted."""
        self.ensure_one()
        if self.state not in ("draft", "sent"):
            return
        if not self.approval_awaiting_confirm and not self.company_id.approval_confirm_on_grant:
            self.message_post(
                body=self.env._("Approved: the order can be confirmed."),
                subtype_xmlid="mail.mt_note",
                partner_ids=self.user_id.partner_id.ids,
            )
            return
        send_email = self.approval_awaiting_confirm
        try:
            with self.env.cr.savepoint():
                self.with_context(send_email=send_email).action_confirm()
        except UserError as error:
            self.message_post(
                body=self.env._(
                    "Approved, but the order could not be confirmed automatically: %(error)s",
                    error=str(error),
                ),
                subtype_xmlid="mail.mt_note",
                partner_ids=self.user_id.partner_id.ids,
            )
            return
        self.approval_awaiting_confirm = False

    def _approval_recheck(self):
        """After a change of an order under approval (or approved, not yet
        confirmed): re-open the levels whose facts changed, add new rules."""
        orders = self.filtered(
            lambda o: o.state in ("draft", "sent") and o.approval_state in ("pending", "approved")
        )
        if not orders:
            return
        orders = orders.sudo()
        results, batch = orders._approval_evaluate()
        for order in orders:
            matched = [ev for ev in results[order.id] if ev["matched"]]
            plan = order._approval_plan(matched, batch)
            if plan:
                order._approval_apply_plan(plan, batch)
            for request in order._approval_live_requests().filtered(
                lambda r: r.state in ("waiting", "pending")
            ):
                fresh = next((ev for ev in matched if ev["rule_id"] == request.rule_id.id), None)
                if fresh and fresh != request.evaluation:
                    request.evaluation = fresh

    def _approval_park(self):
        """Orders accepted by the customer (signature, payment) that still
        need approval: submit them and mark them to confirm once approved.
        Returns the parked orders."""
        orders = self.filtered(lambda o: o.state in ("draft", "sent")).sudo()
        if not orders:
            return self.browse()
        assessment, batch = orders._approval_assess()
        parked = self.browse()
        for order in orders:
            status, payload = assessment[order.id]
            if status == "ok":
                continue
            if status == "auto":
                order._approval_start_round(payload, batch)
                continue
            order.approval_awaiting_confirm = True
            if status in ("required", "rejected"):
                order._approval_start_round(payload or [], batch)
            elif status == "changed":
                order._approval_apply_plan(payload, batch)
            if order.approval_state in ("approved", "not_required"):
                # nothing left to approve after all (e.g. the rules changed)
                order.approval_awaiting_confirm = False
                continue
            order.message_post(
                body=self.env._(
                    "Accepted by the customer: the order is waiting for approval and will "
                    "be confirmed as soon as it is approved."
                ),
                subtype_xmlid="mail.mt_note",
                partner_ids=order.user_id.partner_id.ids,
            )
            parked |= order
        return self.browse(parked.ids)

    # ------------------------------------------------------------------
    # Decisions
    # ------------------------------------------------------------------

    def _approval_decide(self, decision, comment=None, requests=None):
        """Record ``decision`` of the current user on what is theirs to decide
        at the current level of each order (``requests`` to narrow it down).
        ``self`` is sudo; the user is ``self.env.user``."""
        if comment is not None and comment is not False and not isinstance(comment, str):
            raise UserError(self.env._("The comment must be text."))
        comment = (comment or "").strip()
        if decision == "reject" and not comment:
            raise UserError(self.env._("Give the reason of the rejection."))
        user = self.env.user
        Decision = self.env["order.approval.decision"].sudo()
        for order in self:
            round_requests = order.approval_request_ids.filtered(
                lambda r, order=order: r.round == order.approval_round
            )
            round_requests._lock()
            pending = order._approval_live_requests().filtered(lambda r: r.state == "pending")
            if requests is not None:
                pending &= requests
            if not pending:
                raise UserError(
                    self.env._(
                        "%(order)s has no approval waiting for a decision.", order=order.name
                    )
                )
            roles = {}
            for request in pending:
                role = request._decider_role(user, raise_=False)
                if role:
                    roles[request] = role
            if not roles:
                pending[:1]._decider_role(user)  # raises the precise error
            if decision == "approve" and (
                order.approval_awaiting_confirm or order.company_id.approval_confirm_on_grant
            ):
                order.approval_confirming = True
            now = fields.Datetime.now()
            facts = evaluator.FactsBatch(order).facts(order)
            for request, (kind, who) in roles.items():
                Decision.create(
                    {
                        "request_id": request.id,
                        "user_id": user.id,
                        "on_behalf_of_id": who.id if kind != "escalation" else False,
                        "decision": decision,
                        "comment": comment or False,
                        "date": now,
                        "escalation": kind == "escalation",
                    }
                )
                final = decision == "reject" or request._is_complete()
                if not final:
                    request.write({"last_decision_at": now})
                    request._close_activities(users=user | who)
                    continue
                request._close_activities()
                request.write(
                    {
                        "state": "approved" if decision == "approve" else "rejected",
                        "decided_by_id": user.id,
                        "delegated_from_id": who.id if kind == "delegate" else False,
                        "decided_at": now,
                        "comment": comment or False,
                        "last_decision_at": now,
                        "fingerprint": facts.fingerprint(request.rule_id._product_lines(facts)),
                    }
                )
            order._approval_log_decision(decision, roles, comment)
            if decision == "reject":
                order._approval_close_round()
            else:
                order._approval_advance(grant=True)
            if order.approval_confirming:
                order.approval_confirming = False
        return True

    def _approval_log_decision(self, decision, roles, comment):
        self.ensure_one()
        user = self.env.user
        parts = []
        for request, (kind, who) in roles.items():
            text = self.env._(
                "%(rule)s (level %(level)s, %(progress)s)",
                rule=request.rule_id.name,
                level=request.level,
                progress=request.approval_progress,
            )
            if kind == "delegate":
                text += " " + self.env._("on behalf of %(approver)s", approver=who.name)
            elif kind == "escalation":
                text += " " + self.env._("as escalation target")
            parts.append(text)
        if decision == "approve":
            body = self.env._(
                "Approved by %(user)s: %(what)s.", user=user.name, what="; ".join(parts)
            )
        else:
            body = self.env._(
                "Rejected by %(user)s: %(what)s.", user=user.name, what="; ".join(parts)
            )
        if comment:
            body = Markup("%s<br/>%s") % (body, comment)
        self.message_post(body=body, subtype_xmlid="mail.mt_note")

    def _approval_close_round(self):
        """A rejection ends the round: the rest is cancelled, the order goes
        back to quotation and the salesperson is told."""
        self.ensure_one()
        rest = self._approval_live_requests().filtered(lambda r: r.state in ("waiting", "pending"))
        if rest:
            rest._close_activities()
            rest.write({"state": "cancelled"})
        self.approval_awaiting_confirm = False
        if self.user_id:
            self.activity_schedule(
                "mail.mail_activity_data_todo",
                user_id=self.user_id.id,
                summary=self.env._("Approval rejected: revise %(order)s", order=self.name),
            )

    # ------------------------------------------------------------------
    # Public API
    # ------------------------------------------------------------------

    def action_request_approval(self):
        """Evaluate the rules and submit; confirm at once what needs no approval."""
        self.check_access("write")
        for order in self:
            if order.state not in ("draft", "sent"):
                raise UserError(
                    self.env._(
                        "%(order)s is not a quotation: only quotations are submitted for approval.",
                        order=order.name,
                    )
                )
            if order.approval_state == "pending":
                raise UserError(
                    self.env._("%(order)s is already waiting for approval.", order=order.name)
                )
        orders = self.sudo()
        assessment, batch = orders._approval_assess()
        for order in orders:
            status, payload = assessment[order.id]
            if status in ("required", "rejected", "auto"):
                order._approval_start_round(payload or [], batch)
            elif status == "changed":
                order._approval_apply_plan(payload, batch)
            if status == "ok" or (status == "rejected" and not payload):
                order.message_post(
                    body=self.env._("No approval rule applies: the order is confirmed directly."),
                    subtype_xmlid="mail.mt_note",
                )
        ready = self.filtered(
            lambda o: (
                o.state in ("draft", "sent") and o.approval_state in ("not_required", "approved")
            )
        )
        if ready:
            ready.with_context(approval_checked=OrderIds(ready.ids)).action_confirm()
        return True

    def action_approve(self, comment=None):
        """Approve what is the caller's to decide at the current level."""
        self.sudo()._approval_decide("approve", comment)
        return True

    def action_reject(self, reason=None):
        """Reject (reason required): the order goes back to quotation."""
        self.sudo()._approval_decide("reject", reason)
        return True

    def action_open_approval_reject(self):
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Reject"),
            "res_model": "order.approval.reject",
            "view_mode": "form",
            "target": "new",
            "context": {"default_order_ids": self.ids},
        }

    def action_approve_selected(self):
        """Bulk approval from the list: approves the selected orders the user
        may decide on, and says how many."""
        decidable = self.filtered("approval_can_decide")
        if not decidable:
            raise UserError(self.env._("None of the selected orders is waiting for your approval."))
        decidable.action_approve()
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "success",
                "message": self.env._(
                    "%(count)s order(s) approved; %(skipped)s skipped (not yours to approve).",
                    count=len(decidable),
                    skipped=len(self) - len(decidable),
                ),
                "next": {"type": "ir.actions.act_window_close"},
            },
        }

    def action_approval_preview(self):
        """Which rules would apply now, without submitting (dry run)."""
        self.ensure_one()
        self.check_access("read")
        results, _batch = self.sudo()._approval_evaluate()
        matched = [ev for ev in results[self.id] if ev["matched"]]
        if matched:
            rules = []
            for evaluation in matched:
                rules.append(
                    self.env._(
                        "%(rule)s (level %(level)s)",
                        rule=evaluation["name"],
                        level=evaluation["level"],
                    )
                )
            message = self.env._("Approval needed: %(rules)s.", rules=", ".join(rules))
        else:
            message = self.env._("No approval rule applies to this order.")
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {"type": "info", "message": message, "sticky": False},
        }

    def action_view_approval_requests(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "order_approval_rules.order_approval_request_action"
        )
        action["domain"] = [("order_id", "=", self.id)]
        action["context"] = {"create": False, "search_default_group_round": 1}
        return action
