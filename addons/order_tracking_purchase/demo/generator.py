import logging
from datetime import timedelta

from odoo import Command, fields

from odoo.addons.order_tracking.tools import clock

_logger = logging.getLogger(__name__)

CUSTOMER = "Suzhou Precision Tools 苏州精密工具"
VENDOR = "宁波精密铸造 Ningbo Precision Casting"
BOUGHT = ("Cast Housing 铸造外壳 (bought to order)", 880.0, 420.0)
# (story, days ago the order was confirmed, quantity); each purchase is
# confirmed before the next order is: Odoo adds the procurement of an order to
# the vendor's open request for quotation, whose line then links to the first
# order only
STORIES = [
    ("received", 12, 3),
    ("late", 9, 6),
    ("ordered", 3, 10),
    ("request", 1, 4),
]


class PurchasingDemo:
    """A distributor's fortnight with a late supplier: a cast housing bought
    to order, orders waiting on a request for quotation, on a confirmed
    purchase, on one past its expected date (the receipt-late alert shows
    it), and one received — the Purchasing node shows in the board."""

    def __init__(self, env):
        self.env = env(context=dict(env.context, tracking_disable=True))

    def _generate(self):
        env = self.env
        warehouse = env["stock.warehouse"].search([("company_id", "=", env.company.id)], limit=1)
        warehouse.mto_pull_id.route_id.active = True
        routes = warehouse.buy_pull_id.route_id | warehouse.mto_pull_id.route_id
        chinese = env["res.lang"]._get_code("zh_CN")
        customer, vendor = env["res.partner"].create(
            [
                {"name": CUSTOMER, "is_company": True, "lang": chinese or "en_US"},
                {"name": VENDOR, "is_company": True, "lang": chinese or "en_US"},
            ]
        )
        name, price, cost = BOUGHT
        bought = env["product.product"].create(
            {
                "name": name,
                "type": "consu",
                "is_storable": True,
                "list_price": price,
                "standard_price": cost,
                "invoice_policy": "order",
                "route_ids": [Command.set(routes.ids)],
                "seller_ids": [
                    Command.create({"partner_id": vendor.id, "price": cost, "delay": 5})
                ],
            }
        )
        now = fields.Datetime.now()
        for done, (story, days, quantity) in enumerate(STORIES, start=1):
            self._play(story, customer, bought, quantity, now - timedelta(days=days))
            _logger.info(
                "order_tracking_purchase demo: %s/%s orders (%s)", done, len(STORIES), story
            )

    def _play(self, story, customer, bought, quantity, start):
        with clock.frozen(start):
            order = self.env["sale.order"].create(
                {
                    "partner_id": customer.id,
                    "commitment_date": start + timedelta(days=8),
                    "order_line": [
                        Command.create({"product_id": bought.id, "product_uom_qty": quantity})
                    ],
                }
            )
            order.action_confirm()
            order.mapped("tracking_stage_id")
        purchase = order._get_purchase_orders()[:1]
        if not purchase or story == "request":
            return order
        with clock.frozen(start + timedelta(hours=6)):
            purchase.button_confirm()
            # the supplier promised five days: the late one is past it
            purchase.order_line.date_planned = start + timedelta(days=5)
            order.mapped("tracking_stage_id")
        if story != "received":
            return order
        with clock.frozen(start + timedelta(days=4)):
            for picking in purchase.picking_ids.filtered(lambda p: p.state == "assigned"):
                for move in picking.move_ids:
                    move.quantity = move.product_uom_qty
                    move.picked = True
                picking.button_validate()
            order.mapped("tracking_stage_id")
        return order
