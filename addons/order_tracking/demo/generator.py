import logging
import random
from datetime import date, datetime, time, timedelta

import pytz

from odoo import Command, fields
from odoo.exceptions import UserError

from ..tools import clock

_logger = logging.getLogger(__name__)

CUSTOMERS = [
    "深圳华强电子有限公司",
    "Ningbo Harbour Trading Co.",
    "杭州西湖机械制造厂",
    "Guangzhou Pearl Logistics 广州珠江物流",
    "Suzhou Precision Tools 苏州精密工具",
    "Berlin Maschinenbau GmbH",
    "上海浦东自动化设备有限公司",
    "Chengdu Panda Foods 成都熊猫食品",
]
GOODS = [
    ("Steel Bracket 钢支架", 35.0, 500),
    ("Copper Fitting 铜接头", 12.5, 800),
    ("LED Driver 24V LED驱动电源", 88.0, 200),
    ("Aluminium Profile 铝型材", 46.0, 300),
    ("Ball Bearing 6204 深沟球轴承", 9.9, 1000),
]
SHORT_GOODS = ("Hydraulic Pump 液压泵", 1260.0)
SERVICE = ("Installation Service 安装服务", 300.0)

# (target node, how many orders, days ago the story starts)
SCENARIOS = [
    ("draft", 5, 2),
    ("waiting_stock", 4, 6),
    ("to_ship", 2, 1),
    ("ready", 5, 4),  # waiting for the quality inspection, where one is set up
    ("inspected", 3, 3),
    ("partially_shipped", 3, 8),
    ("shipped", 4, 9),
    ("delivered", 3, 12),
    ("invoiced", 4, 20),
    ("done", 8, 30),
    ("services", 2, 15),
    ("cancelled", 2, 10),
]


class TrackingDemo:
    """Replays a few weeks of a living company: orders in every node, some
    late, some short of stock, customers and products in Chinese and English."""

    def __init__(self, env):
        self.env = env

    def _generate(self, seed=18):
        rng = random.Random(seed)
        env = self.env(context=dict(self.env.context, tracking_disable=True))
        # Chinese customers speak Chinese where it is loaded (make demo loads it)
        chinese = env["res.lang"]._get_code("zh_CN")
        partners = env["res.partner"].create(
            [
                {
                    "name": name,
                    "is_company": True,
                    "lang": (chinese if any("\u4e00" <= c <= "\u9fff" for c in name) else False)
                    or "en_US",
                }
                for name in CUSTOMERS
            ]
        )
        products = env["product.product"].create(
            [
                {
                    "name": name,
                    "type": "consu",
                    "is_storable": True,
                    "list_price": price,
                    "standard_price": price * 0.6,
                    "invoice_policy": "order",
                }
                for name, price, _qty in GOODS
            ]
        )
        short = env["product.product"].create(
            {
                "name": SHORT_GOODS[0],
                "type": "consu",
                "is_storable": True,
                "list_price": SHORT_GOODS[1],
                "invoice_policy": "order",
            }
        )
        service = env["product.product"].create(
            {
                "name": SERVICE[0],
                "type": "service",
                "list_price": SERVICE[1],
                "invoice_policy": "order",
            }
        )
        warehouse = env["stock.warehouse"].search([("company_id", "=", env.company.id)], limit=1)
        now = fields.Datetime.now()
        self._public_holidays(env, now.year)
        plays = []
        for target, count, days in SCENARIOS:
            for index in range(count):
                start = now - timedelta(days=days + index, hours=rng.randint(0, 8))
                partner = partners[rng.randrange(len(partners))]
                if target == "services":
                    lines = [(service, rng.randint(1, 4))]
                elif target == "waiting_stock":
                    lines = [(short, rng.randint(2, 6)), (products[index % len(products)], 5)]
                else:
                    lines = [
                        (products[(index + k) % len(products)], rng.randint(2, 20))
                        for k in range(rng.randint(1, 3))
                    ]
                plays.append((target, partner, lines, start))
        # enough of every good for every story, whatever the order Odoo
        # reserves in, and the quantity of GOODS left over: only the pump runs short
        demand = {}
        for _target, _partner, lines, _start in plays:
            for product, quantity in lines:
                demand[product] = demand.get(product, 0) + quantity
        for product, (_name, _price, qty) in zip(products, GOODS, strict=True):
            env["stock.quant"]._update_available_quantity(
                product, warehouse.lot_stock_id, qty + demand.get(product, 0)
            )
        for done, (target, partner, lines, start) in enumerate(plays, start=1):
            self._play(env, target, partner, lines, start)
            _logger.info("order_tracking demo: %s/%s orders (%s)", done, len(plays), target)

    def _public_holidays(self, env, year):
        """New Year's Day (元旦) and National Day (国庆节, 1-7 October) of the
        years around ``year`` in the company's working calendar: the SLA clock
        stops on them."""
        calendar = env.company.resource_calendar_id
        tz = pytz.timezone(calendar.tz or "UTC")

        def utc(day):
            return (
                tz.localize(datetime.combine(day, time.min))
                .astimezone(pytz.UTC)
                .replace(tzinfo=None)
            )

        leaves = []
        for y in (year - 1, year, year + 1):
            for name, first, days in (
                ("New Year's Day 元旦", date(y, 1, 1), 1),
                ("National Day 国庆节", date(y, 10, 1), 7),
            ):
                leaves.append(
                    {
                        "name": name,
                        "calendar_id": calendar.id,
                        "date_from": utc(first),
                        "date_to": utc(first + timedelta(days=days)) - timedelta(seconds=1),
                    }
                )
        env["resource.calendar.leaves"].create(leaves)

    def _play(self, env, target, partner, lines, start):
        step = [start]

        def at(hours):
            step[0] = step[0] + timedelta(hours=hours)
            return clock.frozen(step[0])

        with clock.frozen(start):
            order = env["sale.order"].create(
                {
                    "partner_id": partner.id,
                    "commitment_date": start + timedelta(days=5),
                    "order_line": [
                        Command.create({"product_id": p.id, "product_uom_qty": q}) for p, q in lines
                    ],
                }
            )
            order.mapped("tracking_stage_id")
        if target == "draft":
            return order
        with at(3):
            if target == "to_ship":
                for picking_type in order.warehouse_id.out_type_id:
                    picking_type.reservation_method = "manual"
            order.action_confirm()
            order.mapped("tracking_stage_id")
            if target == "to_ship":
                order.warehouse_id.out_type_id.reservation_method = "at_confirm"
        if target != "ready":
            with at(2):
                self._pass_checkpoints(order)
        if target in ("to_ship", "ready", "inspected", "waiting_stock", "cancelled"):
            if target == "cancelled":
                with at(20):
                    order._action_cancel()
                    order.mapped("tracking_stage_id")
            return order
        if target == "services":
            with at(30):
                self._invoice_and_pay(order, pay=True)
            return order
        with at(20):
            self._ship(order, partial=target == "partially_shipped")
        if target in ("partially_shipped", "shipped"):
            return order
        with at(30):
            order.action_confirm_receipt(note="Received in good order 货物完好")
        if target == "delivered":
            return order
        with at(24):
            self._invoice_and_pay(order, pay=target == "done")
        return order

    def _pass_checkpoints(self, order):
        """Pass every custom checkpoint (demo data sets up a quality
        inspection) the order waits at now, one after the other: a story goes
        on whatever the day and hour it is replayed."""
        for _step in range(10):
            checkpoint = order.tracking_checkpoint_id
            if not checkpoint or checkpoint.is_standard:
                return
            order.action_pass_checkpoint(checkpoint.code, note="合格 Passed")
            order.mapped("tracking_stage_id")

    def _ship(self, order, partial=False):
        self._pass_checkpoints(order)
        pickings = order.picking_ids.filtered(lambda p: p.state == "assigned")
        if not pickings:
            raise UserError(
                self.env._(
                    "Demo data: %(order)s has nothing ready to ship (it is at “%(node)s”).",
                    order=order.name,
                    node=order.tracking_stage_id.name,
                )
            )
        for picking in pickings:
            for move in picking.move_ids:
                move.quantity = move.product_uom_qty / 2 if partial else move.product_uom_qty
                move.picked = True
            picking.with_context(
                skip_backorder=True, picking_ids_not_to_backorder=[] if partial else picking.ids
            ).button_validate()
        order.mapped("tracking_stage_id")

    def _invoice_and_pay(self, order, pay):
        self._pass_checkpoints(order)
        invoice = order._create_invoices()
        # dated on the story's day (Odoo dates it today): what is unpaid is
        # due since then, and the dunning rule sees it
        day = clock.now().date()
        invoice.write({"invoice_date": day, "invoice_payment_term_id": False})
        invoice.invoice_date_due = day
        invoice.action_post()
        order.mapped("tracking_stage_id")
        if pay:
            env = order.env
            env["account.payment.register"].with_context(
                active_model="account.move", active_ids=invoice.ids
            ).create({})._create_payments()
            order.mapped("tracking_stage_id")
