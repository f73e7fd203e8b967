from datetime import datetime

from odoo.tests import tagged

from ..tools import history
from .common import OrderTrackingCase


@tagged("post_install", "-at_install")
class TestPromiseAndNotification(OrderTrackingCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.set_stock(cls.product, 100)

    def test_promise_ledger_keeps_original_and_every_repromise(self):
        order = self.create_order([(self.product, 1)], commitment_date=datetime(2037, 12, 1, 8, 0))
        self.assertFalse(order.tracking_promise_ids, "a quotation promises nothing yet")
        order.action_confirm()
        self.assertEqual(order.tracking_promise_original, datetime(2037, 12, 1, 8, 0))
        with history.promising(self.env, "Supplier late 供应商延误"):
            order.write({"commitment_date": datetime(2037, 12, 5, 8, 0)})
        order.write({"commitment_date": datetime(2037, 12, 5, 8, 0)})  # no change, no entry
        self.assertEqual(order.tracking_promise_original, datetime(2037, 12, 1, 8, 0))
        self.assertEqual(order.tracking_promise_latest, datetime(2037, 12, 5, 8, 0))
        repromise = order.tracking_promise_ids.sorted("id")[-1]
        self.assertEqual(repromise.kind, "repromise")
        self.assertEqual(repromise.previous_date, datetime(2037, 12, 1, 8, 0))
        self.assertEqual(repromise.reason, "Supplier late 供应商延误")
        self.assertEqual(len(order.tracking_promise_ids), 2)

    def test_confirmed_again_after_a_cancel_keeps_the_original_promise(self):
        """TRK-12: the original promise stays; the date promised at the new
        confirmation is the latest, a re-promise in the ledger."""
        order = self.create_order([(self.product, 1)], commitment_date=datetime(2037, 12, 1, 8, 0))
        order.action_confirm()
        order._action_cancel()
        order.action_draft()
        order.commitment_date = datetime(2037, 12, 9, 8, 0)  # a quotation: no ledger entry
        self.assertEqual(order.tracking_promise_ids.mapped("kind"), ["initial"])
        order.action_confirm()
        self.assertEqual(order.tracking_promise_ids.mapped("kind"), ["initial", "repromise"])
        self.assertEqual(order.tracking_promise_original, datetime(2037, 12, 1, 8, 0))
        self.assertEqual(order.tracking_promise_latest, datetime(2037, 12, 9, 8, 0))
        repromise = order.tracking_promise_ids.sorted("id")[-1]
        self.assertEqual(repromise.previous_date, datetime(2037, 12, 1, 8, 0))
        self.assertEqual(repromise.reason, "Confirmed again.")
        # confirmed again for the same date: nothing new to record
        order._action_cancel()
        order.action_draft()
        order.action_confirm()
        self.assertEqual(len(order.tracking_promise_ids), 2)

    def test_shipped_notifies_the_customer_with_the_delivery_reference(self):
        order = self.create_order([(self.product, 1)])
        order.action_confirm()
        self.ship_all(order)
        self.assertEqual(order.tracking_stage_code, "shipped")
        self.env.flush_all()
        queued = self.env["order.tracking.notification"].search([("order_id", "=", order.id)])
        self.assertEqual(queued.state, "pending", "queued, not sent inside the validation")
        self.assertFalse(order.message_ids.filtered(lambda m: "has shipped" in (m.subject or "")))
        self.env["order.tracking.notification"]._cron_send_pending()
        self.assertEqual(queued.state, "sent")
        template = self.env.ref("order_tracking.mail_template_order_shipped")
        messages = order.message_ids.filtered(lambda m: "has shipped" in (m.subject or ""))
        self.assertEqual(len(messages), 1, template.subject)
        self.assertIn(order.picking_ids.name, messages.body)
        self.assertIn(self.customer, messages.partner_ids | messages.notified_partner_ids)

    def test_the_e_mail_is_queued_by_the_events_own_statement(self):
        """Entering a node that e-mails the customer writes the event and the
        queue's row in one statement: the event says so, the database writes
        the row (no round trip of its own while the delivery is validated)."""
        order = self.create_order([(self.product, 1)])
        order.action_confirm()
        self.env.flush_all()
        with self.statements() as statements:
            self.ship_all(order)
            self.env.flush_all()
        self.assertEqual(order.tracking_stage_code, "shipped")
        self.assertEqual(
            sum(s.startswith('INSERT INTO "order_tracking_event" ') for s in statements), 1
        )
        self.assertFalse([s for s in statements if "order_tracking_notification" in s])
        shipped = order.tracking_last_event_id
        self.assertEqual(shipped.to_code, "shipped")
        self.assertEqual(
            order.tracking_event_ids.mapped("notify_customer"),
            [False] * (len(order.tracking_event_ids) - 1) + [True],
            "only the node that e-mails the customer",
        )
        queued = self.env["order.tracking.notification"].search([("order_id", "=", order.id)])
        self.assertEqual(
            (queued.event_id, queued.stage_id, queued.company_id, queued.state),
            (shipped, shipped.to_stage_id, order.company_id, "pending"),
        )
        self.assertEqual(
            (queued.create_uid, queued.create_date), (shipped.create_uid, shipped.create_date)
        )

    def test_an_event_within_the_node_queues_no_e_mail(self):
        """Only the recorder asks for an e-mail: an event written by another
        path (here a change within the node; the installation's back-fill
        likewise) queues none, even in a node that e-mails the customer."""
        order = self.create_order([(self.product, 1)])
        order.action_confirm()
        self.ship_all(order)
        self.env.flush_all()
        Notification = self.env["order.tracking.notification"]
        before = Notification.search_count([("order_id", "=", order.id)])
        event = self.env["order.tracking.event"]._record_in_node(
            order, "Note 备注", (order._name, order.id, order.name)
        )
        self.env.flush_all()
        self.assertEqual(event.to_code, "shipped")
        self.assertFalse(event.notify_customer)
        self.assertEqual(Notification.search_count([("order_id", "=", order.id)]), before)

    def test_nodes_without_the_flag_send_nothing(self):
        order = self.create_order([(self.product, 1)])
        order.action_confirm()
        self.env.flush_all()
        self.assertFalse(order.message_ids.filtered(lambda m: "has shipped" in (m.subject or "")))

    def test_notification_can_be_switched_on_for_any_node(self):
        ready = self.stage("ready")
        ready.write(
            {
                "notify_customer": True,
                "mail_template_id": self.env.ref("order_tracking.mail_template_order_stage").id,
            }
        )
        order = self.create_order([(self.product, 1)])
        order.action_confirm()
        self.env.flush_all()
        self.env["order.tracking.notification"]._cron_send_pending()
        self.assertTrue(order.message_ids.filtered(lambda m: ready.name in (m.subject or "")))

    def test_a_broken_template_never_blocks_the_order(self):
        template = self.env.ref("order_tracking.mail_template_order_shipped")
        template.subject = "{{ object.no_such_field.name }}"
        order = self.create_order([(self.product, 1)])
        order.action_confirm()
        self.ship_all(order)
        self.assertEqual(order.tracking_stage_code, "shipped")
        Notification = self.env["order.tracking.notification"]
        queued = Notification.search([("order_id", "=", order.id)])
        for _attempt in range(3):
            Notification._cron_send_pending()
        self.assertEqual(queued.state, "failed")
        self.assertEqual(queued.attempts, 3)
        self.assertIn("no_such_field", queued.error)

    def test_an_order_whose_e_mail_raises_holds_back_no_other(self):
        template = self.env.ref("order_tracking.mail_template_order_shipped")
        # renders for orders with a customer reference only
        template.subject = "{{ object.client_order_ref.upper() }} has shipped"
        broken = self.create_order([(self.product, 1)])
        fine = self.create_order([(self.product, 1)], client_order_ref="po-7")
        for order in broken | fine:
            order.action_confirm()
            self.ship_all(order)
        self.env.flush_all()
        Notification = self.env["order.tracking.notification"]
        Notification._cron_send_pending()
        queued = Notification.search([("order_id", "in", (broken | fine).ids)], order="id")
        self.assertEqual(
            [(n.order_id, n.state, n.attempts) for n in queued],
            [(broken, "pending", 1), (fine, "sent", 1)],
        )
        self.assertIn("upper", queued[0].error)
        self.assertTrue(fine.message_ids.filtered(lambda m: m.subject == "PO-7 has shipped"))

    def test_notifications_are_sent_in_the_order_of_their_orders(self):
        """Sending writes the order: the scheduled action takes the orders by
        id, as every batch update of orders does, whatever order the events
        came in (it deadlocked with the alert scan when it did not)."""
        first = self.create_order([(self.product, 1)])
        second = self.create_order([(self.product, 1)])
        for order in second | first:  # the later order ships first
            order.action_confirm()
            self.ship_all(order)
        self.env.flush_all()
        Notification = self.env["order.tracking.notification"]
        queued = Notification.search([("order_id", "in", (first | second).ids)], order="id")
        self.assertEqual(queued.order_id, second | first, "queued as they shipped")
        Notification._cron_send_pending()
        sent = self.env["mail.message"].search(
            [
                ("model", "=", "sale.order"),
                ("res_id", "in", (first | second).ids),
                ("subject", "ilike", "has shipped"),
            ],
            order="id",
        )
        self.assertEqual(sent.mapped("res_id"), [first.id, second.id])
