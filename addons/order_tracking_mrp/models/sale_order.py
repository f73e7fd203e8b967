from odoo import api, fields, models

from odoo.addons.order_tracking.tools.engine import BLOCKING
from odoo.addons.order_tracking.tools.nodes import SUPPLY_DEPENDS, Node, supply_fact

PLANNED, STARTED = "production_planned", "in_production"
# manufacturing order states: not started yet / started (Odoo's mrp.production)
PLANNED_STATES = ("draft", "confirmed")
STARTED_STATES = ("progress", "to_close")


class SaleOrder(models.Model):
    """Production in the order's story: a manufacturing order that will
    bring the goods an order is short of (make-to-order: the one its
    procurement created, linked to the order's delivery) covers it; the order
    is in Production Planned (排产中) until the manufacturing order starts,
    then In Production (生产中) until the goods are produced and reserved.
    Everything the add-on adds to the order's nodes is here."""

    _inherit = "sale.order"

    tracking_supply = fields.Selection(
        selection_add=[
            (PLANNED, "Manufacturing planned"),
            (STARTED, "In manufacturing"),
        ],
        ondelete={PLANNED: "set null", STARTED: "set null"},
    )

    def _tracking_nodes(self):
        nodes = super()._tracking_nodes()
        anchor = "purchasing" if "purchasing" in nodes else "waiting_stock"
        return nodes.after(
            anchor,
            Node(
                PLANNED,
                BLOCKING,
                supply_fact(PLANNED),
                depends=SUPPLY_DEPENDS,
                source=lambda o: o._tracking_supply_record(PLANNED),
                roles={"shortage", "production"},
            ),
            Node(
                STARTED,
                BLOCKING,
                supply_fact(STARTED),
                depends=SUPPLY_DEPENDS,
                source=lambda o: o._tracking_supply_record(STARTED),
                roles={"shortage", "production"},
            ),
        )

    def _tracking_source_labels(self):
        return {**super()._tracking_source_labels(), "mrp.production": "production"}

    @api.model
    def _tracking_supply_depends(self):
        production = "tracking_procurement_group_ids.mrp_production_ids"
        return [
            *super()._tracking_supply_depends(),
            production,
            f"{production}.state",
            f"{production}.date_finished",
            f"{production}.product_qty",
            "picking_ids.move_ids.move_orig_ids.production_id.state",
        ]

    @api.model
    def _tracking_supply_documents(self, moves):
        """Manufacturing orders that will bring the short moves' goods: those
        the order's procurement created (Odoo's link from the order to its
        manufacturing orders, as sale_mrp reads it) for the move's product,
        and those whose finished goods are chained to the move."""
        documents = super()._tracking_supply_documents(moves)
        for move in moves.sudo():
            order = self._tracking_move_order(move)
            productions = move.move_orig_ids.production_id | (
                order.tracking_procurement_group_ids.mrp_production_ids.filtered(
                    lambda p, product=move.product_id: p.product_id == product
                )
            )
            for production in productions:
                if production.state not in PLANNED_STATES + STARTED_STATES:
                    continue
                documents[move.id].append(
                    {
                        "model": production._name,
                        "id": production.id,
                        "name": production.name,
                        "state": production.state,
                        "expected_date": production.date_finished or False,
                        # at most what the move misses: the rest is for stock
                        "qty": min(
                            production.product_uom_id._compute_quantity(
                                production.product_qty - production.qty_produced,
                                move.product_uom,
                            ),
                            max(move.product_uom_qty - move.quantity, 0.0),
                        ),
                        "node": STARTED if production.state in STARTED_STATES else PLANNED,
                    }
                )
        return documents

    @api.model
    def _tracking_supply_incoming(self, products, warehouses):
        """Manufacturing orders for stock (not an order's own, not done) in
        ``warehouses``."""
        incoming = super()._tracking_supply_incoming(products, warehouses)
        productions = (
            self.env["mrp.production"]
            .sudo()
            .search(
                [
                    ("product_id", "in", products.ids),
                    ("state", "in", PLANNED_STATES + STARTED_STATES),
                    ("picking_type_id.warehouse_id", "in", warehouses.ids),
                ]
            )
        )
        for production in productions:
            if production.procurement_group_id.sale_id or production.move_dest_ids:
                continue
            incoming.append(
                {
                    "product": production.product_id,
                    "warehouse": production.picking_type_id.warehouse_id,
                    "date": production.date_finished,
                    "qty": production.product_uom_id._compute_quantity(
                        production.product_qty - production.qty_produced,
                        production.product_id.uom_id,
                    ),
                    "document": {
                        "model": production._name,
                        "id": production.id,
                        "name": production.name,
                        "state": production.state,
                        "node": STARTED if production.state in STARTED_STATES else PLANNED,
                    },
                }
            )
        return incoming
