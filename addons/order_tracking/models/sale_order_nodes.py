from datetime import datetime, time

from odoo import api, models, tools

from ..tools.engine import BLOCKING, PROGRESS
from ..tools.nodes import OVERRIDE, SUPPLY_DEPENDS, Node, NodeList, supply_fact


def _at_day_start(day):
    return datetime.combine(day, time.min) if day else None


def _latest(records, key):
    return records.sorted(key)[-1:]


# One concern of the model per file (Odoo's way: sale_stock, account): see
# docs/architecture.md.
# pylint: disable=consider-merging-classes-inherited
class SaleOrder(models.Model):
    """The node registry of the order: every status node declared once (its
    fact, what the fact depends on, the document that moved the order in, the
    install back-fill, its roles). Extend ``_tracking_nodes()`` with
    ``super()`` to add or change a node (tools/nodes.py)."""

    _inherit = "sale.order"

    def _tracking_nodes(self):
        """The status nodes, in the order the facts impose (override nodes
        last); see tools/nodes.py. Nodes missing here (custom checkpoints)
        are progress nodes whose fact is always met: only the manual pass
        counts."""

        def goods(states):
            return lambda o: (
                None if o.tracking_fulfilment == "none" else o.tracking_fulfilment in states
            )

        return NodeList(
            (
                Node(
                    "draft",
                    PROGRESS,
                    lambda o: True,
                    depends=("state",),
                    backfill=lambda o, chatter: o._tracking_backfill_created(chatter),
                ),
                # order_approval_rules gives it its fact
                Node("to_approve", BLOCKING, lambda o: None, roles={"approval"}),
                Node(
                    "to_ship",
                    PROGRESS,
                    lambda o: o.state == "sale",
                    depends=("state",),
                    source=lambda o: o._tracking_latest_picking(),
                    backfill=lambda o, chatter: o._tracking_backfill_confirmed(),
                    roles={"warehouse"},
                ),
                # short, and nothing covers it yet (the bridges' nodes after
                # it: what covers it; models/sale_order_supply.py)
                Node(
                    "waiting_stock",
                    BLOCKING,
                    supply_fact("waiting_stock"),
                    depends=SUPPLY_DEPENDS,
                    source=lambda o: o._tracking_latest_picking(),
                    roles={"shortage"},
                ),
                Node(
                    "ready",
                    PROGRESS,
                    goods(("ready", "partial", "shipped")),
                    depends=("tracking_fulfilment",),
                    source=lambda o: o._tracking_latest_picking(),
                    roles={"warehouse"},
                ),
                Node(
                    "partially_shipped",
                    PROGRESS,
                    goods(("partial", "shipped")),
                    depends=("tracking_fulfilment",),
                    source=lambda o: o._tracking_latest_picking(done=True),
                    backfill=lambda o, chatter: o._tracking_backfill_first_delivery(),
                    roles={"warehouse"},
                ),
                Node(
                    "shipped",
                    PROGRESS,
                    goods(("shipped",)),
                    depends=("tracking_fulfilment",),
                    source=lambda o: o._tracking_latest_picking(done=True),
                    backfill=lambda o, chatter: o._tracking_backfill_last_delivery(),
                    roles={"shipped"},
                ),
                Node(
                    "delivered",
                    PROGRESS,
                    lambda o: None if o.tracking_fulfilment == "none" else bool(o.signed_at),
                    depends=("tracking_fulfilment", "signed_at"),
                ),
                Node(
                    "invoiced",
                    PROGRESS,
                    lambda o: o.tracking_billing == "invoiced",
                    depends=("tracking_billing",),
                    source=lambda o: o._tracking_latest_posted_invoice(),
                    backfill=lambda o, chatter: o._tracking_backfill_invoiced(chatter),
                ),
                Node(
                    "paid",
                    PROGRESS,
                    lambda o: o.tracking_payment == "paid",
                    depends=("tracking_payment",),
                    source=lambda o: (
                        o._tracking_latest_payment() or o._tracking_latest_posted_invoice()
                    ),
                    backfill=lambda o, chatter: o._tracking_backfill_paid(chatter),
                ),
                Node("done", PROGRESS, lambda o: True),
                Node(
                    "cancelled",
                    OVERRIDE,
                    lambda o: o.state == "cancel",
                    depends=("state",),
                    backfill=lambda o, chatter: o._tracking_backfill_cancelled(chatter),
                ),
                Node(
                    "returned",
                    OVERRIDE,
                    lambda o: o.tracking_fulfilment == "returned",
                    depends=("tracking_fulfilment",),
                    source=lambda o: o._tracking_latest_return(),
                    backfill=lambda o, chatter: o._tracking_backfill_returned(),
                ),
            )
        )

    @api.model
    @tools.ormcache()
    def _tracking_node_registry(self):
        """(``_tracking_nodes()``, ``{code: (kind, fact)}``) built once per
        registry (cleared when modules load): what the walk, the recorder and
        the coverage read on every node change. A node's callables receive the
        order they apply to; they hold no record of their own."""
        nodes = self._tracking_nodes()
        return nodes, {node.code: (node.kind, node.fact) for node in nodes}

    # -- the documents that move an order (event sources) --

    def _tracking_source_labels(self):
        """{model: label}: what the timeline calls a source document of each
        model (``source``); another model is ``manual``. Extend with super()
        for the documents of your nodes."""
        return {
            "stock.picking": "picking",
            "account.move": "invoice",
            "account.payment": "payment",
            "order.change.request": "change",
        }

    def _tracking_latest_picking(self, done=False):
        """The order's latest transfer (the latest validated one with
        ``done``, when there is one)."""
        pickings = self.picking_ids
        if done:
            pickings = pickings.filtered(lambda p: p.state == "done") or pickings
        return _latest(pickings, lambda p: (p.date_done or p.scheduled_date, p.id))

    def _tracking_latest_return(self):
        returns = self.picking_ids.filtered(
            lambda p: p.state == "done" and p.location_id.usage == "customer"
        )
        return _latest(returns, lambda p: (p.date_done, p.id))

    def _tracking_posted_invoices(self):
        return self._tracking_customer_invoices().filtered(lambda m: m.state == "posted")

    def _tracking_latest_posted_invoice(self):
        return self._tracking_posted_invoices().sorted("id")[-1:]

    def _tracking_latest_payment(self):
        return self._tracking_posted_invoices().matched_payment_ids.sorted("id")[-1:]

    # -- the install back-fill: when an existing order reached each node --

    def _tracking_backfill_created(self, chatter):
        created = min(filter(None, (chatter.first_message(self), self.date_order)))
        return created, self

    def _tracking_backfill_confirmed(self):
        if self.state in ("sale", "cancel") and self.date_order:
            return self.date_order, self
        return None

    def _tracking_done_deliveries(self):
        return self.picking_ids.filtered(
            lambda p: p.state == "done" and p.picking_type_code == "outgoing"
        ).sorted(lambda p: (p.date_done, p.id))

    def _tracking_backfill_first_delivery(self):
        done = self._tracking_done_deliveries()
        if done and (self.tracking_fulfilment == "partial" or len(done) > 1):
            return done[0].date_done, done[0]
        return None

    def _tracking_backfill_last_delivery(self):
        done = self._tracking_done_deliveries()
        if done and self.tracking_fulfilment in ("shipped", "returned"):
            return done[-1].date_done, done[-1]
        return None

    def _tracking_backfill_returned(self):
        last = self._tracking_latest_return()
        if self.tracking_fulfilment == "returned" and last:
            return last.date_done, last
        return None

    def _tracking_backfill_invoiced(self, chatter):
        invoices = self._tracking_posted_invoices()
        if not invoices or self.tracking_billing != "invoiced":
            return None
        last = invoices.sorted(lambda m: (m.invoice_date or m.date, m.id))[-1]
        posted_at = chatter.state_changed(last) or _at_day_start(last.invoice_date or last.date)
        return posted_at, last

    def _tracking_backfill_paid(self, chatter):
        invoices = self._tracking_posted_invoices()
        if not invoices or self.tracking_payment != "paid":
            return None
        invoiced = self._tracking_backfill_invoiced(chatter)
        invoiced_at = invoiced and invoiced[0]
        payments = invoices.matched_payment_ids.sorted(lambda p: (p.date, p.id))
        paid_on = _at_day_start(payments[-1:].date) if payments else invoiced_at
        # a payment is dated by day: not before the invoice it pays
        return max(filter(None, (paid_on, invoiced_at))), payments[-1:] or invoices[-1:]

    def _tracking_backfill_cancelled(self, chatter):
        if self.state != "cancel":
            return None
        return chatter.state_changed(self) or self.date_order, self
