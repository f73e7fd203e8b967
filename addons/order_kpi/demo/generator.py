import logging
import random
from datetime import datetime, time, timedelta

from dateutil.relativedelta import relativedelta

from odoo import Command, fields

from odoo.addons.order_tracking.demo.generator import TrackingDemo
from odoo.addons.order_tracking.tools import clock, history

_logger = logging.getLogger(__name__)

CUSTOMERS = [
    "宁波港联贸易有限公司 Ningbo Portlink Trading",
    "Foshan Bright Lighting 佛山明亮照明",
    "厦门海湾机电有限公司",
    "Wuxi Precision Motors 无锡精密电机",
    "Kunming Highland Foods 昆明高原食品",
    "Dongguan Smart Home 东莞智能家居",
    "Tianjin Port Machinery 天津港机械",
    "Hamburg Anlagenbau GmbH",
]
GOODS = [
    ("Gear Motor 0.75kW 减速电机", 420.0),
    ("Control Cabinet 控制柜", 2600.0),
    ("Conveyor Belt 5m 输送带", 980.0),
    ("Sensor Kit 传感器套件", 150.0),
]
PUMP = ("Hydraulic Pump HP-200 液压泵", 3800.0)


class KpiDemo:
    """Six months of two sales teams, told so that the cockpit has a story:
    East China delivers on time; South China slips when the hydraulic pumps
    run short two months ago, then recovers; a customer moves a date, a
    delivery is returned, routine orders are approved automatically and big
    ones by the sales director."""

    def __init__(self, env):
        self.env = env

    def _generate(self, seed=8, months=8):
        rng = random.Random(seed)
        env = self.env(context=dict(self.env.context, tracking_disable=True))
        teams = env["crm.team"].create([{"name": "East China 华东"}, {"name": "South China 华南"}])
        partners = env["res.partner"].create(
            [{"name": name, "is_company": True} for name in CUSTOMERS]
        )
        goods = env["product.product"].create(
            [
                {
                    "name": name,
                    "type": "consu",
                    "is_storable": True,
                    "list_price": price,
                    "standard_price": price * 0.55,
                    "invoice_policy": "order",
                }
                for name, price in GOODS
            ]
        )
        pump = env["product.product"].create(
            {
                "name": PUMP[0],
                "type": "consu",
                "is_storable": True,
                "list_price": PUMP[1],
                "standard_price": PUMP[1] * 0.6,
                "invoice_policy": "order",
            }
        )
        warehouse = env["stock.warehouse"].search([("company_id", "=", env.company.id)], limit=1)
        # stock counted in (inventory adjustments): valued, so that the
        # cockpit's inventory turnover has a value to divide by
        self._demo_stock(env, goods, warehouse, 5000)
        director = env.ref(
            "order_approval_rules.demo_user_sales_director", raise_if_not_found=False
        )
        now = fields.Datetime.now()
        first_month = (now - relativedelta(months=months - 1)).replace(day=1)
        plans = []
        for month in range(months):
            start = first_month + relativedelta(months=month)
            for index in range(12):
                team = teams[index % 2]
                confirm = datetime.combine(
                    (start + timedelta(days=rng.randint(0, 27))).date(), time(rng.randint(1, 9))
                )
                if confirm > now - timedelta(hours=2):
                    continue
                plans.append((confirm, team, month, index))
        plans.sort(key=lambda plan: plan[0])
        for count, (confirm, team, month, index) in enumerate(plans, start=1):
            partner = partners[rng.randrange(len(partners))]
            # South China sells pumps; they ran short two and three months ago
            shortage = team == teams[1] and months - 3 <= month <= months - 2 and index % 4 == 1
            lines = [(goods[rng.randrange(len(goods))], rng.randint(2, 12))]
            if shortage or (team == teams[1] and index % 5 == 0):
                lines.append((pump, rng.randint(1, 3)))
            if index == 6 and month % 2 == 0:
                lines = [(goods[1], 22)]  # ~57,000: the sales director approves
            elif index == 0 and not months - 3 <= month <= months - 2:
                # pumps arrive every month, except during the shortage
                self._demo_stock(env, pump, warehouse, pump.qty_available + 20)
            order = self._demo_order(env, partner, team, lines, confirm, rng)
            self._demo_play(env, order, confirm, team == teams[0], shortage, director, rng, now)
            _logger.info("order_kpi demo: %s/%s orders", count, len(plans))
        self._demo_align_history()
        # a small company: rank teams and customers from 5 orders due
        env.company.kpi_min_sample = 5

    def _demo_align_history(self):
        """Demo stories replay weeks with order_tracking's clock, which dates
        the status history but not Odoo's own documents: give the orders the
        confirmation date and the deliveries the dates their history tells."""
        events = self.env["order.tracking.event"].search([], order="id")
        confirmed_at = {}
        shipped_at = {}
        for event in events:
            if (
                event.order_id.id not in confirmed_at
                and event.from_code in ("draft", "to_approve")
                and event.to_code not in ("draft", "to_approve", "cancelled")
            ):
                confirmed_at[event.order_id.id] = event.date
            if event.source_model == "stock.picking" and event.to_code in (
                "partially_shipped",
                "shipped",
            ):
                shipped_at[event.source_id] = event.date
        for order in self.env["sale.order"].browse(list(confirmed_at)):
            if order.state == "sale" and order.date_order > confirmed_at[order.id]:
                order.date_order = confirmed_at[order.id]
        for picking in self.env["stock.picking"].browse(list(shipped_at)).exists():
            if picking.state == "done" and picking.date_done > shipped_at[picking.id]:
                picking.date_done = shipped_at[picking.id]

    def _demo_stock(self, env, products, warehouse, quantity):
        quants = (
            env["stock.quant"]
            .with_context(inventory_mode=True)
            .create(
                [
                    {
                        "product_id": product.id,
                        "location_id": warehouse.lot_stock_id.id,
                        "inventory_quantity": quantity,
                    }
                    for product in products
                ]
            )
        )
        quants.action_apply_inventory()

    def _demo_order(self, env, partner, team, lines, confirm, rng):
        with clock.frozen(confirm - timedelta(hours=2)):
            order = env["sale.order"].create(
                {
                    "partner_id": partner.id,
                    "team_id": team.id,
                    "commitment_date": confirm + timedelta(days=rng.randint(4, 7)),
                    "order_line": [
                        Command.create({"product_id": p.id, "product_uom_qty": q}) for p, q in lines
                    ],
                }
            )
            order.mapped("tracking_stage_id")
        return order

    def _demo_play(self, env, order, confirm, reliable, shortage, director, rng, now):
        def at(moment):
            return clock.frozen(min(moment, now))

        with at(confirm):
            order.action_request_approval()
            order.mapped("tracking_stage_id")
        if order.approval_state == "pending":
            if not director:
                return
            with at(confirm + timedelta(hours=rng.randint(5, 30))):
                order.with_user(director).action_approve()
                order.mapped("tracking_stage_id")
        if order.state != "sale":
            return
        order.date_order = confirm
        if shortage:
            for picking in order.picking_ids:
                picking.do_unreserve()
            order._tracking_reserve()
            order.mapped("tracking_stage_id")
            delay = timedelta(days=rng.randint(8, 12))
        elif reliable:
            delay = timedelta(hours=rng.randint(30, 100))
        else:
            delay = timedelta(hours=rng.randint(60, 170))
        shipped = confirm + delay
        if shipped > now:
            return
        if order.id % 9 == 0:
            with at(confirm + timedelta(days=1)):
                with history.promising(order.env, "Customer asked for a later date 客户要求延期"):
                    order.write({"commitment_date": order.commitment_date + timedelta(days=4)})
        if shortage:
            with at(shipped - timedelta(hours=3)):
                # the pumps the order waits for arrive
                self._demo_replenish(env, order)
                for picking in order.picking_ids.filtered(lambda p: p.state != "done"):
                    picking.action_assign()
                order.mapped("tracking_stage_id")
        with at(shipped):
            self._demo_ship(order, shipped)
        if order.tracking_fulfilment != "shipped":
            return
        if order.id % 13 == 0:
            with at(shipped + timedelta(days=2)):
                self._demo_return(order, shipped + timedelta(days=2))
            return
        signed = shipped + timedelta(hours=rng.randint(20, 60))
        if signed < now:
            with at(signed):
                order.action_confirm_receipt(note="OK 货物完好")
        paid = signed + timedelta(days=rng.randint(3, 20))
        if paid < now:
            with at(paid):
                TrackingDemo(env)._invoice_and_pay(order, pay=True)

    def _demo_replenish(self, env, order):
        """Count in what the order's moves still miss, so that it can ship."""
        moves = order.picking_ids.move_ids.filtered(
            lambda m: m.state in ("confirmed", "partially_available", "waiting")
        )
        warehouse = order.warehouse_id
        for product in moves.product_id:
            missing = sum(m.product_uom_qty - m.quantity for m in moves if m.product_id == product)
            self._demo_stock(env, product, warehouse, product.qty_available + missing)

    def _demo_ship(self, order, moment):
        waiting = order.picking_ids.filtered(lambda p: p.state in ("confirmed", "waiting"))
        if waiting or order.tracking_short:
            # whatever the day the story is replayed: goods short today arrive
            self._demo_replenish(self.env, order)
            order.picking_ids.filtered(lambda p: p.state != "done").action_assign()
            order.mapped("tracking_stage_id")
        TrackingDemo(self.env)._pass_checkpoints(order)
        pickings = order.picking_ids.filtered(lambda p: p.state == "assigned")
        for picking in pickings:
            for move in picking.move_ids:
                move.quantity = move.product_uom_qty
                move.picked = True
            picking.with_context(skip_backorder=True).button_validate()
        pickings.filtered(lambda p: p.state == "done").write({"date_done": moment})
        order.mapped("tracking_stage_id")

    def _demo_return(self, order, moment):
        delivery = order.picking_ids.filtered(
            lambda p: p.state == "done" and p.location_dest_id.usage == "customer"
        )[-1:]
        wizard = self.env["stock.return.picking"].create({"picking_id": delivery.id})
        for line in wizard.product_return_moves:
            line.quantity = 1
        returned = wizard._create_return()
        for move in returned.move_ids:
            move.quantity = move.product_uom_qty
            move.picked = True
        returned.button_validate()
        returned.date_done = moment
        order.mapped("tracking_stage_id")
