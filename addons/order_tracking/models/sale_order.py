from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import float_compare, float_is_zero

from ..tools import clock, engine, history, sla

FULFILMENT_STATES = [
    ("none", "No goods"),
    ("to_ship", "To ship"),
    ("short", "Short of stock"),
    ("ready", "Reserved"),
    ("partial", "Partially delivered"),
    ("shipped", "Delivered"),
]
BILLING_STATES = [
    ("none", "Not invoiced"),
    ("partial", "Partially invoiced"),
    ("invoiced", "Fully invoiced"),
]
PAYMENT_STATES = [
    ("none", "Not paid"),
    ("partial", "Partially paid"),
    ("paid", "Paid"),
]
SETTLED_PAYMENT_STATES = ("paid", "in_payment", "reversed")


class SaleOrder(models.Model):
    _inherit = "sale.order"

    # -- lifecycle axes: stored separately, the node is derived from them --
    tracking_fulfilment = fields.Selection(
        FULFILMENT_STATES,
        string="Fulfilment",
        compute="_compute_tracking_fulfilment",
        store=True,
        copy=False,
    )
    tracking_short = fields.Boolean(
        string="Short of Stock",
        compute="_compute_tracking_fulfilment",
        store=True,
        index=True,
        copy=False,
        help="Reservation was attempted and some goods are missing.",
    )
    tracking_billing = fields.Selection(
        BILLING_STATES,
        string="Billing",
        compute="_compute_tracking_billing",
        store=True,
        copy=False,
    )
    tracking_payment = fields.Selection(
        PAYMENT_STATES,
        string="Payment",
        compute="_compute_tracking_payment",
        store=True,
        copy=False,
    )
    tracking_reservation_tried = fields.Boolean(
        string="Reservation Attempted", copy=False, readonly=True
    )
    # -- the node --
    tracking_stage_id = fields.Many2one(
        "order.tracking.stage",
        string="Status Node",
        compute="_compute_tracking_stage_id",
        store=True,
        index=True,
        copy=False,
        ondelete="restrict",
        group_expand="_read_group_tracking_stage_ids",
    )
    tracking_stage_code = fields.Char(
        related="tracking_stage_id.code",
        string="Status Node Code",
        store=True,
        index=True,
    )
    tracking_passed_stage_ids = fields.Many2many(
        "order.tracking.stage",
        "sale_order_tracking_passed_stage_rel",
        "order_id",
        "stage_id",
        string="Passed Checkpoints",
        copy=False,
        readonly=True,
    )
    tracking_event_ids = fields.One2many(
        "order.tracking.event", "order_id", string="Status History", readonly=True
    )
    tracking_last_event_id = fields.Many2one(
        "order.tracking.event",
        string="Last Status Event",
        compute="_compute_tracking_last_event_id",
        store=True,
        index="btree_not_null",
    )
    tracking_entered_at = fields.Datetime(
        related="tracking_last_event_id.date",
        string="In Node Since",
        store=True,
        index=True,
    )
    tracking_deadline = fields.Datetime(
        related="tracking_last_event_id.deadline",
        string="Node Deadline",
        store=True,
        index=True,
    )
    tracking_late = fields.Boolean(
        string="Late",
        compute="_compute_tracking_late",
        search="_search_tracking_late",
        help="The order stayed in its node longer than the node's SLA.",
    )
    tracking_checkpoint_id = fields.Many2one(
        "order.tracking.stage",
        string="Checkpoint to Pass",
        compute="_compute_tracking_checkpoint_id",
        help="The manual checkpoint the order waits at, if any.",
    )
    tracking_stage_group_id = fields.Many2one(
        related="tracking_stage_id.group_id", string="Responsible Department"
    )
    # -- customer sign-off --
    # ``signed_by`` is Odoo's own field (who signed the quotation online); the
    # receipt sign-off writes the receiver's name into it, as docs/api.md says.
    signed_at = fields.Datetime(string="Received On", copy=False, readonly=True)
    signed_user_id = fields.Many2one(
        "res.users", string="Sign-off Recorded By", copy=False, readonly=True
    )
    signed_note = fields.Text(string="Sign-off Note", copy=False, readonly=True)
    # -- promise ledger --
    tracking_promise_ids = fields.One2many(
        "order.tracking.promise", "order_id", string="Promise Ledger", readonly=True
    )
    tracking_promise_original = fields.Datetime(
        string="Original Promise",
        compute="_compute_tracking_promise",
        store=True,
        copy=False,
    )
    tracking_promise_latest = fields.Datetime(
        string="Latest Promise",
        compute="_compute_tracking_promise",
        store=True,
        copy=False,
    )
    # -- change requests (order_change_request.py) --
    change_request_ids = fields.One2many(
        "order.change.request", "order_id", string="Change Requests", readonly=True
    )
    change_request_count = fields.Integer(compute="_compute_change_request_count")

    # ------------------------------------------------------------------
    # Lifecycle axes
    # ------------------------------------------------------------------

    @api.depends(
        "state",
        "tracking_reservation_tried",
        "order_line.product_type",
        "order_line.product_uom_qty",
        "order_line.qty_delivered",
        "picking_ids.move_ids.state",
        "picking_ids.move_ids.reservation_date",
    )
    def _compute_tracking_fulfilment(self):
        for order in self:
            order.tracking_fulfilment, order.tracking_short = order._tracking_fulfilment()

    def _tracking_goods_lines(self):
        """Order lines whose goods leave the warehouse."""
        return self.order_line.filtered(
            lambda line: (
                not line.display_type
                and line.product_type == "consu"
                and not line.is_downpayment
                and line.product_uom_qty > 0
            )
        )

    def _tracking_open_moves(self):
        """Outgoing-chain moves of the order still to be done (returns excluded)."""
        return self.picking_ids.move_ids.filtered(
            lambda move: (
                move.state not in ("draft", "done", "cancel")
                and move.location_id.usage != "customer"
            )
        )

    def _tracking_reservation_attempted(self, move):
        return (
            self.tracking_reservation_tried
            or move.picking_type_id.reservation_method == "at_confirm"
            or (move.reservation_date and move.reservation_date <= fields.Date.today())
        )

    def _tracking_move_is_short(self, move, chain):
        if move.picked:
            # the warehouse is processing it: a smaller quantity is a choice
            return False
        if move.state == "partially_available":
            return True
        if move.state == "waiting":
            # waiting for a purchase or a production, not for our own pick
            return not (move.move_orig_ids & chain)
        return move.state == "confirmed" and self._tracking_reservation_attempted(move)

    def _tracking_qty_shipped(self, line):
        """What left for the customer on ``line``, refunded returns included
        (Odoo's delivered quantity deducts them)."""
        shipped = line.qty_delivered
        rounding = line.product_uom.rounding
        if (
            line.qty_delivered_method == "stock_move"
            and float_compare(shipped, line.product_uom_qty, precision_rounding=rounding) < 0
        ):
            returns = line._get_outgoing_incoming_moves()[1]
            shipped += sum(
                m.product_uom._compute_quantity(m.quantity, line.product_uom)
                for m in returns
                if m.state == "done"
            )
        return shipped

    def _tracking_fulfilment(self):
        """Return (fulfilment, short) from the order's lines and moves."""
        self.ensure_one()
        lines = self._tracking_goods_lines()
        if not lines:
            return "none", False
        if self.state != "sale":
            return "to_ship", False
        open_moves = self._tracking_open_moves()
        # a follow-up delivery (re-shipment, exchange) is still to ship; goods
        # the customer sent back for a refund were shipped all the same
        if not open_moves and all(
            float_compare(
                self._tracking_qty_shipped(line),
                line.product_uom_qty,
                precision_rounding=line.product_uom.rounding,
            )
            >= 0
            for line in lines
        ):
            return "shipped", False
        first_moves = open_moves.filtered(lambda m: not (m.move_orig_ids & open_moves))
        short = any(self._tracking_move_is_short(m, open_moves) for m in first_moves)
        started = any(
            not float_is_zero(line.qty_delivered, precision_rounding=line.product_uom.rounding)
            for line in lines
        ) or any(
            m.state == "done" and m.location_dest_id.usage == "customer"
            for m in self.picking_ids.move_ids
        )
        if started:
            return "partial", short
        if short:
            return "short", True
        if first_moves and all(m.state == "assigned" or m.picked for m in first_moves):
            return "ready", False
        return "to_ship", False

    @api.depends(
        "state",
        "invoice_status",
        "order_line.invoice_lines.move_id.state",
    )
    def _compute_tracking_billing(self):
        for order in self:
            invoices = order._tracking_customer_invoices()
            posted = invoices.filtered(lambda m: m.state == "posted")
            complete = order.invoice_status in ("invoiced", "upselling")
            if complete and posted and len(posted) == len(invoices):
                order.tracking_billing = "invoiced"
            elif posted:
                order.tracking_billing = "partial"
            else:
                order.tracking_billing = "none"

    @api.depends(
        "order_line.invoice_lines.move_id.state",
        "order_line.invoice_lines.move_id.payment_state",
        "order_line.invoice_lines.move_id.amount_residual",
        "order_line.invoice_lines.move_id.matched_payment_ids.state",
    )
    def _compute_tracking_payment(self):
        for order in self:
            posted = order._tracking_customer_invoices().filtered(lambda m: m.state == "posted")
            if posted and all(order._tracking_invoice_settled(m) for m in posted):
                order.tracking_payment = "paid"
            elif any(m.payment_state in ("partial", "paid", "in_payment") for m in posted):
                order.tracking_payment = "partial"
            else:
                order.tracking_payment = "none"

    def _tracking_invoice_settled(self, invoice):
        """Paid or in payment for its whole amount, net of credit notes.

        Odoo marks an invoice "in payment" as soon as any payment without a
        journal entry is matched to it, even a partial one: count those
        payments' amounts against the residual."""
        if invoice.payment_state == "reversed":
            return True
        if invoice.payment_state not in SETTLED_PAYMENT_STATES:
            return False
        currency = invoice.currency_id
        if currency.is_zero(invoice.amount_residual):
            return True
        pending = invoice.matched_payment_ids.filtered(
            lambda p: not p.move_id and p.state in ("in_process", "paid")
        )
        covered = sum(
            p.currency_id._convert(p.amount, currency, invoice.company_id, p.date) for p in pending
        )
        return currency.compare_amounts(covered, invoice.amount_residual) >= 0

    def _tracking_customer_invoices(self):
        """Customer invoices and credit notes of the order, not cancelled."""
        return self.order_line.invoice_lines.move_id.filtered(
            lambda m: m.move_type in ("out_invoice", "out_refund") and m.state != "cancel"
        )

    # ------------------------------------------------------------------
    # The node: extension points
    # ------------------------------------------------------------------

    def _tracking_stage_depends(self):
        """Fields the node is derived from; extend with super()."""
        return [
            "state",
            "company_id",
            "tracking_fulfilment",
            "tracking_billing",
            "tracking_payment",
            "signed_at",
            "tracking_passed_stage_ids",
        ]

    def _tracking_milestones(self):
        """The precedence table: node code -> (kind, milestone).

        ``kind`` is ``engine.PROGRESS`` (reached when the milestone is met) or
        ``engine.BLOCKING`` (holds the order while the condition is true).
        A milestone is a function of one order returning True, False or None
        (does not apply). Extend with super(): order_approval_rules sets
        ``to_approve``. Nodes missing here (custom checkpoints) are progress
        nodes whose fact is always met, so only the manual pass counts.
        """

        def goods(states):
            return lambda o: (
                None if o.tracking_fulfilment == "none" else o.tracking_fulfilment in states
            )

        return {
            "draft": (engine.PROGRESS, lambda o: True),
            "to_approve": (engine.BLOCKING, lambda o: None),
            "to_ship": (engine.PROGRESS, lambda o: o.state == "sale"),
            "waiting_stock": (
                engine.BLOCKING,
                lambda o: (
                    None if o.tracking_fulfilment == "none" else o.tracking_fulfilment == "short"
                ),
            ),
            "ready": (engine.PROGRESS, goods(("ready", "partial", "shipped"))),
            "partially_shipped": (engine.PROGRESS, goods(("partial", "shipped"))),
            "shipped": (engine.PROGRESS, goods(("shipped",))),
            "delivered": (
                engine.PROGRESS,
                lambda o: None if o.tracking_fulfilment == "none" else bool(o.signed_at),
            ),
            "invoiced": (engine.PROGRESS, lambda o: o.tracking_billing == "invoiced"),
            "paid": (engine.PROGRESS, lambda o: o.tracking_payment == "paid"),
            "done": (engine.PROGRESS, lambda o: True),
        }

    def _tracking_override_code(self):
        """A node that overrides the walk (cancelled), or False."""
        self.ensure_one()
        return "cancelled" if self.state == "cancel" else False

    def _tracking_steps(self, stages, milestones):
        self.ensure_one()
        default = (engine.PROGRESS, lambda o: True)
        for stage in stages:
            if stage.code == "cancelled":
                continue
            kind, milestone = milestones.get(stage.code, default)
            state = milestone(self)
            if (
                state
                and kind == engine.PROGRESS
                and stage.trigger_mode == "manual"
                and stage not in self.tracking_passed_stage_ids
            ):
                state = False
            yield stage, kind, state

    def _tracking_resolve(self, stages, milestones=None):
        """Return (current, pending) nodes of one order among ``stages``."""
        self.ensure_one()
        override = self._tracking_override_code()
        if override:
            stage = stages.filtered(lambda s: s.code == override)[:1]
            if stage:
                return stage, stage.browse()
        milestones = milestones or self._tracking_milestones()
        current, pending = engine.resolve(self._tracking_steps(stages, milestones))
        return current or stages[:1], pending or stages.browse()

    @api.depends(lambda self: self._tracking_stage_depends())
    def _compute_tracking_stage_id(self):
        Stage = self.env["order.tracking.stage"]
        stages_by_company = {}
        milestones = self._tracking_milestones()
        transitions = []
        for order in self:
            company = order.company_id
            if company.id not in stages_by_company:
                stages_by_company[company.id] = Stage._get_company_stages(company)
            stage = order._tracking_resolve(stages_by_company[company.id], milestones)[0]
            order.tracking_stage_id = stage
            if isinstance(order.id, int) and stage:
                previous = order.tracking_last_event_id.to_stage_id
                if stage != previous:
                    transitions.append((order, previous, stage))
        if transitions and self.env.context.get("module") != "order_tracking":
            if history.is_deferred():
                history.defer(order.id for order, _previous, _stage in transitions)
            else:
                self._tracking_record_transitions(transitions)

    # ------------------------------------------------------------------
    # History
    # ------------------------------------------------------------------

    def _tracking_calendar(self):
        """The working calendar the SLA clock of this order runs on."""
        self.ensure_one()
        return self.company_id.resource_calendar_id

    def _tracking_event_source(self, code):
        """(model, id, name) of the document that moved the order into ``code``."""
        self.ensure_one()
        if code in ("to_ship", "waiting_stock", "ready", "partially_shipped", "shipped"):
            pickings = self.picking_ids.filtered(lambda p: p.state == "done")
            if code in ("to_ship", "waiting_stock", "ready") or not pickings:
                pickings = self.picking_ids
            picking = pickings.sorted(lambda p: (p.date_done or p.create_date, p.id))[-1:]
            if picking:
                return picking._name, picking.id, picking.name
        if code in ("invoiced", "paid"):
            invoices = self._tracking_customer_invoices().filtered(lambda m: m.state == "posted")
            invoice = invoices.sorted("id")[-1:]
            if code == "paid" and invoice:
                payment = invoices.matched_payment_ids.sorted("id")[-1:]
                if payment:
                    return payment._name, payment.id, payment.name
            if invoice:
                return invoice._name, invoice.id, invoice.name
        return self._name, self.id, self.name

    def _tracking_record_transitions(self, transitions):
        """Write one history event per (order, from_stage, to_stage)."""
        now = clock.now()
        notes = dict(self.env.context.get("tracking_notes") or ())
        forced_source = self.env.context.get("tracking_source")
        vals_list = []
        for order, previous, stage in transitions:
            calendar = order._tracking_calendar()
            entered = order.tracking_last_event_id.date
            source = forced_source or order._tracking_event_source(stage.code)
            vals_list.append(
                {
                    "order_id": order.id,
                    "company_id": order.company_id.id,
                    "from_stage_id": previous.id,
                    "to_stage_id": stage.id,
                    "from_code": previous.code or False,
                    "to_code": stage.code,
                    "date": now,
                    "user_id": self.env.uid,
                    "source_model": source[0],
                    "source_id": source[1],
                    "source_name": source[2],
                    "note": notes.get(order.id) or False,
                    "hours_in_previous": sla.wall_hours(entered, now),
                    "work_hours_in_previous": sla.work_hours(calendar, entered, now),
                    "deadline": sla.deadline(calendar, now, stage.sla_hours),
                }
            )
        events = self.env["order.tracking.event"].sudo().create(vals_list)
        self._tracking_after_transitions(events)
        return events

    def _tracking_after_transitions(self, events):
        """Hook called with the events just written (same transaction);
        queues the customer e-mails of nodes flagged notify-customer."""
        self.env["order.tracking.notification"]._enqueue(
            events.filtered(
                lambda e: e.to_stage_id.notify_customer and e.to_stage_id.mail_template_id
            )
        )

    def _tracking_notify_customer(self, stage):
        self.ensure_one()
        self.with_context(tracking_stage_name=stage.name).message_post_with_source(
            stage.mail_template_id,
            subtype_xmlid="mail.mt_comment",
        )

    @api.depends(lambda self: self._tracking_stage_depends())
    def _compute_tracking_checkpoint_id(self):
        Stage = self.env["order.tracking.stage"]
        for order in self:
            stages = Stage._get_company_stages(order.company_id)
            pending = order._tracking_resolve(stages)[1]
            order.tracking_checkpoint_id = (
                pending
                if pending.trigger_mode == "manual" and not order._tracking_override_code()
                else False
            )

    @api.depends("tracking_event_ids")
    def _compute_tracking_last_event_id(self):
        for order in self:
            # the event that entered the node: events that record a change
            # without a change of node (from = to) leave the node's clock alone
            order.tracking_last_event_id = order.tracking_event_ids.filtered(
                lambda e: e.from_stage_id != e.to_stage_id
            ).sorted("id")[-1:]

    def _compute_tracking_late(self):
        now = fields.Datetime.now()
        for order in self:
            order.tracking_late = bool(order.tracking_deadline and order.tracking_deadline < now)

    def _search_tracking_late(self, operator, value):
        if operator not in ("=", "!="):
            raise UserError(self.env._("Late can only be searched as true or false."))
        late = (operator == "=") == bool(value)
        now = fields.Datetime.now()
        if late:
            return [("tracking_deadline", "<", now)]
        return ["|", ("tracking_deadline", "=", False), ("tracking_deadline", ">=", now)]

    @api.model
    def _read_group_tracking_stage_ids(self, stages, domain):
        return stages.search([("company_id", "in", [*self.env.companies.ids, False])])

    # ------------------------------------------------------------------
    # Promise ledger
    # ------------------------------------------------------------------

    @api.depends("tracking_promise_ids")
    def _compute_tracking_promise(self):
        for order in self:
            promises = order.tracking_promise_ids.sorted("id")
            order.tracking_promise_original = promises[:1].date
            order.tracking_promise_latest = promises[-1:].date

    def _tracking_promised_date(self):
        self.ensure_one()
        return self.commitment_date or self.expected_date

    def _tracking_record_initial_promises(self):
        orders = self.filtered(lambda o: not o.tracking_promise_ids)
        self.env["order.tracking.promise"].sudo().create(
            [
                {
                    "order_id": order.id,
                    "date": order._tracking_promised_date(),
                    "kind": "initial",
                    "user_id": self.env.uid,
                }
                for order in orders
            ]
        )

    def _tracking_record_initial_promises_backfill(self):
        """Initial promises of orders confirmed before installation."""
        confirmed = self.filtered(lambda o: o.state == "sale" and not o.tracking_promise_ids)
        self.env["order.tracking.promise"].sudo().create(
            [
                {
                    "order_id": order.id,
                    "date": order._tracking_promised_date(),
                    "kind": "initial",
                    "user_id": self.env.uid,
                    "reason": self.env._("Recorded at installation."),
                }
                for order in confirmed
            ]
        )

    def _tracking_record_repromises(self, previous_dates, reason=None):
        self.env["order.tracking.promise"].sudo().create(
            [
                {
                    "order_id": order.id,
                    "date": order._tracking_promised_date(),
                    "previous_date": previous_dates.get(order.id),
                    "kind": "repromise",
                    "user_id": self.env.uid,
                    "reason": reason or False,
                }
                for order in self
                if order._tracking_promised_date() != previous_dates.get(order.id)
            ]
        )

    # ------------------------------------------------------------------
    # CRUD and Odoo flow hooks
    # ------------------------------------------------------------------

    @api.model_create_multi
    def create(self, vals_list):
        orders = super().create(vals_list)
        # the history starts at creation, even when the order is confirmed
        # in the same transaction
        orders.mapped("tracking_stage_id")
        return orders

    def write(self, vals):
        if "commitment_date" not in vals:
            return super().write(vals)
        confirmed = self.filtered(lambda o: o.state == "sale" and o.tracking_promise_ids)
        previous = {order.id: order.tracking_promise_latest for order in confirmed}
        result = super().write(vals)
        confirmed._tracking_record_repromises(
            previous, self.env.context.get("tracking_promise_reason")
        )
        return result

    def _action_confirm(self):
        result = super()._action_confirm()
        self._tracking_record_initial_promises()
        self.filtered(
            lambda o: o.company_id.tracking_reservation_policy == "confirm"
        )._tracking_reserve()
        return result

    def _tracking_reserve(self):
        """Reserve the deliveries now; trigger reordering rules for shortages."""
        if not self:
            return
        self.sudo().write({"tracking_reservation_tried": True})
        pickings = self.picking_ids.filtered(
            lambda p: p.state in ("confirmed", "waiting") and p.picking_type_code != "incoming"
        )
        if pickings:
            pickings.action_assign()
        short_moves = pickings.move_ids.filtered(
            lambda m: m.state in ("confirmed", "partially_available")
        )
        if short_moves:
            orderpoints = (
                self.env["stock.warehouse.orderpoint"]
                .sudo()
                .search(
                    [
                        ("product_id", "in", short_moves.product_id.ids),
                        ("trigger", "=", "auto"),
                        ("company_id", "in", self.company_id.ids),
                    ]
                )
            )
            if orderpoints:
                orderpoints._procure_orderpoint_confirm(
                    use_new_cursor=False, company_id=orderpoints.company_id[:1]
                )

    # ------------------------------------------------------------------
    # Public API
    # ------------------------------------------------------------------

    def _tracking_sync(self, notes=None, source=None):
        """Recompute the node now, so that the event carries ``notes``."""
        ctx = {"tracking_notes": tuple((notes or {}).items())}
        if source:
            ctx["tracking_source"] = source
        self.with_context(**ctx).env.flush_all()

    def action_confirm_receipt(self, signed_by=None, note=None):
        """Customer sign-off (已签收) of fully shipped orders."""
        for value, label in ((signed_by, "signed_by"), (note, "note")):
            if value is not None and value is not False and not isinstance(value, str):
                raise UserError(self.env._("%(field)s must be text.", field=label))
        self.check_access("write")
        for order in self:
            if order.signed_at:
                raise UserError(
                    self.env._(
                        "%(order)s was already signed for by %(who)s.",
                        order=order.name,
                        who=order.signed_by or "",
                    )
                )
            if order.tracking_fulfilment != "shipped":
                raise UserError(
                    self.env._(
                        "%(order)s cannot be signed for yet: not all of its goods "
                        "have been delivered.",
                        order=order.name,
                    )
                )
        now = clock.now()
        for order in self:
            order.sudo().write(
                {
                    "signed_at": now,
                    "signed_by": signed_by or order.partner_shipping_id.name,
                    "signed_user_id": self.env.uid,
                    "signed_note": note or False,
                }
            )
            order.message_post(
                body=self.env._(
                    "Receipt confirmed by %(who)s.", who=signed_by or order.partner_shipping_id.name
                ),
                subtype_xmlid="mail.mt_note",
            )
        self._tracking_sync(notes={order.id: note for order in self if note})
        return True

    def _tracking_check_checkpoint(self, stage):
        """Raise unless the current user may pass ``stage`` on this order now."""
        self.ensure_one()
        user = self.env.user
        if stage.group_id and not (
            stage.group_id in user.groups_id
            or user.has_group("order_tracking.order_tracking_group_manager")
        ):
            raise AccessError(
                self.env._(
                    "Only members of “%(group)s” may pass the checkpoint “%(node)s”.",
                    group=stage.group_id.display_name,
                    node=stage.name,
                )
            )
        stages = self.env["order.tracking.stage"]._get_company_stages(self.company_id)
        current, pending = self._tracking_resolve(stages)
        if pending != stage:
            raise UserError(
                self.env._(
                    "%(order)s is not waiting at “%(node)s”: it is at “%(current)s”.",
                    order=self.name,
                    node=stage.name,
                    current=current.name,
                )
            )
        kind, milestone = self._tracking_milestones().get(
            stage.code, (engine.PROGRESS, lambda o: True)
        )
        if not milestone(self):
            raise UserError(
                self.env._(
                    "%(order)s has not reached “%(node)s” yet: its documents do not show it.",
                    order=self.name,
                    node=stage.name,
                )
            )

    def action_pass_checkpoint(self, stage_code, note=None):
        """Pass a manual node (e.g. quality inspection) on every order."""
        if not isinstance(stage_code, str) or not stage_code:
            raise UserError(self.env._("Give the code of the checkpoint to pass."))
        self.check_access("read")
        Stage = self.env["order.tracking.stage"]
        orders_by_stage = {}
        for order in self:
            stage = Stage._get_by_code(stage_code, order.company_id)
            if not stage:
                raise UserError(
                    self.env._(
                        "There is no active status node with the code “%(code)s”.",
                        code=stage_code,
                    )
                )
            if stage.trigger_mode != "manual":
                raise UserError(
                    self.env._(
                        "“%(node)s” is not a manual checkpoint: it follows the order's documents.",
                        node=stage.name,
                    )
                )
            order._tracking_check_checkpoint(stage)
            orders_by_stage.setdefault(stage, self.browse())
            orders_by_stage[stage] |= order
        for stage, orders in orders_by_stage.items():
            orders.sudo().write({"tracking_passed_stage_ids": [fields.Command.link(stage.id)]})
        self._tracking_sync(
            notes={order.id: note for order in self if note},
            source=None,
        )
        return True

    def action_pass_current_checkpoint(self):
        self.ensure_one()
        if not self.tracking_checkpoint_id:
            raise UserError(self.env._("%(order)s waits at no manual checkpoint.", order=self.name))
        return self.action_pass_checkpoint(self.tracking_checkpoint_id.code)

    def get_tracking_timeline(self):
        """One list of event dicts per order, oldest first (see docs/api.md)."""
        self.check_access("read")
        events = (
            self.env["order.tracking.event"]
            .sudo()
            .search([("order_id", "in", self.ids)], order="order_id, id")
        )
        by_order = {order_id: [] for order_id in self.ids}
        for event in events:
            by_order[event.order_id.id].append(
                {
                    "date": fields.Datetime.to_string(event.date),
                    "from_code": event.from_code or "",
                    "to_code": event.to_code or "",
                    "from_name": event.from_stage_id.name or "",
                    "to_name": event.to_stage_id.name or "",
                    "user": event.user_id.name or "",
                    "source": event.source_label or "",
                    "source_model": event.source_model or "",
                    "source_id": event.source_id or 0,
                    "source_name": event.source_name or "",
                    "note": event.note or "",
                    "hours_in_previous": event.hours_in_previous,
                    "work_hours_in_previous": event.work_hours_in_previous,
                }
            )
        return [by_order[order_id] for order_id in self.ids]

    def verify_tracking_history(self):
        """Check every order's hash chain: one dict per order."""
        self.check_access("read")
        broken = self.env["order.tracking.event"].sudo()._verify_order_chains(self.ids)
        return [
            {"order_id": order_id, "ok": not broken[order_id], "broken_event_id": broken[order_id]}
            for order_id in self.ids
        ]

    def action_verify_tracking_history(self):
        results = self.verify_tracking_history()
        bad = [r for r in results if not r["ok"]]
        if bad:
            message = self.env._(
                "The status history of %(count)s order(s) was altered: %(orders)s.",
                count=len(bad),
                orders=", ".join(self.browse(r["order_id"]).name for r in bad),
            )
            kind = "danger"
        else:
            message = self.env._("The status history is intact.")
            kind = "success"
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {"message": message, "type": kind, "sticky": bool(bad)},
        }

    def action_view_tracking_events(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "order_tracking.order_tracking_event_action"
        )
        action["domain"] = [("order_id", "=", self.id)]
        action["context"] = {"create": False}
        return action

    # ------------------------------------------------------------------
    # Change requests
    # ------------------------------------------------------------------

    @api.depends("change_request_ids")
    def _compute_change_request_count(self):
        counts = dict(
            self.env["order.change.request"]._read_group(
                [("order_id", "in", self.ids)], ["order_id"], ["__count"]
            )
        )
        for order in self:
            order.change_request_count = counts.get(order._origin, 0)

    def action_view_change_requests(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "order_tracking.order_change_request_action"
        )
        action["domain"] = [("order_id", "=", self.id)]
        action["context"] = {"default_order_id": self.id}
        return action
