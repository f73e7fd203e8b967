from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged

from .common import OrderTrackingCase


@tagged("post_install", "-at_install")
class TestSecurity(OrderTrackingCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.set_stock(cls.product, 100)
        cls.company_b = cls.env["res.company"].create({"name": "Shanghai Branch 上海分公司"})
        cls.user_b = new_test_user(
            cls.env,
            login="ot_user_b",
            groups="sales_team.group_sale_salesman_all_leads",
            company_id=cls.company_b.id,
            company_ids=[(6, 0, cls.company_b.ids)],
        )
        cls.other_salesman = new_test_user(
            cls.env, login="ot_other_salesman", groups="sales_team.group_sale_salesman"
        )

    def test_least_privileged_salesman_follows_own_order(self):
        order = self.create_order([(self.product, 1)], user_id=self.salesman.id)
        order.action_confirm()
        self.ship_all(order)
        as_salesman = order.with_user(self.salesman)
        self.assertEqual(as_salesman.tracking_stage_code, "shipped")
        self.assertTrue(as_salesman.get_tracking_timeline()[0])
        self.assertTrue(as_salesman.verify_tracking_history()[0]["ok"])
        as_salesman.action_confirm_receipt(signed_by="Customer 客户")
        self.assertEqual(order.tracking_stage_code, "delivered")

    def test_salesman_cannot_touch_other_salesmen_orders(self):
        order = self.create_order([(self.product, 1)], user_id=self.other_salesman.id)
        order.action_confirm()
        self.ship_all(order)
        with self.assertRaises(AccessError):
            order.with_user(self.salesman).get_tracking_timeline()
        with self.assertRaises(AccessError):
            order.with_user(self.salesman).action_confirm_receipt()
        self.assertFalse(order.signed_at)

    def test_salesman_cannot_configure_nodes(self):
        stage = self.stage("shipped").with_user(self.salesman)
        self.assertEqual(stage.name, "Shipped")
        with self.assertRaises(AccessError):
            stage.write({"sla_hours": 1})
        with self.assertRaises(AccessError):
            self.env["order.tracking.stage"].with_user(self.salesman).create(
                {"name": "X", "code": "x_node"}
            )

    def test_portal_user_reads_no_history_directly(self):
        portal = new_test_user(self.env, login="ot_portal", groups="base.group_portal")
        with self.assertRaises(AccessError):
            self.env["order.tracking.event"].with_user(portal).search([])

    def test_multi_company_isolation(self):
        order_a = self.create_order([(self.product, 1)])
        order_b = (
            self.env["sale.order"]
            .with_company(self.company_b)
            .create(
                {
                    "partner_id": self.customer.id,
                    "company_id": self.company_b.id,
                    "order_line": [(0, 0, {"product_id": self.service.id, "product_uom_qty": 1})],
                }
            )
        )
        self.env.flush_all()
        self.assertTrue(order_b.tracking_event_ids)
        self.assertEqual(order_b.tracking_event_ids.company_id, self.company_b)
        Event = self.env["order.tracking.event"].with_user(self.user_b)
        visible = Event.search([])
        self.assertIn(order_b, visible.order_id)
        self.assertNotIn(order_a, visible.order_id)
        with self.assertRaises(AccessError):
            order_a.tracking_event_ids.with_user(self.user_b).read(["to_code"])
        own_node = self.env["order.tracking.stage"].create(
            {
                "name": "Customs 报关",
                "code": "customs",
                "company_id": self.company_b.id,
                "trigger_mode": "manual",
                "sequence": 65,
            }
        )
        self.assertNotIn(
            own_node, self.env["order.tracking.stage"].with_user(self.salesman).search([])
        )
        self.assertIn(own_node, self.env["order.tracking.stage"].with_user(self.user_b).search([]))
        # the company's own checkpoint applies to its orders only
        self.assertFalse(order_a.tracking_checkpoint_id)
