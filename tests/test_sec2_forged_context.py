"""SEC-2: nothing an RPC caller sends can choose what the history says. Every
context key the add-ons read (docs/architecture.md lists them) is sent with
forged values over real XML-RPC to the public methods that write history; the
events record the true source, note, user and time, and every chain verifies."""

from datetime import timedelta

from odoo import fields
from odoo.tests import HttpCase, get_db_name, new_test_user, tagged

from odoo.addons.order_approval_rules.tests.common import ApprovalCase
from odoo.addons.order_tracking.tests.common import OrderTrackingCase

from .rel_common import XmlRpcMixin

FORGED = {
    "tracking_source": ["account.payment", 4242, "PAY/FORGED/0001"],
    "tracking_notes": [[1, "forged note"], [2, "forged note"]],
    "module": "order_tracking",
    "tracking_calendar_cache": True,
    "approval_closing_activities": True,
    "tracking_promise_reason": "FORGED reason",
    "approval_skip_ids": [1, 2, 3],
    "approval_checked": [1, 2, 3],
    "approval_gather_subscriptions": [],
    "cron_id": 1,
}


@tagged("post_install", "-at_install")
class TestSec2ForgedContext(XmlRpcMixin, OrderTrackingCase, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.db = get_db_name()
        cls.seller = new_test_user(
            cls.env,
            login="sec2_seller",
            groups="sales_team.group_sale_salesman,stock.group_stock_user",
            name="Seller 销售",
        )
        cls.set_stock(cls.product, 100)
        cls.inspection = cls.env["order.tracking.stage"].create(
            {
                "name": "Inspection 检验",
                "code": "sec2_inspection",
                "sequence": 55,
                "trigger_mode": "manual",
                "hold_fact": "delivery",
            }
        )
        cls.env.flush_all()

    def call_as_seller(self, model, method, *args, **kwargs):
        return self.call(self.seller, model, method, *args, **kwargs)

    def new_order(self):
        order = self.create_order([(self.product, 2)], user_id=self.seller.id)
        self.env.flush_all()
        return order

    def assert_true_event(self, order, code, source_model, note=None, since=None):
        self.env.invalidate_all()
        event = order.tracking_event_ids.sorted("id")[-1]
        self.assertEqual(event.to_code, code)
        self.assertEqual(event.source_model, source_model, f"{code}: forged source")
        self.assertNotEqual(event.source_name, "PAY/FORGED/0001")
        self.assertEqual(event.note or None, note, f"{code}: forged note")
        self.assertEqual(event.user_id, self.seller)
        if since:
            self.assertGreaterEqual(event.date, since)
            self.assertLessEqual(event.date, fields.Datetime.now() + timedelta(minutes=1))
        self.assertTrue(order.verify_tracking_history()[0]["ok"])
        return event

    def test_forged_context_on_every_history_writing_method(self):
        """Every forged key at once, then each alone, on every method."""
        since = fields.Datetime.now() - timedelta(seconds=5)
        contexts = [FORGED] + [{key: value} for key, value in FORGED.items()]
        rows = 0
        for context in contexts:
            with self.subTest(context=sorted(context)):
                rows += self.play_forged_story(context, since)
        self.assertEqual(rows, 5 * (1 + len(FORGED)))

    def play_forged_story(self, context, since):
        """Create, confirm, pass the checkpoint, sign for and re-promise one
        order with ``context``; returns the calls made."""
        # create: the creation event is the order's own
        order_id = self.call_as_seller(
            "sale.order",
            "create",
            {
                "partner_id": self.customer.id,
                "user_id": self.seller.id,
                "order_line": [[0, 0, {"product_id": self.product.id, "product_uom_qty": 2}]],
            },
            context=context,
        )
        order = self.env["sale.order"].browse(order_id)
        self.assert_true_event(order, "draft", "sale.order", since=since)
        # confirm: the order waits at the inspection; the confirmation's delivery moved it
        self.call_as_seller("sale.order", "action_confirm", [order_id], context=context)
        self.assert_true_event(order, "sec2_inspection", "stock.picking", since=since)
        # pass the checkpoint: the note given, the delivery as source, not the forged ones
        self.call_as_seller(
            "sale.order",
            "action_pass_checkpoint",
            [order_id],
            "sec2_inspection",
            note="passed 合格",
            context=context,
        )
        self.assert_true_event(order, "ready", "stock.picking", note="passed 合格", since=since)
        # ship (warehouse user too), then sign-off with a note
        self.ship_all(order.with_user(self.seller))
        self.call_as_seller(
            "sale.order", "action_confirm_receipt", [order_id], note="OK 收到", context=context
        )
        self.assert_true_event(order, "delivered", "sale.order", note="OK 收到", since=since)
        # write: a new promise date recorded with its true author and time
        self.call_as_seller(
            "sale.order",
            "write",
            [order_id],
            {"commitment_date": fields.Datetime.to_string(since + timedelta(days=9))},
            context=context,
        )
        self.env.invalidate_all()
        promise = order.tracking_promise_ids.sorted("id")[-1]
        self.assertEqual((promise.kind, promise.create_uid), ("repromise", self.seller))
        self.assertFalse(promise.reason, "forged reason")
        self.assertGreaterEqual(promise.create_date, since)
        return 5


@tagged("post_install", "-at_install")
class TestSec2ForgedDecisions(XmlRpcMixin, ApprovalCase, HttpCase):
    """The same forged context on the decisions: approve, reject, a change
    request applied, an alert acknowledged and resolved. Each records its true
    author, time and source."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.db = get_db_name()
        cls.rule = cls.create_rule("From 10,000 → director", min_amount=10000)
        cls.supervisor = new_test_user(
            cls.env,
            login="sec2_supervisor",
            groups="sales_team.group_sale_salesman_all_leads,"
            "order_tracking.order_tracking_group_supervisor,stock.group_stock_user",
            name="Supervisor 主管",
        )
        cls.set_stock(cls.product, 100)
        cls.alert_rule = cls.env["order.alert.rule"].create(
            {
                "name": "SEC-2 ready",
                "kind": "stage_sla",
                "stage_id": cls.stage("ready").id,
                "hours": 1,
                "responsible_type": "salesperson",
            }
        )

    def forged(self, user, model, method, *args, **kwargs):
        return self.call(user, model, method, *args, context=self.context, **kwargs)

    def assert_decision_event(self, order, user, since):
        self.env.invalidate_all()
        event = order.tracking_event_ids.sorted("id")[-1]
        self.assertEqual(event.to_code, order.tracking_stage_code)
        self.assertEqual(event.user_id, user)
        self.assertNotEqual(event.source_model, "account.payment")
        self.assertGreaterEqual(event.date, since)
        self.assertNotEqual(event.source_name, "PAY/FORGED/0001")
        self.assertTrue(order.verify_tracking_history()[0]["ok"])
        return event

    def test_forged_context_on_decisions(self):
        """Every forged key at once, then each alone, on every decision."""
        since = fields.Datetime.now() - timedelta(seconds=5)
        contexts = [FORGED] + [{key: value} for key, value in FORGED.items()]
        for context in contexts:
            with self.subTest(context=sorted(context)):
                self.decide_forged(context, since)

    def decide_forged(self, context, since):
        """Approve, reject, approve by marking the activity done, apply a
        change request, acknowledge and resolve an alert with ``context``."""
        self.context = context
        approved = self.submit(self.quote(20000))
        rejected = self.submit(self.quote(30000))
        self.env.flush_all()
        self.forged(self.director, "sale.order", "action_approve", approved.ids, comment="OK")
        self.assert_decision_event(approved, self.director, since)
        decision = approved.approval_request_ids.decision_ids.sorted("id")[-1]
        self.assertEqual((decision.user_id, decision.decision), (self.director, "approve"))
        self.forged(self.director, "sale.order", "action_reject", rejected.ids, reason="太贵")
        self.env.invalidate_all()
        self.assertEqual(rejected.approval_state, "rejected")
        decision = rejected.approval_request_ids.decision_ids.sorted("id")[-1]
        self.assertEqual((decision.user_id, decision.decision), (self.director, "reject"))
        self.assertTrue(rejected.verify_tracking_history()[0]["ok"])
        # the approval activity marked done from the phone approves, whatever
        # the context says (approval_closing_activities once switched that off)
        by_activity = self.submit(self.quote(25000))
        activity = self.env["mail.activity"].search(
            [("approval_request_ids", "in", by_activity.approval_request_ids.ids)]
        )
        self.env.flush_all()
        self.forged(self.director, "mail.activity", "action_feedback", activity.ids, feedback="好")
        self.env.invalidate_all()
        decision = by_activity.approval_request_ids.decision_ids.sorted("id")[-1]
        self.assertEqual((decision.user_id, decision.decision), (self.director, "approve"))
        # a change request applied: its own source and reason, not the forged ones
        order = self.create_order([(self.product, 2)], user_id=self.supervisor.id)
        order.action_confirm()
        self.env.flush_all()
        request = self.env["order.change.request"].create(
            {
                "order_id": order.id,
                "change_type": "date",
                "reason": "Customer asked 客户要求",
                "new_commitment_date": fields.Datetime.to_string(since + timedelta(days=20)),
            }
        )
        self.env.flush_all()
        self.forged(self.supervisor, "order.change.request", "action_apply", request.ids)
        self.env.invalidate_all()
        self.assertEqual(request.state, "applied")
        self.assertEqual(
            (request.event_id.source_model, request.event_id.source_id),
            ("order.change.request", request.id),
        )
        self.assertEqual(request.event_id.note, "Customer asked 客户要求")
        self.assertEqual(request.event_id.user_id, self.supervisor)
        # an alert acknowledged and resolved: by whom and when, truly
        alert = self.env["order.alert"].create(
            {
                "rule_id": self.alert_rule.id,
                "order_id": order.id,
                "company_id": order.company_id.id,
                "stage_entry_key": f"event:{order.tracking_event_ids[-1:].id}",
                "state": "open",
            }
        )
        self.env.flush_all()
        self.forged(self.supervisor, "order.alert", "action_acknowledge", alert.ids)
        self.forged(self.supervisor, "order.alert", "action_resolve", alert.ids, note="done")
        self.env.invalidate_all()
        self.assertEqual(alert.acknowledged_by, self.supervisor)
        self.assertGreaterEqual(alert.acknowledged_at, since)
        self.assertEqual(alert.state, "resolved")
        self.assertTrue(order.verify_tracking_history()[0]["ok"])
