from odoo import api, fields, models
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
        delegations._share_open_requests()
        return delegations

    def write(self, vals):
        result = super().write(vals)
        if {"date_from", "date_to", "delegate_id", "active"} & set(vals):
            self._share_open_requests()
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
    def _active_domain(self, company=None):
        today = fields.Date.context_today(self)
        domain = [("date_from", "<=", today), ("date_to", ">=", today)]
        if company:
            domain.append(("company_id", "=", company.id))
        return domain

    @api.model
    def _active_delegators(self, delegate, company=None):
        """Approvers for whom ``delegate`` may decide today."""
        return (
            self.sudo()
            .search([("delegate_id", "=", delegate.id), *self._active_domain(company)])
            .user_id
        )

    @api.model
    def _active_delegates(self, approvers, company=None):
        """Users who may decide today for one of ``approvers``."""
        if not approvers:
            return self.env["res.users"]
        return (
            self.sudo()
            .search([("user_id", "in", approvers.ids), *self._active_domain(company)])
            .delegate_id.filtered("active")
        )
