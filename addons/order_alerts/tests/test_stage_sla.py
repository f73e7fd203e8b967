from datetime import datetime

from odoo.tests import new_test_user, tagged

from .common import AlertCase


@tagged("post_install", "-at_install")
class TestStageSla(AlertCase):
    """Node SLA alerts on the working calendar: warning, breach, escalations."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.general_manager = new_test_user(
            cls.env, login="alr_gm", groups="sales_team.group_sale_manager", name="Liu Yang 刘洋"
        )
        cls.rule = cls.make_rule(
            name="To Ship over 24 h",
            stage_id=cls.to_ship.id,
            hours=24,
            warning_ratio=0.8,
            escalation_hours=8,
            escalation_max=2,
            escalation_user_id=cls.general_manager.id,
        )

    def test_alert_shows_the_node_the_order_is_in_now(self):
        """The node the alert was raised in stays; its current node is the
        order's as the alert is read (computed on read, for its user too)."""
        order = self.confirmed_order("2037-11-30 09:00:00")
        self.scan(self.rule, "2037-12-04 09:01:00")
        alert = self.alerts(self.rule, order)[:1].with_user(self.stock_manager)
        self.assertEqual(alert.current_stage_id, self.to_ship)
        order._action_cancel()
        self.assertEqual(order.tracking_stage_code, "cancelled")
        # a later request: the alert read again
        alert.invalidate_recordset()
        self.assertEqual(
            (alert.stage_id, alert.current_stage_id), (self.to_ship, order.tracking_stage_id)
        )

    def test_ladder_on_working_calendar_with_weekend_and_holiday(self):
        order = self.confirmed_order("2037-11-30 09:00:00")  # Monday
        # 80 % of 24 h = 19.2 working hours: Mon 7 + Tue 8 + (Wed holiday) + Thu 4.2
        # -> Thursday 13:12. Without the holiday it would be Wednesday 13:12.
        self.assertEqual(self.scan(self.rule, "2037-12-02 16:00:00"), 0)
        self.assertEqual(self.scan(self.rule, "2037-12-03 13:00:00"), 0)
        self.assertEqual(self.scan(self.rule, "2037-12-03 13:15:00"), 1)
        warning = self.alerts(self.rule, order)
        self.assertRecordValues(
            warning,
            [
                {
                    "level": "warning",
                    "step": 0,
                    "escalation_level": 0,
                    "state": "open",
                    "severity": "low",
                    "user_id": self.stock_manager.id,
                    "stage_id": self.to_ship.id,
                    "stage_entry_id": order.tracking_last_event_id.id,
                    "due_at": datetime(2037, 12, 3, 13, 12),
                    "start_at": datetime(2037, 11, 30, 9, 0),
                }
            ],
        )
        # never twice for the same entry and step
        self.assertEqual(self.scan(self.rule, "2037-12-03 16:00:00"), 0)
        # breach at 24 h: Friday 09:00
        self.assertEqual(self.scan(self.rule, "2037-12-04 08:59:00"), 0)
        self.assertEqual(self.scan(self.rule, "2037-12-04 09:01:00"), 1)
        breach = self.alerts(self.rule, order, level="breach")
        self.assertEqual(breach.due_at, datetime(2037, 12, 4, 9, 0))
        self.assertEqual(breach.severity, "medium")
        self.assertEqual(warning.state, "resolved", "the breach supersedes the warning")
        self.assertEqual(warning.resolution, "superseded")
        # escalation 1 after 8 more working hours: the weekend does not count
        # (wall clock: Friday 17:00; working time: Monday 09:00)
        self.assertEqual(self.scan(self.rule, "2037-12-06 12:00:00"), 0)
        self.assertEqual(self.scan(self.rule, "2037-12-07 09:05:00"), 1)
        escalation = self.alerts(self.rule, order, level="escalation")
        self.assertRecordValues(
            escalation,
            [
                {
                    "escalation_level": 1,
                    "step": 2,
                    "severity": "high",
                    "user_id": self.director.id,
                    "due_at": datetime(2037, 12, 7, 9, 0),
                }
            ],
        )
        self.assertEqual(escalation.level_name, "Escalation 1")
        self.assertEqual(breach.state, "resolved")
        # escalation 2 goes to the next target: the general manager
        self.assertEqual(self.scan(self.rule, "2037-12-08 09:05:00"), 1)
        second = self.alerts(self.rule, order, step=3)
        self.assertEqual(second.escalation_level, 2)
        self.assertEqual(second.user_id, self.general_manager)
        self.assertEqual(escalation.state, "resolved")
        # escalation_max = 2: the ladder ends there
        self.assertEqual(self.scan(self.rule, "2037-12-20 09:00:00"), 0)
        self.assertEqual(len(self.open_alerts(self.rule, order)), 1)

    def test_late_first_scan_raises_only_the_highest_step(self):
        order = self.confirmed_order("2037-11-30 09:00:00")
        self.assertEqual(self.scan(self.rule, "2037-12-07 10:00:00"), 1)
        self.assertEqual(self.alerts(self.rule, order).mapped("step"), [2])

    def test_resolves_itself_when_the_order_moves_on(self):
        order = self.confirmed_order("2037-11-30 09:00:00")
        self.scan(self.rule, "2037-12-04 10:00:00")
        alert = self.alerts(self.rule, order)
        self.assertEqual(alert.level, "breach")
        activity = alert.activity_id
        self.assertTrue(activity)
        self.assertEqual(activity.res_id, order.id)
        self.assertEqual(activity.user_id, self.stock_manager)
        with self.at("2037-12-04 11:30:00"):
            order.picking_ids.action_assign()
            self.env.flush_all()
        self.assertEqual(order.tracking_stage_code, "ready")
        self.assertRecordValues(
            alert,
            [
                {
                    "state": "resolved",
                    "resolution": "cleared",
                    "resolved_at": datetime(2037, 12, 4, 11, 30),
                    "time_to_clear": 1.5,
                    "resolved_by": False,
                }
            ],
        )
        self.assertFalse(activity.exists(), "the to-do is marked done")
        self.assertFalse(order.activity_ids)
        # nothing comes back for the node it left
        self.assertEqual(self.scan(self.rule, "2037-12-10 10:00:00"), 0)

    def test_scan_resolves_when_the_hook_did_not_run(self):
        order = self.confirmed_order("2037-11-30 09:00:00")
        self.scan(self.rule, "2037-12-04 10:00:00")
        alert = self.alerts(self.rule, order)
        # the node changed behind the ORM's back (e.g. a module without the hook)
        with self.at("2037-12-04 11:00:00"):
            order.picking_ids.action_assign()
            self.env.flush_all()
        alert.sudo().write({"state": "open", "resolved_at": False, "resolution": False})
        self.scan(self.rule, "2037-12-04 12:00:00")
        self.assertEqual(alert.state, "resolved")
        self.assertEqual(alert.resolution, "cleared")

    def test_reentering_the_node_is_a_new_entry(self):
        rule = self.make_rule(name="Quotation over 4 h", stage_id=self.draft.id, hours=4)
        with self.at("2037-11-30 09:00:00"):
            order = self.create_order(user_id=self.salesman.id)
            self.env.flush_all()
        # Mon 9-12 + 13-14 = 4 working hours
        self.assertEqual(self.scan(rule, "2037-11-30 13:59:00"), 0)
        self.assertEqual(self.scan(rule, "2037-11-30 14:01:00"), 1)
        first = self.alerts(rule, order)
        with self.at("2037-11-30 15:00:00"):
            order._action_cancel()
            self.env.flush_all()
            order.action_draft()
            self.env.flush_all()
        self.assertEqual(first.state, "resolved")
        self.assertNotEqual(order.tracking_last_event_id, first.stage_entry_id)
        self.assertEqual(self.scan(rule, "2037-11-30 16:00:00"), 0)
        # new entry Mon 15:00: Mon 2 h + Tue 2 h -> Tuesday 10:00
        self.assertEqual(self.scan(rule, "2037-12-01 10:01:00"), 1)
        second = self.alerts(rule, order) - first
        self.assertEqual(second.stage_entry_id, order.tracking_last_event_id)
        self.assertEqual(second.state, "open")
        self.assertEqual(self.scan(rule, "2037-12-01 11:00:00"), 0)

    def test_zero_hours_uses_the_node_sla(self):
        rule = self.make_rule(name="To Ship SLA", stage_id=self.to_ship.id, hours=0)
        self.assertEqual(self.to_ship.sla_hours, 24)
        order = self.confirmed_order("2037-11-30 09:00:00")
        self.assertEqual(self.scan(rule, "2037-12-04 08:55:00"), 0)
        self.assertEqual(self.scan(rule, "2037-12-04 09:05:00"), 1)
        alert = self.alerts(rule, order)
        self.assertEqual(alert.due_at, order.tracking_deadline, "same clock as the node deadline")

    def test_acknowledge_and_resolve_by_hand(self):
        order = self.confirmed_order("2037-11-30 09:00:00")
        self.scan(self.rule, "2037-12-04 10:00:00")
        alert = self.alerts(self.rule, order)
        with self.at("2037-12-04 12:30:00"):
            self.assertIs(alert.with_user(self.stock_manager).action_acknowledge(), True)
        self.assertRecordValues(
            alert,
            [
                {
                    "state": "acknowledged",
                    "acknowledged_by": self.stock_manager.id,
                    "acknowledged_at": datetime(2037, 12, 4, 12, 30),
                    "time_to_acknowledge": 2.5,
                }
            ],
        )
        with self.at("2037-12-04 14:00:00"):
            self.assertIs(
                alert.with_user(self.stock_manager).action_resolve(note="Truck booked 已订车"), True
            )
        self.assertRecordValues(
            alert,
            [
                {
                    "state": "resolved",
                    "resolution": "manual",
                    "resolved_by": self.stock_manager.id,
                    "time_to_clear": 4.0,
                    "note": "Truck booked 已订车",
                }
            ],
        )
        # resolved by hand: the same step is not raised again for this entry
        self.assertEqual(self.scan(self.rule, "2037-12-04 16:00:00"), 0)

    def test_orders_of_other_nodes_are_ignored(self):
        self.confirmed_order("2037-11-30 09:00:00").picking_ids.action_assign()
        with self.at("2037-11-30 09:00:00"):
            self.create_order()
        self.assertEqual(self.scan(self.rule, "2037-12-10 09:00:00"), 0)

    def test_sql_and_python_conditions_agree(self):
        staying = self.confirmed_order("2037-11-30 09:00:00")
        leaving = self.confirmed_order("2037-11-30 09:00:00")
        self.assertGreaterEqual(self.scan(self.rule, "2037-12-07 09:00:00"), 2)
        with self.at("2037-12-07 09:30:00"):
            leaving.picking_ids.action_assign()
            self.env.flush_all()
        self.assertEqual(leaving.tracking_stage_code, "ready")
        holding, cleared = self.assert_conditions_agree(
            self.rule, "2037-12-07 10:00:00", self.alerts(self.rule)
        )
        self.assertEqual(holding.order_id, staying)
        self.assertEqual(cleared.order_id, leaving)


@tagged("post_install", "-at_install")
class TestCheckpointSla(AlertCase):
    """A manual checkpoint holds the order, so its SLA measures the time the
    order waits for the checkpoint's department, from the moment it arrives."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.inspection = cls.env["order.tracking.stage"].create(
            {
                "name": "Quality Inspection 质检",
                "code": "quality_check",
                "sequence": 55,  # between Ready and Partially Shipped
                "trigger_mode": "manual",
            }
        )
        cls.rule = cls.make_rule(name="Inspection over 2 h", stage_id=cls.inspection.id, hours=2)

    def test_alert_measures_the_wait_at_the_checkpoint(self):
        order = self.confirmed_order("2037-11-30 08:00:00")  # Monday, To Ship
        with self.at("2037-11-30 09:00:00"):
            order.picking_ids.action_assign()  # reserved: now waits for inspection
            self.env.flush_all()
        self.assertEqual(order.tracking_stage_id, self.inspection)
        self.assertEqual(order.tracking_entered_at, datetime(2037, 11, 30, 9, 0))
        # two working hours after it arrived, not after confirmation
        self.assertEqual(self.scan(self.rule, "2037-11-30 10:55:00"), 0)
        self.assertEqual(self.scan(self.rule, "2037-11-30 11:05:00"), 1)
        alert = self.alerts(self.rule, order)
        self.assertRecordValues(
            alert,
            [
                {
                    "stage_id": self.inspection.id,
                    "start_at": datetime(2037, 11, 30, 9, 0),
                    "due_at": datetime(2037, 11, 30, 11, 0),
                }
            ],
        )
        with self.at("2037-11-30 11:30:00"):
            order.action_pass_checkpoint("quality_check")
            self.env.flush_all()
        self.assertEqual(order.tracking_stage_code, "ready")
        self.scan(self.rule, "2037-11-30 11:35:00")
        self.assertEqual(alert.state, "resolved")
