from datetime import datetime, timedelta

from freezegun import freeze_time

from odoo import fields
from odoo.exceptions import UserError, ValidationError
from odoo.tests import tagged

from .common_change_request import ChangeRequestCase


@tagged("post_install", "-at_install")
class TestChangeRequestDateAddress(ChangeRequestCase):
    """A new delivery date (a re-promise in the ledger) or address (on the
    deliveries still to go)."""

    def setUp(self):
        super().setUp()
        self.now = fields.Datetime.now().replace(microsecond=0)
        self.set_stock(self.product, 100)

    def confirmed_order(self, **vals):
        order = self.create_order([(self.product, 4)], **vals)
        order.action_confirm()
        self.env.flush_all()
        return order

    def test_new_delivery_date_is_a_re_promise(self):
        promised = self.now + timedelta(days=5)
        order = self.confirmed_order(commitment_date=promised)
        entered_at = order.tracking_entered_at
        deadline = order.tracking_deadline
        new_date = self.now + timedelta(days=12)
        request = self.request(
            order, "date", new_commitment_date=new_date, reason="客户仓库装修,推迟一周"
        )
        self.apply(request)
        self.assertEqual(order.commitment_date, new_date)
        self.assertEqual(order.picking_ids.move_ids.date_deadline, new_date)
        promise = order.tracking_promise_ids.sorted("id")[-1]
        self.assertEqual(promise.kind, "repromise")
        self.assertEqual((promise.previous_date, promise.date), (promised, new_date))
        self.assertEqual(promise.user_id, self.supervisor)
        self.assertEqual(promise.reason, f"{request.name}: 客户仓库装修,推迟一周")
        self.assertEqual(order.tracking_promise_original, promised)
        self.assertEqual(order.tracking_promise_latest, new_date)
        self.assertEqual(request.previous_commitment_date, promised)
        self.assertEqual(request.result_ref, f"Promised for {fields.Datetime.to_string(new_date)}")
        # the history says so; the node and its clock stay
        event = self.last_event(order)
        self.assertEqual((event.from_code, event.to_code), ("ready", "ready"))
        self.assertEqual((event.note, event.source_id), ("客户仓库装修,推迟一周", request.id))
        self.assertEqual(order.tracking_entered_at, entered_at)
        self.assertEqual(order.tracking_deadline, deadline)
        self.assertTrue(order.verify_tracking_history()[0]["ok"])

    def test_the_next_node_change_counts_from_the_node_entry_and_chains_on(self):
        """The event of a change within the node leaves the node's clock alone
        (the order's row keeps the event that entered the node), yet the next
        event chains onto its hash: it is the order's very last event."""
        with freeze_time("2037-11-20 09:00:00"):
            order = self.confirmed_order(commitment_date=datetime(2037, 11, 30, 9, 0))
        entry = order.tracking_last_event_id
        self.assertEqual(order.tracking_entered_at, datetime(2037, 11, 20, 9, 0))
        with freeze_time("2037-11-20 12:00:00"):
            self.apply(self.request(order, "date", new_commitment_date=datetime(2037, 12, 4, 9)))
        in_node = self.last_event(order)
        self.assertEqual(in_node.from_stage_id, in_node.to_stage_id)
        self.assertEqual(order.tracking_last_event_id, entry)
        self.assertEqual(order.tracking_entered_at, datetime(2037, 11, 20, 9, 0))
        self.assertEqual(order.tracking_last_hash, in_node.hash)
        with freeze_time("2037-11-20 15:00:00"):
            self.ship_all(order)
            self.env.flush_all()
        moved = order.tracking_event_ids.filtered(lambda e: e.id > in_node.id).sorted("id")
        self.assertTrue(moved)
        self.assertEqual(moved[0].prev_hash, in_node.hash)
        self.assertEqual(moved[0].from_stage_id, in_node.to_stage_id)
        self.assertEqual(moved[0].hours_in_previous, 6.0, "counted from the node's entry")
        self.assertEqual(order.tracking_last_event_id, moved[-1])
        self.assertEqual(order.tracking_last_hash, moved[-1].hash)
        self.assertTrue(order.verify_tracking_history()[0]["ok"])

    def test_a_date_in_the_past_is_refused(self):
        order = self.confirmed_order()
        before = self.snapshot(order)
        with self.refused(ValidationError, "is in the past"):
            self.request(order, "date", new_commitment_date=self.now - timedelta(hours=1))
        self.assert_nothing_written(order, before)
        request = self.request(order, "date", new_commitment_date=self.now + timedelta(days=1))
        with self.refused(ValidationError, "is in the past"):
            request.new_commitment_date = self.now - timedelta(days=1)

    def test_the_same_date_or_no_date_is_refused(self):
        promised = self.now + timedelta(days=5)
        order = self.confirmed_order(commitment_date=promised)
        same = self.request(order, "date", new_commitment_date=promised)
        none = self.request(order, "date")
        before = self.snapshot(order)
        with self.assertRaisesRegex(UserError, "is already promised for"):
            self.apply(same)
        with self.assertRaisesRegex(UserError, "has no new delivery date"):
            self.apply(none)
        self.assert_nothing_written(order, before)

    def test_no_date_change_once_everything_was_delivered(self):
        order = self.shipped_order([(self.product, 2)])
        request = self.request(order, "date", new_commitment_date=self.now + timedelta(days=3))
        before = self.snapshot(order)
        with self.assertRaisesRegex(UserError, "there is no delivery date left to change"):
            self.apply(request)
        self.assert_nothing_written(order, before)

    def test_lines_do_not_belong_to_a_date_change(self):
        order = self.confirmed_order()
        with self.refused(ValidationError, "has no lines"):
            self.request(
                order,
                "date",
                [(order.order_line, 1)],
                new_commitment_date=self.now + timedelta(days=3),
            )

    # -- address -------------------------------------------------------------

    def site(self, name="工地 Construction site"):
        return self.env["res.partner"].create(
            {"name": name, "type": "delivery", "parent_id": self.customer.id, "city": "东莞"}
        )

    def test_new_address_on_the_open_delivery(self):
        self.warehouse.out_type_id.reservation_method = "manual"
        order = self.confirmed_order()
        old = order.partner_shipping_id
        delivery = order.picking_ids
        site = self.site()
        request = self.request(order, "address", new_partner_shipping_id=site.id, reason="改送工地")
        self.apply(request)
        self.assertEqual(order.partner_shipping_id, site)
        self.assertEqual(delivery.partner_id, site)
        self.assertEqual(delivery.move_ids.partner_id, site)
        self.assertFalse(delivery.activity_ids, "sale_stock's reminder is done: updated here")
        self.assertEqual(request.previous_partner_shipping_id, old)
        self.assertEqual(request.picking_ids, delivery)
        self.assertEqual(request.result_ref, delivery.name)
        event = self.last_event(order)
        self.assertEqual(
            (event.from_code, event.to_code, event.note), ("to_ship", "to_ship", "改送工地")
        )
        # goods added afterwards go to the new address too
        self.apply(self.request(order, "add", [(order.order_line, 1)]))
        self.assertEqual(delivery.move_ids.partner_id, site)

    def test_shipped_goods_keep_their_address(self):
        order = self.confirmed_order()
        first = order.picking_ids
        self.validate(first, {self.product: 1})
        site = self.site()
        self.apply(self.request(order, "address", new_partner_shipping_id=site.id))
        self.assertEqual(first.partner_id, self.customer)
        self.assertEqual(self.outgoing(order).partner_id, site)

    def test_address_of_goods_already_shipped_is_refused(self):
        order = self.shipped_order([(self.product, 2)])
        request = self.request(order, "address", new_partner_shipping_id=self.site().id)
        before = self.snapshot(order)
        with self.assertRaisesRegex(UserError, "have already left the warehouse"):
            self.apply(request)
        self.assert_nothing_written(order, before)

    def test_the_same_address_is_refused(self):
        order = self.confirmed_order()
        request = self.request(
            order, "address", new_partner_shipping_id=order.partner_shipping_id.id
        )
        before = self.snapshot(order)
        with self.assertRaisesRegex(UserError, "is already delivered to"):
            self.apply(request)
        self.assert_nothing_written(order, before)
