"""The links from customer orders to the purchase lines that replenish them,
in SQL (the alert kind and the KPIs read them): Odoo's own links, as
sale_purchase_stock reads them — the lines of the order's procurement group
(make-to-order through "take from stock, else order"), the lines created
for the order's deliveries (make-to-order) and those whose receipts are chained
to them (newer 18.0 builds link a make-to-order purchase this way). While an
order waits for a purchase, the alert kind also reads the lines for its
products of the purchase Odoo's forecast assigns to its short goods
(make-to-stock: the order's covering document, as
``sale.order._tracking_supply_record`` reads it); the KPIs read Odoo's links
only (history does not move when the forecast does)."""

from odoo.tools import SQL

from odoo.addons.order_tracking.tools.links import delivery_origins


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
           SELECT chain.order_id, orig.purchase_line_id
             FROM (%s) chain
             JOIN stock_move orig ON orig.id = chain.move_id
            WHERE orig.purchase_line_id IS NOT NULL""",
        delivery_origins(),
    )


def order_covering_purchase_lines():
    """SQL of (order_id, line_id) pairs: the order's own purchase lines and,
    while it waits for a purchase, those of its covering document."""
    return SQL(
        """%s
           UNION
           SELECT so3.id, pol.id
             FROM sale_order so3
             JOIN purchase_order_line pol ON pol.order_id = so3.tracking_supply_res_id
            WHERE so3.tracking_supply_model = 'purchase.order'
              AND pol.product_id IN (SELECT sol.product_id FROM sale_order_line sol
                                      WHERE sol.order_id = so3.id)""",
        order_purchase_lines(),
    )
