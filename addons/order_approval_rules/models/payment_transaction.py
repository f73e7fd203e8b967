from odoo import models

from .sale_order import OrderIds


class PaymentTransaction(models.Model):
    _inherit = "payment.transaction"

    def _check_amount_and_confirm_order(self):
        """Online payment: an order still needing approval is parked (paid,
        accepted, awaiting approval) instead of confirmed; it confirms by
        itself when approved."""
        parked = self.env["sale.order"]
        for tx in self:
            if len(tx.sale_order_ids) != 1:
                continue
            quotation = tx.sale_order_ids.filtered(lambda so: so.state in ("draft", "sent"))
            if quotation and quotation._is_confirmation_amount_reached():
                parked |= quotation._approval_park()
        confirmed = super(
            PaymentTransaction, self.with_context(approval_skip_ids=OrderIds(parked.ids))
        )._check_amount_and_confirm_order()
        return confirmed - parked
