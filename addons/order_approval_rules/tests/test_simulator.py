from datetime import date, timedelta

from freezegun import freeze_time

from odoo.exceptions import UserError
from odoo.tests import Form, tagged

from .common import ApprovalCase


@tagged("post_install", "-at_install")
@freeze_time("2031-05-20 10:00:00")  # a period no other order of the database falls in
class TestSimulator(ApprovalCase):
    def setUp(self):
        super().setUp()
        # orders first (confirmed before the rules exist), rules afterwards
        self.big_sold = [self.quote(6000), self.quote(7000)]
        self.small_sold = self.quote(800, partner=self.existing_customer)
        for order in (*self.big_sold, self.small_sold):
            order.action_confirm()
        self.big_quote = self.quote(8000)
        self.small_quote = self.quote(500, partner=self.existing_customer)
        self.medium = self.quote(3000)
        cancelled = self.quote(9000)
        cancelled.action_cancel()
        old = self.quote(9000)
        old.date_order = "2031-03-01 10:00:00"
        self.big = self.create_rule("From 5,000", min_amount=5000)
        self.routine = self.create_rule(
            "Routine", max_amount=1000, auto_approve=True, user_ids=False
        )
        self.custom = self.create_rule(
            "Customised",
            product_categ_ids=[(6, 0, self.env.ref("product.product_category_all").ids)],
            user_ids=[(6, 0, self.production.ids)],
        )
        self.custom.active = False
        self.rules = self.big | self.routine

    def test_counts_rates_and_load(self):
        Simulation = self.env["order.approval.simulation"]
        requests_before = self.env["order.approval.request"].search_count([])
        result = Simulation.simulate(self.rules, date(2031, 5, 1), date(2031, 5, 31))
        # in the period: 3 big, 2 small from an existing customer, 1 medium and
        # the existing customer's first order (the cancelled and March ones are out)
        self.assertEqual(result["orders"], 7)
        self.assertEqual(result["hits"], 3)
        self.assertAlmostEqual(result["hit_rate"], 3 / 7)
        self.assertEqual(result["auto"], 3)
        self.assertEqual(result["rules"][self.big.id]["hits"], 3)
        self.assertAlmostEqual(result["rules"][self.big.id]["rate"], 3 / 7)
        self.assertEqual(result["rules"][self.routine.id]["hits"], 3)
        self.assertEqual(result["load"], {self.director.id: 3})
        confirmed = Simulation.simulate(
            self.rules, date(2031, 5, 1), date(2031, 5, 31), "confirmed"
        )
        self.assertEqual((confirmed["orders"], confirmed["hits"], confirmed["auto"]), (4, 2, 2))
        empty = Simulation.simulate(self.rules, date(2030, 1, 1), date(2030, 1, 31))
        self.assertEqual(empty["orders"], 0)
        self.assertIs(empty["hit_rate"], False)
        # a dry run: nothing was submitted
        self.assertEqual(self.env["order.approval.request"].search_count([]), requests_before)
        self.assertFalse(self.big_quote.approval_round)

    def test_wizard_as_approval_administrator(self):
        wizard = Form(self.env["order.approval.simulation"].with_user(self.gm))
        wizard.date_from = date(2031, 5, 1)
        wizard.date_to = date(2031, 5, 31)
        simulation = wizard.save()
        self.assertEqual(simulation.rule_ids, self.rules, "active rules of the company by default")
        simulation.action_run()
        self.assertEqual(simulation.state, "done")
        self.assertEqual((simulation.order_count, simulation.hit_count), (7, 3))
        self.assertAlmostEqual(simulation.hit_rate, 100 * 3 / 7, places=1)
        line = simulation.line_ids.filtered(lambda line: line.rule_id == self.big)
        self.assertEqual(line.hit_count, 3)
        self.assertEqual(simulation.load_ids.user_id, self.director)
        self.assertAlmostEqual(simulation.load_ids.per_week, 3 / (31 / 7), places=1)

    def test_bad_input(self):
        Simulation = self.env["order.approval.simulation"]
        with self.assertRaises(UserError):
            Simulation.simulate(self.rules, date(2031, 5, 31), date(2031, 5, 1))
        with self.assertRaises(UserError):
            Simulation.simulate(
                self.custom, date(2031, 5, 1), date(2031, 5, 31) + timedelta(days=1)
            )
