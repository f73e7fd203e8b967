from datetime import datetime, time

from freezegun import freeze_time

from odoo import fields
from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged

from odoo.addons.order_alerts.tests.common import AlertCase

from .test_promise import MONDAY, PromiseCase, day


def noon(on):
    return datetime.combine(on, time(12))


@tagged("post_install", "-at_install")
class TestKeptCurrent(PromiseCase):
    """SPEC PRM-3: promises follow the facts that touch their products, in
    priority; an order is flagged before it is late."""

    def order(self, quantity, promised, urgent=False):
        order = self.create_order([(self.bolt, quantity)], commitment_date=noon(promised))
        order.action_confirm()
        if urgent:
            order.picking_ids.priority = "1"
        return order

    def test_re_promised_in_priority_after_a_receipt_slips(self):
        receipt = self.receipt(self.bolt, 5, day(3))
        first = self.order(3, day(5))  # promised first: served first
        second = self.order(2, day(6))
        self.settle()
        for order in first | second:
            self.assertFalse(order.promise_at_risk)
            self.assertEqual(order.promise_reachable_date, day(3))
        self.assertEqual(first.picking_ids.move_ids.promise_date, day(3))
        # the vendor slips to next Wednesday: neither promise can be kept
        receipt.move_ids.date = noon(day(9))
        self.settle()
        for order in first | second:
            self.assertTrue(order.promise_at_risk)
            self.assertEqual(order.promise_reachable_date, day(9))
            self.assertEqual(order.promise_risk_since, datetime.combine(MONDAY, time(8)))
        # 3 more come on Thursday: the first promise takes them
        self.receipt(self.bolt, 3, day(3))
        self.settle()
        self.assertFalse(first.promise_at_risk)
        self.assertEqual(first.promise_reachable_date, day(3))
        self.assertTrue(second.promise_at_risk)
        # the second becomes urgent: it is served first, the first waits
        with freeze_time(datetime.combine(MONDAY, time(10))):
            second.picking_ids.priority = "1"
            self.settle()
        self.assertFalse(second.promise_at_risk)
        self.assertEqual(second.promise_reachable_date, day(3))
        self.assertTrue(first.promise_at_risk)
        self.assertEqual(first.promise_reachable_date, day(9))
        self.assertEqual(first.promise_risk_since, datetime.combine(MONDAY, time(10)))

    def test_what_a_delivery_reserved_stays_its_own(self):
        self.warehouse.out_type_id.reservation_method = "at_confirm"
        self.set_stock(self.bolt, 5)
        self.receipt(self.bolt, 5, day(3))
        # the later promise was confirmed first and reserved the five on hand
        later = self.order(5, day(6))
        self.assertEqual(later.picking_ids.move_ids.quantity, 5)
        # an earlier promise made urgent comes first, but not before goods reserved
        earlier = self.order(5, day(4), urgent=True)
        self.assertEqual(earlier.picking_ids.move_ids.quantity, 0)
        self.settle()
        self.assertEqual(later.picking_ids.move_ids.promise_date, day(0))
        self.assertEqual(earlier.picking_ids.move_ids.promise_date, day(3))
        self.assertFalse((earlier | later).filtered("promise_at_risk"))
        # unreserved, priority decides again
        later.picking_ids.do_unreserve()
        self.settle()
        self.assertEqual(earlier.picking_ids.move_ids.promise_date, day(0))
        self.assertEqual(later.picking_ids.move_ids.promise_date, day(3))

    def test_a_promise_that_can_be_kept_is_not_changed(self):
        thursday = self.receipt(self.bolt, 5, day(3))
        order = self.order(3, day(5))
        self.settle()
        self.assertEqual(order.promise_reachable_date, day(3))
        # more come on Tuesday: Thursday can still be kept, it stays
        tuesday = self.receipt(self.bolt, 10, day(1))
        self.settle()
        self.assertEqual(order.picking_ids.move_ids.promise_date, day(1))
        self.assertEqual(order.promise_reachable_date, day(3))
        # both receipts slip to Friday: Thursday can no longer be kept
        (thursday | tuesday).move_ids.date = noon(day(4))
        self.settle()
        self.assertEqual(order.promise_reachable_date, day(4))
        self.assertFalse(order.promise_at_risk, "Friday is still the promised day")

    def test_shipped_orders_are_no_longer_at_risk(self):
        order = self.order(2, day(2))
        self.settle()
        self.assertTrue(order.promise_at_risk, "nothing can cover it")
        self.assertFalse(order.promise_reachable_date)
        self.set_stock(self.bolt, 2)
        order.picking_ids.action_assign()
        self.ship_all(order)
        self.settle()
        self.assertFalse(order.promise_at_risk)
        self.assertFalse(order.promise_risk_since)

    def test_the_nightly_pass_sees_what_no_move_said(self):
        order = self.order(2, day(2))
        self.settle()
        self.assertTrue(order.promise_at_risk)
        # stock counted in without a move: the nightly pass finds it
        self.set_stock(self.bolt, 5)
        self.env["sale.order"]._cron_promise_reallocate()
        self.assertFalse(order.promise_at_risk)
        self.assertEqual(order.promise_reachable_date, day(0))

    def test_delivery_time_is_added(self):
        self.set_stock(self.bolt, 5)
        self.env.company.write({"promise_transit_days": 3, "promise_transit_samples": 9})
        order = self.order(2, day(2))
        self.settle()
        self.assertEqual(order.promise_reachable_date, day(3))
        self.assertTrue(order.promise_at_risk, "ships today, three days on the road")

    def test_the_write_queues_and_the_scheduled_action_re_allocates(self):
        receipt = self.receipt(self.bolt, 5, day(3))
        order = self.order(3, day(5))
        self.settle()
        self.assertFalse(order.promise_at_risk)
        cron = self.env.ref("order_promise.order_promise_queue_cron")
        Trigger = self.env["ir.cron.trigger"]
        woken = Trigger.search_count([("cron_id", "=", cron.id)])
        # the vendor slips to next Wednesday: the transaction commits
        receipt.move_ids.date = noon(day(9))
        self.env.flush_all()
        self.env.cr.precommit.run()
        # it only queued the product and woke the scheduled action
        queue = self.env["order.promise.queue"]
        self.assertEqual(queue.search([]).mapped("product_id"), [self.bolt.id])
        self.assertEqual(Trigger.search_count([("cron_id", "=", cron.id)]), woken + 1)
        order.invalidate_recordset()
        self.assertFalse(order.promise_at_risk)
        # which re-allocates it moments later
        cron.method_direct_trigger()
        order.invalidate_recordset()
        self.assertTrue(order.promise_at_risk)
        self.assertEqual(order.promise_reachable_date, day(9))
        self.assertFalse(queue.search([]))

    def test_queueing_costs_one_statement(self):
        """Every transaction that touches a promise pays this at commit: the
        queue's rows and the scheduled action's trigger, in one statement."""
        queue = self.env["order.promise.queue"]
        cron = self.env.ref("order_promise.order_promise_queue_cron")
        Trigger = self.env["ir.cron.trigger"]
        queue._promise_enqueue([self.bolt.id], [])
        self.env.invalidate_all()
        woken = Trigger.search_count([("cron_id", "=", cron.id)])
        queued = queue.search_count([])
        wake_ups = self.wake_ups()
        with self.assertQueryCount(1):
            # plain ids, no foreign key: any order id is queued as it is
            queue._promise_enqueue([self.bolt.id], [1])
        self.assertEqual(queue.search_count([]), queued + 2, "the product and the order")
        triggers = Trigger.search([("cron_id", "=", cron.id)], order="id desc")
        self.assertEqual(len(triggers), woken + 1)
        self.assertLessEqual(triggers[0].call_at, fields.Datetime.now())
        self.assertEqual(triggers[0].create_uid, self.env.user)
        # the cron workers are woken once the transaction commits
        self.assertEqual(self.wake_ups(), wake_ups + 1)

    def wake_ups(self):
        """How many wake-ups of the cron workers wait for the commit."""
        return sum(
            getattr(func, "__name__", "") == "_notifydb" for func in self.env.cr.postcommit._funcs
        )

    def test_an_archived_scheduled_action_is_not_woken(self):
        """As Odoo's ``_trigger()``: an archived action gets no trigger it
        would ignore; the queue keeps what waits for the nightly pass."""
        queue = self.env["order.promise.queue"]
        cron = self.env.ref("order_promise.order_promise_queue_cron")
        cron.active = False
        Trigger = self.env["ir.cron.trigger"]
        woken = Trigger.search_count([("cron_id", "=", cron.id)])
        wake_ups = self.wake_ups()
        queue._promise_enqueue([self.bolt.id], [])
        self.assertEqual(Trigger.search_count([("cron_id", "=", cron.id)]), woken)
        self.assertEqual(self.wake_ups(), wake_ups, "no worker woken for nothing")
        self.assertIn(self.bolt.id, queue.search([]).mapped("product_id"))

    def test_what_is_queued_during_a_run_makes_it_run_again(self):
        cron = self.env.ref("order_promise.order_promise_queue_cron")
        progress = self.env["ir.cron.progress"].create({"cron_id": cron.id})
        queue = self.env["order.promise.queue"].with_context(ir_cron_progress_id=progress.id)
        queue._promise_enqueue([self.bolt.id], [])
        queue._promise_run()
        # all done: Odoo's cron loop stops
        self.assertGreater(progress.done, 0)
        self.assertEqual(progress.remaining, 0)
        # a product another transaction queued while the run went on: the
        # scheduled action is told, so it runs once more at once
        queue._promise_enqueue([self.bolt.id], [])
        queue._promise_notify_progress(1)
        self.assertEqual((progress.done, progress.remaining), (1, 1))

    def test_facts_of_other_products_leave_the_promise_alone(self):
        order = self.order(2, day(2))
        self.settle()
        nut = self._create_product("Promise Nut 螺母")
        self.receipt(nut, 5, day(1))
        touched = self.env.cr.precommit.data["order_promise.touched"]
        self.assertEqual(touched, ({nut.id}, set()))
        self.settle()
        self.assertTrue(order.promise_at_risk)


@tagged("post_install", "-at_install")
class TestPromiseAtRiskAlert(PromiseCase, AlertCase):
    """The alert kind ``promise_at_risk``: raised when an order is flagged,
    resolved when its promise can be kept again."""

    def test_raised_and_resolved(self):
        rule = self.make_rule(name="Promise at risk", kind="promise_at_risk", hours=0)
        receipt = self.receipt(self.bolt, 5, day(3))
        order = self.create_order([(self.bolt, 3)], commitment_date=noon(day(4)))
        order.action_confirm()
        self.settle()
        now = fields.Datetime.to_string(datetime.combine(MONDAY, time(9)))
        self.assertEqual(self.scan(rule, now), 0)
        receipt.move_ids.date = noon(day(8))
        self.settle()
        self.assertEqual(self.scan(rule, now), 1)
        alert = self.open_alerts(rule, order)
        self.assertIn(order.name, alert.description)
        self.assertIn("2037-03-10", alert.description)
        self.assert_conditions_agree(rule, now)
        # the customer accepts the new date: no longer at risk, the alert resolves
        order.action_apply_promise()
        self.settle()
        self.assertFalse(order.promise_at_risk)
        self.scan(rule, now)
        self.assertFalse(self.open_alerts(rule, order))


@tagged("post_install", "-at_install")
class TestKeptCurrentGuards(PromiseCase):
    """Only the allocation writes what it found."""

    def test_nobody_writes_the_flags(self):
        manager = new_test_user(
            self.env,
            login="promise_manager",
            groups="sales_team.group_sale_manager,stock.group_stock_manager",
        )
        order = self.create_order([(self.bolt, 1)])
        user = manager
        for field, value in (
            ("promise_at_risk", True),
            ("promise_reachable_date", "2037-03-02"),
            ("promise_risk_since", "2037-03-02 08:00:00"),
        ):
            with self.assertRaisesRegex(AccessError, "cannot be written"):
                order.with_user(user).write({field: value})
        order.action_confirm()
        with self.assertRaisesRegex(AccessError, "given by the promise allocation"):
            order.picking_ids.move_ids.with_user(manager).write({"promise_date": "2037-03-02"})
        self.assertFalse(order.promise_at_risk)
