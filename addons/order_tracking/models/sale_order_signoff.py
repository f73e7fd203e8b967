from odoo import models
from odoo.exceptions import UserError

from ..tools import clock


# One concern of the model per file (Odoo's way: sale_stock, account): see
# docs/architecture.md.
# pylint: disable=consider-merging-classes-inherited
class SaleOrder(models.Model):
    """The customer's sign-off of a fully shipped order (已签收, TRK-6), from the
    back office, the portal or RPC. ``sale.order`` inherits it."""

    _inherit = "sale.order"

    def action_confirm_receipt(self, signed_by=None, note=None):
        """Customer sign-off (已签收) of fully shipped orders."""
        for value, label in ((signed_by, "signed_by"), (note, "note")):
            if value is not None and value is not False and not isinstance(value, str):
                raise UserError(self.env._("%(field)s must be text.", field=label))
        self.check_access("write")
        for order in self:
            if order.signed_at:
                raise UserError(
                    self.env._(
                        "%(order)s was already signed for by %(who)s.",
                        order=order.name,
                        who=order.signed_by or "",
                    )
                )
            if order.tracking_fulfilment != "shipped":
                raise UserError(
                    self.env._(
                        "%(order)s cannot be signed for yet: not all of its goods "
                        "have been delivered.",
                        order=order.name,
                    )
                )
        now = clock.now()
        for order in self:
            order.sudo().write(
                {
                    "signed_at": now,
                    "signed_by": signed_by or order.partner_shipping_id.name,
                    "signed_user_id": self.env.uid,
                    "signed_note": note or False,
                }
            )
            order.message_post(
                body=self.env._(
                    "Receipt confirmed by %(who)s.", who=signed_by or order.partner_shipping_id.name
                ),
                subtype_xmlid="mail.mt_note",
            )
        self._tracking_sync(notes={order.id: note for order in self if note})
        return True
