from collections import defaultdict

from markupsafe import Markup, escape

from odoo import api, fields, models
from odoo.tools import float_compare, float_round

SHORT_NODE = "waiting_stock"


# One concern of the model per file (Odoo's way: sale_stock, account): see
# docs/architecture.md.
# pylint: disable=consider-merging-classes-inherited
class SaleOrder(models.Model):
    """What covers the goods an order is short of (SPEC PRD-1): for each short
    move, the documents that will bring its goods (a purchase, a manufacturing
    order…), each naming the status node it puts the order in. The base knows
    no such document: every short move is uncovered (``waiting_stock``). The
    bridges (order_tracking_mrp, order_tracking_purchase) extend
    ``_tracking_supply_documents()`` and ``_tracking_supply_depends()`` with
    ``super()`` and declare their nodes in ``_tracking_nodes()``.

    Make-to-stock goods are covered by what Odoo's forecast assigns to the
    order's deliveries (``_tracking_supply_incoming``: the incoming supply
    the bridges know, earliest first, to the open deliveries, earliest
    first); the bridges call ``_tracking_supply_changed(products)`` when
    their documents change.

    ``tracking_supply`` is the least advanced coverage over the short moves,
    by the order of the nodes in the registry; a short move covered by
    several documents counts with its most advanced one."""

    _inherit = "sale.order"

    # every procurement group of the order (its own and those its procurement
    # created for manufacturing or purchase): the path the bridges' coverage
    # depends on (Odoo's links from the order to what replenishes it)
    tracking_procurement_group_ids = fields.One2many(
        "procurement.group", "sale_id", string="Procurement Groups", readonly=True
    )
    tracking_supply_html = fields.Html(
        string="Supply Coverage",
        compute="_compute_tracking_supply_html",
        sanitize=False,
        help="Each short line with the documents that cover it.",
    )

    # -- extension points --

    @api.model
    def _tracking_supply_depends(self):
        """Fields the coverage is read from; a bridge adds the paths to its
        documents' states and dates."""
        return ["tracking_short", "tracking_fulfilment"]

    @api.model
    def _tracking_supply_documents(self, moves):
        """{move id: [coverage dict]} for the short ``moves`` (of any orders):
        ``{"model", "id", "name", "state", "expected_date" (datetime or
        False), "qty" (in the move's unit), "node"}`` where ``node`` is the
        status node the document puts the order in while it covers the move.
        Extend with ``super()``; read as superuser (the order's reader may
        not read the document, its coverage is part of the order's story)."""
        return defaultdict(list)

    @api.model
    def _tracking_supply_incoming(self, products, warehouses):
        """The supply of ``products`` on its way into ``warehouses`` that no
        order has for its own (make-to-stock: receipts, manufacturing orders
        for stock), for Odoo's forecast to assign: a list of ``{"product"
        (record), "warehouse" (record), "date" (expected, or False), "qty"
        (in the product's unit), "document": coverage dict without "qty"}``.
        Extend with ``super()``."""
        return []

    @api.model
    def _tracking_supply_changed(self, products):
        """The supply of ``products`` changed (a purchase, a manufacturing
        order…): the orders short of them read what covers them again (their
        node with it). Called by the bridges when their documents change."""
        if not products:
            return
        orders = self.sudo().search(
            [
                ("tracking_short", "=", True),
                ("state", "=", "sale"),
                ("order_line.product_id", "in", products.ids),
            ]
        )
        if orders:
            for name in ("tracking_supply", "tracking_supply_model", "tracking_supply_res_id"):
                self.env.add_to_compute(self._fields[name], orders)
            orders.modified(["tracking_supply"])

    # -- the coverage --

    @api.model
    def _tracking_supply_coverage(self, moves):
        """{move id: [coverage dict]} of the short ``moves``: the documents
        tied to them (``_tracking_supply_documents``: make-to-order), else
        their share of the incoming supply as Odoo's forecast assigns it."""
        documents = self._tracking_supply_documents(moves)
        uncovered = moves.filtered(lambda move: not documents.get(move.id))
        if uncovered:
            self._tracking_assign_incoming(uncovered, documents)
        return documents

    @api.model
    def _tracking_assign_incoming(self, moves, documents):
        """Give ``moves`` their share of the incoming supply, the way Odoo's
        forecast does: the open deliveries of the same products and
        warehouses, earliest first, take the incoming quantities, earliest
        first. Deliveries covered by their own documents take none."""
        moves = moves.sudo()
        warehouses = moves.warehouse_id | moves.location_id.warehouse_id
        incoming = self._tracking_supply_incoming(moves.product_id, warehouses)
        if not incoming:
            return
        demand = (
            self.env["stock.move"]
            .sudo()
            .search(
                self._tracking_demand_domain(moves.product_id, warehouses),
                order="date, id",
            )
        )
        tied = self._tracking_supply_documents(demand - moves)
        queues = defaultdict(list)
        for supply in sorted(incoming, key=lambda s: (not s["date"], s["date"] or 0)):
            queues[supply["product"].id, supply["warehouse"].id].append(dict(supply))
        for move in demand:
            if tied.get(move.id):
                continue
            queue = queues[move.product_id.id, move.location_id.warehouse_id.id]
            missing = move.product_qty - move.product_uom._compute_quantity(
                move.quantity, move.product_id.uom_id
            )
            rounding = move.product_id.uom_id.rounding
            while queue and float_compare(missing, 0.0, precision_rounding=rounding) > 0:
                supply = queue[0]
                taken = min(missing, supply["qty"])
                missing -= taken
                supply["qty"] -= taken
                if float_compare(supply["qty"], 0.0, precision_rounding=rounding) <= 0:
                    queue.pop(0)
                if move in moves:
                    documents[move.id].append(
                        {
                            **supply["document"],
                            "expected_date": supply["date"] or False,
                            "qty": move.product_id.uom_id._compute_quantity(
                                taken, move.product_uom
                            ),
                        }
                    )

    @api.model
    def _tracking_demand_domain(self, products, warehouses):
        """The open moves that take goods of ``products`` out of the stock of
        ``warehouses``, for the forecast to give incoming supply to: the
        first move of each delivery chain (one-step: the delivery; two or
        three steps: the pick, the later steps waiting on it), customer
        deliveries and any order's picks."""
        return [
            ("product_id", "in", products.ids),
            ("state", "in", ("confirmed", "partially_available", "waiting")),
            ("location_id.warehouse_id", "in", warehouses.ids),
            ("location_id.usage", "=", "internal"),
            ("move_orig_ids", "=", False),
            "|",
            ("location_dest_id.usage", "=", "customer"),
            ("group_id.sale_id", "!=", False),
        ]

    @api.depends(lambda self: self._tracking_supply_depends())
    def _compute_tracking_supply(self):
        short = self.filtered(lambda o: o.tracking_short and isinstance(o.id, int))
        (self - short).update(
            {"tracking_supply": False, "tracking_supply_model": False, "tracking_supply_res_id": 0}
        )
        if not short:
            return
        moves_by_order = {order: order._tracking_short_moves() for order in short}
        moves = self.env["stock.move"].union(*moves_by_order.values())
        documents = self._tracking_supply_coverage(moves)
        rank = self._tracking_supply_rank()
        for order, order_moves in moves_by_order.items():
            node = min(
                (
                    self._tracking_move_supply(move, documents.get(move.id), rank)
                    for move in order_moves
                ),
                key=rank.get,
                default=SHORT_NODE,
            )
            document = next(
                (
                    doc
                    for move in order_moves
                    for doc in documents.get(move.id, ())
                    if doc["node"] == node
                ),
                None,
            )
            order.tracking_supply = node
            order.tracking_supply_model = document["model"] if document else False
            order.tracking_supply_res_id = document["id"] if document else 0

    @api.model
    def _tracking_supply_rank(self):
        """{node code: position in the walk}: the walk's order says which
        coverage is more advanced."""
        walk = self._tracking_node_registry()[0].walk_codes()
        return {code: index for index, code in enumerate(walk)}

    @api.model
    def _tracking_move_supply(self, move, documents, rank):
        """The node of one short move: its most advanced covering document's,
        when its documents cover all it misses; else nothing covers the rest."""
        documents = [doc for doc in documents or () if doc["node"] in rank]
        missing = max(move.product_uom_qty - move.quantity, 0.0)
        covered = sum(doc["qty"] for doc in documents)
        if float_compare(covered, missing, precision_rounding=move.product_uom.rounding) < 0:
            return SHORT_NODE
        return max((doc["node"] for doc in documents), key=rank.get, default=SHORT_NODE)

    @api.model
    def _tracking_move_order(self, move):
        """The sale order a short move delivers."""
        return move.sale_line_id.order_id or move.picking_id.sale_id or move.group_id.sale_id

    def _tracking_supply_record(self, node):
        """The document that covers the order's short goods in ``node`` (the
        source of the event that moved the order into it), or None: read from
        the order's row, computed with its coverage for the whole batch."""
        self.ensure_one()
        model = self.tracking_supply_model
        if self.tracking_supply == node and model in self.env and self.tracking_supply_res_id:
            return self.env[model].sudo().browse(self.tracking_supply_res_id)
        return None

    def _tracking_supply_by_line(self):
        """{order: [(line, qty short in the line's unit, [coverage dict])]}:
        the short moves grouped by order line (moves without a line under
        the order itself, line False)."""
        moves_by_order = {order: order._tracking_short_moves() for order in self}
        documents = self._tracking_supply_coverage(
            self.env["stock.move"].union(*moves_by_order.values())
        )
        result = {}
        for order, moves in moves_by_order.items():
            lines = {}
            for move in moves:
                line = move.sale_line_id
                missing = max(move.product_uom_qty - move.quantity, 0.0)
                if line:
                    missing = move.product_uom._compute_quantity(missing, line.product_uom)
                entry = lines.setdefault(line, [line, 0.0, [], move.product_id])
                entry[1] += missing
                entry[2].extend(documents.get(move.id, ()))
            result[order] = list(lines.values())
        return result

    def get_supply_coverage(self):
        """One list per order (same order as the ids) of its short lines and
        what covers them (docs/api.md)."""
        self.check_access("read")
        by_line = self._tracking_supply_by_line()
        return [
            [
                {
                    "line_id": line.id or False,
                    "product_id": product.id,
                    "qty_short": float_round(
                        qty, precision_rounding=(line.product_uom or product.uom_id).rounding
                    ),
                    "coverage": [
                        {
                            "model": doc["model"],
                            "id": doc["id"],
                            "name": doc["name"],
                            "state": doc["state"],
                            "expected_date": doc["expected_date"]
                            and fields.Datetime.to_string(doc["expected_date"]),
                            "qty": doc["qty"],
                        }
                        for doc in docs
                    ],
                }
                for line, qty, docs, product in by_line[order]
            ]
            for order in self
        ]

    @api.depends("tracking_supply")
    def _compute_tracking_supply_html(self):
        short = self.filtered("tracking_short")
        (self - short).tracking_supply_html = False
        if not short:
            return
        by_line = short._tracking_supply_by_line()
        for order in short:
            order.tracking_supply_html = order._tracking_supply_table(by_line[order])

    def _tracking_supply_table(self, rows):
        """The Supply tab: one row per short line and covering document."""
        self.ensure_one()
        _ = self.env._
        head = Markup("").join(
            Markup("<th>%s</th>") % label
            for label in (_("Product"), _("Short"), _("Covered by"), _("State"), _("Expected"))
        )
        body = []
        for line, qty, docs, product in rows:
            unit = (line.product_uom or product.uom_id).name
            first = Markup("<td>%s</td><td>%s %s</td>") % (product.display_name, qty, unit)
            if not docs:
                body.append(
                    Markup("<tr>%s<td colspan='3' class='text-danger'>%s</td></tr>")
                    % (first, _("Nothing covers it yet."))
                )
                continue
            for doc in docs:
                expected = doc["expected_date"] and fields.Datetime.context_timestamp(
                    self, doc["expected_date"]
                ).strftime("%Y-%m-%d %H:%M")
                body.append(
                    Markup("<tr>%s<td>%s</td><td>%s</td><td>%s</td></tr>")
                    % (first, doc["name"], self._tracking_supply_state_label(doc), expected or "")
                )
        return Markup(
            "<div class='table-responsive'><table class='table table-sm o_tracking_supply'>"
            "<thead><tr>%s</tr></thead><tbody>%s</tbody></table></div>"
        ) % (head, Markup("").join(body))

    def _tracking_supply_state_label(self, doc):
        """A document's state as its own model names it (translated)."""
        field = self.env[doc["model"]]._fields.get("state")
        if field and field.type == "selection":
            labels = dict(field._description_selection(self.env))
            return labels.get(doc["state"], doc["state"])
        return escape(doc["state"] or "")
