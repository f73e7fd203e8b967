"""The links from customer orders to the manufacturing orders that cover
them, in SQL (the alert kinds read them), the same the coverage reads in
Python (``sale.order._tracking_supply_documents`` and the stored covering
document): the manufacturing orders of the order's procurement groups
(make-to-order, as sale_mrp reads them), those whose finished goods are
chained to the order's deliveries, and the one Odoo's forecast assigns to the
order's short goods (make-to-stock: the order's covering document)."""

from odoo.tools import SQL

from odoo.addons.order_tracking.tools.links import delivery_origins


def order_productions():
    """SQL of (order_id, production_id) pairs."""
    return SQL(
        """SELECT pg.sale_id AS order_id, mp.id AS production_id
             FROM procurement_group pg
             JOIN mrp_production mp ON mp.procurement_group_id = pg.id
            WHERE pg.sale_id IS NOT NULL
           UNION
           SELECT chain.order_id, orig.production_id
             FROM (%s) chain
             JOIN stock_move orig ON orig.id = chain.move_id
            WHERE orig.production_id IS NOT NULL
           UNION
           SELECT so3.id, so3.tracking_supply_res_id
             FROM sale_order so3
            WHERE so3.tracking_supply_model = 'mrp.production'
              AND so3.tracking_supply_res_id IS NOT NULL""",
        delivery_origins(),
    )
