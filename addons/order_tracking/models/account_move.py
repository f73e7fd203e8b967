from odoo import models


class AccountMove(models.Model):
    _inherit = "account.move"

    def _post(self, soft=True):
        """A manual checkpoint that holds invoicing refuses to post the
        customer invoices of its orders until it is passed."""
        if "invoice" in self.env["order.tracking.stage"]._holding_facts():
            # a system check: the user posting may not read the orders themselves
            invoices = self.filtered(lambda m: m.move_type == "out_invoice").sudo()
            orders = invoices.line_ids.sale_line_ids.order_id
            orders.filtered(lambda o: o.state != "cancel")._tracking_check_fact_allowed("invoice")
        return super()._post(soft=soft)

    def _compute_payment_state(self):
        """Tell the orders of customer invoices whose payment state was
        recomputed: their payment axis follows (a call, not a dependency of
        sale.order on the journal items: see
        sale.order._compute_tracking_payment)."""
        result = super()._compute_payment_state()
        invoices = self.sudo().filtered(lambda m: m.move_type in ("out_invoice", "out_refund"))
        orders = invoices.line_ids.sale_line_ids.order_id
        if orders:
            orders._tracking_payment_changed()
        return result
