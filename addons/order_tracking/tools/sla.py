"""The SLA clock: working hours on a company calendar, wall clock without one."""

import bisect
from datetime import timedelta

import pytz


def aware(value):
    """A naive UTC datetime made timezone-aware (aware ones unchanged)."""
    return value if value.tzinfo else pytz.utc.localize(value)


def naive_utc(value):
    """An aware datetime as naive UTC, the ORM's convention."""
    return value.astimezone(pytz.utc).replace(tzinfo=None) if value.tzinfo else value


def wall_hours(start, end):
    """Hours between two datetimes (0 when either is missing or end < start)."""
    if not start or not end or end <= start:
        return 0.0
    return (end - start).total_seconds() / 3600.0


def work_hours(calendar, start, end):
    """Working hours between ``start`` and ``end`` on ``calendar`` (leaves and
    public holidays excluded); wall-clock hours when there is no calendar."""
    if not start or not end or end <= start:
        return 0.0
    if not calendar:
        return wall_hours(start, end)
    return calendar.get_work_hours_count(aware(start), aware(end), compute_leaves=True)


def deadline(calendar, start, hours):
    """The naive UTC datetime ``hours`` working hours after ``start``.

    ``False`` when ``hours`` is 0 (no SLA)."""
    if not hours or hours <= 0 or not start:
        return False
    if not calendar:
        return start + timedelta(hours=hours)
    planned = calendar.plan_hours(hours, aware(start), compute_leaves=True)
    if not planned:  # calendar without any working time in the next years
        return start + timedelta(hours=hours)
    return naive_utc(planned)


def work_hours_until(calendar, starts, end):
    """``work_hours(calendar, start, end)`` for each of ``starts``, the calendar
    read once for all of them (no query per start)."""
    valid = [start for start in starts if start and end and start < end]
    if not valid:
        return [0.0 for _start in starts]
    work = WorkClock(calendar, min(valid), end)
    return [work.hours(start, end) for start in starts]


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
