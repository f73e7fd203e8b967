"""PERF-4 on the production and purchasing hot paths (order_tracking_mrp,
order_tracking_purchase): what the bridges add to creating and confirming a
purchase, receiving it, and creating, starting and finishing a manufacturing
order is the same number of queries whether the document covers one customer
order or ten (make-to-stock: the orders short of its product read their coverage
again in one batch, never a query per order). Counted as in
test_performance_hot_paths.py (addons/order_tracking/tests/extra_queries.py)."""

from odoo import Command
from odoo.tests import tagged

from odoo.addons.order_tracking.tests.common import OrderTrackingCase
from odoo.addons.order_tracking.tests.extra_queries import extra_queries


@tagged("post_install", "-at_install")
class TestSupplyHotPathQueries(OrderTrackingCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.warehouse.out_type_id.reservation_method = "at_confirm"
        cls.vendor = cls.env["res.partner"].create({"name": "Perf Vendor 供应商"})

    def measure(self, func):
        self.env.flush_all()
        self.env.invalidate_all()
        with extra_queries(self.env) as counted:
            result = func()
        return counted.count, result

    def short_orders(self, product, count):
        orders = self.env["sale.order"]
        for _i in range(count):
            orders |= self.create_order([(product, 2)])
        orders.action_confirm()
        self.assertEqual(set(orders.mapped("tracking_stage_code")), {"waiting_stock"})
        return orders

    def purchase_counts(self, count):
        product = self._create_product("Perf Bearing 轴承")
        orders = self.short_orders(product, count)
        counts = {}
        counts["rfq"], purchase = self.measure(
            lambda: self.env["purchase.order"].create(
                {
                    "partner_id": self.vendor.id,
                    "order_line": [
                        Command.create({"product_id": product.id, "product_qty": 2 * count})
                    ],
                }
            )
        )
        counts["confirm"], _r = self.measure(lambda: purchase.button_confirm())
        self.assertEqual(set(orders.mapped("tracking_stage_code")), {"purchasing"})
        receipt = purchase.picking_ids
        for move in receipt.move_ids:
            move.quantity = move.product_uom_qty
            move.picked = True
        counts["receipt"], _r = self.measure(lambda: receipt.button_validate())
        self.assertEqual(set(orders.mapped("tracking_stage_code")), {"ready"})
        return counts

    def production_counts(self, count):
        product = self._create_product("Perf Cabinet 控制柜")
        self.env["mrp.bom"].create({"product_tmpl_id": product.product_tmpl_id.id})
        orders = self.short_orders(product, count)
        counts = {}
        counts["mo"], production = self.measure(
            lambda: self.env["mrp.production"].create(
                {"product_id": product.id, "product_qty": 2 * count}
            )
        )
        production.action_confirm()
        counts["start"], _r = self.measure(lambda: production.action_start())
        self.assertEqual(set(orders.mapped("tracking_stage_code")), {"in_production"})

        def finish():
            production.qty_producing = production.product_qty
            production._set_qty_producing()
            production.button_mark_done()

        counts["done"], _r = self.measure(finish)
        self.assertEqual(set(orders.mapped("tracking_stage_code")), {"ready"})
        return counts

    def test_purchase_paths_cost_the_same_for_one_and_ten_orders(self):
        if "purchase.order" not in self.env:
            self.skipTest("order_tracking_purchase is not installed")
        self.purchase_counts(1)  # warm the caches
        one, ten = self.purchase_counts(1), self.purchase_counts(10)
        self.assertEqual(one, ten)

    def test_production_paths_cost_the_same_for_one_and_ten_orders(self):
        if "mrp.production" not in self.env:
            self.skipTest("order_tracking_mrp is not installed")
        self.production_counts(1)  # warm the caches
        one, ten = self.production_counts(1), self.production_counts(10)
        self.assertEqual(one, ten)
