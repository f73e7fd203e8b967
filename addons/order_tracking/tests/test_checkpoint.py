from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import new_test_user, tagged

from .common import OrderTrackingCase


@tagged("post_install", "-at_install")
class TestCheckpoint(OrderTrackingCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.quality_group = cls.env["res.groups"].create({"name": "Quality 质检"})
        cls.inspector = new_test_user(
            cls.env,
            login="ot_inspector",
            groups="stock.group_stock_user",
            name="Zhao Min 赵敏",
        )
        cls.inspector.groups_id += cls.quality_group
        cls.inspection = cls.env["order.tracking.stage"].create(
            {
                "name": "Quality Inspection",
                "code": "quality_check",
                "sequence": 55,  # between ready and partially shipped
                "trigger_mode": "manual",
                "group_id": cls.quality_group.id,
            }
        )
        cls.set_stock(cls.product, 100)

    def last_event(self, order):
        self.env.flush_all()
        return order.tracking_event_ids.sorted("id")[-1]

    def test_order_waits_at_the_checkpoint_after_reservation(self):
        self.inspection.sla_hours = 4
        order = self.create_order([(self.product, 2)])
        order.action_confirm()
        # the goods are reserved (the facts of Ready hold): the order is at
        # the inspection, in its column, on its SLA clock, with its department
        self.assertEqual(order.tracking_fulfilment, "ready")
        self.assertEqual(order.tracking_stage_code, "quality_check")
        self.assertEqual(order.tracking_checkpoint_id, self.inspection)
        self.assertEqual(order.tracking_stage_group_id, self.quality_group)
        entry = self.last_event(order)
        self.assertEqual(entry.to_code, "quality_check")
        self.assertEqual(order.tracking_entered_at, entry.date)
        self.assertTrue(order.tracking_deadline > entry.date)
        order.with_user(self.inspector).action_pass_checkpoint("quality_check", note="OK 合格")
        # passed: the order moves on to the node its facts have reached, back
        # with the warehouse, which ships it
        self.assertEqual(order.tracking_stage_code, "ready")
        self.assertFalse(order.tracking_checkpoint_id)
        event = self.last_event(order)
        self.assertRecordValues(
            event,
            [
                {
                    "from_code": "quality_check",
                    "to_code": "ready",
                    "note": "OK 合格",
                    "user_id": self.inspector.id,
                }
            ],
        )
        self.ship_all(order)
        self.assertEqual(order.tracking_stage_code, "shipped")
        self.assertEqual(
            self.codes(order)[-3:], ["quality_check", "ready", "shipped"], "no second inspection"
        )

    def test_order_not_reserved_yet_has_not_reached_the_checkpoint(self):
        self.warehouse.out_type_id.reservation_method = "manual"
        order = self.create_order([(self.product, 2)])
        order.action_confirm()
        self.assertEqual(order.tracking_stage_code, "to_ship")
        with self.assertRaisesRegex(UserError, "is not waiting at"):
            order.with_user(self.inspector).action_pass_checkpoint("quality_check")
        order.picking_ids.action_assign()
        self.assertEqual(order.tracking_stage_code, "quality_check")

    def test_goods_shipped_before_a_non_holding_checkpoint_show_the_checkpoint(self):
        order = self.create_order([(self.product, 2)])
        order.action_confirm()
        self.ship_all(order)
        self.assertEqual(order.tracking_fulfilment, "shipped")
        self.assertEqual(order.tracking_stage_code, "quality_check")
        order.with_user(self.inspector).action_pass_checkpoint("quality_check")
        self.assertEqual(order.tracking_stage_code, "shipped")

    def test_outsiders_are_refused_and_nothing_changes(self):
        order = self.create_order([(self.product, 2)], user_id=self.salesman.id)
        order.action_confirm()
        self.env.flush_all()
        events = order.tracking_event_ids
        portal = new_test_user(self.env, login="ot_portal_customer", groups="base.group_portal")
        order.message_subscribe(partner_ids=portal.partner_id.ids)
        order.with_user(portal).check_access("read")  # the customer may read it
        for outsider in (self.salesman, portal):
            with self.assertRaises(AccessError):
                order.with_user(outsider).action_pass_checkpoint("quality_check")
        # a checkpoint without department: any Order Tracking user, never a customer
        self.inspection.group_id = False
        with self.assertRaises(AccessError):
            order.with_user(portal).action_pass_checkpoint("quality_check")
        self.assertEqual(order.tracking_stage_code, "quality_check")
        self.assertFalse(order.tracking_passed_stage_ids)
        self.assertEqual(order.tracking_event_ids, events)
        order.with_user(self.salesman).action_pass_checkpoint("quality_check")
        self.assertEqual(order.tracking_stage_code, "ready")

    def test_a_manager_passes_only_where_the_node_allows_an_override(self):
        """The department that owns a checkpoint decides: a sales manager (an
        Order Tracking manager) outside it is refused, unless the node allows
        an override — then the pass is recorded as one."""
        manager = new_test_user(
            self.env,
            login="ot_sales_manager",
            groups="sales_team.group_sale_manager",
            name="Sun Li 孙丽",
        )
        self.assertTrue(manager.has_group("order_tracking.order_tracking_group_manager"))
        order = self.create_order([(self.product, 2)])
        order.action_confirm()
        events = self.last_event(order).order_id.tracking_event_ids
        with self.assertRaisesRegex(AccessError, "Only members of"):
            order.with_user(manager).action_pass_checkpoint("quality_check")
        self.assertEqual(order.tracking_stage_code, "quality_check")
        self.assertEqual(order.tracking_event_ids, events)
        self.inspection.manager_override = True
        order.with_user(manager).action_pass_checkpoint("quality_check", note="urgent 加急")
        event = self.last_event(order)
        self.assertEqual(event.to_code, "ready")
        self.assertEqual(event.user_id, manager)
        self.assertIn("overriding", event.note)
        self.assertIn("Quality 质检", event.note)
        self.assertIn("urgent 加急", event.note)
        # the department's own pass is no override
        other = self.create_order([(self.product, 1)])
        other.action_confirm()
        other.with_user(self.inspector).action_pass_checkpoint("quality_check")
        self.assertFalse(self.last_event(other).note)

    def test_holding_checkpoint_refuses_the_delivery_until_passed(self):
        self.inspection.hold_fact = "delivery"
        order = self.create_order([(self.product, 2)])
        order.action_confirm()
        picking = order.picking_ids
        with self.assertRaisesRegex(UserError, "Quality Inspection.*Quality 质检"):
            self.validate(picking)
        self.assertEqual(picking.state, "assigned")
        self.assertEqual(order.order_line.qty_delivered, 0)
        self.assertEqual(order.tracking_stage_code, "quality_check")
        order.with_user(self.inspector).action_pass_checkpoint("quality_check")
        self.validate(picking)
        self.assertEqual(picking.state, "done")
        self.assertEqual(order.tracking_stage_code, "shipped")

    def test_warehouse_user_who_cannot_read_the_order_is_held_too(self):
        """The hold is a system check: a stock manager whose sales rights stop
        at their own orders gets the checkpoint's message, not an access error,
        and validates once it is passed (as in Odoo's own sale_stock tests)."""
        keeper = new_test_user(
            self.env,
            login="ot_keeper",
            groups="stock.group_stock_manager,sales_team.group_sale_salesman",
        )
        self.inspection.hold_fact = "delivery"
        order = self.create_order([(self.product, 2)])
        order.action_confirm()
        picking = order.picking_ids.with_user(keeper)
        with self.assertRaises(AccessError):
            order.with_user(keeper).check_access("read")
        with self.assertRaisesRegex(UserError, "Quality Inspection"):
            self.validate(picking)
        order.with_user(self.inspector).action_pass_checkpoint("quality_check")
        self.validate(picking)
        self.assertEqual(picking.state, "done")

    def test_holding_checkpoint_refuses_the_invoice_until_passed(self):
        billing = self.env["order.tracking.stage"].create(
            {
                "name": "Credit Check",
                "code": "credit_check",
                "sequence": 85,  # between signed and invoiced
                "trigger_mode": "manual",
                "hold_fact": "invoice",
            }
        )
        self.inspection.active = False
        order = self.create_order([(self.service, 1)])
        order.action_confirm()
        self.assertEqual(order.tracking_stage_id, billing)
        invoice = self.invoice(order, post=False)
        with self.assertRaisesRegex(UserError, "invoice of .*Credit Check"):
            invoice.action_post()
        self.assertEqual(invoice.state, "draft")
        order.action_pass_checkpoint("credit_check")
        invoice.action_post()
        self.assertEqual(order.tracking_stage_code, "invoiced")

    def test_a_hold_must_come_before_the_fact_it_holds(self):
        # assertRaises (not ...Regex) rolls the savepoint back, as RPC would
        with self.assertRaises(ValidationError) as caught:
            self.inspection.write({"hold_fact": "delivery", "sequence": 75})
        self.assertIn("place it before", str(caught.exception))
        with self.assertRaises(ValidationError) as caught:
            self.stage("ready").hold_fact = "delivery"
        self.assertIn("Only a manual checkpoint", str(caught.exception))
        self.env.cr.execute("SELECT count(*) FROM order_tracking_stage WHERE hold_fact IS NOT NULL")
        self.assertEqual(self.env.cr.fetchone()[0], 0, "nothing written")

    def test_kanban_column_counts_the_orders_waiting_there(self):
        waiting = self.create_order([(self.product, 1)]) | self.create_order([(self.product, 1)])
        passed = self.create_order([(self.product, 1)])
        (waiting | passed).action_confirm()
        passed.action_pass_checkpoint("quality_check")
        groups = self.env["sale.order"].read_group(
            [("id", "in", (waiting | passed).ids)], ["tracking_stage_id"], ["tracking_stage_id"]
        )
        counts = {g["tracking_stage_id"][0]: g["tracking_stage_id_count"] for g in groups}
        self.assertEqual(counts[self.inspection.id], 2)
        self.assertEqual(counts[self.stage("ready").id], 1)
        self.assertEqual(self.inspection.order_count, 2)

    def test_bad_input_is_refused_and_changes_nothing(self):
        order = self.create_order([(self.product, 2)])
        with self.assertRaisesRegex(UserError, "is not waiting at"):
            order.action_pass_checkpoint("quality_check")
        order.action_confirm()
        self.assertEqual(order.tracking_stage_code, "quality_check")
        with self.assertRaisesRegex(UserError, "no active status node with the code"):
            order.action_pass_checkpoint("no_such_node")
        with self.assertRaisesRegex(UserError, "not a manual checkpoint"):
            order.action_pass_checkpoint("shipped")
        with self.assertRaisesRegex(UserError, "code of the checkpoint"):
            order.action_pass_checkpoint(42)
        self.assertFalse(order.tracking_passed_stage_ids)
        self.assertEqual(order.tracking_stage_code, "quality_check")

    def test_stage_configuration_is_validated(self):
        Stage = self.env["order.tracking.stage"]
        with self.assertRaisesRegex(ValidationError, "already uses the code"):
            Stage.create({"name": "Dup", "code": "shipped"})
        with self.assertRaisesRegex(ValidationError, "is not valid"):
            Stage.create({"name": "Bad", "code": "Bad Code"})
        with self.assertRaisesRegex(ValidationError, "between 0 and 8760"):
            self.inspection.sla_hours = -1
        with self.assertRaisesRegex(ValidationError, "cannot be archived"):
            self.stage("done").active = False
        with self.assertRaisesRegex(ValidationError, "keep the order"):
            self.stage("shipped").sequence = 1

    def test_no_sign_off_step_when_the_node_is_archived(self):
        self.stage("delivered").active = False
        order = self.create_order([(self.product, 1)])
        order.action_confirm()
        order.action_pass_checkpoint("quality_check")
        self.ship_all(order)
        self.assertEqual(order.tracking_stage_code, "shipped")
        invoice = self.invoice(order)
        self.pay(invoice)
        self.assertEqual(order.tracking_stage_code, "done")

    def test_manual_done_closes_by_hand(self):
        self.stage("done").trigger_mode = "manual"
        order = self.create_order([(self.service, 1)])
        order.action_confirm()
        order.action_pass_checkpoint("quality_check")
        self.pay(self.invoice(order))
        self.assertEqual(order.tracking_stage_code, "paid")
        order.action_pass_checkpoint("done", note="归档")
        self.assertEqual(order.tracking_stage_code, "done")

    def test_company_node_replaces_the_shared_one(self):
        own = self.stage("shipped").copy(
            {"company_id": self.company.id, "name": "Dispatched", "code": "shipped"}
        )
        order = self.create_order([(self.product, 1)])
        order.action_confirm()
        order.action_pass_checkpoint("quality_check")
        self.ship_all(order)
        self.assertEqual(order.tracking_stage_id, own)
