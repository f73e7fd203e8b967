"""Production's and purchasing's queues (order_tracking_mrp, order_tracking_purchase)
as Odoo tours in a real browser, desktop in English and phone in Simplified Chinese;
each run ends on a screenshot of the order's Supply tab (docs/user-guide.md)."""

from odoo import Command
from odoo.tests import HttpCase, tagged

from odoo.addons.order_tracking.tests.common import OrderTrackingCase

from .tour_common import TourScreenshotMixin


@tagged("post_install", "-at_install")
class TestSupplyTours(TourScreenshotMixin, HttpCase, OrderTrackingCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.admin = cls.env.ref("base.user_admin")
        cls.warehouse.out_type_id.reservation_method = "at_confirm"
        warehouse = cls.warehouse
        partner = cls.env["res.partner"]
        if "mrp.production" in cls.env:
            routes = warehouse.manufacture_pull_id.route_id | warehouse.mto_pull_id.route_id
            routes.active = True
            warehouse.mto_pull_id.active = True
            made = cls._create_product("Tour Cabinet 控制柜")
            made.route_ids = [Command.set(routes.ids)]
            frame = cls._create_product("Tour Frame 框架")
            cls.set_stock(frame, 10)
            cls.env["mrp.bom"].create(
                {
                    "product_tmpl_id": made.product_tmpl_id.id,
                    "bom_line_ids": [Command.create({"product_id": frame.id, "product_qty": 1})],
                }
            )
            customer = partner.create({"name": "Production Tour 西湖机械"})
            for _i in range(2):
                order = cls.create_order([(made, 2)], partner=customer, user_id=cls.admin.id)
                order.action_confirm()
            order.mrp_production_ids.action_start()
        if "purchase.order" in cls.env:
            warehouse.mto_pull_id.route_id.active = True
            routes = warehouse.buy_pull_id.route_id | warehouse.mto_pull_id.route_id
            vendor = partner.create({"name": "Tour Vendor 宁波铸造"})
            bought = cls._create_product("Tour Housing 铸造外壳")
            bought.write(
                {
                    "route_ids": [Command.set(routes.ids)],
                    "seller_ids": [Command.create({"partner_id": vendor.id, "price": 10.0})],
                }
            )
            customer = partner.create({"name": "Purchase Tour 苏州精密"})
            order = cls.create_order([(bought, 3)], partner=customer, user_id=cls.admin.id)
            order.action_confirm()
            order._get_purchase_orders().button_confirm()
        cls.env.flush_all()

    def _production(self, phone):
        self._skip_without("mrp.production")
        self.run_tour(
            "order_tracking_mrp.sale_order_action_production",
            "order_tracking_mrp_tour_production",
            "production",
            phone,
        )

    def test_production_desktop(self):
        self._production(False)

    def test_production_phone(self):
        self._production(True)

    def _purchasing(self, phone):
        self._skip_without("purchase.order")
        self.run_tour(
            "order_tracking_purchase.sale_order_action_purchasing",
            "order_tracking_purchase_tour_purchasing",
            "purchase-queue",
            phone,
        )

    def test_purchasing_desktop(self):
        self._purchasing(False)

    def test_purchasing_phone(self):
        self._purchasing(True)
