from collections import defaultdict

from markupsafe import Markup, escape

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL


class OrderAlertShortage(models.Model):
    """One to-do per product and warehouse listing every order waiting for it.

    Stock-shortage alert rules group their to-dos here instead of putting one
    on every order; the record closes itself (and marks its to-do done) when
    no order waits for the product in that warehouse any more."""

    _name = "order.alert.shortage"
    _description = "Stock Shortage To-do"
    _inherit = ["mail.thread", "mail.activity.mixin", "order.tracking.order.fact"]
    _order = "state desc, opened_at desc, id desc"

    name = fields.Char(compute="_compute_name", store=True)
    product_id = fields.Many2one("product.product", required=True, readonly=True, index=True)
    warehouse_id = fields.Many2one("stock.warehouse", readonly=True, index=True)
    company_id = fields.Many2one("res.company", required=True, readonly=True, index=True)
    rule_id = fields.Many2one("order.alert.rule", readonly=True, ondelete="set null")
    user_id = fields.Many2one("res.users", string="Responsible", tracking=True)
    order_ids = fields.Many2many(
        "sale.order",
        "order_alert_shortage_sale_order_rel",
        "shortage_id",
        "order_id",
        string="Orders Waiting",
        readonly=True,
    )
    order_count = fields.Integer(compute="_compute_order_count", string="Orders")
    missing_qty = fields.Float(
        string="Quantity Missing", readonly=True, digits="Product Unit of Measure"
    )
    uom_id = fields.Many2one(related="product_id.uom_id")
    state = fields.Selection(
        [("open", "Open"), ("done", "Done")],
        required=True,
        default="open",
        readonly=True,
        index=True,
        tracking=True,
    )
    opened_at = fields.Datetime(readonly=True, default=fields.Datetime.now)
    closed_at = fields.Datetime(readonly=True)

    def init(self):
        self.env.cr.execute(
            SQL(
                """CREATE UNIQUE INDEX IF NOT EXISTS order_alert_shortage_open_uniq
                   ON order_alert_shortage (product_id, COALESCE(warehouse_id, 0), company_id)
                   WHERE state = 'open'"""
            )
        )

    @api.depends("product_id", "warehouse_id")
    def _compute_name(self):
        for record in self:
            record.name = " @ ".join(
                filter(None, [record.product_id.display_name, record.warehouse_id.code])
            )

    @api.depends("order_ids")
    def _compute_order_count(self):
        for record in self:
            record.order_count = len(record.order_ids)

    # ------------------------------------------------------------------
    # Which goods are missing
    # ------------------------------------------------------------------

    @api.model
    def _short_lines(self, orders):
        """{(product, warehouse, company): {order: missing quantity}}."""
        result = defaultdict(dict)
        for order in orders.filtered(lambda o: o.state == "sale"):
            for move in order._tracking_short_moves():
                warehouse = move.warehouse_id or move.picking_type_id.warehouse_id
                key = (move.product_id, warehouse, order.company_id)
                missing = max(
                    move.product_qty
                    - move.product_uom._compute_quantity(move.quantity, move.product_id.uom_id),
                    0.0,
                )
                result[key][order] = result[key].get(order, 0.0) + missing
        return result

    # ------------------------------------------------------------------
    # Opening and closing
    # ------------------------------------------------------------------

    @api.model
    def _sync_from_alerts(self, alerts):
        """Add the orders of new shortage alerts to the to-do of each product
        and warehouse they wait for; open the to-do when there is none."""
        lines = self._short_lines(alerts.order_id)
        if not lines:
            return self.browse()
        user_by_order = {alert.order_id.id: alert.user_id for alert in alerts}
        rule = alerts.rule_id[:1]
        existing = self.search(
            [
                ("state", "=", "open"),
                ("product_id", "in", list({key[0].id for key in lines})),
            ]
        )
        by_key = {(r.product_id, r.warehouse_id, r.company_id): r for r in existing}
        touched = self.browse()
        for key, orders_qty in lines.items():
            product, warehouse, company = key
            orders = self.env["sale.order"].union(*orders_qty)
            record = by_key.get(key)
            if record:
                record.write({"order_ids": [fields.Command.link(o.id) for o in orders]})
            else:
                user = next((user_by_order[o.id] for o in orders if user_by_order.get(o.id)), False)
                record = self._create_open(
                    {
                        "product_id": product.id,
                        "warehouse_id": warehouse.id or False,
                        "company_id": company.id,
                        "rule_id": rule.id,
                        "user_id": user.id if user else False,
                        "order_ids": [fields.Command.set(orders.ids)],
                    }
                )
            touched |= record
        touched._refresh()
        return touched

    def _create_open(self, vals):
        """Create an open to-do; a concurrent scan may have just created it."""
        try:
            with self.env.cr.savepoint():
                record = self.create(vals)
                self.env.flush_all()
        except Exception:  # noqa: BLE001 - unique index: take the other one
            record = self.search(
                [
                    ("state", "=", "open"),
                    ("product_id", "=", vals["product_id"]),
                    ("warehouse_id", "=", vals["warehouse_id"]),
                    ("company_id", "=", vals["company_id"]),
                ],
                limit=1,
            )
            record.write({"order_ids": vals["order_ids"]})
        return record

    @api.model
    def _refresh_open(self):
        """Scheduled scan: re-check every open to-do."""
        self.search([("state", "=", "open")])._refresh()

    @api.model
    def _refresh_for_orders(self, orders):
        """An order changed node: re-check the to-dos it is listed on."""
        records = self.search([("state", "=", "open"), ("order_ids", "in", orders.ids)])
        records._refresh()

    def _refresh(self):
        """Keep the orders still short of the product; close when none."""
        records = self.filtered(lambda r: r.state == "open")
        if not records:
            return
        lines = self._short_lines(records.order_ids)
        now = fields.Datetime.now()
        for record in records:
            waiting = lines.get((record.product_id, record.warehouse_id, record.company_id), {})
            if not waiting:
                record.write({"state": "done", "closed_at": now, "missing_qty": 0.0})
                record.activity_ids._action_done(
                    feedback=self.env._("The goods are reserved for every order.")
                )
                continue
            orders = self.env["sale.order"].union(*waiting)
            vals = {}
            if orders != record.order_ids:
                vals["order_ids"] = [fields.Command.set(orders.ids)]
            missing = sum(waiting.values())
            if missing != record.missing_qty:
                vals["missing_qty"] = missing
            if vals:
                record.write(vals)
            record._sync_activity()

    def _activity_note(self):
        self.ensure_one()
        items = Markup("").join(
            Markup("<li>%s</li>") % f"{order.name} — {order.partner_id.display_name or ''}"
            for order in self.order_ids.sorted("id")
        )
        header = self.env._(
            "%(qty)s %(uom)s of %(product)s missing in %(warehouse)s for these orders:",
            qty=round(self.missing_qty, 3),
            uom=self.uom_id.name or "",
            product=self.product_id.display_name,
            warehouse=self.warehouse_id.name or "",
        )
        return Markup("<p>%s</p><ul>%s</ul>") % (escape(header), items)

    def _sync_activity(self):
        """One open to-do on the record, its note listing the orders."""
        self.ensure_one()
        rule = self.rule_id
        note = self._activity_note()
        activity = self.activity_ids[:1]
        if activity:
            if str(activity.note or "") != str(note):
                activity.note = note
            return
        if not self.user_id:
            return
        self.activity_schedule(
            activity_type_id=(
                rule.activity_type_id or self.env.ref("mail.mail_activity_data_todo")
            ).id,
            summary=self.env._("Replenish %(product)s", product=self.product_id.display_name),
            note=note,
            user_id=self.user_id.id,
        )

    def action_view_orders(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.display_name,
            "res_model": "sale.order",
            "view_mode": "list,form",
            "domain": [("id", "in", self.order_ids.ids)],
        }

    def _replenish(self, route):
        """Start the supply of what is missing with Odoo's replenishment: the
        product's manual reordering rule in the warehouse (the one it has,
        else a new one) orders the missing quantity through ``route`` (buy,
        manufacture: the bridges' buttons). Returns Odoo's notification
        naming the documents created."""
        self.ensure_one()
        if self.state != "open":
            raise UserError(
                self.env._(
                    "%(todo)s is closed: nothing is missing any more.", todo=self.display_name
                )
            )
        warehouse = self.warehouse_id or self.env["stock.warehouse"].search(
            [("company_id", "=", self.company_id.id)], limit=1
        )
        Orderpoint = self.env["stock.warehouse.orderpoint"].with_company(self.company_id)
        orderpoint = Orderpoint.search(
            [
                ("product_id", "=", self.product_id.id),
                ("location_id", "=", warehouse.lot_stock_id.id),
            ],
            limit=1,
        ) or Orderpoint.create(
            {
                "product_id": self.product_id.id,
                "warehouse_id": warehouse.id,
                "location_id": warehouse.lot_stock_id.id,
                "trigger": "manual",
                "product_min_qty": 0.0,
                "product_max_qty": 0.0,
            }
        )
        quantity = max(self.missing_qty, orderpoint.qty_to_order)
        orderpoint.write({"route_id": route.id, "qty_to_order": quantity})
        # (Odoo removes a manual rule once it has ordered what it had to)
        result = orderpoint.action_replenish()
        self.message_post(
            body=self.env._(
                "Replenishment started through %(route)s: %(qty)s %(unit)s ordered.",
                route=route.display_name,
                qty=quantity,
                unit=self.uom_id.name,
            )
        )
        return result
