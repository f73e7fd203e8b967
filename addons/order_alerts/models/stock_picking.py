from odoo import api, fields, models

from ..tools.definitions import OPEN_FULFILMENT, OPEN_STATES


class StockPicking(models.Model):
    _inherit = "stock.picking"

    delivery_exception = fields.Boolean(
        copy=False,
        tracking=True,
        help="Flagged by the warehouse, a carrier or an integration: something "
        "went wrong with this delivery (damaged, lost, refused…).",
    )
    delivery_exception_note = fields.Char(string="Exception", copy=False, tracking=True)
    delivery_exception_date = fields.Datetime(
        string="Exception Since",
        compute="_compute_delivery_exception_date",
        store=True,
        index="btree_not_null",
        copy=False,
        help="When this delivery became an exception (flagged, cancelled or "
        "returned by the customer): the moment its alert clock starts.",
    )

    @api.depends(
        "state",
        "delivery_exception",
        "location_id.usage",
        "picking_type_code",
        "move_ids.change_request_line_id",
    )
    def _compute_delivery_exception_date(self):
        # the time of the fact, from the clock the scan compares with; kept
        # while the delivery stays an exception
        now = fields.Datetime.now()
        for picking in self:
            if picking._alert_is_exception():
                picking.delivery_exception_date = picking.delivery_exception_date or now
            else:
                picking.delivery_exception_date = False

    def _alert_is_exception(self):
        """Flagged, cancelled (a delivery) or returned by the customer, whatever
        the order's state: the facts whose time the exception clock starts at."""
        self.ensure_one()
        if self.delivery_exception and self.state != "cancel":
            return True
        if self.state == "cancel" and self.picking_type_code == "outgoing":
            return True
        return self._alert_is_unrequested_return()

    def _alert_is_unrequested_return(self):
        """Goods came back from the customer without a change request: a
        return applied from a request (退货, 换货) is a recorded, agreed change
        of the order, not an exception."""
        self.ensure_one()
        return (
            self.state == "done"
            and self.location_id.usage == "customer"
            and not (self.move_ids and all(m.change_request_line_id for m in self.move_ids))
        )

    def _alert_exception_reasons(self, labels=False):
        """Why this delivery of a sale order is an exception now (empty: it is not)."""
        if not self:
            return []
        self.ensure_one()
        order = self.sale_id
        reasons = []
        if self.delivery_exception and self.state != "cancel":
            reasons.append(
                ("flagged", self.delivery_exception_note or self.env._("flagged as an exception"))
            )
        if (
            self.state == "cancel"
            and self.picking_type_code == "outgoing"
            and order.state == "sale"
            and order.tracking_fulfilment in OPEN_FULFILMENT
        ):
            reasons.append(("cancelled", self.env._("cancelled before all goods were shipped")))
        if self._alert_is_unrequested_return():
            replaced = order.tracking_fulfilment == "shipped" and order.picking_ids.filtered(
                lambda p: (
                    p.state == "done"
                    and p.picking_type_code == "outgoing"
                    and p.date_done
                    and self.date_done
                    and p.date_done > self.date_done
                )
            )
            if not replaced:
                reasons.append(("returned", self.env._("goods returned by the customer")))
        return [label for _code, label in reasons] if labels else [code for code, _l in reasons]

    def write(self, vals):
        result = super().write(vals)
        if "delivery_exception" in vals or vals.get("state") == "cancel":
            alerts = (
                self.env["order.alert"]
                .sudo()
                .search([("picking_id", "in", self.ids), ("state", "in", OPEN_STATES)])
            )
            alerts._resolve_cleared()
        return result

    def action_flag_delivery_exception(self):
        self.write({"delivery_exception": True})
        return True

    def action_clear_delivery_exception(self):
        self.write({"delivery_exception": False, "delivery_exception_note": False})
        return True
