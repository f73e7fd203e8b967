from odoo import api, fields, models, tools
from odoo.exceptions import UserError, ValidationError
from odoo.osv import expression

from ..tools import evaluator

# an amount threshold beyond any real order (NaN and infinity are refused too)
MAX_AMOUNT = 1e15


class OrderApprovalRule(models.Model):
    _name = "order.approval.rule"
    _inherit = [
        "order.tracking.input.guard",
        "order.tracking.cached.config",
    ]
    _description = "Order Approval Rule"
    _order = "company_id, level, sequence, id"

    name = fields.Char(required=True, translate=True)
    active = fields.Boolean(default=True)
    sequence = fields.Integer(default=10)
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    level = fields.Integer(
        default=1,
        required=True,
        help="Level 2 rules are asked only once every level 1 request of the "
        "order is approved; rules of the same level run in parallel.",
    )
    note = fields.Text(translate=True, help="Why the rule exists, for approvers.")
    # -- conditions (all of those set must hold) --
    domain = fields.Char(
        string="Condition",
        default="[]",
        help="Orders this rule applies to, as a filter on sales orders.",
    )
    amount_currency_id = fields.Many2one(
        related="company_id.currency_id", string="Company Currency"
    )
    min_amount = fields.Monetary(
        string="Untaxed Amount From",
        currency_field="amount_currency_id",
        help="The rule applies from this untaxed amount, in company currency "
        "(orders in another currency are converted at the order date). 0: no threshold.",
    )
    max_amount = fields.Monetary(
        string="Untaxed Amount Below",
        currency_field="amount_currency_id",
        help="The rule applies only below this untaxed amount (routine orders). 0: no ceiling.",
    )
    discount_threshold = fields.Float(
        string="Discount Above (%)",
        help="The rule applies when a line discount, or a global discount, is "
        "above this percentage. 0: no discount condition.",
    )
    product_categ_ids = fields.Many2many(
        "product.category",
        string="Product Categories",
        help="The rule applies when a line sells a product of these categories "
        "(or their sub-categories), e.g. customised products.",
    )
    product_tag_ids = fields.Many2many(
        "product.tag",
        string="Product Tags",
        help="The rule applies when a line sells a product with one of these tags.",
    )
    check_credit_limit = fields.Boolean(
        string="Customer Over Credit Limit",
        help="The rule applies when the customer's receivable, plus what is "
        "ordered and not invoiced, plus this order exceeds the customer's credit "
        "limit (Accounting > Settings > Sales Credit Limit).",
    )
    check_free_stock = fields.Boolean(
        string="Quantity Above Free Stock",
        help="Oversell guard: the rule applies when a line asks for more than "
        "the free stock of the order's warehouse.",
    )
    customer_kind = fields.Selection(
        [
            ("any", "Any customer"),
            ("new", "New customer (first order)"),
            ("existing", "Existing customer"),
        ],
        string="Customer",
        default="any",
        required=True,
    )
    check_new_customer = fields.Boolean(
        string="New Customer",
        compute="_compute_check_new_customer",
        inverse="_inverse_check_new_customer",
        help="Shortcut for Customer = New customer (first order).",
    )
    # -- who decides --
    approver_type = fields.Selection(
        [
            ("users", "Given users"),
            ("group", "Members of a group"),
            ("team_leader", "Sales team leader of the order"),
            ("manager", "Salesperson's manager"),
        ],
        string="Approvers",
        default="users",
        required=True,
        help="Salesperson's manager: the leader of the sales team the "
        "salesperson is a member of (HR is not required).",
    )
    user_ids = fields.Many2many(
        "res.users",
        "order_approval_rule_user_rel",
        "rule_id",
        "user_id",
        string="Approver Users",
        domain=[("share", "=", False)],
    )
    group_id = fields.Many2one("res.groups", string="Approver Group")
    mode = fields.Selection(
        [("any", "Any one approves (或签)"), ("all", "Everyone approves (会签)")],
        default="any",
        required=True,
    )
    auto_approve = fields.Boolean(
        help="Orders matching this rule are approved automatically, with the "
        "decision logged (routine orders).",
    )
    # -- time limit --
    sla_hours = fields.Float(
        string="SLA (working hours)",
        help="Working hours (company calendar) approvers have before the request "
        "is escalated. 0: never escalated.",
    )
    escalate_user_id = fields.Many2one(
        "res.users", string="Escalate To", domain=[("share", "=", False)]
    )
    escalate_group_id = fields.Many2one("res.groups", string="Escalate To Group")
    request_ids = fields.One2many("order.approval.request", "rule_id", string="Requests")
    request_count = fields.Integer(compute="_compute_request_count")
    condition_summary = fields.Char(compute="_compute_condition_summary", string="Conditions")

    @api.depends("customer_kind")
    def _compute_check_new_customer(self):
        for rule in self:
            rule.check_new_customer = rule.customer_kind == "new"

    def _inverse_check_new_customer(self):
        for rule in self:
            if rule.check_new_customer:
                rule.customer_kind = "new"
            elif rule.customer_kind == "new":
                rule.customer_kind = "any"

    def _compute_request_count(self):
        groups = self.env["order.approval.request"]._read_group(
            [("rule_id", "in", self.ids)], ["rule_id"], ["__count"]
        )
        counts = {rule.id: count for rule, count in groups}
        for rule in self:
            rule.request_count = counts.get(rule.id, 0)

    @api.depends(
        "domain",
        "min_amount",
        "max_amount",
        "discount_threshold",
        "product_categ_ids",
        "product_tag_ids",
        "check_credit_limit",
        "check_free_stock",
        "customer_kind",
    )
    def _compute_condition_summary(self):
        labels = self._condition_labels()
        for rule in self:
            codes = rule._condition_codes()
            rule.condition_summary = (
                " · ".join(labels[code] for code in codes) if codes else self.env._("Every order")
            )

    # ------------------------------------------------------------------
    # Constraints
    # ------------------------------------------------------------------

    @api.constrains("domain")
    def _check_domain(self):
        SaleOrder = self.env["sale.order"].sudo()
        for rule in self:
            try:
                domain = evaluator.parse_domain(self.env, rule.domain)
                expression.expression(domain, SaleOrder)
            except Exception as error:  # any parse or field error is bad input
                raise ValidationError(
                    self.env._(
                        "The condition of the rule “%(rule)s” is not a valid filter on "
                        "sales orders: %(error)s",
                        rule=rule.name,
                        error=str(error) or error.__class__.__name__,
                    )
                ) from None

    @api.constrains("min_amount", "max_amount", "discount_threshold", "sla_hours", "level")
    def _check_numbers(self):
        for rule in self:
            if not (0 <= rule.min_amount < MAX_AMOUNT and 0 <= rule.max_amount < MAX_AMOUNT):
                raise ValidationError(
                    self.env._(
                        "The amounts of the rule “%(rule)s” must be numbers from 0 to "
                        "1,000,000,000,000,000.",
                        rule=rule.name,
                    )
                )
            if rule.max_amount and rule.min_amount and rule.max_amount <= rule.min_amount:
                raise ValidationError(
                    self.env._(
                        "The rule “%(rule)s” can never apply: its amount ceiling is not "
                        "above its threshold.",
                        rule=rule.name,
                    )
                )
            if not 0 <= rule.discount_threshold < 100:
                raise ValidationError(
                    self.env._(
                        "The discount of the rule “%(rule)s” must be between 0 and 100 %%.",
                        rule=rule.name,
                    )
                )
            if not 0 <= rule.sla_hours <= 24 * 365:
                raise ValidationError(
                    self.env._(
                        "The SLA of the rule “%(rule)s” must be between 0 and 8760 working hours.",
                        rule=rule.name,
                    )
                )
            if not 1 <= rule.level <= 99:
                raise ValidationError(
                    self.env._(
                        "The level of the rule “%(rule)s” must be between 1 and 99.", rule=rule.name
                    )
                )

    @api.constrains("approver_type", "user_ids", "group_id", "auto_approve", "active")
    def _check_approvers(self):
        for rule in self.filtered(lambda r: r.active and not r.auto_approve):
            if rule.approver_type == "users" and not rule.user_ids.filtered("active"):
                raise ValidationError(
                    self.env._(
                        "Choose at least one approver for the rule “%(rule)s”.", rule=rule.name
                    )
                )
            if rule.approver_type == "group" and not rule._group_users(rule.group_id):
                raise ValidationError(
                    self.env._(
                        "The rule “%(rule)s” needs an approver group with at least one "
                        "internal user of %(company)s.",
                        rule=rule.name,
                        company=rule.company_id.name,
                    )
                )
            if rule.approver_type == "users" and rule.user_ids.filtered("share"):
                raise ValidationError(
                    self.env._(
                        "Portal users cannot approve orders (rule “%(rule)s”).", rule=rule.name
                    )
                )

    # ------------------------------------------------------------------
    # CRUD: the active rules of a company are cached per worker
    # ------------------------------------------------------------------

    @api.model
    @tools.ormcache("company_ids")
    def _active_rule_ids(self, company_ids):
        """Ids of the active rules of ``company_ids`` (a sorted tuple), in
        evaluation order. Every confirmation asks; the rules rarely change:
        any change clears the cache in every worker (order.tracking.cached.config)."""
        rules = self.sudo().with_context(active_test=True)
        return tuple(rules.search([("company_id", "in", list(company_ids))]).ids)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_used(self):
        if self.sudo().request_ids:
            raise UserError(
                self.env._(
                    "A rule that has produced approval requests is part of their "
                    "history: archive it instead of deleting it."
                )
            )

    # ------------------------------------------------------------------
    # Approvers
    # ------------------------------------------------------------------

    def _group_users(self, group, company=None):
        company = company or self.company_id
        return group.sudo().users.filtered(
            lambda u: u.active and not u.share and company in u.company_ids
        )

    def _base_approvers(self, order):
        """Users named by the rule for ``order``, before segregation of duties."""
        self.ensure_one()
        if self.approver_type == "users":
            return self.user_ids.filtered("active")
        if self.approver_type == "group":
            return self._group_users(self.group_id, order.company_id)
        if self.approver_type == "team_leader":
            return order.team_id.user_id.filtered("active")
        if self.approver_type == "manager":
            return order.user_id.sudo().sale_team_id.user_id.filtered("active")
        return self.env["res.users"]

    def _escalation_users(self, company=None):
        self.ensure_one()
        users = self.escalate_user_id.filtered("active")
        if self.escalate_group_id:
            users |= self._group_users(self.escalate_group_id, company)
        return users

    def _resolve_approvers(self, order, excluded):
        """Approvers of this rule for ``order``, without ``excluded`` users
        (salesperson and requester). Falls back to the escalation target."""
        self.ensure_one()
        approvers = self._base_approvers(order) - excluded
        if not approvers:
            approvers = self._escalation_users(order.company_id) - excluded
        return approvers

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------

    def action_view_requests(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "order_approval_rules.order_approval_request_action"
        )
        action["domain"] = [("rule_id", "=", self.id)]
        action["context"] = {"create": False}
        return action

    def action_simulate(self):
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "order_approval_rules.order_approval_simulation_action"
        )
        action["context"] = {"default_rule_ids": self.ids}
        return action
