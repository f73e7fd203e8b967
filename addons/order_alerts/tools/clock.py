"""The alert clock: working hours on a company calendar, as small pure helpers.

Everything here takes and returns naive UTC datetimes, like the ORM. Without a
calendar the clock is the wall clock. The SLA scan needs two things fast:

* ``threshold(calendar, now, hours)``: the latest moment a clock may have
  started and be ``hours`` working hours old at ``now`` (so "due" is one
  indexed comparison ``start <= threshold``);
* :class:`WorkClock`: the working intervals of a window fetched once, to plan
  many due dates and count working hours without one query per order.
"""

import bisect
from datetime import timedelta

from odoo.addons.order_tracking.tools.sla import aware, naive_utc


def threshold(calendar, now, hours):
    """Latest start whose clock has run ``hours`` working hours at ``now``."""
    if not hours or hours <= 0:
        return now
    if not calendar:
        return now - timedelta(hours=hours)
    planned = calendar.plan_hours(-hours, aware(now), compute_leaves=True)
    if not planned:  # a calendar without working time for years
        return now - timedelta(hours=hours)
    return naive_utc(planned)


class WorkClock:
    """Working intervals of ``calendar`` between ``start`` and ``end``."""

    def __init__(self, calendar, start, end):
        self.calendar = calendar
        self.start = start
        self.end = end
        self.intervals = []
        if calendar:
            found = calendar._work_intervals_batch(aware(start), aware(end))[False]
            self.intervals = [(naive_utc(a), naive_utc(b)) for a, b, _meta in found if b > a]
        # cumulative working hours at the start of each interval
        self._starts = [a for a, _b in self.intervals]
        self._cumul = []
        total = 0.0
        for a, b in self.intervals:
            self._cumul.append(total)
            total += (b - a).total_seconds() / 3600.0
        self._total = total

    def covers(self, start, end=None):
        return self.start <= start and (end is None or end <= self.end)

    def _elapsed(self, moment):
        """Working hours from the window start to ``moment``."""
        index = bisect.bisect_right(self._starts, moment) - 1
        if index < 0:
            return 0.0
        a, b = self.intervals[index]
        inside = (min(moment, b) - a).total_seconds() / 3600.0
        return self._cumul[index] + max(inside, 0.0)

    def hours(self, start, end):
        """Working hours between ``start`` and ``end`` (0 when end <= start)."""
        if not start or not end or end <= start:
            return 0.0
        if not self.calendar:
            return (end - start).total_seconds() / 3600.0
        return self._elapsed(end) - self._elapsed(start)

    def plan(self, start, hours):
        """The moment ``hours`` working hours after ``start``; None past the window."""
        if not self.calendar:
            return start + timedelta(hours=hours)
        if hours <= 0:
            return start
        target = self._elapsed(start) + hours
        index = bisect.bisect_left(self._cumul, target) - 1
        # the interval where the cumulative count reaches the target
        for i in range(max(index, 0), len(self.intervals)):
            a, b = self.intervals[i]
            span = (b - a).total_seconds() / 3600.0
            if self._cumul[i] + span >= target - 1e-9:
                return a + timedelta(hours=max(target - self._cumul[i], 0.0))
        return None
