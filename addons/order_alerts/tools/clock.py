"""The alert clock: working hours on a company calendar, as small pure helpers.

Everything here takes and returns naive UTC datetimes, like the ORM. Without a
calendar the clock is the wall clock. The SLA scan needs two things fast:

* ``threshold(calendar, now, hours)``: the latest moment a clock may have
  started and be ``hours`` working hours old at ``now`` (so "due" is one
  indexed comparison ``start <= threshold``);
* :class:`WorkClock` (order_tracking's ``sla.WorkClock``): the working intervals
  of a window fetched once, to plan many due dates and count working hours
  without one query per order.
"""

from datetime import timedelta

from odoo.addons.order_tracking.tools.sla import WorkClock, aware, naive_utc

__all__ = ["WorkClock", "threshold"]


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
