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

    def test_order_waits_at_the_checkpoint_until_passed(self):
        order = self.create_order([(self.product, 2)])
        order.action_confirm()
        self.assertEqual(order.tracking_stage_code, "ready")
        self.assertEqual(order.tracking_checkpoint_id, self.inspection)
        order.with_user(self.inspector).action_pass_checkpoint("quality_check", note="OK 合格")
        self.assertEqual(order.tracking_stage_code, "quality_check")
        event = order.tracking_event_ids.sorted("id")[-1]
        self.assertEqual(event.note, "OK 合格")
        self.assertEqual(event.user_id, self.inspector)

    def test_goods_shipped_before_inspection_still_wait_for_it(self):
        order = self.create_order([(self.product, 2)])
        order.action_confirm()
        self.ship_all(order)
        self.assertEqual(order.tracking_stage_code, "ready")
        order.action_pass_checkpoint("quality_check")
        self.assertEqual(order.tracking_stage_code, "shipped")

    def test_unauthorised_user_is_refused(self):
        order = self.create_order([(self.product, 2)])
        order.action_confirm()
        with self.assertRaises(AccessError):
            order.with_user(self.salesman).action_pass_checkpoint("quality_check")
        self.assertEqual(order.tracking_stage_code, "ready")

    def test_bad_input_is_refused_and_changes_nothing(self):
        order = self.create_order([(self.product, 2)])
        with self.assertRaisesRegex(UserError, "is not waiting at"):
            order.action_pass_checkpoint("quality_check")
        order.action_confirm()
        with self.assertRaisesRegex(UserError, "no active status node with the code"):
            order.action_pass_checkpoint("no_such_node")
        with self.assertRaisesRegex(UserError, "not a manual checkpoint"):
            order.action_pass_checkpoint("shipped")
        with self.assertRaisesRegex(UserError, "code of the checkpoint"):
            order.action_pass_checkpoint(42)
        self.assertFalse(order.tracking_passed_stage_ids)
        self.assertEqual(order.tracking_stage_code, "ready")

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
