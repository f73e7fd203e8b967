import bisect
from datetime import datetime, timedelta

from pytz import utc

from odoo import models, tools

from odoo.addons.resource.models.utils import Intervals

# working intervals are cached by window: a start in a 13-week bucket is
# served from [bucket start - 8 days, bucket start + 13 weeks + 200 days]
_BUCKET_DAYS = 91
_BEFORE = timedelta(days=8)
_AFTER = timedelta(days=_BUCKET_DAYS + 200)
_EPOCH = datetime(2000, 1, 3, tzinfo=utc)  # a Monday
# the value of ``tracking_calendar_cache`` that switches the cache on: an
# object of this process, which no RPC caller can send (a forged True is ignored)
CACHE_ON = object()


class ResourceCalendar(models.Model):
    """A worker-level cache of the calendar's working intervals for the SLA
    clocks: every node change counts working hours and plans a deadline, and
    Odoo reads the attendances and public holidays of the calendar (two
    queries) for each. With ``tracking_calendar_cache`` set to ``CACHE_ON`` in
    the context (the calendar ``_tracking_cached()`` returns has it),
    ``_work_intervals_batch`` of the company-wide time (no resource, no
    domain) comes from memory once the window has been read; a change of
    the calendar, its attendances or its global leaves clears the cache in
    every worker (Odoo's registry signalling)."""

    _name = "resource.calendar"
    _inherit = ["resource.calendar", "order.tracking.cached.config"]

    def _work_intervals_batch(
        self, start_dt, end_dt, resources=None, domain=None, tz=None, compute_leaves=True
    ):
        if (
            self.env.context.get("tracking_calendar_cache") is CACHE_ON
            and len(self) == 1
            and not resources
            and domain is None
            and tz is None
            and compute_leaves
            and not self.env.context.get("employee_timezone")
            and start_dt.tzinfo
            and end_dt.tzinfo
        ):
            window_start, window_end = self._tracking_cache_window(start_dt)
            if window_start <= start_dt and end_dt <= window_end:
                found = self._tracking_cached_intervals(window_start, window_end)
                return {False: self._tracking_clip(found, start_dt, end_dt)}
        return super()._work_intervals_batch(
            start_dt,
            end_dt,
            resources=resources,
            domain=domain,
            tz=tz,
            compute_leaves=compute_leaves,
        )

    def _tracking_cached(self):
        """This calendar, its company-wide working intervals served from the
        worker's cache (what SLA clocks of other add-ons should use)."""
        return self.with_context(tracking_calendar_cache=CACHE_ON)

    def _tracking_cache_window(self, start_dt):
        bucket = (start_dt - _EPOCH).days // _BUCKET_DAYS
        start = _EPOCH + timedelta(days=bucket * _BUCKET_DAYS)
        return start - _BEFORE, start + _AFTER

    @tools.ormcache("self.id", "window_start", "window_end")
    def _tracking_cached_intervals(self, window_start, window_end):
        """The working intervals of the window as ((start, stop), ...), aware."""
        found = self.with_context(tracking_calendar_cache=False)._work_intervals_batch(
            window_start, window_end
        )[False]
        return tuple((start, stop) for start, stop, _meta in found if stop > start)

    def _tracking_clip(self, found, start_dt, end_dt):
        stops = [stop for _start, stop in found]
        empty = self.env["resource.calendar.attendance"]
        clipped = []
        for start, stop in found[bisect.bisect_right(stops, start_dt) :]:
            if start >= end_dt:
                break
            clipped.append((max(start, start_dt), min(stop, end_dt), empty))
        return Intervals(clipped)
