from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError

from ..tools import history
from .order_tracking_input_guard import check_input

CHANGE_TYPES = [
    ("add", "Add Goods"),
    ("return", "Return"),
    ("replenish", "Re-ship"),
    ("exchange", "Exchange"),
    ("cancel_line", "Cancel Line"),
    ("date", "Change Delivery Date"),
    ("address", "Change Delivery Address"),
]
LINE_TYPES = ("add", "return", "replenish", "exchange", "cancel_line")
# types that change the order's lines: refused while the order is locked
LINE_CHANGING_TYPES = ("add", "return", "exchange", "cancel_line")
SUPERVISOR_GROUP = "order_tracking.order_tracking_group_supervisor"


class OrderChangeRequest(models.Model):
    """A change of a confirmed order (加单, 退货, 补单, 换货, …), applied through
    Odoo's own documents and recorded in the order's history."""

    _name = "order.change.request"
    _description = "Order Change Request"
    _inherit = ["mail.thread", "mail.activity.mixin", "order.tracking.order.fact"]
    _order = "id desc"
    _check_company_auto = True

    name = fields.Char(string="Reference", required=True, readonly=True, copy=False, default="/")
    order_id = fields.Many2one(
        "sale.order",
        required=True,
        index=True,
        ondelete="cascade",
        check_company=True,
        tracking=True,
        domain="[('state', '=', 'sale')]",
    )
    company_id = fields.Many2one(
        related="order_id.company_id", store=True, index=True, precompute=True
    )
    partner_id = fields.Many2one(related="order_id.partner_id", string="Customer")
    order_user_id = fields.Many2one(related="order_id.user_id", string="Salesperson")
    change_type = fields.Selection(
        CHANGE_TYPES, string="Change", required=True, index=True, tracking=True
    )
    reason = fields.Text(required=True, tracking=True)
    state = fields.Selection(
        [("draft", "Draft"), ("applied", "Applied"), ("cancelled", "Cancelled")],
        default="draft",
        required=True,
        readonly=True,
        copy=False,
        index=True,
        tracking=True,
    )
    line_ids = fields.One2many("order.change.request.line", "request_id", string="Lines", copy=True)
    new_commitment_date = fields.Datetime(string="New Delivery Date")
    new_partner_shipping_id = fields.Many2one(
        "res.partner", string="New Delivery Address", check_company=True
    )
    to_refund = fields.Boolean(
        string="Refund the Customer",
        default=True,
        help="Returns: when the goods are received back, the ordered quantity goes "
        "down by what came back, so that the customer pays only for what they kept "
        "(a credit note where it was invoiced). Off: the goods come back but the "
        "order and its invoices stay as they are.",
    )
    previous_commitment_date = fields.Datetime(
        string="Previous Delivery Date", readonly=True, copy=False
    )
    previous_partner_shipping_id = fields.Many2one(
        "res.partner", string="Previous Delivery Address", readonly=True, copy=False
    )
    result_ref = fields.Char(
        string="Result", readonly=True, copy=False, help="What applying the request produced."
    )
    picking_ids = fields.Many2many("stock.picking", string="Transfers", readonly=True, copy=False)
    picking_count = fields.Integer(compute="_compute_picking_count")
    event_id = fields.Many2one(
        "order.tracking.event", string="History Event", readonly=True, copy=False
    )
    applied_by_id = fields.Many2one("res.users", readonly=True, copy=False)
    applied_at = fields.Datetime(string="Applied On", readonly=True, copy=False)

    @api.depends("picking_ids")
    def _compute_picking_count(self):
        for request in self:
            request.picking_count = len(request.picking_ids)

    # ------------------------------------------------------------------
    # Constraints: what is wrong whatever the state of the order
    # ------------------------------------------------------------------

    @api.constrains("change_type", "line_ids", "order_id")
    def _check_lines_fit(self):
        for request in self:
            request.line_ids._check_line()
            if request.line_ids and request.change_type not in LINE_TYPES:
                raise ValidationError(
                    self.env._(
                        "A “%(type)s” request has no lines: remove them.",
                        type=request._type_label(),
                    )
                )
            if request.change_type != "add":
                seen = request.line_ids.sale_line_id
                if len(seen) != len(request.line_ids.filtered("sale_line_id")):
                    raise ValidationError(
                        self.env._(
                            "%(name)s names the same order line twice: one line per order line.",
                            name=request.name,
                        )
                    )

    @api.constrains("new_commitment_date", "state")
    def _check_new_commitment_date(self):
        now = fields.Datetime.now()
        for request in self:
            if (
                request.state == "draft"
                and request.new_commitment_date
                and request.new_commitment_date <= now
            ):
                raise ValidationError(request._past_date_message())

    def _past_date_message(self):
        return self.env._(
            "The new delivery date %(date)s is in the past: a promise must be in the future.",
            date=fields.Datetime.to_string(self.new_commitment_date),
        )

    def _type_label(self):
        return dict(self._fields["change_type"]._description_selection(self.env)).get(
            self.change_type, self.change_type or ""
        )

    # ------------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------------

    @api.model_create_multi
    def create(self, vals_list):
        check_input(self, vals_list)
        for vals in vals_list:
            if vals.get("name", "/") == "/":
                vals["name"] = self.env["ir.sequence"].next_by_code("order.change.request") or "/"
        requests = super().create(vals_list)
        requests._check_order_writable()
        return requests

    def write(self, vals):
        check_input(self, [vals])
        business = [name for name in vals if not name.startswith(("message_", "activity_"))]
        if business:
            closed = self.filtered(lambda r: r.state != "draft")
            if closed:
                raise UserError(
                    self.env._(
                        "%(name)s is %(state)s: it is a record of what happened and can "
                        "no longer change.",
                        name=closed[0].name,
                        state=dict(self._fields["state"]._description_selection(self.env))[
                            closed[0].state
                        ],
                    )
                )
        result = super().write(vals)
        if "order_id" in vals:
            self._check_order_writable()
        return result

    @api.ondelete(at_uninstall=False)
    def _unlink_except_applied(self):
        kept = self.filtered(lambda r: r.state != "draft")
        if kept:
            raise UserError(
                self.env._(
                    "%(name)s is kept: only draft change requests can be deleted "
                    "(cancel it instead).",
                    name=kept[0].name,
                )
            )

    def _check_order_writable(self):
        """Whoever asks for a change must be allowed to change the order."""
        if not self.env.su:
            self.order_id.check_access("write")

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------

    def action_apply(self):
        """Apply each request to its order through Odoo's own documents."""
        self._check_can_apply()
        for request in self:
            request._check_applicable()
            request._apply()
        return True

    def action_cancel(self):
        self.check_access("write")
        done = self.filtered(lambda r: r.state != "draft")
        if done:
            raise UserError(
                self.env._("%(name)s was already applied or cancelled.", name=done[0].name)
            )
        self.write({"state": "cancelled"})
        return True

    def action_view_pickings(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("stock.action_picking_tree_all")
        action["domain"] = [("id", "in", self.picking_ids.ids)]
        action["context"] = {"create": False}
        return action

    # ------------------------------------------------------------------
    # Guard rails (UserError / AccessError before anything is written)
    # ------------------------------------------------------------------

    def _check_can_apply(self):
        """Who may apply: supervisors (and sales managers through the Order
        Tracking manager group). Extension point for an approval step: raise
        here while the request is not approved."""
        self.check_access("write")
        if not self.env.su and not self.env.user.has_group(SUPERVISOR_GROUP):
            raise AccessError(
                self.env._(
                    "Only Order Tracking supervisors and sales managers may apply change "
                    "requests; ask one of them to apply %(name)s.",
                    name=", ".join(self.mapped("name")),
                )
            )

    def _check_applicable(self):
        self.ensure_one()
        order = self.order_id
        if self.state == "applied":
            raise UserError(
                self.env._(
                    "%(name)s was already applied on %(date)s: it cannot be applied twice.",
                    name=self.name,
                    date=fields.Datetime.to_string(self.applied_at),
                )
            )
        if self.state == "cancelled":
            raise UserError(self.env._("%(name)s was cancelled.", name=self.name))
        if order.state == "cancel":
            raise UserError(
                self.env._("%(order)s is cancelled: it can no longer change.", order=order.name)
            )
        if order.state != "sale":
            raise UserError(
                self.env._(
                    "%(order)s is not confirmed: change the quotation itself; change "
                    "requests are for confirmed orders.",
                    order=order.name,
                )
            )
        if order.locked and self.change_type in LINE_CHANGING_TYPES:
            raise UserError(
                self.env._(
                    "%(order)s is locked: unlock it before applying %(name)s.",
                    order=order.name,
                    name=self.name,
                )
            )
        if self.change_type in LINE_TYPES:
            if not self.line_ids:
                raise UserError(
                    self.env._(
                        "%(name)s has no lines: say which goods and how many.", name=self.name
                    )
                )
            self.line_ids._check_applicable()
        getattr(self, f"_check_applicable_{self.change_type}", lambda: None)()

    def _check_applicable_date(self):
        if not self.new_commitment_date:
            raise UserError(self.env._("%(name)s has no new delivery date.", name=self.name))
        if self.new_commitment_date <= fields.Datetime.now():
            raise UserError(self._past_date_message())
        if self.order_id.tracking_fulfilment == "shipped":
            raise UserError(
                self.env._(
                    "Every item of %(order)s has been delivered: there is no delivery date "
                    "left to change.",
                    order=self.order_id.name,
                )
            )
        if self.new_commitment_date == self.order_id.commitment_date:
            raise UserError(
                self.env._(
                    "%(order)s is already promised for %(date)s.",
                    order=self.order_id.name,
                    date=fields.Datetime.to_string(self.new_commitment_date),
                )
            )

    def _check_applicable_address(self):
        order = self.order_id
        partner = self.new_partner_shipping_id
        if not partner:
            raise UserError(self.env._("%(name)s has no new delivery address.", name=self.name))
        if partner == order.partner_shipping_id:
            raise UserError(
                self.env._(
                    "%(order)s is already delivered to %(partner)s.",
                    order=order.name,
                    partner=partner.display_name,
                )
            )
        if not self._open_deliveries():
            raise UserError(
                self.env._(
                    "The goods of %(order)s have already left the warehouse: their delivery "
                    "address can no longer change.",
                    order=order.name,
                )
            )

    def _open_deliveries(self):
        """Pickings of the order still to go out (not returns)."""
        return self.order_id.picking_ids.filtered(
            lambda p: p.state not in ("done", "cancel") and p.picking_type_code != "incoming"
        )

    # ------------------------------------------------------------------
    # Applying
    # ------------------------------------------------------------------

    def _history_note(self):
        return self.reason

    def _history_source(self):
        return (self._name, self.id, self.name)

    def _apply(self):
        """Apply one checked request: Odoo's operation, then history and result."""
        self.ensure_one()
        order = self.order_id
        note = self._history_note()
        source = self._history_source()
        # facts changed before this request are recorded without its note
        self.env.flush_all()
        Event = self.env["order.tracking.event"].sudo()
        last_event_id = Event.search([("order_id", "=", order.id)], order="id desc", limit=1).id
        request = self.sudo().with_company(order.company_id)
        # one event for the net change of node, not one per step on the way
        with history.deferred(self.env) as moved:
            result = getattr(request, f"_apply_{self.change_type}")()
            self.env.flush_all()
        self.env.add_to_compute(order._fields["tracking_stage_id"], order | order.browse(moved))
        order._tracking_sync(notes={order.id: note}, source=source)
        event = Event.search(
            [
                ("order_id", "=", order.id),
                ("id", ">", last_event_id),
                ("source_model", "=", self._name),
                ("source_id", "=", self.id),
            ],
            order="id desc",
            limit=1,
        ) or Event._record_in_node(order, note, source)
        pickings = result.get("pickings") or self.env["stock.picking"]
        self.sudo().write(
            {
                "state": "applied",
                "applied_by_id": self.env.uid,
                "applied_at": fields.Datetime.now(),
                "event_id": event.id,
                "picking_ids": [fields.Command.set(pickings.ids)],
                "result_ref": result.get("ref")
                or ", ".join(pickings.sorted("id").mapped("name"))
                or order.name,
                **result.get("vals", {}),
            }
        )
        order.sudo().message_post(
            body=Markup("%s<br/>%s")
            % (
                self.env._(
                    "%(type)s applied (%(request)s): %(result)s",
                    type=self._type_label(),
                    request=self.name,
                    result=self.result_ref,
                ),
                self.reason,
            ),
            subtype_xmlid="mail.mt_note",
        )

    def _apply_add(self):
        pickings = self.line_ids._apply_add()
        self.line_ids._reserve_new_goods(pickings)
        return {"pickings": pickings}

    def _apply_cancel_line(self):
        return {"pickings": self.line_ids._apply_cancel()}

    def _apply_return(self):
        return {"pickings": self.line_ids._create_returns(self.to_refund)}

    def _apply_replenish(self):
        pickings = self.line_ids._ship_again()
        self.line_ids._reserve_new_goods(pickings)
        return {"pickings": pickings}

    def _apply_exchange(self):
        returns = self.line_ids._create_returns(True)
        same = self.line_ids.filtered(lambda line: line.product_id == line.sale_line_id.product_id)
        shipped = same._ship_again() | (self.line_ids - same)._apply_add()
        self.line_ids._reserve_new_goods(shipped)
        return {"pickings": returns | shipped}

    def _apply_date(self):
        order = self.order_id
        previous = order.commitment_date
        with history.promising(self.env, f"{self.name}: {self.reason}"):
            order.write({"commitment_date": self.new_commitment_date})
        return {
            "ref": self.env._(
                "Promised for %(date)s", date=fields.Datetime.to_string(self.new_commitment_date)
            ),
            "vals": {"previous_commitment_date": previous},
        }

    def _apply_address(self):
        order = self.order_id
        previous = order.partner_shipping_id
        pickings = self._open_deliveries()
        Activity = self.env["mail.activity"]
        known = Activity.search(
            [("res_model", "=", "stock.picking"), ("res_id", "in", pickings.ids)]
        )
        order.write({"partner_shipping_id": self.new_partner_shipping_id.id})
        pickings.write({"partner_id": self.new_partner_shipping_id.id})
        # sale_stock asked the warehouse to update these transfers: done here
        reminders = (
            Activity.search([("res_model", "=", "stock.picking"), ("res_id", "in", pickings.ids)])
            - known
        )
        reminders.action_feedback(
            feedback=self.env._("Delivery address updated by %(name)s.", name=self.name)
        )
        return {"pickings": pickings, "vals": {"previous_partner_shipping_id": previous.id}}
