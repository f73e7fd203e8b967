from collections import defaultdict

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import float_compare, float_is_zero, float_round

from .order_tracking_input_guard import check_input

# types whose lines name an existing order line
SALE_LINE_TYPES = ("return", "replenish", "exchange", "cancel_line")
# types that move goods of the line (goods only, not services)
GOODS_TYPES = ("return", "replenish", "exchange")


class OrderChangeRequestLine(models.Model):
    """Which goods and how many, in the unit of the order line (or of the
    product for a new line)."""

    _name = "order.change.request.line"
    _inherit = ["order.tracking.order.fact"]
    _description = "Order Change Request Line"
    _order = "request_id, id"
    _check_company_auto = True

    request_id = fields.Many2one(
        "order.change.request", required=True, index=True, ondelete="cascade"
    )
    company_id = fields.Many2one(
        related="request_id.company_id", store=True, index=True, precompute=True
    )
    order_id = fields.Many2one(related="request_id.order_id", string="Order")
    change_type = fields.Selection(related="request_id.change_type")
    sale_line_id = fields.Many2one(
        "sale.order.line",
        string="Order Line",
        index="btree_not_null",
        ondelete="cascade",
        check_company=True,
        domain="[('order_id', '=', order_id), ('display_type', '=', False)]",
    )
    product_id = fields.Many2one(
        "product.product",
        compute="_compute_product_id",
        store=True,
        readonly=False,
        precompute=True,
        check_company=True,
        help="The goods of the order line; for an exchange, the goods sent in "
        "their place (the same product unless another is given); for an addition "
        "without an order line, the product of the new line.",
    )
    quantity = fields.Float(digits="Product Unit of Measure", required=True, default=1.0)
    product_uom_id = fields.Many2one(
        "uom.uom", string="Unit", compute="_compute_product_uom_id", store=True, precompute=True
    )
    qty_ordered = fields.Float(related="sale_line_id.product_uom_qty", string="Ordered")
    qty_delivered = fields.Float(related="sale_line_id.qty_delivered", string="Delivered")
    move_ids = fields.One2many(
        "stock.move", "change_request_line_id", string="Stock Moves", readonly=True
    )

    @api.depends("sale_line_id")
    def _compute_product_id(self):
        for line in self:
            if line.sale_line_id and (
                not line.product_id or line.request_id.change_type != "exchange"
            ):
                line.product_id = line.sale_line_id.product_id

    @api.depends("sale_line_id", "product_id")
    def _compute_product_uom_id(self):
        for line in self:
            line.product_uom_id = line.sale_line_id.product_uom or line.product_id.uom_id

    @api.constrains("quantity", "sale_line_id", "product_id", "request_id")
    def _check_line(self):
        for line in self:
            kind = line.request_id.change_type
            sale_line = line.sale_line_id
            if float_compare(line.quantity, 0.0, precision_digits=6) <= 0:
                raise ValidationError(
                    self.env._(
                        "Quantities must be positive: %(product)s has %(quantity)s.",
                        product=line.product_id.display_name or "",
                        quantity=line.quantity,
                    )
                )
            if sale_line and sale_line.order_id != line.request_id.order_id:
                raise ValidationError(
                    self.env._(
                        "%(line)s is a line of %(other)s, not of %(order)s.",
                        line=sale_line.display_name,
                        other=sale_line.order_id.name,
                        order=line.request_id.order_id.name,
                    )
                )
            if sale_line and (sale_line.display_type or sale_line.is_downpayment):
                raise ValidationError(
                    self.env._(
                        "“%(line)s” is not a line of goods or services.", line=sale_line.name
                    )
                )
            if kind in SALE_LINE_TYPES and not sale_line:
                raise ValidationError(
                    self.env._(
                        "Which line of %(order)s? Give the order line (sale_line_id) of "
                        "%(product)s.",
                        order=line.request_id.order_id.name,
                        product=line.product_id.display_name or "",
                    )
                )
            if not line.product_id:
                raise ValidationError(self.env._("Give the product or the order line."))
            if kind in GOODS_TYPES and sale_line.product_id.type != "consu":
                raise ValidationError(
                    self.env._(
                        "%(product)s is a service: only goods are returned or shipped again.",
                        product=sale_line.product_id.display_name,
                    )
                )
            if kind in ("return", "replenish", "cancel_line", "add") and sale_line:
                if line.product_id != sale_line.product_id:
                    raise ValidationError(
                        self.env._(
                            "The order line is for %(line_product)s, not %(product)s.",
                            line_product=sale_line.product_id.display_name,
                            product=line.product_id.display_name,
                        )
                    )
            if kind == "exchange" and line.product_id.type != "consu":
                raise ValidationError(
                    self.env._(
                        "%(product)s is a service: goods are exchanged for goods.",
                        product=line.product_id.display_name,
                    )
                )

    @api.model_create_multi
    def create(self, vals_list):
        check_input(self, vals_list)
        for vals in vals_list:
            self._resolve_sale_line(vals)
        self._check_request_open(
            self.env["order.change.request"].browse(
                [vals["request_id"] for vals in vals_list if vals.get("request_id")]
            )
        )
        return super().create(vals_list)

    @api.model
    def _resolve_sale_line(self, vals):
        """A line given by its product only: the order's one line of that product."""
        if vals.get("sale_line_id") or not vals.get("product_id") or not vals.get("request_id"):
            return
        request = self.env["order.change.request"].browse(vals["request_id"])
        if request.change_type not in SALE_LINE_TYPES:
            return
        candidates = request.order_id.order_line.filtered(
            lambda sol: sol.product_id.id == vals["product_id"] and not sol.display_type
        )
        if len(candidates) == 1:
            vals["sale_line_id"] = candidates.id

    def write(self, vals):
        check_input(self, [vals])
        self._check_request_open(self.request_id)
        if vals.get("request_id"):
            self._check_request_open(self.request_id.browse(vals["request_id"]))
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_applied(self):
        self._check_request_open(self.request_id)

    @api.model
    def _check_request_open(self, requests):
        closed = requests.filtered(lambda r: r.state != "draft")
        if closed:
            raise UserError(
                self.env._(
                    "%(name)s is no longer a draft: its lines cannot change.",
                    name=closed[0].name,
                )
            )

    # ------------------------------------------------------------------
    # Guard rails against the current state of the order
    # ------------------------------------------------------------------

    def _qty_text(self, quantity):
        return f"{float_round(quantity, precision_rounding=self.product_uom_id.rounding):g}"

    def _exceeds(self, limit):
        return (
            float_compare(self.quantity, limit, precision_rounding=self.product_uom_id.rounding) > 0
        )

    def _check_applicable(self):
        for line in self:
            kind = line.request_id.change_type
            getattr(line, f"_check_applicable_{kind}")()

    def _check_saleable(self, product):
        if not product.active or not product.sale_ok:
            raise UserError(
                self.env._(
                    "%(product)s cannot be sold (archived or not for sale).",
                    product=product.display_name,
                )
            )
        if product.company_id and product.company_id != self.request_id.company_id:
            raise UserError(
                self.env._("%(product)s belongs to another company.", product=product.display_name)
            )

    def _check_applicable_add(self):
        self._check_saleable(self.product_id)

    def _check_applicable_return(self):
        returnable = self._returnable_qty()
        if self._exceeds(returnable):
            raise UserError(
                self.env._(
                    "Only %(returnable)s %(unit)s of %(product)s can come back: %(delivered)s "
                    "delivered, the rest already returned or on its way back. Asked: "
                    "%(quantity)s.",
                    returnable=self._qty_text(returnable),
                    unit=self.product_uom_id.name,
                    product=self.sale_line_id.product_id.display_name,
                    delivered=self._qty_text(self.sale_line_id.qty_delivered),
                    quantity=self._qty_text(self.quantity),
                )
            )

    def _check_applicable_exchange(self):
        self._check_applicable_return()
        self._check_saleable(self.product_id)

    def _check_applicable_replenish(self):
        delivered = self.sale_line_id.qty_delivered
        if self._exceeds(delivered):
            raise UserError(
                self.env._(
                    "Only goods that were delivered are shipped again: %(delivered)s %(unit)s "
                    "of %(product)s, asked %(quantity)s.",
                    delivered=self._qty_text(delivered),
                    unit=self.product_uom_id.name,
                    product=self.sale_line_id.product_id.display_name,
                    quantity=self._qty_text(self.quantity),
                )
            )

    def _check_applicable_cancel_line(self):
        sale_line = self.sale_line_id
        open_qty = sale_line.product_uom_qty - sale_line.qty_delivered
        if self._exceeds(open_qty):
            raise UserError(
                self.env._(
                    "Only what is not delivered yet can be cancelled: %(open)s %(unit)s of "
                    "%(product)s, asked %(quantity)s. Return delivered goods instead.",
                    open=self._qty_text(max(open_qty, 0.0)),
                    unit=self.product_uom_id.name,
                    product=sale_line.product_id.display_name,
                    quantity=self._qty_text(self.quantity),
                )
            )

    # ------------------------------------------------------------------
    # Returns: Odoo's return wizard on the delivered moves
    # ------------------------------------------------------------------

    def _delivered_moves(self):
        """Done moves that took the line's goods to the customer, newest first."""
        outgoing = self.sale_line_id._get_outgoing_incoming_moves()[0]
        return outgoing.filtered(lambda m: m.state == "done").sorted(
            lambda m: (m.date, m.id), reverse=True
        )

    @staticmethod
    def _move_returnable(move):
        """What of a done move has not come back (or is not on its way back),
        in the product's unit."""
        back = 0.0
        for returned in move.returned_move_ids.filtered(lambda m: m.state != "cancel"):
            qty = returned.quantity if returned.state == "done" else returned.product_uom_qty
            back += returned.product_uom._compute_quantity(qty, move.product_id.uom_id)
        done = move.product_uom._compute_quantity(move.quantity, move.product_id.uom_id)
        return max(done - back, 0.0)

    def _returnable_qty(self):
        """In the line's unit."""
        product_uom = self.sale_line_id.product_id.uom_id
        total = sum(self._move_returnable(m) for m in self._delivered_moves())
        return product_uom._compute_quantity(total, self.product_uom_id)

    def _return_allocation(self):
        """[(move, quantity in the product's unit)], newest deliveries first."""
        product_uom = self.sale_line_id.product_id.uom_id
        left = self.product_uom_id._compute_quantity(self.quantity, product_uom)
        allocation = []
        for move in self._delivered_moves():
            if float_is_zero(left, precision_rounding=product_uom.rounding):
                break
            take = min(left, self._move_returnable(move))
            if not float_is_zero(take, precision_rounding=product_uom.rounding):
                allocation.append((move, take))
                left -= take
        return allocation

    def _create_returns(self, to_refund):
        """One return per delivery, through Odoo's return wizard."""
        by_picking = defaultdict(dict)
        for line in self:
            for move, quantity in line._return_allocation():
                by_picking[move.picking_id][move] = (quantity, line)
        Picking = self.env["stock.picking"]
        returns = Picking
        for picking, moves in by_picking.items():
            wizard = (
                self.env["stock.return.picking"]
                .with_context(
                    active_id=picking.id, active_ids=picking.ids, active_model="stock.picking"
                )
                .create({"picking_id": picking.id})
            )
            for wizard_line in wizard.product_return_moves:
                if wizard_line.move_id in moves:
                    wizard_line.write(
                        {"quantity": moves[wizard_line.move_id][0], "to_refund": to_refund}
                    )
            new = Picking.browse(wizard.action_create_returns()["res_id"])
            for move in new.move_ids:
                if move.origin_returned_move_id in moves:
                    move.change_request_line_id = moves[move.origin_returned_move_id][1]
            returns |= new
        return returns

    def _reduces_ordered_qty(self):
        """Whether goods received back on this line lower the ordered quantity:
        a refunded return, or an exchange for another product."""
        self.ensure_one()
        request = self.request_id
        if request.change_type == "return":
            return request.to_refund
        return request.change_type == "exchange" and self.product_id != self.sale_line_id.product_id

    # ------------------------------------------------------------------
    # Additions, cancellations, new deliveries
    # ------------------------------------------------------------------

    @staticmethod
    def _changed_pickings(sale_lines, before):
        """Pickings whose moves of ``sale_lines`` are new or changed quantity
        since ``before`` ({move id: quantity})."""
        moves = sale_lines.move_ids.filtered(
            lambda m: m.state != "cancel" and before.get(m.id) != m.product_uom_qty
        )
        return moves.picking_id

    def _apply_add(self):
        """More of an order line, or a new line (sale_stock procures the goods)."""
        order = self.request_id.order_id
        before = {m.id: m.product_uom_qty for m in order.order_line.move_ids}
        SaleLine = self.env["sale.order.line"]
        new_lines = SaleLine
        sequence = max(order.order_line.mapped("sequence"), default=10)
        for line in self:
            if line.sale_line_id and line.request_id.change_type == "add":
                line.sale_line_id.write(
                    {"product_uom_qty": line.sale_line_id.product_uom_qty + line.quantity}
                )
                continue
            sequence += 1
            new_lines |= SaleLine.create(
                {
                    "order_id": order.id,
                    "product_id": line.product_id.id,
                    "product_uom_qty": line.quantity,
                    "product_uom": line.product_uom_id.id,
                    "sequence": sequence,
                }
            )
        return self._changed_pickings(order.order_line, before)

    def _apply_cancel(self):
        """Lower the ordered quantity; sale_stock lowers or cancels the open moves."""
        pickings = self.sale_line_id.move_ids.filtered(
            lambda m: m.state not in ("done", "cancel")
        ).picking_id
        for line in self:
            line.sale_line_id.write(
                {"product_uom_qty": line.sale_line_id.product_uom_qty - line.quantity}
            )
        return pickings

    def _reserve_new_goods(self, pickings):
        """New goods are reserved the way the order's goods were: by the
        company's policy (TRK-8), or because the warehouse had already
        reserved the delivery they join. A delivery nobody reserved yet is
        left to the warehouse."""
        order = self.request_id.order_id
        if order.company_id.tracking_reservation_policy == "confirm":
            order._tracking_reserve()
            return
        waiting = pickings.move_ids.filtered(
            lambda m: (
                m.state in ("confirmed", "partially_available")
                and m.location_id.usage != "customer"
                and order._tracking_reservation_attempted(m)
            )
        )
        if waiting:
            waiting.picking_id.action_assign()

    def _procurement_group(self):
        """A procurement group of the order for this request's deliveries, so
        that they make their own transfers, linked to the order."""
        request = self.request_id
        order = request.order_id
        return self.env["procurement.group"].create(
            {
                "name": f"{order.name} {request.name}",
                "move_type": order.picking_policy,
                "sale_id": order.id,
                "partner_id": order.partner_shipping_id.id,
            }
        )

    def _is_free_delivery(self):
        """Goods re-shipped for free (补单): no sale, see sale.order.line."""
        return self.request_id.change_type == "replenish"

    def _ship_again(self):
        """Deliver the lines' goods once more through the order's routes, in a
        transfer of their own. For an exchange of the same product the
        refunded return and this delivery cancel out on the order line; a
        re-shipment is not counted as delivered at all."""
        if not self:
            return self.env["stock.picking"]
        group = self._procurement_group()
        procurements = []
        now = fields.Datetime.now()
        for line in self:
            sale_line = line.sale_line_id
            order = sale_line.order_id
            values = sale_line._prepare_procurement_values(group_id=group)
            values.update(
                {
                    "date_planned": now,
                    "date_deadline": False,
                    "change_request_line_id": line.id,
                }
            )
            quantity, uom = sale_line.product_uom._adjust_uom_quantities(
                line.quantity, line.product_id.uom_id
            )
            procurements.append(
                self.env["procurement.group"].Procurement(
                    line.product_id,
                    quantity,
                    uom,
                    order.partner_shipping_id.property_stock_customer,
                    line.product_id.display_name,
                    f"{order.name} - {line.request_id.name}",
                    order.company_id,
                    values,
                )
            )
        self.env["procurement.group"].run(procurements)
        return group.stock_move_ids.picking_id
