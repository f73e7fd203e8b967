from datetime import timedelta

from odoo import fields
from odoo.tests import tagged

from .common import KpiCase


@tagged("post_install", "-at_install")
class TestGrouping(KpiCase):
    """Ratios stay right in a pivot's group rows, not only in its total::

        team   month  orders (amount)         delivered: on time / due
        East   M1     3 x 400                  2 / 3
        East   M2     1 x 400                  0 / 1
        South  M1     1 x 1000                 1 / 1
        South  M2     1 x 400 (promise ahead)  - / 0

    East over both months is 2 / 4 = 0.5 (the mean of its monthly rates
    would say 1/3); M1 over both teams 3 / 4; everything 3 / 5.
    """

    def setUp(self):
        super().setUp()

        def delivered(base, team, late, quantity=4):
            promise = self.day(base, 5, 10)
            order = self.order(
                self.day(base, 2), promise=promise, team=team, lines=[(self.product, quantity)]
            )
            self.ship(order, self.day(base, 7 if late else 4))
            return order

        delivered(self.M1, self.team_east, late=False)
        delivered(self.M1, self.team_east, late=False)
        delivered(self.M1, self.team_east, late=True)
        delivered(self.M2, self.team_east, late=True)
        delivered(self.M1, self.team_south, late=False, quantity=10)
        self.order(
            self.day(self.M2, 3),
            promise=fields.Datetime.now() + timedelta(days=30),
            team=self.team_south,
        )
        self.east, self.south = self.team_east.id, self.team_south.id
        self.m1 = self.M1.strftime("%B %Y")
        self.m2 = self.M2.strftime("%B %Y")

    def test_cells_of_team_by_month(self):
        cells = self.groups(
            ["team_id", "date:month"], ["otd_rate:avg", "order_count:sum", "amount:sum", "aov:avg"]
        )
        east_m1 = cells[(self.east, self.m1)]
        self.assertAlmostEqual(east_m1["otd_rate"], 2 / 3)
        self.assertEqual(east_m1["order_count"], 3)
        self.assertEqual(east_m1["__count"], 3)
        self.assertAlmostEqual(east_m1["amount"], 1200.0)
        self.assertAlmostEqual(east_m1["aov"], 400.0)
        self.assertEqual(cells[(self.east, self.m2)]["otd_rate"], 0.0)
        self.assertAlmostEqual(cells[(self.south, self.m1)]["otd_rate"], 1.0)
        self.assertAlmostEqual(cells[(self.south, self.m1)]["aov"], 1000.0)
        # nothing due yet: no rate, not 0 %
        self.assertIn(cells[(self.south, self.m2)]["otd_rate"], (None, False))
        self.assertEqual(cells[(self.south, self.m2)]["order_count"], 1)

    def test_group_rows_and_total(self):
        teams = self.groups(["team_id"], ["otd_rate:avg", "otif_rate:avg", "aov:avg"])
        self.assertAlmostEqual(teams[(self.east,)]["otd_rate"], 0.5)
        self.assertAlmostEqual(teams[(self.east,)]["aov"], 400.0)
        self.assertAlmostEqual(teams[(self.south,)]["otd_rate"], 1.0)
        self.assertAlmostEqual(teams[(self.south,)]["aov"], 700.0)
        months = self.groups(["date:month"], ["otd_rate:avg"])
        self.assertAlmostEqual(months[(self.m1,)]["otd_rate"], 0.75)
        self.assertAlmostEqual(months[(self.m2,)]["otd_rate"], 0.0)
        [total] = self.Report.read_group(
            [("confirmed", "=", True), *self.window()],
            ["otd_rate:avg", "aov:avg", "order_count:sum"],
            [],
        )
        self.assertAlmostEqual(total["otd_rate"], 0.6)
        self.assertAlmostEqual(total["aov"], 3000.0 / 6)
        self.assertEqual(total["order_count"], 6)

    def test_get_kpis_by_month_matches_the_pivot_columns(self):
        last_m1 = (self.M2 - timedelta(days=1)).date()
        self.assertAlmostEqual(self.kpis(self.M1.date(), last_m1)["otd_rate"], 0.75)
        # a window as long as M1, so that its previous period is M1 exactly,
        # whatever the months' lengths on the day the test runs
        m2 = self.kpis(self.M2.date(), (self.M2 + (self.M2 - self.M1) - timedelta(days=1)).date())
        self.assertEqual(m2["otd_rate"], 0.0)
        self.assertEqual(m2["orders"], 2)
        # growth against the period before (same length, just before: M1)
        self.assertEqual(m2["previous_orders"], 4)
        self.assertAlmostEqual(m2["growth_rate"], (2 - 4) / 4)
