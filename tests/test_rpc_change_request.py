"""Change requests over XML-RPC, exactly as shared/design/API.md and docs/api.md
tell an integrator."""

import xmlrpc.client
from datetime import timedelta

from odoo import fields
from odoo.tests import HttpCase, new_test_user, tagged

from odoo.addons.order_tracking.tests.common import OrderTrackingCase


@tagged("post_install", "-at_install")
class TestChangeRequestRpc(HttpCase, OrderTrackingCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.set_stock(cls.product, 50)
        cls.crm = new_test_user(
            cls.env,
            login="ot_cr_crm",
            password="ot_cr_crm_pw_123",
            groups="sales_team.group_sale_salesman_all_leads",
            name="CRM Robot",
        )
        cls.supervisor = new_test_user(
            cls.env,
            login="ot_cr_sup",
            password="ot_cr_sup_pw_123",
            groups="sales_team.group_sale_salesman_all_leads,"
            "order_tracking.order_tracking_group_supervisor",
            name="客服主管",
        )

    def call(self, user, model, method, *args, **kwargs):
        password = {self.crm: "ot_cr_crm_pw_123", self.supervisor: "ot_cr_sup_pw_123"}[user]
        return self.xmlrpc_object.execute_kw(
            self.env.cr.dbname, user.id, password, model, method, list(args), kwargs
        )

    def refused(self, user, message, model, method, *args, **kwargs):
        with self.assertRaises(xmlrpc.client.Fault) as error:
            self.call(user, model, method, *args, **kwargs)
        first_line = error.exception.faultString.split("\n")[0]
        self.assertIn(message, first_line)
        self.assertNotIn("Traceback", first_line)
        return error.exception.faultString

    def shipped_order(self, quantity):
        order = self.create_order([(self.product, quantity)])
        order.action_confirm()
        self.ship_all(order)
        self.env.flush_all()
        return order

    def test_return_flow(self):
        order = self.shipped_order(10)
        line_id = order.order_line.id
        request_id = self.call(
            self.crm,
            "order.change.request",
            "create",
            {
                "order_id": order.id,
                "change_type": "return",
                "reason": "2 cartons damaged 两箱破损",
                "line_ids": [(0, 0, {"sale_line_id": line_id, "quantity": 2})],
            },
        )
        self.assertIsInstance(request_id, int)
        # the CRM asks, a supervisor applies
        self.refused(
            self.crm,
            "Only Order Tracking supervisors",
            "order.change.request",
            "action_apply",
            [request_id],
        )
        self.assertIs(
            self.call(self.supervisor, "order.change.request", "action_apply", [request_id]), True
        )
        [request] = self.call(
            self.crm,
            "order.change.request",
            "read",
            [request_id],
            fields=["state", "result_ref", "order_id", "change_type", "line_ids"],
        )
        returned = order.picking_ids.filtered(lambda p: p.picking_type_code == "incoming")
        self.assertEqual(request["state"], "applied")
        self.assertEqual(request["result_ref"], returned.name)
        self.assertEqual(request["order_id"][0], order.id)
        [line] = self.call(
            self.crm,
            "order.change.request.line",
            "read",
            request["line_ids"],
            fields=["request_id", "sale_line_id", "product_id", "quantity"],
        )
        self.assertEqual(line["sale_line_id"][0], line_id)
        self.assertEqual(line["product_id"][0], self.product.id)
        self.assertEqual(line["quantity"], 2.0)
        [row] = self.call(self.crm, "sale.order", "read", [order.id], fields=["change_request_ids"])
        self.assertEqual(row["change_request_ids"], [request_id])
        [timeline] = self.call(self.crm, "sale.order", "get_tracking_timeline", [order.id])
        self.assertEqual(timeline[-1]["source"], "change")
        self.assertEqual(timeline[-1]["source_id"], request_id)
        self.assertEqual(timeline[-1]["note"], "2 cartons damaged 两箱破损")
        # applying twice, returning more than is left: clear words, nothing written
        self.refused(
            self.supervisor, "already applied", "order.change.request", "action_apply", [request_id]
        )
        second = self.call(
            self.crm,
            "order.change.request",
            "create",
            {
                "order_id": order.id,
                "change_type": "return",
                "reason": "more",
                "line_ids": [(0, 0, {"sale_line_id": line_id, "quantity": 9})],
            },
        )
        self.refused(
            self.supervisor, "Only 8 Units", "order.change.request", "action_apply", [second]
        )
        self.env.invalidate_all()
        self.assertEqual(len(order.picking_ids), 2)
        self.assertEqual(self.env["order.change.request"].browse(second).state, "draft")

    def test_new_delivery_date_flow(self):
        order = self.create_order([(self.product, 1)])
        order.action_confirm()
        self.env.flush_all()
        new_date = fields.Datetime.to_string(
            fields.Datetime.now().replace(microsecond=0) + timedelta(days=20)
        )
        request_id = self.call(
            self.crm,
            "order.change.request",
            "create",
            {
                "order_id": order.id,
                "change_type": "date",
                "reason": "customer asked",
                "new_commitment_date": new_date,
            },
        )
        self.call(self.supervisor, "order.change.request", "action_apply", [request_id])
        [row] = self.call(
            self.crm,
            "sale.order",
            "read",
            [order.id],
            fields=["commitment_date", "tracking_promise_latest"],
        )
        self.assertEqual(row["commitment_date"], new_date)
        self.assertEqual(row["tracking_promise_latest"], new_date)

    def test_bad_input_is_refused_in_words(self):
        order = self.shipped_order(3)
        base = {"order_id": order.id, "change_type": "add", "reason": "x"}
        for vals, message in (
            ({"change_type": "upgrade"}, "“Change” expects one of"),
            ({"order_id": "S00001"}, "“Order” expects the id of an existing"),
            (
                {"line_ids": [(0, 0, {"sale_line_id": order.order_line.id, "quantity": "two"})]},
                "“Quantity” expects a number",
            ),
            (
                {"line_ids": [(0, 0, {"sale_line_id": order.order_line.id, "quantity": -1})]},
                "Quantities must be positive",
            ),
            (
                {"change_type": "date", "new_commitment_date": "2001-01-01 00:00:00"},
                "is in the past",
            ),
        ):
            with self.subTest(vals=vals):
                self.refused(self.crm, message, "order.change.request", "create", {**base, **vals})
        self.env.invalidate_all()
        self.assertFalse(order.change_request_ids)
