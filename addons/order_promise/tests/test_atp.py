from datetime import date, timedelta

from odoo.tests import BaseCase

from ..tools import atp

MONDAY = date(2037, 3, 2)


def day(offset):
    return MONDAY + timedelta(days=offset)


class TestAvailableToPromise(BaseCase):
    """Hand-built timelines, dates worked out by hand."""

    def test_balances_count_the_past_today(self):
        points = atp.balances(10, [(day(-3), -4), (day(2), 5), (day(2), -1)], MONDAY)
        self.assertEqual(points, [(day(0), 6), (day(2), 10)])

    def test_a_later_reservation_is_not_promised_twice(self):
        # 10 on hand, 8 promised to an order shipping on Friday
        movements = [(day(4), -8)]
        # Odoo's check on Monday sees 10; only 2 are free without taking Friday's
        result = atp.promise(10, movements, 5, MONDAY)
        self.assertEqual(result, {"pieces": [(2, day(0))], "short": 3.0})

    def test_a_receipt_makes_the_date_and_the_split(self):
        movements = [(day(4), -8), (day(9), 20)]
        self.assertEqual(
            atp.promise(10, movements, 5, MONDAY),
            {"pieces": [(2, day(0)), (3, day(9))], "short": 0.0},
        )
        self.assertEqual(
            atp.promise(10, movements, 2, MONDAY), {"pieces": [(2, day(0))], "short": 0.0}
        )

    def test_a_dip_after_a_receipt_holds_the_date_back(self):
        # a receipt on Wednesday, but Thursday's delivery takes it back until the next one
        movements = [(day(2), 10), (day(3), -9), (day(7), 6)]
        result = atp.promise(0, movements, 5, MONDAY)
        # balances: Mon 0, Wed 10, Thu 1, next Mon 7: 5 are free for good from next Monday
        self.assertEqual(result, {"pieces": [(5, day(7))], "short": 0.0})

    def test_never_enough_gives_what_it_can_and_when(self):
        movements = [(day(4), -8), (day(9), 20)]
        self.assertEqual(
            atp.promise(10, movements, 30, MONDAY),
            {"pieces": [(2, day(0)), (20, day(9))], "short": 8.0},
        )
        self.assertEqual(atp.promise(0, [], 3, MONDAY), {"pieces": [], "short": 3.0})

    def test_the_next_line_sees_it_taken(self):
        movements = [(day(9), 4)]
        first = atp.promise(5, movements, 5, MONDAY)
        self.assertEqual(first["pieces"], [(5, day(0))])
        movements = atp.consume(movements, 5, day(0))
        second = atp.promise(5, movements, 3, MONDAY)
        self.assertEqual(second, {"pieces": [(3, day(9))], "short": 0.0})


class TestOvercommitted(BaseCase):
    def test_more_promised_than_will_ever_come(self):
        # 5 on hand, 8 promised on day 2, 2 coming on day 4: never free
        result = atp.promise(5, [(day(2), -8), (day(4), 2)], 3, MONDAY)
        self.assertEqual(result, {"pieces": [], "short": 3.0})
        self.assertEqual(atp.free_today(5, [(day(2), -8), (day(4), 2)], MONDAY), 0.0)


class TestAllocate(BaseCase):
    """Supply given in priority: the first demand takes the earliest goods."""

    def test_in_priority(self):
        # 5 on hand, 10 coming on day 3, 4 taken by an outside demand on day 5
        movements = [(day(3), 10.0), (day(5), -4.0)]
        given = atp.allocate(5.0, movements, [("urgent", 4), ("normal", 4), ("late", 6)], MONDAY)
        self.assertEqual(given["urgent"], (day(0), 0.0))
        # 1 left today: the second waits for the receipt
        self.assertEqual(given["normal"][0], day(3))
        # 15 - 4 outside - 8 = 3 ever free: the last gets 3 on day 3, 3 short
        self.assertEqual(given["late"], (day(3), 3.0))

    def test_nothing_left(self):
        given = atp.allocate(2.0, [], [("first", 2), ("second", 1)], MONDAY)
        self.assertEqual(given["second"], (None, 1))
