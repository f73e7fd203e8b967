from odoo import api, fields, models
from odoo.tools import SQL
from odoo.tools.sql import column_exists, create_column

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


class SaleOrder(models.Model):
    """The tracking fields of an order and the hooks into Odoo's own flow
    (create, commitment date, confirmation). The behaviour lives in units of
    their own, each inherited here:

    - ``order.tracking.lifecycle``: the lifecycle axes and the status node;
    - ``order.tracking.recorder``: the status history, timeline, verification;
    - ``order.tracking.checkpoint``: manual checkpoints;
    - ``order.tracking.signoff``: the customer's sign-off;
    - ``order.tracking.promise.ledger``: the promise ledger;
    - ``order.tracking.reservation``: reservation at confirmation.
    """

    _name = "sale.order"
    _inherit = [
        "sale.order",
        "order.tracking.lifecycle",
        "order.tracking.recorder",
        "order.tracking.checkpoint",
        "order.tracking.signoff",
        "order.tracking.promise.ledger",
        "order.tracking.reservation",
    ]

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
        string="Status Node Code",
        compute="_compute_tracking_stage_code",
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
    # set by order.tracking.event.create (the event just written is the last:
    # no read of the history); not indexed: nothing looks orders up by it
    tracking_last_event_id = fields.Many2one(
        "order.tracking.event", string="Last Status Event", readonly=True, copy=False
    )
    # what the next node change needs of the last event, on the order's own
    # row: deciding whether the node changed and chaining the next event's
    # hash read no event
    tracking_last_stage_id = fields.Many2one(
        related="tracking_last_event_id.to_stage_id", string="Node of the Last Event", store=True
    )
    tracking_last_hash = fields.Char(related="tracking_last_event_id.hash", store=True)
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

    # ------------------------------------------------------------------
    # Lifecycle axes
    # ------------------------------------------------------------------

    # ------------------------------------------------------------------
    # The node: extension points
    # ------------------------------------------------------------------

    # ------------------------------------------------------------------
    # History
    # ------------------------------------------------------------------

    # ------------------------------------------------------------------
    # Promise ledger
    # ------------------------------------------------------------------

    # ------------------------------------------------------------------
    # CRUD and Odoo flow hooks
    # ------------------------------------------------------------------

    def _auto_init(self):
        # the last event's node and hash of the orders that exist when the
        # add-on is updated: one statement, not a recompute order by order
        cr = self.env.cr
        if column_exists(cr, "sale_order", "tracking_last_event_id") and not column_exists(
            cr, "sale_order", "tracking_last_hash"
        ):
            create_column(cr, "sale_order", "tracking_last_stage_id", "int4")
            create_column(cr, "sale_order", "tracking_last_hash", "varchar")
            cr.execute(
                SQL(
                    """UPDATE sale_order so
                          SET tracking_last_stage_id = e.to_stage_id, tracking_last_hash = e.hash
                         FROM order_tracking_event e
                        WHERE e.id = so.tracking_last_event_id"""
                )
            )
        return super()._auto_init()

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

    # ------------------------------------------------------------------
    # Public API
    # ------------------------------------------------------------------
