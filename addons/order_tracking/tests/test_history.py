from datetime import datetime

import psycopg2
from freezegun import freeze_time

from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged
from odoo.tools import mute_logger

from .common import OrderTrackingCase


@tagged("post_install", "-at_install")
class TestHistory(OrderTrackingCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.set_stock(cls.product, 100)
        cls.order = cls.create_order([(cls.product, 2)])
        cls.order.action_confirm()
        cls.order.mapped("tracking_stage_id")

    def test_orm_write_and_unlink_are_refused(self):
        event = self.order.tracking_event_ids[-1]
        with self.assertRaisesRegex(UserError, "cannot be changed"):
            event.sudo().write({"note": "edited"})
        with self.assertRaisesRegex(UserError, "cannot be deleted"):
            event.sudo().unlink()
        with self.assertRaisesRegex(UserError, "written by the system"):
            self.env["order.tracking.event"].with_user(self.salesman).create(
                {"order_id": self.order.id, "to_code": "done", "date": datetime.now()}
            )

    def test_users_have_no_write_access(self):
        # the salesperson's own order: they read its history, never write it
        order = self.create_order([(self.product, 1)], user_id=self.salesman.id)
        order.action_confirm()
        self.env.flush_all()
        event = order.tracking_event_ids[-1].with_user(self.salesman)
        event.check_access("read")
        for operation in ("write", "create", "unlink"):
            with self.assertRaises(AccessError):
                event.check_access(operation)

    @mute_logger("odoo.sql_db")
    def test_sql_update_and_delete_are_refused_by_the_trigger(self):
        event = self.order.tracking_event_ids[-1]
        with self.assertRaisesRegex(psycopg2.Error, "immutable"), self.env.cr.savepoint():
            self.env.cr.execute(
                "UPDATE order_tracking_event SET note = 'x' WHERE id = %s", [event.id]
            )
        with self.assertRaisesRegex(psycopg2.Error, "immutable"), self.env.cr.savepoint():
            self.env.cr.execute("DELETE FROM order_tracking_event WHERE id = %s", [event.id])

    def test_deleting_a_quotation_takes_its_history_with_it(self):
        quotation = self.create_order()
        event_ids = quotation.tracking_event_ids.ids
        self.assertTrue(event_ids)
        quotation.unlink()
        self.assertFalse(self.env["order.tracking.event"].browse(event_ids).exists())

    def test_hash_chain_verifies_and_detects_tampering(self):
        self.ship_all(self.order)
        self.env.flush_all()
        self.assertEqual(
            self.order.verify_tracking_history(),
            [{"order_id": self.order.id, "ok": True, "broken_event_id": False}],
        )
        events = self.order.tracking_event_ids.sorted("id")
        self.assertEqual(events[1].prev_hash, events[0].hash)
        tampered = events[1]
        self.env.flush_all()
        self.env.cr.execute("SET LOCAL order_tracking.allow_history_write = 'on'")
        self.env.cr.execute(
            "UPDATE order_tracking_event SET user_id = %s WHERE id = %s",
            [self.salesman.id, tampered.id],
        )
        self.env.cr.execute("SET LOCAL order_tracking.allow_history_write = 'off'")
        result = self.order.verify_tracking_history()[0]
        self.assertFalse(result["ok"])
        self.assertEqual(result["broken_event_id"], tampered.id)
        action = self.order.action_verify_tracking_history()
        self.assertEqual(action["params"]["type"], "danger")

    def test_deleted_event_breaks_the_chain(self):
        self.ship_all(self.order)
        self.env.flush_all()
        events = self.order.tracking_event_ids.sorted("id")
        self.env.cr.execute("SET LOCAL order_tracking.allow_history_write = 'on'")
        self.env.cr.execute("DELETE FROM order_tracking_event WHERE id = %s", [events[1].id])
        self.env.cr.execute("SET LOCAL order_tracking.allow_history_write = 'off'")
        result = self.order.verify_tracking_history()[0]
        self.assertEqual(result["broken_event_id"], events[2].id)

    def test_timeline_format(self):
        self.ship_all(self.order)
        other = self.create_order()
        timelines = (self.order | other).get_tracking_timeline()
        self.assertEqual(len(timelines), 2)
        self.assertEqual([e["to_code"] for e in timelines[0]], ["draft", "ready", "shipped"])
        self.assertEqual([e["to_code"] for e in timelines[1]], ["draft"])
        first = timelines[0][0]
        self.assertEqual(first["from_code"], "")
        for key in ("date", "from_code", "to_code", "user", "source", "note", "hours_in_previous"):
            self.assertIn(key, first)
        self.assertRegex(first["date"], r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$")
        self.assertEqual(timelines[0][-1]["source"], "picking")
        for events in timelines:
            for event in events:
                self.assertNotIn(None, event.values())

    def test_durations_in_wall_clock_and_working_hours(self):
        """Entered Friday 16:00 UTC, left Monday 10:00 UTC: 66 wall-clock hours;
        on the standard 40-hour week calendar (UTC, 8-12 and 13-17): 1 + 2 = 3."""
        calendar = self.env["resource.calendar"].create({"name": "Standard 40h UTC", "tz": "UTC"})
        self.company.resource_calendar_id = calendar
        with freeze_time("2037-11-20 16:00:00"):  # a Friday
            order = self.create_order([(self.product, 1)])
            order.action_confirm()
            self.assertEqual(order.tracking_stage_code, "ready")
        with freeze_time("2037-11-23 10:00:00"):  # the Monday after
            self.ship_all(order)
            self.assertEqual(order.tracking_stage_code, "shipped")
        event = order.tracking_event_ids.sorted("id")[-1]
        self.assertEqual(event.hours_in_previous, 66.0)
        self.assertEqual(event.work_hours_in_previous, 3.0)

    def test_orders_passing_a_node_together_keep_their_own_working_hours(self):
        """One batch, two clocks: A reached the checkpoint Friday 16:00, B Monday
        9:00; both pass it Monday 11:00 (UTC calendar, 8-12 and 13-17) and are
        back in Ready. A: Fri 16-17 (1) + Mon 8-11 (3) = 4; B: Mon 9-11 = 2.
        Ready's 8 h SLA from Monday 11:00: 1 + 4 that day, 3 on Tuesday:
        Tuesday 11:00."""
        calendar = self.env["resource.calendar"].create({"name": "Std UTC 2", "tz": "UTC"})
        self.company.resource_calendar_id = calendar
        self.env["order.tracking.stage"].create(
            {
                "name": "Quality Check",
                "code": "quality_check",
                "sequence": 55,
                "trigger_mode": "manual",
            }
        )
        self.stage("ready").sla_hours = 8
        with freeze_time("2037-11-20 16:00:00"):  # a Friday
            order_a = self.create_order([(self.product, 1)])
            order_a.action_confirm()
            self.assertEqual(order_a.tracking_stage_code, "quality_check")
        with freeze_time("2037-11-23 09:00:00"):  # the Monday after
            order_b = self.create_order([(self.product, 1)])
            order_b.action_confirm()
            self.assertEqual(order_b.tracking_stage_code, "quality_check")
        with freeze_time("2037-11-23 11:00:00"):
            (order_a | order_b).action_pass_checkpoint("quality_check")
        for order, hours, wall in ((order_a, 4.0, 67.0), (order_b, 2.0, 2.0)):
            event = order.tracking_event_ids.sorted("id")[-1]
            self.assertEqual((event.from_code, event.to_code), ("quality_check", "ready"))
            self.assertEqual(event.work_hours_in_previous, hours)
            self.assertEqual(event.hours_in_previous, wall)
            self.assertEqual(event.deadline, datetime(2037, 11, 24, 11, 0))

    def test_sla_deadline_and_late_flag(self):
        calendar = self.env["resource.calendar"].create({"name": "Std UTC", "tz": "UTC"})
        self.company.resource_calendar_id = calendar
        self.stage("ready").sla_hours = 4
        with freeze_time("2037-11-20 15:00:00"):  # Friday 15:00: 2 h left that day
            order = self.create_order([(self.product, 1)])
            order.action_confirm()
            self.assertEqual(order.tracking_stage_code, "ready")
            self.assertEqual(order.tracking_entered_at, datetime(2037, 11, 20, 15, 0))
            self.assertEqual(order.tracking_deadline, datetime(2037, 11, 23, 10, 0))
            self.assertFalse(order.tracking_late)
        with freeze_time("2037-11-23 10:30:00"):
            order.invalidate_recordset(["tracking_late"])
            self.assertTrue(order.tracking_late)
            late = self.env["sale.order"].search([("tracking_late", "=", True)])
            self.assertIn(order, late)
            self.assertNotIn(order, self.env["sale.order"].search([("tracking_late", "=", False)]))
