from datetime import datetime, timedelta

from odoo.tests import tagged

from odoo.addons.order_tracking.tools import sla

from ..tools import clock
from .common import AlertCase


@tagged("post_install", "-at_install")
class TestClock(AlertCase):
    """The scan's fast clock agrees with Odoo's calendar and order_tracking's SLA."""

    def test_threshold_is_the_latest_due_start(self):
        now = datetime(2037, 12, 3, 10, 0)  # Thursday after the holiday
        start = clock.threshold(self.calendar, now, 12)
        # Thu 8-10 (2) + Tue 13-17 (4), 8-12 (4) + Mon 15-17 (2)
        self.assertEqual(start, datetime(2037, 11, 30, 15, 0))
        self.assertAlmostEqual(sla.work_hours(self.calendar, start, now), 12)
        self.assertEqual(sla.deadline(self.calendar, start, 12), now)
        self.assertEqual(clock.threshold(self.calendar, now, 0), now)
        self.assertEqual(clock.threshold(False, now, 12), now - timedelta(hours=12))

    def test_work_clock_matches_the_calendar(self):
        start, end = datetime(2037, 11, 27, 0, 0), datetime(2037, 12, 10, 0, 0)
        work = clock.WorkClock(self.calendar, start, end)
        probes = [
            (datetime(2037, 11, 30, 9, 0), datetime(2037, 12, 4, 9, 0)),
            (datetime(2037, 11, 28, 10, 0), datetime(2037, 12, 2, 15, 0)),  # weekend to holiday
            (datetime(2037, 12, 1, 12, 30), datetime(2037, 12, 1, 13, 30)),  # over lunch
        ]
        for a, b in probes:
            self.assertAlmostEqual(work.hours(a, b), sla.work_hours(self.calendar, a, b), places=6)
        for a, hours in ((datetime(2037, 11, 30, 9, 0), 24), (datetime(2037, 12, 1, 16, 0), 3.5)):
            self.assertEqual(work.plan(a, hours), sla.deadline(self.calendar, a, hours))
        self.assertIsNone(work.plan(datetime(2037, 12, 8, 9, 0), 100), "past the window")
        wall = clock.WorkClock(False, start, end)
        self.assertEqual(wall.hours(start, start + timedelta(hours=30)), 30)
        self.assertEqual(wall.plan(start, 5), start + timedelta(hours=5))

    def test_company_without_calendar_runs_on_the_wall_clock(self):
        self.company.resource_calendar_id = False
        rule = self.make_rule(name="Wall clock", stage_id=self.to_ship.id, hours=30)
        order = self.confirmed_order("2037-12-04 09:00:00")  # Friday
        self.assertEqual(self.scan(rule, "2037-12-05 14:55:00"), 0)
        self.assertEqual(self.scan(rule, "2037-12-05 15:05:00"), 1)  # Saturday
        self.assertEqual(self.alerts(rule, order).due_at, datetime(2037, 12, 5, 15, 0))
