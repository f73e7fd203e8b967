from odoo import api, fields, models
from odoo.tools import float_compare

from odoo.addons.order_tracking.tools.engine import BLOCKING
from odoo.addons.order_tracking.tools.nodes import SUPPLY_DEPENDS, Node, supply_fact

PURCHASING = "purchasing"


class SaleOrder(models.Model):
    """Purchasing in the order's story: a request for quotation or purchase
    order that will bring the goods an order is short of (make-to-order: the
    purchase line its procurement created for the order's delivery, and the
    receipt it feeds once confirmed) covers it; the order is in Purchasing
    (采购中) until the goods are received and reserved. Everything the add-on
    adds to the order's nodes is here."""

    _inherit = "sale.order"

    tracking_supply = fields.Selection(
        selection_add=[(PURCHASING, "Purchase")],
        ondelete={PURCHASING: "set null"},
    )

    def _tracking_nodes(self):
        return (
            super()
            ._tracking_nodes()
            .after(
                "waiting_stock",
                Node(
                    PURCHASING,
                    BLOCKING,
                    supply_fact(PURCHASING),
                    depends=SUPPLY_DEPENDS,
                    source=lambda o: o._tracking_supply_record(PURCHASING),
                    roles={"shortage", "purchase"},
                ),
            )
        )

    def _tracking_source_labels(self):
        return {**super()._tracking_source_labels(), "purchase.order": "purchase"}

    @api.model
    def _tracking_supply_depends(self):
        # not the lines' received quantity: Odoo computes it from the receipts'
        # moves, so a dependency on it would hang the order's coverage and node
        # on every stock move written, deliveries included. A receipt done or
        # cancelled reaches the orders short of its product through the move's
        # write (models/stock_move.py), for purchases to order as for stock.
        depends = [*super()._tracking_supply_depends()]
        for lines in (
            "procurement_group_id.purchase_line_ids",
            "picking_ids.move_ids.created_purchase_line_ids",
        ):
            depends += [
                lines,
                f"{lines}.state",
                f"{lines}.date_planned",
                f"{lines}.product_qty",
            ]
        return [*depends, "picking_ids.move_ids.move_orig_ids.purchase_line_id"]

    @api.model
    def _tracking_supply_documents(self, moves):
        """Purchases (requests for quotation or confirmed, not fully received)
        that will bring the short moves' goods: the lines created for the
        move (make-to-order) and those whose receipt is chained to it (Odoo's
        links from the order to its purchases, as sale_purchase_stock reads
        them). A purchase Odoo's "take from stock, else order" rule asked for
        goes to stock (Odoo merges the next orders' procurements into the
        same open request): the forecast assigns it
        (``_tracking_supply_incoming``)."""
        documents = super()._tracking_supply_documents(moves)
        for move in moves.sudo():
            lines = (move.created_purchase_line_ids | move.move_orig_ids.purchase_line_id).filtered(
                lambda line, product=move.product_id: line.product_id == product
            )
            for line in lines.filtered(lambda line: line.state != "cancel"):
                qty = self._tracking_purchase_share(line, move)
                if float_compare(qty, 0.0, precision_rounding=move.product_uom.rounding) <= 0:
                    continue
                purchase = line.order_id
                documents[move.id].append(
                    {
                        "model": purchase._name,
                        "id": purchase.id,
                        "name": purchase.name,
                        "state": purchase.state,
                        "expected_date": line.date_planned or False,
                        "qty": qty,
                        "node": PURCHASING,
                    }
                )
        return documents

    @api.model
    def _tracking_purchase_share(self, line, move):
        """What of the quantity ``line`` still has to receive goes to
        ``move`` (in the move's unit): at most what the move misses. Odoo
        adds each new make-to-order procurement to the vendor's open request
        for quotation: one line then serves the deliveries of several orders,
        earliest first."""
        unit = line.product_id.uom_id
        left = line.product_uom._compute_quantity(line.product_qty - line.qty_received, unit)
        served = line.move_dest_ids.filtered(lambda m: m.state not in ("done", "cancel"))
        for dest in served.sorted(lambda m: (m.date, m.id)) if move in served else move:
            need = dest.product_qty - dest.product_uom._compute_quantity(dest.quantity, unit)
            if dest == move:
                return unit._compute_quantity(max(min(left, need), 0.0), move.product_uom)
            left -= max(need, 0.0)
        return 0.0

    @api.model
    def _tracking_supply_incoming(self, products, warehouses):
        """Purchase lines for stock (requests for quotation and confirmed
        purchases not fully received, not created for given deliveries) into
        ``warehouses``: bought for stock, by a reordering rule or by Odoo's
        "take from stock, else order" rule for an order."""
        incoming = super()._tracking_supply_incoming(products, warehouses)
        lines = (
            self.env["purchase.order.line"]
            .sudo()
            .search(
                [
                    ("product_id", "in", products.ids),
                    ("state", "in", ("draft", "sent", "to approve", "purchase", "done")),
                    ("order_id.picking_type_id.warehouse_id", "in", warehouses.ids),
                    ("move_dest_ids", "=", False),
                    ("display_type", "=", False),
                ]
            )
        )
        for line in lines:
            missing = line.product_qty - line.qty_received
            if float_compare(missing, 0.0, precision_rounding=line.product_uom.rounding) <= 0:
                continue
            purchase = line.order_id
            incoming.append(
                {
                    "product": line.product_id,
                    "warehouse": purchase.picking_type_id.warehouse_id,
                    "date": line.date_planned,
                    "qty": line.product_uom._compute_quantity(missing, line.product_id.uom_id),
                    "document": {
                        "model": purchase._name,
                        "id": purchase.id,
                        "name": purchase.name,
                        "state": purchase.state,
                        "node": PURCHASING,
                    },
                }
            )
        return incoming
