from odoo import models


class ResourceCalendarAttendance(models.Model):
    """Working hours changed: the cached working intervals of the SLA clocks
    (resource_calendar.py) are stale in every worker."""

    _name = "resource.calendar.attendance"
    _inherit = ["resource.calendar.attendance", "order.tracking.cached.config"]
