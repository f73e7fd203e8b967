from collections import defaultdict

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL

from ..tools import clock, engine, history, sla, transaction, ui
from ..tools.nodes import OVERRIDE
from .order_tracking_event import GENESIS_HASH


# One concern of the model per file (Odoo's way: sale_stock, account): see
# docs/architecture.md.
# pylint: disable=consider-merging-classes-inherited
class SaleOrder(models.Model):
    """Writes the status history: one ``order.tracking.event`` per node change,
    in the same transaction as the fact, stamped by the one business clock
    (tools/clock.py) with the time spent in the node left (wall clock and
    working hours), the SLA deadline of the node entered and whether it
    e-mails the customer (the database queues the e-mail with the event);
    then the hook ``_tracking_after_transitions(events)`` (alerts extend
    it). Also reads it back: late flag, timeline, hash-chain verification.

    ``sale.order`` inherits it; ``self`` is a recordset of orders."""

    _inherit = "sale.order"

    # -- writing --

    def _tracking_calendar(self):
        """The working calendar the SLA clock of this order runs on (its
        working intervals served from the worker's cache: see
        models/resource_calendar.py)."""
        self.ensure_one()
        return self.company_id.resource_calendar_id._tracking_cached()

    def _tracking_event_source(self, code, previous_code=False, nodes=None):
        """(model, id, name) of the document that moved the order from
        ``previous_code`` into ``code``: the node left's exit source when it
        declares one (an approval's decision), else the node entered's source
        (``_tracking_nodes()``), else the order itself."""
        self.ensure_one()
        nodes = nodes or self._tracking_node_registry()[0]
        left, entered = nodes.get(previous_code or ""), nodes.get(code)
        candidates = []
        if left and left.exit_source and not (entered and entered.kind == OVERRIDE):
            candidates.append(left.exit_source)
        if entered and entered.source:
            candidates.append(entered.source)
        for source in candidates:
            record = source(self)
            if record:
                return self._tracking_source_of(record)
        return self._name, self.id, self.name

    @api.model
    def _tracking_source_of(self, record):
        """(model, id, name) of one record, as an event names its source."""
        record.ensure_one()
        name = record.name if "name" in record._fields and record.name else record.display_name
        return record._name, record.id, name

    def _tracking_moving_code(self, previous, stage, milestones, company_nodes=None):
        """The node whose fact moved the order from ``previous`` into
        ``stage``: the first node after ``previous`` that applies to the order
        (a payment that takes an invoiced order to Done moved it through
        Paid: the payment is the event's source; a sign-off that takes a
        prepaid order to Done moved it through Delivered). An order held by a
        blocking node or an override node is there by that node's own fact.
        ``company_nodes``: ``_tracking_company_nodes()``, when the caller has
        it."""
        self.ensure_one()
        stages, specs = company_nodes or self._tracking_company_nodes()
        code = self._tracking_code_of(stage, specs)
        if milestones.get(code, (None,))[0] in (OVERRIDE, engine.BLOCKING):
            # its own fact holds the order, whatever the walk passed (a
            # confirmation straight into production: the manufacturing order)
            return code
        ids = stages._ids
        if not previous or previous.id not in ids or stage.id not in ids:
            return code
        start, end = ids.index(previous.id), ids.index(stage.id)
        if end <= start + 1:
            return code
        passed = stages[start + 1 : end + 1]
        for node in passed:
            node_code = specs[node.id][0]
            kind, milestone = milestones.get(node_code, (engine.PROGRESS, lambda o: True))
            if kind == engine.PROGRESS and milestone(self) is not None:
                return node_code
        return code

    def _tracking_record_transitions(self, transitions):
        """Write one history event per (order, from_stage, to_stage)."""
        gone = transaction.gone_orders(self.env.cr)
        if gone:
            # orders a savepoint removed, still in Odoo's memory: no history
            transitions = [t for t in transitions if t[0].id not in gone]
            if not transitions:
                return self.env["order.tracking.event"]
        now = clock.now()
        calendars = {order.id: order._tracking_calendar() for order, _prev, _stage in transitions}
        # the node's clock: when the order entered its node, on its own row
        # (events that leave the node unchanged do not move it)
        entered_at = {order.id: order.tracking_entered_at for order, _p, _s in transitions}
        work_hours = self._tracking_work_hours(calendars, entered_at, now)
        deadlines = {}
        nodes = self._tracking_node_registry()[0]
        milestones = self._tracking_milestones()
        nodes_of = self.browse(
            [order.id for order, _prev, _stage in transitions]
        )._tracking_company_nodes_by_company()
        vals_list = []
        for order, previous, stage in transitions:
            company_id = order.company_id.id
            specs = order._tracking_stage_specs(stage | previous, nodes_of[company_id][1])
            code, _mode, sla_hours, notifies = specs[stage.id]
            calendar = calendars[order.id]
            entered = entered_at[order.id]
            # one plan per calendar and SLA: every event of the batch starts now
            key = (calendar.id, sla_hours)
            if key not in deadlines:
                deadlines[key] = sla.deadline(calendar, now, sla_hours)
            note, forced_source = history.recorded_note_and_source(self.env, order.id)
            source = forced_source or order._tracking_event_source(
                order._tracking_moving_code(previous, stage, milestones, nodes_of[company_id]),
                specs[previous.id][0] if previous else False,
                nodes,
            )
            vals_list.append(
                {
                    "order_id": order.id,
                    "company_id": order.company_id.id,
                    "from_stage_id": previous.id,
                    "to_stage_id": stage.id,
                    "from_code": specs[previous.id][0] if previous else False,
                    "to_code": code,
                    "date": now,
                    "user_id": self.env.uid,
                    "source_model": source[0],
                    "source_id": source[1],
                    "source_name": source[2],
                    "note": note or False,
                    "hours_in_previous": sla.wall_hours(entered, now),
                    "work_hours_in_previous": work_hours[order.id],
                    "deadline": deadlines[key],
                    # the database queues the customer's e-mail with the event
                    "notify_customer": notifies,
                    # the chain continues from the order's very last event,
                    # whatever it recorded (sale.order.tracking_last_hash)
                    "prev_hash": order.tracking_last_hash or GENESIS_HASH,
                }
            )
        events = self.env["order.tracking.event"].sudo().create(vals_list)
        self._tracking_after_transitions(events)
        return events

    @api.model
    def _tracking_after_savepoint_rollback(self, removed, gone):
        """A savepoint was rolled back after the events of the journal entries
        ``removed`` were written (tools/transaction.py); Odoo's cache still
        holds what the database lost. Add the orders that are gone to
        ``gone`` (no event will be recorded for them); give every order of the
        transaction's journal the last-event values of the events that exist,
        as pending writes (a write pending before the savepoint may have been
        flushed inside it and undone); recompute the node of the orders whose
        new node is still to be written, so that its event is recorded again."""
        cr = self.env.cr
        cache = self.env.cache
        Event = self.env["order.tracking.event"]
        stage_field = self._fields["tracking_stage_id"]
        candidates = {entry.order_id for entry in removed}
        candidates.update(self.env.transaction.tocompute.get(stage_field, ()))
        candidates = [order_id for order_id in candidates if isinstance(order_id, int)]
        cr.execute(SQL("SELECT id FROM sale_order WHERE id = ANY(%s)", candidates))
        alive = {row[0] for row in cr.fetchall()}
        gone.update(set(candidates) - alive)
        # the values to hold: those of the last event kept, else those the
        # first event removed replaced
        targets = {}
        for entry in transaction.kept_entries(cr):
            # written before the savepoint: the order was there, and still is
            alive.add(entry.order_id)
            targets.setdefault(entry.order_id, {}).update(entry.after)
        for entry in removed:
            if entry.order_id in alive and entry.order_id not in targets:
                targets[entry.order_id] = dict(entry.before)
        unknown = [
            order_id
            for order_id, values in targets.items()
            if any(
                values.get(name, transaction.UNKNOWN) is transaction.UNKNOWN
                for name in transaction.LAST_EVENT_FIELDS
            )
        ]
        if unknown:
            cr.execute(
                SQL(
                    "SELECT id, %s FROM sale_order WHERE id = ANY(%s)",
                    SQL(", ").join(map(SQL.identifier, transaction.LAST_EVENT_FIELDS)),
                    unknown,
                )
            )
            for order_id, *row in cr.fetchall():
                values = targets[order_id]
                for name, value in zip(transaction.LAST_EVENT_FIELDS, row, strict=True):
                    if values.get(name, transaction.UNKNOWN) is transaction.UNKNOWN:
                        values[name] = value
        orders = self.browse([order_id for order_id in targets if order_id in alive])
        for order in orders:
            for name, value in targets[order.id].items():
                if value is not transaction.UNKNOWN:
                    field = self._fields[name]
                    cache.set(order, field, field.convert_to_cache(value, order), dirty=True)
        self._tracking_forget_removed_stages()
        touched = self.browse({entry.order_id for entry in removed} & alive)
        self.env.add_to_compute(stage_field, touched & cache.get_dirty_records(self, stage_field))
        cache.invalidate([(self._fields["tracking_event_ids"], touched.ids)])
        Event.browse([entry.event_id for entry in removed]).invalidate_recordset(flush=False)

    @api.model
    def _tracking_forget_removed_stages(self):
        """After a savepoint rolled back: nodes it created (demo data sets one
        up) are gone, orders in memory may still name them. A node to be
        written is computed again, one already written (and undone) is read
        again; the workers' cache of the company's nodes is cleared."""
        cache = self.env.cache
        stage_fields = [
            field
            for field in self._fields.values()
            if field.type == "many2one"
            and field.comodel_name == "order.tracking.stage"
            and field.store
            and field.compute
        ]
        named = {}
        for field in stage_fields:
            orders = cache.get_records(self, field)
            for order, value in zip(orders, cache.get_values(orders, field), strict=True):
                if value:
                    named.setdefault(value, []).append((field, order.id))
        if not named:
            return
        self.env.cr.execute(
            SQL("SELECT id FROM order_tracking_stage WHERE id = ANY(%s)", list(named))
        )
        missing = set(named) - {row[0] for row in self.env.cr.fetchall()}
        if not missing:
            return
        self.env.registry.clear_cache()
        for stage_id in missing:
            for field, order_id in named[stage_id]:
                order = self.browse(order_id)
                if order in cache.get_dirty_records(self, field):
                    self.env.add_to_compute(field, order)
                else:
                    cache.invalidate([(field, [order_id])])

    @api.model
    def _tracking_work_hours(self, calendars, starts, end):
        """{order id: working hours from ``starts[id]`` to ``end`` on
        ``calendars[id]``}, each calendar read once for all its orders."""
        by_calendar = defaultdict(list)
        for order_id, calendar in calendars.items():
            by_calendar[calendar].append(order_id)
        result = {}
        for calendar, order_ids in by_calendar.items():
            hours = sla.work_hours_until(calendar, [starts[i] for i in order_ids], end)
            result.update(zip(order_ids, hours, strict=True))
        return result

    def _tracking_after_transitions(self, events):
        """Hook called with the events just written (same transaction): what
        else follows a node change (order_alerts extends it). The customer
        e-mails of nodes flagged notify-customer are already queued: the
        database writes their rows with the events
        (``order.tracking.notification``)."""

    def _tracking_notify_customer(self, stage):
        self.ensure_one()
        self.with_context(tracking_stage_name=stage.name).message_post_with_source(
            stage.mail_template_id,
            subtype_xmlid="mail.mt_comment",
        )

    def _tracking_sync(self, notes=None, source=None):
        """Recompute the node now, so that the event carries ``notes`` (and
        ``source``: (model, id, name) of the document that caused it)."""
        with history.recording(self.env, self.ids, notes, source):
            self.env.flush_all()

    # -- reading --

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
        return ui.notification(message, kind, sticky=bool(bad))

    def action_view_tracking_events(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "order_tracking.order_tracking_event_action"
        )
        action["domain"] = [("order_id", "=", self.id)]
        action["context"] = {"create": False}
        return action
