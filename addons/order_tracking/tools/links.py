"""Links from customer orders to what replenishes them, in SQL, for the
bridges' alert kinds and KPIs (the coverage reads the same links in Python:
``sale.order._tracking_supply_documents``)."""

from odoo.tools import SQL


def delivery_origins():
    """SQL of (order_id, move_id) pairs: the moves whose goods are chained
    to an order's deliveries (``move_orig_ids``: a receipt, a manufacturing
    order's finished goods…)."""
    return SQL(
        """SELECT sp.sale_id AS order_id, chain.move_orig_id AS move_id
             FROM stock_picking sp
             JOIN stock_move sm ON sm.picking_id = sp.id
             JOIN stock_move_move_rel chain ON chain.move_dest_id = sm.id
            WHERE sp.sale_id IS NOT NULL"""
    )
