from odoo import models


# A separate file on purpose (UI and chatter concerns, kept out of the engine).
# pylint: disable=consider-merging-classes-inherited
class SaleOrder(models.Model):
    _inherit = "sale.order"

    def _tracking_quiet_initial_fields(self):
        # "None → Not Required" when the add-on computes every existing order
        # at installation is no news; every later change of the approval is.
        return super()._tracking_quiet_initial_fields() | {"approval_state"}
