import logging
from datetime import timedelta

from odoo import Command, fields

from odoo.addons.order_tracking.tools import clock

_logger = logging.getLogger(__name__)

CUSTOMER = "杭州西湖机械制造厂 Hangzhou West Lake Machinery"
MADE = ("Control Cabinet 控制柜 (made to order)", 4800.0)
COMPONENTS = [("Cabinet Frame 柜体框架", 600.0, 40), ("PLC Module PLC模块", 900.0, 3)]
# (story, days ago the order was confirmed, quantity)
STORIES = [
    ("planned", 1, 2),
    ("planned_short", 2, 6),
    ("started", 4, 1),
    ("started_late", 6, 2),
    ("produced", 9, 1),
]


class ProductionDemo:
    """A manufacturer's week: a control cabinet made to order from a bill of
    materials, orders whose manufacturing orders are planned, one waiting for
    its PLC modules, started (one past its planned end) and produced —
    every production node shows in the board."""

    def __init__(self, env):
        self.env = env(context=dict(env.context, tracking_disable=True))

    def _generate(self):
        env = self.env
        warehouse = env["stock.warehouse"].search([("company_id", "=", env.company.id)], limit=1)
        routes = warehouse.manufacture_pull_id.route_id | warehouse.mto_pull_id.route_id
        routes.active = True
        warehouse.mto_pull_id.active = True
        customer = env["res.partner"].create(
            {"name": CUSTOMER, "is_company": True, "lang": self._chinese() or "en_US"}
        )
        made = self._product(*MADE, routes=routes)
        components = [self._product(name, price) for name, price, _qty in COMPONENTS]
        env["mrp.bom"].create(
            {
                "product_tmpl_id": made.product_tmpl_id.id,
                "produce_delay": 2,
                "bom_line_ids": [
                    Command.create({"product_id": component.id, "product_qty": 1.0})
                    for component in components
                ],
            }
        )
        for component, (_name, _price, qty) in zip(components, COMPONENTS, strict=True):
            env["stock.quant"]._update_available_quantity(component, warehouse.lot_stock_id, qty)
        now = fields.Datetime.now()
        for done, (story, days, quantity) in enumerate(STORIES, start=1):
            self._play(story, customer, made, quantity, now - timedelta(days=days))
            _logger.info("order_tracking_mrp demo: %s/%s orders (%s)", done, len(STORIES), story)

    def _chinese(self):
        return self.env["res.lang"]._get_code("zh_CN")

    def _product(self, name, price, routes=None):
        return self.env["product.product"].create(
            {
                "name": name,
                "type": "consu",
                "is_storable": True,
                "list_price": price,
                "standard_price": price * 0.6,
                "invoice_policy": "order",
                "route_ids": [Command.set(routes.ids)] if routes else [],
            }
        )

    def _play(self, story, customer, made, quantity, start):
        with clock.frozen(start):
            order = self.env["sale.order"].create(
                {
                    "partner_id": customer.id,
                    "commitment_date": start + timedelta(days=7),
                    "order_line": [
                        Command.create({"product_id": made.id, "product_uom_qty": quantity})
                    ],
                }
            )
            order.action_confirm()
            order.mapped("tracking_stage_id")
        production = order.mrp_production_ids[:1]
        if not production or story.startswith("planned"):
            return order
        production.date_start = start + timedelta(hours=4)
        # one is past its planned end already: the production-late alert shows it
        end = start + timedelta(days=1 if story == "started_late" else 8)
        production.date_finished = end
        with clock.frozen(start + timedelta(days=1)):
            production.action_assign()
            production.action_start()
            order.mapped("tracking_stage_id")
        if story != "produced":
            return order
        with clock.frozen(start + timedelta(days=3)):
            production.qty_producing = production.product_qty
            production._set_qty_producing()
            production.button_mark_done()
            order.mapped("tracking_stage_id")
        return order
