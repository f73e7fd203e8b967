from odoo import api, models


class ResourceCalendarLeaves(models.Model):
    """A public holiday (a leave of no resource) added, moved or removed: the
    cached working intervals of the SLA clocks (resource_calendar.py) are
    stale in every worker. Leaves of one resource (an employee's time off)
    do not count on the company's clock and leave the cache alone."""

    _inherit = "resource.calendar.leaves"

    def _tracking_clear_clock_cache(self):
        if any(not leave.resource_id for leave in self):
            self.env.registry.clear_cache()

    @api.model_create_multi
    def create(self, vals_list):
        leaves = super().create(vals_list)
        leaves._tracking_clear_clock_cache()
        return leaves

    def write(self, vals):
        global_before = any(not leave.resource_id for leave in self)
        result = super().write(vals)
        if global_before:
            self.env.registry.clear_cache()
        else:
            self._tracking_clear_clock_cache()
        return result

    def unlink(self):
        self._tracking_clear_clock_cache()
        return super().unlink()
