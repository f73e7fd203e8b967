from odoo import fields
from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, tagged

from .common import ApprovalCase


@tagged("post_install", "-at_install")
class TestRouting(ApprovalCase):
    def test_no_rule_confirms_directly(self):
        self.create_rule("Big orders", min_amount=50000)
        order = self.quote(1000)
        self.submit(order)
        self.assertEqual(order.state, "sale")
        self.assertEqual(order.approval_state, "not_required")
        self.assertFalse(order.approval_request_ids)

    def test_threshold_in_foreign_currency(self):
        rule = self.create_rule("From 15,000", min_amount=15000)
        foreign = self.env["res.currency"].create({"name": "XAP", "symbol": "¤", "rounding": 0.01})
        self.env["res.currency.rate"].create(
            {
                "currency_id": foreign.id,
                "company_id": self.company.id,
                "name": fields.Date.today(),
                "rate": 0.5,  # 1 company unit = 0.5 XAP: 10,000 XAP = 20,000
            }
        )
        pricelist = self.env["product.pricelist"].create(
            {"name": "XAP list", "currency_id": foreign.id}
        )
        big = self.quote(10000, pricelist_id=pricelist.id)
        small = self.quote(7000, pricelist_id=pricelist.id)
        self.assertEqual(big.currency_id, foreign)
        self.submit(big)
        self.submit(small)
        self.assertEqual(big.approval_state, "pending")
        self.assertEqual(big.approval_request_ids.rule_id, rule)
        condition = big.approval_request_ids.evaluation["conditions"][0]
        self.assertEqual(condition["code"], "min_amount")
        self.assertAlmostEqual(condition["value"], 20000.0)
        self.assertEqual(small.state, "sale", "14,000 in company currency is below the threshold")

    def test_any_one_mode(self):
        self.create_rule(
            "Any", min_amount=100, mode="any", user_ids=[(6, 0, (self.director | self.gm).ids)]
        )
        order = self.submit(self.quote(1000))
        request = order.approval_request_ids
        self.assertEqual(request.approver_ids, self.director | self.gm)
        order.with_user(self.gm).action_approve(comment="OK 同意")
        self.assertEqual(request.state, "approved")
        self.assertEqual(request.decided_by_id, self.gm)
        self.assertEqual(request.comment, "OK 同意")
        self.assertEqual(order.state, "sale")
        with self.assertRaises(UserError):
            order.with_user(self.director).action_approve()

    def test_co_sign_needs_every_approver(self):
        self.create_rule(
            "Co-sign", min_amount=100, mode="all", user_ids=[(6, 0, (self.director | self.gm).ids)]
        )
        order = self.submit(self.quote(1000))
        request = order.approval_request_ids
        order.with_user(self.director).action_approve()
        self.assertEqual(request.state, "pending")
        self.assertEqual(request.approval_progress, "1 / 2")
        self.assertEqual(order.approval_state, "pending")
        self.assertEqual(order.state, "draft")
        with self.assertRaises(AccessError):
            order.with_user(self.director).action_approve()  # a co-sign needs distinct people
        order.with_user(self.gm).action_approve()
        self.assertEqual(request.state, "approved")
        self.assertEqual(request.decision_ids.user_id, self.director | self.gm)
        self.assertEqual(order.state, "sale")

    def test_two_levels_in_order(self):
        level1 = self.create_rule("L1 director", min_amount=100, level=1)
        level2 = self.create_rule(
            "L2 general manager", min_amount=100, level=2, user_ids=[(6, 0, self.gm.ids)]
        )
        order = self.submit(self.quote(1000))
        by_rule = {r.rule_id: r for r in order.approval_request_ids}
        self.assertEqual(by_rule[level1].state, "pending")
        self.assertEqual(by_rule[level2].state, "waiting")
        self.assertEqual(order.tracking_stage_code, "to_approve")
        with self.assertRaises(AccessError):
            order.with_user(self.gm).action_approve()  # level 2 is not open yet
        order.with_user(self.director).action_approve()
        self.assertEqual(by_rule[level2].state, "pending")
        self.assertTrue(by_rule[level2].deadline is False or by_rule[level2].opened_at)
        self.assertEqual(order.state, "draft")
        order.with_user(self.gm).action_approve()
        self.assertEqual(order.state, "sale")
        self.assertEqual(self.codes(order), ["draft", "to_approve", "to_ship"])
        entered, left = order.tracking_event_ids.sorted("id")[1:]
        self.assertEqual(entered.source_model, "order.approval.request")
        self.assertEqual(entered.source_id, by_rule[level1].id)
        self.assertEqual(
            (left.source_model, left.source_id), ("order.approval.request", by_rule[level2].id)
        )

    def test_same_level_runs_in_parallel(self):
        first = self.create_rule("Amount", min_amount=100)
        second = self.create_rule(
            "Production co-sign", min_amount=100, user_ids=[(6, 0, self.production.ids)]
        )
        order = self.submit(self.quote(1000))
        self.assertEqual(order.approval_request_ids.mapped("state"), ["pending", "pending"])
        order.with_user(self.production).action_approve()
        self.assertEqual(order.approval_state, "pending")
        order.with_user(self.director).action_approve()
        self.assertEqual(order.approval_state, "approved")
        self.assertEqual(order.approval_request_ids.rule_id, first | second)

    def test_auto_approval_is_logged_as_automatic(self):
        self.create_rule(
            "Routine", max_amount=5000, customer_kind="existing", auto_approve=True, user_ids=False
        )
        self.create_rule("Big", min_amount=50000)
        routine = self.submit(self.quote(1000, partner=self.existing_customer))
        request = routine.approval_request_ids
        self.assertTrue(request.auto)
        self.assertEqual(request.state, "approved")
        self.assertEqual(request.decided_by_id, self.env.ref("base.user_root"))
        self.assertTrue(routine.approval_auto_approved)
        self.assertEqual(routine.state, "sale")
        new_customer = self.submit(self.quote(1000))
        self.assertFalse(new_customer.approval_request_ids, "a new customer is not routine")
        self.assertEqual(new_customer.state, "sale")

    def test_plain_confirm_records_automatic_decision(self):
        self.create_rule("Routine", max_amount=5000, auto_approve=True, user_ids=False)
        order = self.quote(1000)
        order.with_user(self.salesman).action_confirm()
        self.assertEqual(order.state, "sale")
        self.assertTrue(order.approval_request_ids.auto)

    def test_rejection_needs_a_reason_and_returns_to_quotation(self):
        self.create_rule("L1", min_amount=100)
        self.create_rule("L2", min_amount=100, level=2, user_ids=[(6, 0, self.gm.ids)])
        order = self.submit(self.quote(1000))
        for reason in (None, "", "   "):
            with self.assertRaises(UserError):
                order.with_user(self.director).action_reject(reason)
        self.assertEqual(order.approval_state, "pending")
        order.with_user(self.director).action_reject("Price too low 价格太低")
        self.assertEqual(order.approval_state, "rejected")
        self.assertEqual(order.state, "draft")
        self.assertEqual(order.tracking_stage_code, "draft")
        self.assertEqual(self.codes(order), ["draft", "to_approve", "draft"])
        states = sorted(order.approval_request_ids.mapped("state"))
        self.assertEqual(states, ["cancelled", "rejected"])
        rejected = order.approval_request_ids.filtered(lambda r: r.state == "rejected")
        self.assertEqual(rejected.comment, "Price too low 价格太低")
        self.assertTrue(
            order.activity_ids.filtered(lambda a: a.user_id == self.salesman),
            "the salesperson is asked to revise the quotation",
        )
        with self.assertRaises(UserError):
            order.with_user(self.salesman).action_confirm()

    def test_resubmission_is_a_new_round_and_history_is_kept(self):
        self.create_rule("L1", min_amount=100)
        order = self.submit(self.quote(1000))
        order.with_user(self.director).action_reject("Discount too high")
        first_round = order.approval_request_ids
        self.submit(order)
        self.assertEqual(order.approval_round, 2)
        self.assertEqual(order.approval_state, "pending")
        second_round = order.approval_request_ids - first_round
        self.assertEqual(second_round.round, 2)
        self.assertEqual(first_round.state, "rejected")
        with self.assertRaises(UserError):
            first_round.unlink()
        with self.assertRaises(UserError):
            first_round.sudo().write({"comment": "rewritten"})
        with self.assertRaises(UserError):
            first_round.decision_ids.sudo().write({"comment": "rewritten"})
        with self.assertRaises(UserError):
            order.unlink()
        order.with_user(self.director).action_approve()
        self.assertEqual(order.state, "sale")
        self.assertEqual(len(order.approval_request_ids), 2)

    def test_approver_gets_an_activity_done_when_decided(self):
        self.create_rule("L1", min_amount=100, user_ids=[(6, 0, (self.director | self.gm).ids)])
        order = self.submit(self.quote(1000))
        activities = order.activity_ids.filtered("approval_request_ids")
        self.assertEqual(activities.user_id, self.director | self.gm)
        order.with_user(self.director).action_approve()
        self.assertFalse(order.activity_ids.filtered("approval_request_ids"))

    def test_approve_by_marking_the_activity_done(self):
        self.create_rule("L1", min_amount=100)
        order = self.submit(self.quote(1000))
        activity = order.activity_ids.filtered("approval_request_ids")
        activity.with_user(self.director).action_feedback(feedback="看过了 fine")
        self.assertEqual(order.approval_request_ids.state, "approved")
        self.assertEqual(order.approval_request_ids.comment, "看过了 fine")
        self.assertEqual(order.state, "sale")

    def test_self_approval_is_refused(self):
        self.create_rule("Any", min_amount=100, user_ids=[(6, 0, (self.director | self.gm).ids)])
        order = self.quote(1000, user_id=self.director.id)
        self.submit(order, user=self.director)
        self.assertEqual(
            order.approval_request_ids.approver_ids, self.gm, "the salesperson is left out"
        )
        with self.assertRaises(AccessError):
            order.with_user(self.director).action_approve()
        self.assertEqual(order.approval_state, "pending")

    def test_non_approver_is_refused(self):
        self.create_rule("L1", min_amount=100)
        order = self.submit(self.quote(1000))
        for user in (self.outsider, self.gm, self.production):
            with self.assertRaises(AccessError):
                order.with_user(user).action_approve()
            with self.assertRaises(AccessError):
                order.with_user(user).action_reject("no")
        self.assertEqual(order.approval_state, "pending")
        self.assertFalse(order.approval_request_ids.decision_ids)

    def test_rule_without_resolvable_approver_is_a_clear_error(self):
        self.create_rule("Team leader", min_amount=100, approver_type="team_leader", user_ids=False)
        order = self.quote(1000, team_id=False)
        with self.assertRaises(UserError) as caught:
            self.submit(order)
        self.assertIn("Nobody can approve", str(caught.exception))
        self.assertEqual(order.approval_round, 0, "nothing was changed")

    def test_decision_wizards(self):
        self.create_rule("L1", min_amount=100)
        first = self.submit(self.quote(1000))
        second = self.submit(self.quote(2000))
        director = self.env(user=self.director)
        reject = Form(director["order.approval.reject"].with_context(default_order_ids=[first.id]))
        reject.reason = "价格太低 Price too low"
        reject.save().action_reject()
        self.assertEqual(first.approval_state, "rejected")
        self.assertEqual(first.approval_request_ids.comment, "价格太低 Price too low")
        approve = Form(
            director["order.approval.approve"].with_context(
                default_request_ids=second.approval_request_ids.ids
            )
        )
        approve.comment = "同意"
        approve.save().action_approve()
        self.assertEqual(second.approval_request_ids.comment, "同意")
        self.assertEqual(second.state, "sale")

    def test_bulk_approval_from_the_list(self):
        self.create_rule("L1", min_amount=100, user_ids=[(6, 0, (self.director | self.gm).ids)])
        mine = self.submit(self.quote(1000)) | self.submit(self.quote(1500))
        not_mine = self.submit(self.quote(1200, user_id=self.director.id), user=self.director)
        selection = (mine | not_mine).with_user(self.director)
        result = selection.action_approve_selected()
        self.assertEqual(mine.mapped("state"), ["sale", "sale"])
        self.assertEqual(not_mine.approval_state, "pending", "nobody approves their own order")
        self.assertIn("2 order(s) approved; 1 skipped", result["params"]["message"])
        with self.assertRaises(UserError):
            not_mine.with_user(self.director).action_approve_selected()
        action = self.env.ref("order_approval_rules.sale_order_action_approve_selected")
        self.assertEqual(action.binding_model_id.model, "sale.order")

    def test_one_activity_per_approver_and_order(self):
        """Several rules of one level for the same approver: one to-do, and
        marking it done approves them all."""
        for index in range(3):
            self.create_rule(f"Rule {index}", min_amount=100)
        self.create_rule("Second approver", min_amount=100, user_ids=[(6, 0, self.gm.ids)])
        order = self.submit(self.quote(1000))
        activities = order.activity_ids.filtered("approval_request_ids")
        self.assertEqual(len(activities), 2)
        mine = activities.filtered(lambda a: a.user_id == self.director)
        self.assertEqual(len(mine.approval_request_ids), 3)
        mine.with_user(self.director).action_feedback(feedback="OK")
        self.assertEqual(
            order.approval_request_ids.filtered(lambda r: r.state == "approved").rule_id.mapped(
                "name"
            ),
            ["Rule 0", "Rule 1", "Rule 2"],
        )
        self.assertEqual(order.activity_ids.filtered("approval_request_ids").user_id, self.gm)
        order.with_user(self.gm).action_approve()
        self.assertEqual(order.state, "sale")
        self.assertFalse(order.activity_ids.filtered("approval_request_ids"))

    def test_activity_follows_the_pending_requests(self):
        """An any-one request decided by someone else leaves the approver's
        activity for the request still waiting for them."""
        self.create_rule("Shared", min_amount=100, user_ids=[(6, 0, (self.director | self.gm).ids)])
        self.create_rule("Director only", min_amount=100)
        order = self.submit(self.quote(1000))
        director_activity = order.activity_ids.filtered(lambda a: a.user_id == self.director)
        self.assertEqual(len(director_activity.approval_request_ids), 2)
        order.with_user(self.gm).action_approve()
        self.assertEqual(director_activity.approval_request_ids.rule_id.name, "Director only")
        self.assertFalse(order.activity_ids.filtered(lambda a: a.user_id == self.gm))
