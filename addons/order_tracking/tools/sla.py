"""The SLA clock: working hours on a company calendar, wall clock without one."""

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
