import logging
from datetime import datetime, time, timedelta

from odoo import Command, fields

_logger = logging.getLogger(__name__)

CUSTOMER = "苏州精密机械有限公司 Suzhou Precision Machinery"
OTHER = "无锡液压设备厂 Wuxi Hydraulics"
PRODUCT = ("Hydraulic Pump 液压泵", 1850.0)
ON_HAND = 12
# another customer's order, confirmed, shipping in 5 days; a receipt in 8 days
PROMISED_ELSEWHERE = (10, 5)
RECEIPT = (20, 8)
QUOTED = 6


class PromiseDemo:
    """A quotation Odoo would promise today — 12 pumps on hand, 6 asked — but 10
    of them already belong to an order shipping this week: the promise says 2
    now and the rest with next week's receipt, and why."""

    def __init__(self, env):
        self.env = env(context=dict(env.context, tracking_disable=True))

    def _generate(self):
        env = self.env
        warehouse = env["stock.warehouse"].search([("company_id", "=", env.company.id)], limit=1)
        lang = "zh_CN" if env["res.lang"]._lang_get("zh_CN") else "en_US"
        customer = env["res.partner"].create({"name": CUSTOMER, "is_company": True, "lang": lang})
        other = env["res.partner"].create({"name": OTHER, "is_company": True, "lang": lang})
        pump = env["product.product"].create(
            {
                "name": PRODUCT[0],
                "type": "consu",
                "is_storable": True,
                "list_price": PRODUCT[1],
                "standard_price": PRODUCT[1] * 0.6,
            }
        )
        env["stock.quant"]._update_available_quantity(pump, warehouse.lot_stock_id, ON_HAND)
        today = fields.Date.context_today(env.user)
        quantity, days = PROMISED_ELSEWHERE
        promised = env["sale.order"].create(
            {
                "partner_id": other.id,
                "warehouse_id": warehouse.id,
                "commitment_date": datetime.combine(today + timedelta(days=days), time(12)),
                "order_line": [
                    Command.create({"product_id": pump.id, "product_uom_qty": quantity})
                ],
            }
        )
        promised.action_confirm()
        _logger.info("order_promise demo: %s holds %s pumps", promised.name, quantity)
        self._receipt(warehouse, pump, *RECEIPT, today)
        quote = env["sale.order"].create(
            {
                "partner_id": customer.id,
                "warehouse_id": warehouse.id,
                "picking_policy": "one",
                "order_line": [Command.create({"product_id": pump.id, "product_uom_qty": QUOTED})],
            }
        )
        _logger.info("order_promise demo: quotation %s (%s pumps)", quote.name, QUOTED)

    def _receipt(self, warehouse, product, quantity, days, today):
        """A vendor's shipment planned ``days`` from today: a move of the
        receipt type, confirmed (Odoo puts it in a receipt of its own)."""
        env = self.env
        vendor = env["res.partner"].create({"name": "宁波液压件有限公司 Ningbo Hydraulic Parts"})
        move = env["stock.move"].create(
            {
                "name": product.name,
                "product_id": product.id,
                "product_uom_qty": quantity,
                "product_uom": product.uom_id.id,
                "partner_id": vendor.id,
                "picking_type_id": warehouse.in_type_id.id,
                "location_id": env.ref("stock.stock_location_suppliers").id,
                "location_dest_id": warehouse.lot_stock_id.id,
                "date": datetime.combine(today + timedelta(days=days), time(12)),
            }
        )
        move._action_confirm()
        return move
