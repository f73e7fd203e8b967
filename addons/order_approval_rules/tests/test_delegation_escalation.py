from datetime import datetime, timedelta
from unittest.mock import patch

from freezegun import freeze_time

from odoo import fields
from odoo.exceptions import AccessError
from odoo.tests import tagged

from odoo.addons.order_tracking.tools import sla

from .common import ApprovalCase


@tagged("post_install", "-at_install")
class TestDelegation(ApprovalCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.rule = cls.create_rule("From 1,000", min_amount=1000)
        cls.Delegation = cls.env["order.approval.delegation"]

    def delegate(self, delegate, start=-1, end=1, user=None):
        today = fields.Date.context_today(self.env.user)
        return self.Delegation.with_user(user or self.director).create(
            {
                "delegate_id": delegate.id,
                "date_from": today + timedelta(days=start),
                "date_to": today + timedelta(days=end),
            }
        )

    def test_delegate_decides_inside_the_window(self):
        self.delegate(self.outsider)
        order = self.submit(self.quote(2000))
        request = order.approval_request_ids
        self.assertIn(self.outsider, request.delegate_ids)
        self.assertIn(self.outsider, order.activity_ids.filtered("approval_request_ids").user_id)
        # the delegate, who only sees their own orders, may read this one
        self.assertEqual(order.with_user(self.outsider).read(["name"])[0]["name"], order.name)
        self.assertTrue(order.with_user(self.outsider).approval_can_decide)
        to_decide = (
            self.env["order.approval.request"]
            .with_user(self.outsider)
            .search([("can_decide", "=", True)])
        )
        self.assertEqual(to_decide, request)
        order.with_user(self.outsider).action_approve(comment="代批 on behalf")
        self.assertEqual(request.state, "approved")
        self.assertEqual(request.decided_by_id, self.outsider)
        self.assertEqual(request.delegated_from_id, self.director)
        self.assertEqual(request.decision_ids.on_behalf_of_id, self.director)

    def test_delegation_outside_its_window_gives_no_right(self):
        order = self.submit(self.quote(2000))
        for start, end in ((1, 3), (-5, -1)):
            delegation = self.delegate(self.outsider, start, end)
            with self.assertRaises(AccessError):
                order.with_user(self.outsider).action_approve()
            delegation.active = False
        self.assertEqual(order.approval_state, "pending")

    def test_delegation_created_while_pending_shares_the_activity(self):
        order = self.submit(self.quote(2000))
        self.assertNotIn(self.outsider, order.activity_ids.user_id)
        self.delegate(self.outsider)
        self.assertIn(self.outsider, order.activity_ids.filtered("approval_request_ids").user_id)
        order.with_user(self.outsider).action_approve()
        self.assertEqual(order.state, "sale")
        self.assertFalse(order.activity_ids.filtered("approval_request_ids"))

    def test_co_sign_stays_distinct_with_delegation(self):
        self.rule.write({"mode": "all", "user_ids": [(6, 0, (self.director | self.gm).ids)]})
        self.delegate(self.gm)  # the director delegates to the other co-signer
        order = self.submit(self.quote(2000))
        order.with_user(self.gm).action_approve()
        with self.assertRaises(AccessError):
            order.with_user(self.gm).action_approve()
        self.assertEqual(order.approval_state, "pending")
        order.with_user(self.director).action_approve()
        self.assertEqual(order.approval_state, "approved")

    def test_salesperson_cannot_approve_own_order_as_delegate(self):
        self.delegate(self.salesman)
        order = self.submit(self.quote(2000))
        self.assertNotIn(self.salesman, order.approval_request_ids.delegate_ids)
        with self.assertRaises(AccessError):
            order.with_user(self.salesman).action_approve()

    def test_delegations_are_personal(self):
        with self.assertRaises(AccessError):
            self.Delegation.with_user(self.outsider).create(
                {
                    "user_id": self.director.id,
                    "delegate_id": self.outsider.id,
                    "date_from": fields.Date.today(),
                    "date_to": fields.Date.today(),
                }
            )


@tagged("post_install", "-at_install")
class TestEscalation(ApprovalCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.calendar = cls.company.resource_calendar_id
        cls.calendar.tz = "UTC"
        cls.rule = cls.create_rule(
            "From 1,000, 2 working hours", min_amount=1000, sla_hours=2, escalate_user_id=cls.gm.id
        )
        cls.Request = cls.env["order.approval.request"]

    def test_deadline_runs_on_working_hours(self):
        with freeze_time("2037-03-06 16:00:00"):  # Friday, one working hour left
            order = self.submit(self.quote(2000))
        request = order.approval_request_ids
        self.assertEqual(request.deadline, datetime(2037, 3, 9, 9, 0))  # Monday 09:00
        self.assertAlmostEqual(
            sla.work_hours(self.calendar, request.opened_at, request.deadline), 2.0
        )

    def test_escalation_after_the_sla_is_idempotent(self):
        with freeze_time("2037-03-02 08:00:00"):  # Monday
            order = self.submit(self.quote(2000))
        request = order.approval_request_ids
        self.assertEqual(request.deadline, datetime(2037, 3, 2, 10, 0))
        with freeze_time("2037-03-02 09:59:00"):
            self.assertEqual(self.Request._cron_escalate(), 0)
            self.assertFalse(request.escalated)
        messages_before = len(order.message_ids)
        with freeze_time("2037-03-02 10:01:00"):
            self.assertEqual(self.Request._cron_escalate(), 1)
            self.assertEqual(self.Request._cron_escalate(), 0, "a second pass changes nothing")
        self.assertTrue(request.escalated)
        self.assertEqual(request.escalation_user_ids, self.gm)
        activities = order.activity_ids.filtered(lambda a: request in a.approval_request_ids)
        self.assertEqual(activities.user_id, self.director | self.gm)
        self.assertEqual(len(order.message_ids), messages_before + 1)
        self.assertIn("escalated", order.message_ids[0].body)
        # the escalation target may now decide for the approvers
        order.with_user(self.gm).action_approve(comment="Escalated, approved 已升级批准")
        self.assertEqual(request.state, "approved")
        self.assertTrue(request.decision_ids.escalation)
        self.assertEqual(order.state, "sale")

    def test_no_escalation_without_sla(self):
        self.rule.sla_hours = 0
        with freeze_time("2037-03-02 08:00:00"):
            order = self.submit(self.quote(2000))
        self.assertFalse(order.approval_request_ids.deadline)
        with freeze_time("2037-04-02 08:00:00"):
            self.assertEqual(self.Request._cron_escalate(), 0)

    def test_cron_record_runs(self):
        cron = self.env.ref("order_approval_rules.ir_cron_order_approval_escalate")
        self.assertEqual((cron.interval_number, cron.interval_type), (15, "minutes"))
        cron.method_direct_trigger()

    def test_a_request_that_raises_holds_back_no_other(self):
        with freeze_time("2037-03-02 08:00:00"):  # Monday, deadline 10:00
            broken_order = self.submit(self.quote(2000))
            order = self.submit(self.quote(3000))
        broken = broken_order.approval_request_ids
        Request = type(self.Request)
        escalate = Request._escalate

        def failing_escalate(request):
            if request == broken:
                raise RuntimeError("the mail gateway refused the note")
            return escalate(request)

        with (
            freeze_time("2037-03-02 10:01:00"),
            patch.object(Request, "_escalate", failing_escalate),
        ):
            self.assertEqual(self.Request._cron_escalate(), 2)
        self.assertTrue(order.approval_request_ids.escalated)
        self.assertFalse(broken.escalated)
        self.assertIn("the mail gateway refused the note", broken.escalation_error)
        self.assertIn("2037-03-02 10:01:00", broken.escalation_error)
        # the next run escalates it and clears the error
        with freeze_time("2037-03-02 10:16:00"):
            self.assertEqual(self.Request._cron_escalate(), 1)
        self.assertTrue(broken.escalated)
        self.assertFalse(broken.escalation_error)
