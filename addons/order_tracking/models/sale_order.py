from odoo import api, fields, models
from odoo.exceptions import AccessError
from odoo.tools import SQL
from odoo.tools.sql import column_exists, create_column

from ..tools import history
from .order_tracking_input_guard import check_input

FULFILMENT_STATES = [
    ("none", "No goods"),
    ("to_ship", "To ship"),
    ("short", "Short of stock"),
    ("ready", "Reserved"),
    ("partial", "Partially delivered"),
    ("shipped", "Delivered"),
    ("returned", "Returned"),
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

    - sale_order_nodes.py: the node registry;
    - sale_order_lifecycle.py: the lifecycle axes;
    - sale_order_walk.py: the status node, walked from the axes;
    - sale_order_recorder.py: the status history, timeline, verification;
    - sale_order_checkpoint.py: manual checkpoints;
    - sale_order_signoff.py: the customer's sign-off;
    - sale_order_promise_ledger.py: the promise ledger;
    - sale_order_reservation.py: reservation at confirmation;
    - sale_order_supply.py: what covers the short goods (the bridges to
      manufacturing and purchasing extend it);
    - sale_order_display.py: what the screens show.
    """

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
    # what covers the short goods, the least advanced over the short lines
    # (models/sale_order_supply.py; the bridges add their values)
    tracking_supply = fields.Selection(
        [("waiting_stock", "Not covered")],
        string="Supply",
        compute="_compute_tracking_supply",
        store=True,
        index=True,
        copy=False,
        help="What covers the goods the order is short of: nothing yet, a purchase, "
        "a manufacturing order planned or started. When lines are covered in different "
        "ways, the least advanced.",
    )
    # the document that puts the order in its supply node (a purchase, a
    # manufacturing order): the source of that node's event, computed with the
    # coverage for the whole batch
    tracking_supply_model = fields.Char(
        string="Covered By (Model)",
        compute="_compute_tracking_supply",
        store=True,
        copy=False,
    )
    tracking_supply_res_id = fields.Many2oneReference(
        string="Covered By (ID)",
        model_field="tracking_supply_model",
        compute="_compute_tracking_supply",
        store=True,
        copy=False,
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
    # the event that entered the node, and its node, date and deadline: set
    # by order.tracking.event.create from the event just written, in the
    # same write (no read of the history, nothing recomputed); events that
    # leave the node as it is (from = to: an applied change request) do not
    # move them, so the node's clock runs on. Not indexed: nothing looks
    # orders up by it
    tracking_last_event_id = fields.Many2one(
        "order.tracking.event", string="Last Status Event", readonly=True, copy=False
    )
    # what the next node change needs, on the order's own row: deciding
    # whether the node changed and chaining the next event's hash read no event
    tracking_last_stage_id = fields.Many2one(
        "order.tracking.stage",
        string="Node of the Last Event",
        readonly=True,
        copy=False,
    )
    # the hash of the order's very last event, whatever it recorded (a change
    # of node or not): the next event chains onto it
    tracking_last_hash = fields.Char(string="Hash", readonly=True, copy=False)
    tracking_entered_at = fields.Datetime(
        string="In Node Since", readonly=True, copy=False, index=True
    )
    tracking_deadline = fields.Datetime(
        string="Node Deadline", readonly=True, copy=False, index=True
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
    # the ledger's first and last promise, kept on the order's row by the
    # ledger as it writes (sale_order_promise_ledger.py): confirming and
    # re-promising read no ledger
    tracking_promise_original = fields.Datetime(
        string="Original Promise", copy=False, readonly=True
    )
    tracking_promise_latest = fields.Datetime(string="Latest Promise", copy=False, readonly=True)
    # -- change requests (order_change_request.py) --
    change_request_ids = fields.One2many(
        "order.change.request", "order_id", string="Change Requests", readonly=True
    )
    change_request_count = fields.Integer(compute="_compute_change_request_count")

    @api.depends("change_request_ids")
    def _compute_change_request_count(self):
        counts = dict(
            self.env["order.change.request"]._read_group(
                [("order_id", "in", self.ids)], ["order_id"], ["__count"]
            )
        )
        for order in self:
            order.change_request_count = counts.get(order._origin, 0)

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
                          SET tracking_last_stage_id = e.to_stage_id
                         FROM order_tracking_event e
                        WHERE e.id = so.tracking_last_event_id"""
                )
            )
            # the chain follows the very last event, node change or not
            cr.execute(
                SQL(
                    """UPDATE sale_order so
                          SET tracking_last_hash = e.hash
                         FROM (SELECT DISTINCT ON (order_id) order_id, hash
                                 FROM order_tracking_event
                             ORDER BY order_id, id DESC) e
                        WHERE e.order_id = so.id"""
                )
            )
        return super()._auto_init()

    def _tracking_system_fields(self):
        """Fields that only the add-ons' own code sets (as superuser), from
        the order's documents, a sign-off or a decision; extend with super().
        A user writing one over RPC would forge a fact (REL-1)."""
        return {
            "tracking_fulfilment",
            "tracking_short",
            "tracking_supply",
            "tracking_supply_model",
            "tracking_supply_res_id",
            "tracking_billing",
            "tracking_payment",
            "tracking_reservation_tried",
            "tracking_stage_id",
            "tracking_stage_code",
            "tracking_passed_stage_ids",
            "tracking_event_ids",
            "tracking_last_event_id",
            "tracking_last_stage_id",
            "tracking_last_hash",
            "tracking_entered_at",
            "tracking_deadline",
            "signed_at",
            "signed_user_id",
            "signed_note",
            "tracking_promise_ids",
            "tracking_promise_original",
            "tracking_promise_latest",
        }

    def _tracking_check_system_fields(self, vals_list):
        """Refuse, for callers other than the add-ons' own code (superuser),
        values that would crash (a traceback over RPC) and forged facts."""
        if self.env.su:
            return
        # the order's ids are not looked up: every order write (the web client's
        # too) would pay a query per comodel, and a deleted customer or product
        # is already refused in words by the ORM and PostgreSQL's foreign keys
        check_input(self, vals_list, lookup_ids=False)
        forged = sorted(self._tracking_system_fields() & set().union(*vals_list))
        if forged:
            raise AccessError(
                self.env._(
                    "%(fields)s of an order cannot be written: they are set from the order's "
                    "documents, its sign-off and its approvals.",
                    fields=", ".join(self._fields[name].string for name in forged),
                )
            )

    @api.model_create_multi
    def create(self, vals_list):
        self._tracking_check_system_fields(vals_list)
        orders = super().create(vals_list)
        # the history starts at creation, even when the order is confirmed
        # in the same transaction
        orders.mapped("tracking_stage_id")
        return orders

    def write(self, vals):
        self._tracking_check_system_fields([vals])
        if "commitment_date" not in vals:
            return super().write(vals)
        confirmed = self.filtered(lambda o: o.state == "sale" and o.tracking_promise_ids)
        previous = {order.id: order.tracking_promise_latest for order in confirmed}
        result = super().write(vals)
        confirmed._tracking_record_repromises(previous, history.promise_reason(self.env))
        return result

    def _action_confirm(self):
        result = super()._action_confirm()
        self._tracking_record_initial_promises()
        self.filtered(
            lambda o: o.company_id.tracking_reservation_policy == "confirm"
        )._tracking_reserve()
        return result

    def action_view_change_requests(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "order_tracking.order_change_request_action"
        )
        action["domain"] = [("order_id", "=", self.id)]
        action["context"] = {"default_order_id": self.id}
        return action
