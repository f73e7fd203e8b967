from odoo import api, models


class OrderTrackingCachedConfig(models.AbstractModel):
    """Configuration records that workers cache (ormcache): creating, changing
    or deleting one clears Odoo's caches, in every worker through the
    registry's signalling, and again if the transaction rolls back.

    Inherit it next to the model: ``_inherit = ["resource.calendar.attendance",
    "order.tracking.cached.config"]``."""

    _name = "order.tracking.cached.config"
    _description = "Configuration Cached by Workers"

    @api.model_create_multi
    def create(self, vals_list):
        records = super().create(vals_list)
        self.env.registry.clear_cache()
        return records

    def write(self, vals):
        result = super().write(vals)
        self.env.registry.clear_cache()
        return result

    def unlink(self):
        result = super().unlink()
        self.env.registry.clear_cache()
        return result
