from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import UserError

from odoo.addons.order_tracking.tools import ui

from .order_approval_request_followup import GatheredSubscriptions

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
    """The approval fields of an order, every path that confirms it (guarded),
    and the public API. Which rules apply:
    models/sale_order_approval_evaluation.py; rounds and decisions:
    models/sale_order_approval_round.py (both reopen sale.order)."""

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

    def _tracking_system_fields(self):
        return super()._tracking_system_fields() | {
            "approval_state",
            "approval_round",
            "approval_request_ids",
            "approval_awaiting_confirm",
            "approval_confirming",
            "approval_auto_approved",
        }

    def _tracking_nodes(self):
        return (
            super()
            ._tracking_nodes()
            .replace(
                "to_approve",
                fact=lambda o: (
                    o.approval_state == "pending"
                    or (
                        o.approval_state == "approved"
                        and o.approval_confirming
                        and o.state in ("draft", "sent")
                    )
                ),
                depends=("approval_state", "approval_confirming", "state"),
                source=lambda o: o._approval_event_request(pending=True),
                exit_source=lambda o: o._approval_event_request(),
            )
        )

    def _tracking_source_labels(self):
        return {**super()._tracking_source_labels(), "order.approval.request": "approval"}

    def _approval_event_request(self, pending=False):
        """The approval request an event names as its source: the request
        pending at the order's level (``pending``), else the last decided."""
        request = self.sudo().approval_request_ids.sorted(
            lambda r: (r.decided_at or r.create_date or fields.Datetime.now(), r.id)
        )[-1:]
        if pending:
            request = (
                self.sudo()._approval_live_requests().filtered(lambda r: r.state == "pending")[:1]
                or request
            )
        return request

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

    def message_subscribe(self, partner_ids=None, subtype_ids=None):
        gathered = self.env.context.get("approval_gather_subscriptions")
        if isinstance(gathered, GatheredSubscriptions) and partner_ids and not subtype_ids:
            # approval activities being created: subscribed together afterwards
            # (order.approval.request._subscribe_gathered)
            gathered.append((self.ids, list(partner_ids)))
            return True
        return super().message_subscribe(partner_ids=partner_ids, subtype_ids=subtype_ids)

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

    # ------------------------------------------------------------------
    # Decisions
    # ------------------------------------------------------------------

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
        return ui.notification(
            self.env._(
                "%(count)s order(s) approved; %(skipped)s skipped (not yours to approve).",
                count=len(decidable),
                skipped=len(self) - len(decidable),
            ),
            close=True,
        )

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
        return ui.notification(message, "info")

    def action_view_approval_requests(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "order_approval_rules.order_approval_request_action"
        )
        action["domain"] = [("order_id", "=", self.id)]
        action["context"] = {"create": False, "search_default_group_round": 1}
        return action
