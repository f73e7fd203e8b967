import hashlib
import json

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL

from ..tools import clock, transaction

GENESIS_HASH = "0" * 64


class OrderTrackingEvent(models.Model):
    """One change of status node of one order. Never updated, never deleted.

    Each event carries a SHA-256 hash over its content and the hash of the
    previous event of the same order, so that any later change in the table
    is detected by :meth:`sale.order.verify_tracking_history`. A PostgreSQL
    trigger refuses UPDATE and DELETE as a second wall.
    """

    _name = "order.tracking.event"
    _inherit = ["order.tracking.order.fact"]
    _description = "Order Status History Event"
    _order = "order_id, id"
    _rec_name = "to_code"

    # Every field is written once, in create(); nothing here may be computed
    # and stored, or the ORM would UPDATE the row after inserting it.
    order_id = fields.Many2one(
        "sale.order", required=True, readonly=True, index=True, ondelete="cascade"
    )
    company_id = fields.Many2one("res.company", readonly=True, index=True)
    from_stage_id = fields.Many2one(
        "order.tracking.stage", string="From Node", readonly=True, ondelete="restrict"
    )
    to_stage_id = fields.Many2one(
        "order.tracking.stage", string="To Node", readonly=True, ondelete="restrict"
    )
    from_code = fields.Char(readonly=True)
    to_code = fields.Char(readonly=True, index=True)
    date = fields.Datetime(readonly=True, required=True, index=True)
    user_id = fields.Many2one("res.users", readonly=True, ondelete="restrict")
    source_model = fields.Char(string="Source Document Model", readonly=True)
    source_id = fields.Integer(string="Source Document ID", readonly=True)
    source_name = fields.Char(string="Source Document", readonly=True)
    note = fields.Text(readonly=True)
    hours_in_previous = fields.Float(string="Hours in Previous Node", readonly=True, digits=(16, 2))
    work_hours_in_previous = fields.Float(
        string="Working Hours in Previous Node", readonly=True, digits=(16, 2)
    )
    deadline = fields.Datetime(
        string="SLA Deadline",
        readonly=True,
        help="When the order had to leave the node it entered with this event.",
    )
    backfilled = fields.Boolean(
        readonly=True, help="Reconstructed from existing documents at installation."
    )
    # the queue's row of the customer e-mail is written by the database with
    # the event (order.tracking.notification.init); not part of the hash:
    # the queue's row is the record of what the customer was sent
    notify_customer = fields.Boolean(
        string="E-mails the Customer",
        readonly=True,
        help="Entering this node queued an e-mail to the customer "
        "(the node's setting when the event was written).",
    )
    prev_hash = fields.Char(readonly=True)
    hash = fields.Char(readonly=True)
    source_label = fields.Char(compute="_compute_source_label")

    def init(self):
        self.env.cr.execute(
            SQL(
                """
CREATE OR REPLACE FUNCTION order_tracking_event_guard() RETURNS trigger AS $$
BEGIN
    IF current_setting('order_tracking.allow_history_write', true) = 'on' THEN
        RETURN COALESCE(NEW, OLD);
    END IF;
    IF TG_OP = 'DELETE' AND NOT EXISTS (
        SELECT 1 FROM sale_order WHERE id = OLD.order_id
    ) THEN
        -- the order itself is being deleted (cascade)
        RETURN OLD;
    END IF;
    RAISE EXCEPTION USING
        MESSAGE = 'order status history is immutable: ' || TG_OP
                  || ' refused on order_tracking_event ' || OLD.id,
        ERRCODE = 'integrity_constraint_violation';
END;
$$ LANGUAGE plpgsql;
DROP TRIGGER IF EXISTS order_tracking_event_immutable ON order_tracking_event;
CREATE TRIGGER order_tracking_event_immutable
    BEFORE UPDATE OR DELETE ON order_tracking_event
    FOR EACH ROW EXECUTE FUNCTION order_tracking_event_guard();
"""
            )
        )

    @api.depends("source_model", "from_code")
    def _compute_source_label(self):
        labels = self.env["sale.order"]._tracking_source_labels()
        for event in self:
            if event.source_model == "sale.order" and not event.from_code:
                event.source_label = ""  # the order's creation: the order itself
            else:
                event.source_label = labels.get(event.source_model) or (
                    "manual" if event.source_model else ""
                )

    @api.model_create_multi
    def create(self, vals_list):
        if not self.env.su:
            raise UserError(self.env._("Status history is written by the system only."))
        self._chain_hashes(vals_list)
        events = super().create(vals_list)
        # each order's last event is the one just written (ids only grow): the
        # next event chains onto its hash, whatever it recorded; the node's
        # clock (the event that entered the node, its node, date and deadline)
        # moves only with an event that changes the node (from != to)
        last, entered = {}, {}
        for event in events:
            last[event.order_id] = event
            if event.from_stage_id != event.to_stage_id:
                entered[event.order_id] = event
        cache = self.env.cache
        order_fields = self.env["sale.order"]._fields
        journaled = [order_fields[name] for name in transaction.LAST_EVENT_FIELDS]
        for order, event in last.items():
            vals = {"tracking_last_hash": event.hash}
            if order in entered:
                entry = entered[order]
                vals.update(
                    tracking_last_event_id=entry.id,
                    tracking_last_stage_id=entry.to_stage_id.id,
                    tracking_entered_at=entry.date,
                    tracking_deadline=entry.deadline,
                )
            # what a rollback to a savepoint puts back (tools/transaction.py)
            before = {
                field.name: cache.get(order, field, transaction.UNKNOWN) for field in journaled
            }
            transaction.record(self.env.cr, order.id, event.id, vals, before)
            order.sudo().write(vals)
        return events

    # immutable by design (TRK-4): no super() — nothing may change or delete an event
    def write(self, vals):  # pylint: disable=method-required-super
        raise UserError(self.env._("Status history cannot be changed: it is a permanent record."))

    def unlink(self):  # pylint: disable=method-required-super
        raise UserError(self.env._("Status history cannot be deleted: it is a permanent record."))

    @api.model
    def _record_in_node(self, order, note, source):
        """An event for a change that leaves the order in its node (e.g. an
        applied change request): from and to are the current node, no time is
        counted and the node's clock runs on (``tracking_entered_at`` stays)."""
        stage = order.tracking_stage_id
        return self.sudo().create(
            {
                "order_id": order.id,
                "company_id": order.company_id.id,
                "from_stage_id": stage.id,
                "to_stage_id": stage.id,
                "from_code": stage.code,
                "to_code": stage.code,
                "date": clock.now(),
                "user_id": self.env.uid,
                "source_model": source[0],
                "source_id": source[1],
                "source_name": source[2],
                "note": note,
            }
        )

    @api.model
    def _hash_payload(self, vals):
        """The canonical content an event's hash covers."""
        keys = (
            "order_id",
            "from_code",
            "to_code",
            "date",
            "user_id",
            "source_model",
            "source_id",
            "note",
            "hours_in_previous",
            "work_hours_in_previous",
        )
        payload = {}
        for key in keys:
            value = vals.get(key)
            if key == "date":
                value = fields.Datetime.to_string(value)
            elif key in ("hours_in_previous", "work_hours_in_previous"):
                value = round(float(value or 0.0), 2)
            elif isinstance(value, models.BaseModel):
                value = value.id
            payload[key] = value or None
        return json.dumps(payload, sort_keys=True, separators=(",", ":"))

    @api.model
    def _compute_hash(self, prev_hash, vals):
        digest = hashlib.sha256()
        digest.update((prev_hash or GENESIS_HASH).encode())
        digest.update(self._hash_payload(vals).encode())
        return digest.hexdigest()

    @api.model
    def _chain_hashes(self, vals_list):
        """Set prev_hash and hash on ``vals_list``, in order.

        The recorder passes the hash of each order's very last event (a change
        of node or not) as the order holds it (``prev_hash``:
        ``sale.order.tracking_last_hash``): no query. A concurrent transaction
        that added an event to the same order also wrote that hash on the
        order's row, so one of the two fails on the row (REPEATABLE READ) and
        is retried: the chain cannot fork. For the other orders (installation
        back-fill, events within a node, direct calls) the last hashes are
        read here, the orders locked first."""
        known = {}
        for vals in vals_list:
            if vals.get("prev_hash") and vals["order_id"] not in known:
                known[vals["order_id"]] = vals["prev_hash"]
        order_ids = sorted({vals["order_id"] for vals in vals_list} - set(known))
        last_hash = {}
        if order_ids:
            self.env.cr.execute(
                SQL(
                    """SELECT o.id,
                              (SELECT e.hash FROM order_tracking_event e
                                WHERE e.order_id = o.id ORDER BY e.id DESC LIMIT 1)
                         FROM sale_order o
                        WHERE o.id = ANY(%s)
                     ORDER BY o.id
                          FOR NO KEY UPDATE OF o""",
                    order_ids,
                )
            )
            last_hash = dict(self.env.cr.fetchall())
        last_hash.update(known)
        for vals in vals_list:
            vals["hours_in_previous"] = round(vals.get("hours_in_previous") or 0.0, 2)
            vals["work_hours_in_previous"] = round(vals.get("work_hours_in_previous") or 0.0, 2)
            vals["prev_hash"] = last_hash.get(vals["order_id"]) or GENESIS_HASH
            vals["hash"] = self._compute_hash(vals["prev_hash"], vals)
            last_hash[vals["order_id"]] = vals["hash"]

    @api.model
    def _verify_order_chains(self, order_ids):
        """Return {order_id: first broken event id or False}."""
        self.env.cr.execute(
            SQL(
                """SELECT id, order_id, from_code, to_code, date, user_id, source_model,
                          source_id, note, hours_in_previous, work_hours_in_previous,
                          prev_hash, hash
                     FROM order_tracking_event
                    WHERE order_id = ANY(%s)
                 ORDER BY order_id, id""",
                list(order_ids),
            )
        )
        result = dict.fromkeys(order_ids, False)
        previous = {}
        for row in self.env.cr.dictfetchall():
            order_id = row["order_id"]
            if result[order_id]:
                continue
            expected_prev = previous.get(order_id, GENESIS_HASH)
            if row["prev_hash"] != expected_prev or row["hash"] != self._compute_hash(
                expected_prev, row
            ):
                result[order_id] = row["id"]
            previous[order_id] = row["hash"]
        return result
