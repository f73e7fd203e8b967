from odoo import Command
from odoo.tests import Form, new_test_user, tagged

from .common import AlertCase


@tagged("post_install", "-at_install")
class TestDeliveryException(AlertCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.service_desk = cls.env["res.groups"].create(
            {"name": "Customer Service 客服", "users": [Command.link(cls.director.id)]}
        )
        cls.rule = cls.make_rule(
            name="Delivery exception",
            kind="delivery_exception",
            responsible_type="group",
            group_id=cls.service_desk.id,
            user_ids=[Command.clear()],
            action_post=True,
        )

    def test_flagged_delivery_alerts_and_clears_with_the_flag(self):
        order = self.confirmed_order("2037-11-30 09:00:00")
        picking = order.picking_ids
        with self.at("2037-11-30 10:00:00"):
            picking.delivery_exception_note = "Damaged in transit 运输破损"
            picking.action_flag_delivery_exception()
        self.assertEqual(self.scan(self.rule, "2037-11-30 10:05:00"), 1)
        alert = self.alerts(self.rule, order)
        self.assertRecordValues(
            alert,
            [
                {
                    "picking_id": picking.id,
                    "stage_entry_key": f"picking:{picking.id}",
                    "user_id": self.director.id,
                    "group_id": self.service_desk.id,
                }
            ],
        )
        self.assertIn("运输破损", alert.description)
        self.assertTrue(alert.activity_id)
        self.assertEqual(self.scan(self.rule, "2037-11-30 11:00:00"), 0)
        with self.at("2037-11-30 11:30:00"):
            picking.action_clear_delivery_exception()
        self.assertEqual(alert.state, "resolved")
        self.assertEqual(alert.resolution, "cleared")

    def test_cancelled_delivery_of_a_live_order(self):
        order = self.confirmed_order("2037-11-30 09:00:00")
        with self.at("2037-11-30 10:00:00"):
            order.picking_ids.action_cancel()
        self.assertEqual(self.scan(self.rule, "2037-11-30 10:05:00"), 1)
        alert = self.alerts(self.rule, order)
        self.assertIn("cancelled", alert.description)
        with self.at("2037-11-30 11:00:00"):
            order._action_cancel()
            self.env.flush_all()
        self.assertEqual(alert.state, "resolved")

    def test_cancelling_the_order_is_no_exception(self):
        order = self.confirmed_order("2037-11-30 09:00:00")
        with self.at("2037-11-30 10:00:00"):
            order._action_cancel()
        self.assertEqual(order.picking_ids.state, "cancel")
        self.assertEqual(self.scan(self.rule, "2037-11-30 10:05:00"), 0)

    def test_goods_returned_by_the_customer(self):
        order = self.confirmed_order("2037-11-30 09:00:00", lines=[(self.product, 4)])
        with self.at("2037-11-30 10:00:00"):
            order.picking_ids.action_assign()
            self.ship_all(order)
        self.assertEqual(self.scan(self.rule, "2037-11-30 10:05:00"), 0)
        with self.at("2037-12-01 10:00:00"):
            delivery = order.picking_ids
            wizard = Form(
                self.env["stock.return.picking"].with_context(
                    active_id=delivery.id, active_model="stock.picking"
                )
            ).save()
            wizard.product_return_moves.quantity = 1
            returned = self.env["stock.picking"].browse(wizard.action_create_returns()["res_id"])
            self.validate(returned)
        self.assertEqual(self.scan(self.rule, "2037-12-01 10:05:00"), 1)
        alert = self.alerts(self.rule, order)
        self.assertEqual(alert.picking_id, returned)
        self.assertIn("returned", alert.description)
        self.assertEqual(self.scan(self.rule, "2037-12-01 11:00:00"), 0)

    def test_return_applied_from_a_change_request_is_no_exception(self):
        """退货 recorded as a change request is an agreed change of the order:
        the same goods coming back without one are an exception."""
        supervisor = new_test_user(
            self.env,
            login="alr_cr_supervisor",
            groups="sales_team.group_sale_salesman_all_leads,"
            "order_tracking.order_tracking_group_supervisor",
        )
        order = self.confirmed_order("2037-11-30 09:00:00", lines=[(self.product, 4)])
        with self.at("2037-11-30 10:00:00"):
            order.picking_ids.action_assign()
            self.ship_all(order)
        delivery = order.picking_ids
        with self.at("2037-12-01 10:00:00"):
            request = self.env["order.change.request"].create(
                {
                    "order_id": order.id,
                    "change_type": "return",
                    "reason": "Wrong colour 颜色不对",
                    "line_ids": [
                        Command.create({"sale_line_id": order.order_line.id, "quantity": 1})
                    ],
                }
            )
            request.with_user(supervisor).action_apply()
            returned = order.picking_ids - delivery
            self.validate(returned)
        self.assertEqual(returned.state, "done")
        self.assertFalse(returned.delivery_exception_date)
        self.assertEqual(self.scan(self.rule, "2037-12-01 10:05:00"), 0)

    def test_sql_and_python_conditions_agree(self):
        flagged = self.confirmed_order("2037-11-30 09:00:00")
        cleared_order = self.confirmed_order("2037-11-30 09:00:00")
        cancelled = self.confirmed_order("2037-11-30 09:00:00")
        with self.at("2037-11-30 10:00:00"):
            for order in flagged | cleared_order:
                order.picking_ids.delivery_exception_note = "Damaged in transit 运输破损"
                order.picking_ids.action_flag_delivery_exception()
            cancelled.picking_ids.action_cancel()
            self.env.flush_all()
        self.assertEqual(self.scan(self.rule, "2037-11-30 10:05:00"), 3)
        with self.at("2037-11-30 11:00:00"):
            cleared_order.picking_ids.action_clear_delivery_exception()
            self.env.flush_all()
        holding, cleared = self.assert_conditions_agree(
            self.rule, "2037-11-30 11:30:00", self.alerts(self.rule)
        )
        self.assertEqual(holding.order_id, flagged | cancelled)
        self.assertEqual(cleared.order_id, cleared_order)
