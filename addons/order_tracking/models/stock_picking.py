from odoo import models


class StockPicking(models.Model):
    _inherit = "stock.picking"

    def action_assign(self):
        """A manual "Check availability" is a reservation attempt: a shortage
        that remains afterwards moves the order to Waiting for Stock."""
        orders = self.sale_id.filtered(lambda o: not o.tracking_reservation_tried)
        if orders:
            orders.sudo().write({"tracking_reservation_tried": True})
        return super().action_assign()

    def _action_done(self):
        """A manual checkpoint that holds deliveries (quality inspection before
        shipping) refuses the validation of the order's delivery to the
        customer until it is passed. Internal steps (pick, pack) and returns
        are never held."""
        if "delivery" in self.env["order.tracking.stage"]._holding_facts():
            # a system check: the user validating may not read the order itself
            self.filtered(
                lambda p: p.sale_id and p.location_dest_id.usage == "customer"
            ).sale_id.sudo()._tracking_check_fact_allowed("delivery")
        result = super()._action_done()
        self._tracking_record_returns()
        return result

    def _tracking_returns_received(self):
        """Returns from the customer among these done pickings, made with
        Odoo's return wizard (a change request records its own event)."""
        return self.filtered(
            lambda p: (
                p.state == "done"
                and p.sale_id
                and p.location_id.usage == "customer"
                and p.move_ids.origin_returned_move_id
                and not p.move_ids.change_request_line_id
            )
        )

    def _tracking_record_returns(self):
        """Every return received is in its order's history (TRK-4): the event
        of the node it moved the order to (Returned, when every delivered good
        came back), or else one that leaves the order in its node, with the
        return as its source."""
        returns = self._tracking_returns_received()
        if not returns:
            return
        orders = returns.sale_id.sudo()
        orders._tracking_sync()
        # the node changes this flush recorded name their return as source
        recorded = {
            (event.source_model, event.source_id) for event in orders.tracking_last_event_id
        }
        Event = self.env["order.tracking.event"].sudo()
        for picking in returns:
            if (picking._name, picking.id) not in recorded:
                source = (picking._name, picking.id, picking.name)
                Event._record_in_node(picking.sale_id.sudo(), False, source)
