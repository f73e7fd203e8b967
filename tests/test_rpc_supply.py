"""Production and purchasing over XML-RPC, exactly as docs/api.md tells an
integrator: a salesperson's robot reads what covers an order's short lines, and
the node they put it in, without manufacturing or purchase rights."""

from odoo import Command, fields
from odoo.tests import HttpCase, new_test_user, tagged

from odoo.addons.order_tracking.tests.common import OrderTrackingCase


@tagged("post_install", "-at_install")
class TestSupplyRpc(HttpCase, OrderTrackingCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.integrator = new_test_user(
            cls.env,
            login="ot_rpc_supply",
            password="ot_rpc_supply_pw_1",
            groups="sales_team.group_sale_salesman",
            name="ERP Robot",
        )
        cls.warehouse.out_type_id.reservation_method = "at_confirm"

    def call(self, model, method, *args, **kwargs):
        return self.xmlrpc_object.execute_kw(
            self.env.cr.dbname,
            self.integrator.id,
            "ot_rpc_supply_pw_1",
            model,
            method,
            list(args),
            kwargs,
        )

    def test_coverage_of_a_made_line_and_a_bought_line(self):
        if "mrp.production" not in self.env or "purchase.order" not in self.env:
            self.skipTest("order_tracking_mrp and order_tracking_purchase are not installed")
        warehouse = self.warehouse
        for rule in (warehouse.mto_pull_id,):
            rule.active = rule.route_id.active = True
        made = self._create_product("RPC Cabinet 控制柜")
        made.route_ids = [
            Command.set(
                (warehouse.manufacture_pull_id.route_id | warehouse.mto_pull_id.route_id).ids
            )
        ]
        frame = self._create_product("RPC Frame 框架")
        self.set_stock(frame, 10)
        self.env["mrp.bom"].create(
            {
                "product_tmpl_id": made.product_tmpl_id.id,
                "bom_line_ids": [Command.create({"product_id": frame.id, "product_qty": 1})],
            }
        )
        vendor = self.env["res.partner"].create({"name": "RPC Vendor 供应商"})
        bought = self._create_product("RPC Housing 外壳")
        bought.write(
            {
                "route_ids": [
                    Command.set(
                        (warehouse.buy_pull_id.route_id | warehouse.mto_pull_id.route_id).ids
                    )
                ],
                "seller_ids": [Command.create({"partner_id": vendor.id, "price": 5.0})],
            }
        )
        order = self.create_order([(made, 3), (bought, 6)], user_id=self.integrator.id)
        order.action_confirm()
        production = order.mrp_production_ids
        production.action_start()
        purchase = order._get_purchase_orders()
        purchase.button_confirm()
        self.env.flush_all()

        [row] = self.call(
            "sale.order", "read", [order.id], ["tracking_stage_code", "tracking_supply"]
        )
        # the least advanced line: the purchase
        self.assertEqual(row["tracking_stage_code"], "purchasing")
        self.assertEqual(row["tracking_supply"], "purchasing")
        [lines] = self.call("sale.order", "get_supply_coverage", [order.id])
        by_product = {line["product_id"]: line for line in lines}
        made_line = order.order_line.filtered(lambda line: line.product_id == made)
        self.assertEqual(
            by_product[made.id],
            {
                "line_id": made_line.id,
                "product_id": made.id,
                "qty_short": 3.0,
                "coverage": [
                    {
                        "model": "mrp.production",
                        "id": production.id,
                        "name": production.name,
                        "state": "progress",
                        "expected_date": fields.Datetime.to_string(production.date_finished),
                        "qty": 3.0,
                    }
                ],
            },
        )
        [document] = by_product[bought.id]["coverage"]
        self.assertEqual(
            (document["model"], document["id"], document["state"], document["qty"]),
            ("purchase.order", purchase.id, "purchase", 6.0),
        )
        # the goods arrive: the order moves on to production's node by itself
        self.validate(purchase.picking_ids)
        [row] = self.call("sale.order", "read", [order.id], ["tracking_stage_code"])
        self.assertEqual(row["tracking_stage_code"], "in_production")
        [timeline] = self.call("sale.order", "get_tracking_timeline", [order.id])
        self.assertEqual(timeline[-1]["source"], "production")
        self.assertEqual(timeline[-1]["source_name"], production.name)
