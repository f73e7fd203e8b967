import re

from odoo import api, fields, models, tools
from odoo.exceptions import ValidationError
from odoo.tools import SQL

CODE_PATTERN = re.compile(r"^[a-z][a-z0-9_]{0,63}$")

# The standard nodes, their order and which override the walk are declared
# once, in the node registry (sale.order._tracking_nodes()).
# Nodes an order cannot do without.
REQUIRED_CODES = ("draft", "to_ship", "done", "cancelled")
# The facts a checkpoint can hold, and the nodes each of them moves an order to.
HOLDABLE_FACTS = {
    "delivery": ("partially_shipped", "shipped"),
    "invoice": ("invoiced",),
}


# what the workers cache of the nodes (see _get_company_stage_specs)
STAGE_CACHED_FIELDS = frozenset(
    {
        "code",
        "company_id",
        "sequence",
        "active",
        "hold_fact",
        "trigger_mode",
        "sla_hours",
        "notify_customer",
        "mail_template_id",
    }
)


class OrderTrackingStage(models.Model):
    _name = "order.tracking.stage"
    _inherit = ["order.tracking.input.guard"]
    _description = "Order Status Node"
    _order = "sequence, id"

    name = fields.Char(required=True, translate=True)
    code = fields.Char(
        required=True,
        index=True,
        help="Stable technical code used by integrations (e.g. shipped). "
        "Lowercase letters, digits and underscores.",
    )
    sequence = fields.Integer(default=100)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        "res.company",
        index=True,
        help="Leave empty to share the node with every company.",
    )
    trigger_mode = fields.Selection(
        [("auto", "Automatic (from facts)"), ("manual", "Manual checkpoint")],
        required=True,
        default="auto",
        help="Automatic nodes follow the documents (pickings, invoices, payments). "
        "An order passes a manual checkpoint only when an authorised user marks it done.",
    )
    sla_hours = fields.Float(
        string="SLA (working hours)",
        help="Working hours an order may stay in this node, on the company's "
        "working calendar. 0 means no time limit.",
    )
    group_id = fields.Many2one(
        "res.groups",
        string="Responsible Department",
        help="Users of this group are responsible for orders in this node "
        "and may pass it when it is a manual checkpoint.",
    )
    manager_override = fields.Boolean(
        string="Managers May Override",
        help="Order Tracking managers outside the responsible department may pass "
        "this checkpoint too; each such pass is recorded as an override. Off: only "
        "the department decides.",
    )
    notify_customer = fields.Boolean(
        help="Send the e-mail template to the customer when an order enters this node."
    )
    mail_template_id = fields.Many2one(
        "mail.template",
        string="Customer E-mail Template",
        domain=[("model", "=", "sale.order")],
    )
    hold_fact = fields.Selection(
        [("delivery", "Delivery validation"), ("invoice", "Invoice posting")],
        string="Holds",
        help="A manual checkpoint can also hold the next fact: until an order has "
        "passed it, its deliveries cannot be validated (e.g. quality inspection "
        "before shipping) or its invoices cannot be posted. Empty: the checkpoint "
        "only tracks.",
    )
    fold = fields.Boolean(string="Folded in Kanban")
    pause_sla = fields.Boolean(
        string="Pauses SLA Clocks",
        help="Time spent in this node (e.g. waiting for the customer) is not "
        "counted by SLA alerts.",
    )
    description = fields.Text(
        translate=True,
        help="When an order enters and leaves this node, in words.",
    )
    is_standard = fields.Boolean(
        compute="_compute_is_standard",
        help="Standard nodes are computed from the order's documents.",
    )
    order_count = fields.Integer(compute="_compute_order_count")

    def init(self):
        self.env.cr.execute(
            SQL(
                "CREATE UNIQUE INDEX IF NOT EXISTS order_tracking_stage_code_company_uniq "
                "ON order_tracking_stage (code, COALESCE(company_id, 0))"
            )
        )

    @api.depends("code")
    def _compute_is_standard(self):
        standard = set(self.env["sale.order"]._tracking_nodes().codes)
        for stage in self:
            stage.is_standard = stage.code in standard

    def _compute_order_count(self):
        groups = self.env["sale.order"]._read_group(
            [("tracking_stage_id", "in", self.ids)], ["tracking_stage_id"], ["__count"]
        )
        counts = {stage.id: count for stage, count in groups}
        for stage in self:
            stage.order_count = counts.get(stage.id, 0)

    @api.constrains("code")
    def _check_code_format(self):
        for stage in self:
            if not CODE_PATTERN.match(stage.code or ""):
                raise ValidationError(
                    self.env._(
                        "The code “%(code)s” is not valid: use lowercase letters, "
                        "digits and underscores, starting with a letter.",
                        code=stage.code,
                    )
                )

    def _check_code_available(self, code, company_id):
        """Refuse a code another node of the same company uses (before the
        unique index does, with a sentence instead of a constraint name)."""
        duplicate = self.with_context(active_test=False).search_count(
            [("id", "not in", self.ids), ("code", "=", code), ("company_id", "=", company_id)],
            limit=1,
        )
        if duplicate:
            raise ValidationError(
                self.env._("Another status node already uses the code “%(code)s”.", code=code)
            )

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            self.browse()._check_code_available(vals.get("code"), vals.get("company_id") or False)
        self.env.registry.clear_cache()  # _get_company_stage_ids
        return super().create(vals_list)

    def write(self, vals):
        if "code" in vals or "company_id" in vals:
            for stage in self:
                stage._check_code_available(
                    vals.get("code", stage.code),
                    vals.get("company_id", stage.company_id.id) or False,
                )
        if STAGE_CACHED_FIELDS & set(vals):
            # _get_company_stage_ids, _get_company_stage_specs, _holding_facts
            self.env.registry.clear_cache()
        return super().write(vals)

    def unlink(self):
        self.env.registry.clear_cache()  # _get_company_stage_ids
        return super().unlink()

    @api.constrains("sla_hours")
    def _check_sla_hours(self):
        for stage in self:
            if not 0 <= stage.sla_hours <= 24 * 365:  # NaN too
                raise ValidationError(
                    self.env._(
                        "The SLA of “%(name)s” must be between 0 and 8760 hours.",
                        name=stage.name,
                    )
                )

    @api.constrains("active", "code")
    def _check_required_active(self):
        for stage in self:
            if not stage.active and stage.code in REQUIRED_CODES:
                raise ValidationError(
                    self.env._(
                        "The node “%(name)s” cannot be archived: every order needs it.",
                        name=stage.name,
                    )
                )

    @api.constrains("hold_fact", "trigger_mode", "sequence", "active")
    def _check_hold_fact(self):
        for stage in self.filtered("hold_fact"):
            if stage.trigger_mode != "manual":
                raise ValidationError(
                    self.env._(
                        "Only a manual checkpoint can hold a fact: set “%(name)s” to manual.",
                        name=stage.name,
                    )
                )
            if not stage.active:
                continue
            stages = self._get_company_stages(stage.company_id)
            codes = HOLDABLE_FACTS[stage.hold_fact]
            first = stages.filtered(lambda s, codes=codes: s.code in codes)[:1]
            if first and (stage.sequence, stage.id) >= (first.sequence, first.id):
                raise ValidationError(
                    self.env._(
                        "“%(name)s” holds a fact that moves orders to “%(next)s”: place it "
                        "before that node, or no order could ever reach it.",
                        name=stage.name,
                        next=first.name,
                    )
                )

    @api.constrains("sequence", "code", "active", "company_id")
    def _check_standard_order(self):
        companies = list(self.mapped("company_id")) or [self.env["res.company"]]
        walk = self.env["sale.order"]._tracking_nodes().walk_codes()
        position = {code: index for index, code in enumerate(walk)}
        for company in companies:
            stages = self._get_company_stages(company)
            standard = [s for s in stages if s.code in position]
            codes = [s.code for s in standard]
            if codes != sorted(codes, key=position.get):
                raise ValidationError(
                    self.env._(
                        "The standard nodes must keep the order the documents impose: "
                        "%(order)s. Move custom checkpoints freely between them.",
                        order=" → ".join(walk),
                    )
                )

    @api.model
    def _get_company_stages(self, company):
        """Active nodes of ``company`` in sequence; a company's own node
        replaces a shared node with the same code."""
        return self.browse(self._get_company_stage_ids(company.id))

    @api.model
    @tools.ormcache("company_id")
    def _get_company_stage_ids(self, company_id):
        stages = self.sudo().search(
            [("company_id", "in", [company_id, False])], order="sequence, id"
        )
        own = {s.code for s in stages if s.company_id}
        return tuple(s.id for s in stages if s.company_id or s.code not in own)

    @api.model
    @tools.ormcache("company_id")
    def _get_company_stage_specs(self, company_id):
        """{id: (code, trigger mode, SLA hours, notifies the customer)} of the
        company's active nodes: what the walk over the nodes and the recording
        of a node change need, without reading the node records in every
        request that recomputes an order's node."""
        stages = self.sudo().browse(self._get_company_stage_ids(company_id))
        return {stage.id: stage._tracking_spec() for stage in stages}

    def _tracking_spec(self):
        self.ensure_one()
        notifies = bool(self.notify_customer and self.mail_template_id)
        return (self.code, self.trigger_mode, self.sla_hours, notifies)

    @api.model
    @tools.ormcache()
    def _holding_facts(self):
        """The facts ('delivery', 'invoice') an active manual checkpoint of
        some company holds: when none does, validating a delivery or posting
        an invoice checks nothing."""
        stages = self.sudo().search([("hold_fact", "!=", False), ("trigger_mode", "=", "manual")])
        return frozenset(stages.mapped("hold_fact"))

    @api.model
    def _get_by_code(self, code, company):
        return self._get_company_stages(company).filtered(lambda s: s.code == code)[:1]
