"""The links from customer orders to the purchase lines that replenish them,
in SQL (the alert kind and the KPIs read them): Odoo's own links, as
sale_purchase_stock reads them — the lines of the order's procurement group
(make-to-order through "take from stock, else order"), the lines created
for the order's deliveries (make-to-order) and those whose receipts are chained
to them (newer 18.0 builds link a make-to-order purchase this way)."""

from odoo.tools import SQL


def order_purchase_lines():
    """SQL of (order_id, line_id) pairs."""
    return SQL(
        """SELECT so2.id AS order_id, pol.id AS line_id
             FROM sale_order so2
             JOIN purchase_order_line pol ON pol.group_id = so2.procurement_group_id
           UNION
           SELECT sp.sale_id, rel.created_purchase_line_id
             FROM stock_picking sp
             JOIN stock_move sm ON sm.picking_id = sp.id
             JOIN stock_move_created_purchase_line_rel rel ON rel.move_id = sm.id
            WHERE sp.sale_id IS NOT NULL
           UNION
           SELECT sp.sale_id, orig.purchase_line_id
             FROM stock_picking sp
             JOIN stock_move sm ON sm.picking_id = sp.id
             JOIN stock_move_move_rel chain ON chain.move_dest_id = sm.id
             JOIN stock_move orig ON orig.id = chain.move_orig_id
            WHERE sp.sale_id IS NOT NULL AND orig.purchase_line_id IS NOT NULL"""
    )
