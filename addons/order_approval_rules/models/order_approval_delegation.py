from odoo import api, fields, models, tools
from odoo.exceptions import UserError, ValidationError


class OrderApprovalDelegation(models.Model):
    """An approver's stand-in while out of office (代理), valid for a window."""

    _name = "order.approval.delegation"
    _description = "Order Approval Delegation"
    _inherit = ["mail.thread", "order.tracking.input.guard"]
    _order = "date_from desc, id desc"

    user_id = fields.Many2one(
        "res.users",
        string="Approver",
        required=True,
        index=True,
        default=lambda self: self.env.user,
        domain=[("share", "=", False)],
        tracking=True,
    )
    delegate_id = fields.Many2one(
        "res.users",
        required=True,
        index=True,
        domain=[("share", "=", False)],
        tracking=True,
    )
    date_from = fields.Date(
        string="From", required=True, default=fields.Date.context_today, tracking=True
    )
    date_to = fields.Date(string="To", required=True, tracking=True)
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    active = fields.Boolean(default=True, tracking=True)
    note = fields.Text()
    state = fields.Selection(
        [("planned", "Planned"), ("active", "Active"), ("expired", "Expired")],
        compute="_compute_state",
    )

    @api.depends("date_from", "date_to", "active")
    @api.depends_context("tz")
    def _compute_state(self):
        today = fields.Date.context_today(self)
        for delegation in self:
            if not delegation.active or (delegation.date_to and delegation.date_to < today):
                delegation.state = "expired"
            elif delegation.date_from and delegation.date_from > today:
                delegation.state = "planned"
            else:
                delegation.state = "active"

    @api.constrains("user_id", "delegate_id", "date_from", "date_to")
    def _check_window(self):
        for delegation in self:
            if delegation.user_id == delegation.delegate_id:
                raise ValidationError(self.env._("An approver cannot delegate to themselves."))
            if delegation.delegate_id.share:
                raise ValidationError(self.env._("Portal users cannot approve orders."))
            if delegation.date_to < delegation.date_from:
                raise ValidationError(
                    self.env._("The delegation ends before it starts: check its dates.")
                )

    @api.model_create_multi
    def create(self, vals_list):
        delegations = super().create(vals_list)
        self.env.registry.clear_cache()  # _active_pairs, _any_delegation
        delegations._share_open_requests()
        return delegations

    def write(self, vals):
        result = super().write(vals)
        self.env.registry.clear_cache()  # _active_pairs, _any_delegation
        if {"date_from", "date_to", "delegate_id", "active"} & set(vals):
            self._share_open_requests()
        return result

    def unlink(self):
        result = super().unlink()
        self.env.registry.clear_cache()  # _active_pairs, _any_delegation
        return result

    @api.ondelete(at_uninstall=False)
    def _unlink_except_started(self):
        today = fields.Date.context_today(self)
        if any(d.date_from <= today for d in self):
            raise UserError(
                self.env._(
                    "A delegation that has started is part of the approval history: "
                    "archive it instead."
                )
            )

    def _share_open_requests(self):
        """Give active delegates the approval activities of open requests."""
        today = fields.Date.context_today(self)
        current = self.filtered(lambda d: d.active and d.date_from <= today <= d.date_to)
        if not current:
            return
        requests = (
            self.env["order.approval.request"]
            .sudo()
            .search([("state", "=", "pending"), ("approver_ids", "in", current.user_id.ids)])
        )
        requests._refresh_delegates()
        requests._schedule_activities(current.delegate_id)

    @api.model
    @tools.ormcache("today")
    def _active_pairs(self, today):
        """(approver id, delegate id, company id) of the delegations valid on
        ``today``: every decision and every opened request asks, delegations
        rarely change (any change clears the cache in every worker)."""
        delegations = (
            self.sudo()
            .with_context(active_test=True)
            .search([("date_from", "<=", today), ("date_to", ">=", today)])
        )
        return tuple((d.user_id.id, d.delegate_id.id, d.company_id.id) for d in delegations)

    @api.model
    @tools.ormcache()
    def _any_delegation(self):
        """Whether any active delegation exists at all: most companies never
        delegate, and then nobody's today needs computing."""
        return bool(self.sudo().with_context(active_test=True).search_count([], limit=1))

    def _active_today(self, company=None):
        if not self._any_delegation():
            return []
        pairs = self._active_pairs(fields.Date.context_today(self))
        return [pair for pair in pairs if not company or pair[2] == company.id]

    @api.model
    def _active_delegators(self, delegate, company=None):
        """Approvers for whom ``delegate`` may decide today."""
        ids = {
            approver
            for approver, deputy, _c in self._active_today(company)
            if deputy == delegate.id
        }
        return self.env["res.users"].sudo().browse(sorted(ids))

    @api.model
    def _active_delegates(self, approvers, company=None):
        """Users who may decide today for one of ``approvers``."""
        if not approvers:
            return self.env["res.users"]
        ids = {
            deputy
            for approver, deputy, _c in self._active_today(company)
            if approver in approvers.ids
        }
        return self.env["res.users"].sudo().browse(sorted(ids)).filtered("active")
