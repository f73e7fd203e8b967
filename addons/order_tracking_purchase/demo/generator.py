import logging
from datetime import timedelta

from odoo import Command, fields

from odoo.addons.order_tracking.tools import clock

_logger = logging.getLogger(__name__)

CUSTOMER = "Suzhou Precision Tools 苏州精密工具"
VENDOR = "宁波精密铸造 Ningbo Precision Casting"
BOUGHT = ("Cast Housing 铸造外壳 (bought to order)", 880.0, 420.0)
STOCKED = ("Ball Bearing 6204 深沟球轴承", 12.0, 4.0)
# (story, days ago the order was confirmed, quantity); the last two orders
# share the vendor's open request for quotation (Odoo adds the second order's
# procurement to it)
STORIES = [
    ("received", 12, 3),
    ("late", 9, 6),
    ("ordered", 3, 10),
    ("request", 1, 4),
    ("request", 0, 2),
]


class PurchasingDemo:
    """A distributor's fortnight with a late supplier: a cast housing bought
    to order, orders waiting on a request for quotation, on a confirmed
    purchase, on one past its expected date (the receipt-late alert shows
    it), and one received; and a stocked bearing an order is short of, covered
    by the purchase the buyer placed for stock (Odoo's forecast assigns it) —
    the Purchasing node shows in the board."""

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
        bought = self._product(BOUGHT, vendor, delay=5, routes=routes)
        now = fields.Datetime.now()
        total = len(STORIES) + 1
        for done, (story, days, quantity) in enumerate(STORIES, start=1):
            self._play(story, customer, bought, quantity, now - timedelta(days=days))
            _logger.info("order_tracking_purchase demo: %s/%s orders (%s)", done, total, story)
        stocked = self._product(STOCKED, vendor, delay=7)
        self._play_for_stock(customer, vendor, stocked, 40, now - timedelta(days=2))
        _logger.info("order_tracking_purchase demo: %s/%s orders (for stock)", total, total)

    def _product(self, definition, vendor, delay, routes=None):
        name, price, cost = definition
        values = {
            "name": name,
            "type": "consu",
            "is_storable": True,
            "list_price": price,
            "standard_price": cost,
            "invoice_policy": "order",
            "seller_ids": [
                Command.create({"partner_id": vendor.id, "price": cost, "delay": delay})
            ],
        }
        if routes:
            values["route_ids"] = [Command.set(routes.ids)]
        return self.env["product.product"].create(values)

    def _confirmed_order(self, customer, product, quantity, start, days):
        """An order of ``quantity`` ``product`` confirmed at ``start``,
        promised ``days`` later."""
        with clock.frozen(start):
            order = self.env["sale.order"].create(
                {
                    "partner_id": customer.id,
                    "commitment_date": start + timedelta(days=days),
                    "order_line": [
                        Command.create({"product_id": product.id, "product_uom_qty": quantity})
                    ],
                }
            )
            order.action_confirm()
            order.mapped("tracking_stage_id")
        return order

    def _play_for_stock(self, customer, vendor, product, quantity, start):
        """Make-to-stock: the order is short of a stocked product; the
        buyer's purchase for stock covers it."""
        order = self._confirmed_order(customer, product, quantity, start, days=10)
        with clock.frozen(start + timedelta(hours=3)):
            purchase = self.env["purchase.order"].create(
                {
                    "partner_id": vendor.id,
                    "order_line": [
                        Command.create({"product_id": product.id, "product_qty": quantity * 5})
                    ],
                }
            )
            purchase.button_confirm()
            order.mapped("tracking_stage_id")
        return order

    def _play(self, story, customer, bought, quantity, start):
        order = self._confirmed_order(customer, bought, quantity, start, days=8)
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
