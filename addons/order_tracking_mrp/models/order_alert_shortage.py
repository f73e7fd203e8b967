from odoo import models


class OrderAlertShortage(models.Model):
    """A shortage to-do starts the manufacturing of what is missing in one
    click (SPEC PRD-2), through Odoo's replenishment and the warehouse's
    Manufacture route."""

    _inherit = "order.alert.shortage"

    def action_create_production(self):
        self.ensure_one()
        warehouse = self.warehouse_id or self.env["stock.warehouse"].search(
            [("company_id", "=", self.company_id.id)], limit=1
        )
        return self._replenish(warehouse.manufacture_pull_id.route_id)
