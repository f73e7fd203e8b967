from collections import defaultdict

from odoo import api, fields, models
from odoo.tools import float_compare, float_is_zero

SETTLED_PAYMENT_STATES = ("paid", "in_payment", "reversed")
# a payment in these states without a journal entry is money received that the
# receivable does not show yet (the order, the aging and the statement count it)
PENDING_PAYMENT_STATES = ("in_process", "paid")


# One concern of the model per file (Odoo's way: sale_stock, account): see
# docs/architecture.md.
# pylint: disable=consider-merging-classes-inherited
class SaleOrder(models.Model):
    """The lifecycle axes of an order (fulfilment, billing, payment), each
    derived from its documents; the status node is derived from them in
    models/sale_order_walk.py.

    ``sale.order`` inherits it and declares the fields; ``self`` is a recordset
    of orders."""

    _inherit = "sale.order"

    # -- lifecycle axes --

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

    def _tracking_short_moves(self):
        """The order's moves whose goods are missing (what makes it short of
        stock): the shared definition other add-ons read (shortage to-dos,
        ship-date forecasts)."""
        self.ensure_one()
        open_moves = self._tracking_open_moves()
        return open_moves.filtered(lambda move: self._tracking_move_is_short(move, open_moves))

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

    def _tracking_all_returned(self):
        """Every good delivered to the customer came back (returns received,
        by Odoo's return wizard or a change request, refunded or not), and
        some had left."""
        balance = defaultdict(float)
        delivered = False
        for move in self.picking_ids.move_ids.filtered(lambda m: m.state == "done"):
            quantity = move.product_uom._compute_quantity(move.quantity, move.product_id.uom_id)
            if move.location_dest_id.usage == "customer":
                balance[move.product_id] += quantity
                delivered = True
            elif move.location_id.usage == "customer" and move.origin_returned_move_id:
                balance[move.product_id] -= quantity
        return delivered and all(
            float_compare(left, 0.0, precision_rounding=product.uom_id.rounding) <= 0
            for product, left in balance.items()
        )

    def _tracking_fulfilment(self):
        """Return (fulfilment, short) from the order's lines and moves."""
        self.ensure_one()
        lines = self._tracking_goods_lines()
        if not lines:
            return "none", False
        if self.state != "sale":
            return "to_ship", False
        open_moves = self._tracking_open_moves()
        if not open_moves and self._tracking_all_returned():
            return "returned", False
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
        # goods delivered by a transfer, or by hand on a line Odoo does not
        # deliver by transfers (its delivered quantity is not computed for
        # nothing: with kits, that reads the bills of materials)
        started = any(
            m.state == "done" and m.location_dest_id.usage == "customer"
            for m in self.picking_ids.move_ids
        ) or any(
            line.qty_delivered_method != "stock_move"
            and not float_is_zero(line.qty_delivered, precision_rounding=line.product_uom.rounding)
            for line in lines
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

    # The facts a payment changes, not the invoices' computed payment state,
    # residual or payments' state: a dependency on those would make the ORM
    # walk from every change of every journal item (balance, residual) through
    # invoices, payments and order lines to the orders — most of what the
    # add-ons added to an order's life cycle. A reconciliation (partials on
    # the invoice's items) or a payment matched or unmatched marks the order;
    # anything else that changes an invoice's payment state (a payment without
    # journal entry changing state) reaches it when Odoo recomputes that state
    # (account.move._compute_payment_state -> _tracking_payment_changed).
    @api.depends(
        "state",
        "order_line.invoice_lines.move_id.state",
        "order_line.invoice_lines.move_id.matched_payment_ids",
        "order_line.invoice_lines.move_id.line_ids.matched_debit_ids",
        "order_line.invoice_lines.move_id.line_ids.matched_credit_ids",
    )
    def _compute_tracking_payment(self):
        invoices_of = self._tracking_invoices_by_order()
        for order in self:
            posted = invoices_of[order.id].filtered(lambda m: m.state == "posted")
            if posted and all(order._tracking_invoice_settled(m) for m in posted):
                order.tracking_payment = "paid"
            elif any(m.payment_state in ("partial", "paid", "in_payment") for m in posted):
                order.tracking_payment = "partial"
            else:
                order.tracking_payment = "none"
        self._tracking_payment_computed(invoices_of)

    def _tracking_payment_computed(self, invoices_of):
        """Hook: the payment axis of these orders was just computed from
        ``invoices_of`` ({order id: its invoices and credit notes}); the
        fields computed with it (``compute="_compute_tracking_payment"``) read
        the same invoices here (sale_order_receivable.py: what is due)."""

    def _tracking_payment_changed(self):
        """The payment state of some of these orders' invoices was just
        recomputed: recompute their payment axis, and what depends on it
        (the node, what is due), when they are next read or flushed.

        Odoo recomputes that state while it flushes, in one pass over the
        fields pending when the flush began: the orders marked then would miss
        the flush before the commit. Flushed again just before the commit, as
        Odoo's mail tracking does for what it triggers there."""
        self.env.add_to_compute(self._fields["tracking_payment"], self)
        self.modified(["tracking_payment"])
        precommit = self.env.cr.precommit
        if not precommit.data.get("order_tracking.flush"):
            precommit.data["order_tracking.flush"] = True
            precommit.add(self.env.flush_all)

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
        pending = self._tracking_invoice_pending_payments(invoice)
        covered = sum(
            p.currency_id._convert(p.amount, currency, invoice.company_id, p.date) for p in pending
        )
        return currency.compare_amounts(covered, invoice.amount_residual) >= 0

    def _tracking_invoice_pending_payments(self, invoice):
        """The payments matched to ``invoice`` that have no journal entry yet
        (a bank journal without an outstanding account): paid for the
        customer, still open in the receivable until the bank statement books
        them."""
        return invoice.matched_payment_ids.filtered(
            lambda p: not p.move_id and p.state in PENDING_PAYMENT_STATES
        )

    def _tracking_invoices_by_order(self):
        """{order id: its customer invoices and credit notes, not cancelled}.

        Read through the orders' lines when they and their invoice lines are
        in the cache (while an invoice is made from the order); otherwise —
        a payment, in a request of its own, has the invoice's items and their
        sale lines in the cache, not the orders' lines — one query for the
        batch, from the invoices' side."""
        cache = self.env.cache
        lines_field = self._fields["order_line"]
        invoice_lines_field = self.env["sale.order.line"]._fields["invoice_lines"]
        orders = self.filtered(lambda o: isinstance(o.id, int))
        if not orders or (
            all(cache.contains(order, lines_field) for order in orders)
            and all(cache.contains(line, invoice_lines_field) for line in orders.order_line)
        ):
            return {order.id: order._tracking_customer_invoices() for order in self}
        moves = defaultdict(lambda: self.env["account.move"])
        items = self.env["account.move.line"].search([("sale_line_ids.order_id", "in", orders.ids)])
        for item in items:
            for order_id in item.sale_line_ids.order_id.ids:
                moves[order_id] |= item.move_id
        return {
            order.id: (
                self._tracking_keep_customer_invoices(moves[order.id])
                if order in orders
                else order._tracking_customer_invoices()
            )
            for order in self
        }

    def _tracking_customer_invoices(self):
        """Customer invoices and credit notes of the order, not cancelled."""
        return self._tracking_keep_customer_invoices(self.order_line.invoice_lines.move_id)

    @api.model
    def _tracking_keep_customer_invoices(self, moves):
        """The customer invoices and credit notes among ``moves``, not cancelled."""
        return moves.filtered(
            lambda m: m.move_type in ("out_invoice", "out_refund") and m.state != "cancel"
        )
