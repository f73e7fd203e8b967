"""order_tracking over XML-RPC, exactly as docs/api.md tells an integrator."""

import re
import xmlrpc.client

from odoo.tests import HttpCase, new_test_user, tagged

from odoo.addons.order_tracking.tests.common import OrderTrackingCase


@tagged("post_install", "-at_install")
class TestTrackingRpc(HttpCase, OrderTrackingCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.set_stock(cls.product, 50)
        cls.integrator = new_test_user(
            cls.env,
            login="ot_rpc",
            password="ot_rpc_pw_123",
            groups="sales_team.group_sale_salesman_all_leads,stock.group_stock_user",
            name="WMS Robot",
        )

    def call(self, model, method, *args, **kwargs):
        return self.xmlrpc_object.execute_kw(
            self.env.cr.dbname,
            self.integrator.id,
            "ot_rpc_pw_123",
            model,
            method,
            list(args),
            kwargs,
        )

    def test_read_node_timeline_and_sign_off(self):
        order = self.create_order([(self.product, 3)])
        order.action_confirm()
        self.assertEqual(order.tracking_stage_code, "ready")
        self.ship_all(order)
        self.env.flush_all()
        [row] = self.call(
            "sale.order", "read", [order.id], fields=["tracking_stage_code", "tracking_deadline"]
        )
        self.assertEqual(row["tracking_stage_code"], "shipped")
        found = self.call("sale.order", "search", [("tracking_stage_code", "=", "shipped")])
        self.assertIn(order.id, found)
        [timeline] = self.call("sale.order", "get_tracking_timeline", [order.id])
        self.assertEqual([e["to_code"] for e in timeline], ["draft", "ready", "shipped"])
        self.assertEqual(timeline[-1]["source"], "picking")
        self.assertIs(
            self.call(
                "sale.order", "action_confirm_receipt", [order.id], signed_by="张三", note="OK"
            ),
            True,
        )
        order.invalidate_recordset()
        self.assertEqual(order.tracking_stage_code, "delivered")
        self.assertEqual(order.signed_by, "张三")
        [check] = self.call("sale.order", "verify_tracking_history", [order.id])
        self.assertTrue(check["ok"])

    def test_bad_input_gets_a_clear_error_and_changes_nothing(self):
        order = self.create_order([(self.product, 3)])
        order.action_confirm()
        self.env.flush_all()
        with self.assertRaises(xmlrpc.client.Fault) as error:
            self.call("sale.order", "action_confirm_receipt", [order.id])
        self.assertIn("not all of its goods have been delivered", error.exception.faultString)
        self.assertNotIn("Traceback", error.exception.faultString.split("\n")[0])
        with self.assertRaises(xmlrpc.client.Fault) as error:
            self.call("sale.order", "action_pass_checkpoint", [order.id], "no_such_node")
        self.assertIn("no active status node with the code", error.exception.faultString)
        order.invalidate_recordset()
        self.assertFalse(order.signed_at)
        self.assertEqual(order.tracking_stage_code, "ready")
        self.assertEqual(len(order.tracking_event_ids), 2)

    def test_history_is_read_only_over_rpc(self):
        order = self.create_order([(self.product, 1)])
        self.env.flush_all()
        event_id = order.tracking_event_ids.id
        for method, args in (
            ("write", [[event_id], {"note": "forged"}]),
            ("unlink", [[event_id]]),
            ("create", [{"order_id": order.id, "to_code": "done", "date": "2037-01-01 00:00:00"}]),
        ):
            with self.assertRaises(xmlrpc.client.Fault, msg=method):
                self.call("order.tracking.event", method, *args)
        self.assertEqual(order.tracking_event_ids.note, False)

    def test_customer_confirms_receipt_in_the_portal(self):
        order = self.create_order([(self.product, 2)])
        order.action_confirm()
        self.ship_all(order)
        self.env.flush_all()
        url = order.get_portal_url()
        page = self.url_open(url)
        self.assertEqual(page.status_code, 200)
        self.assertIn("o_tracking_confirm_receipt", page.text)
        self.assertIn("Shipped", page.text)
        csrf = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
        response = self.url_open(
            f"/my/orders/{order.id}/confirm_receipt",
            data={"access_token": order.access_token, "note": "收到", "csrf_token": csrf},
        )
        self.assertEqual(response.status_code, 200)
        order.invalidate_recordset()
        self.assertEqual(order.tracking_stage_code, "delivered")
        self.assertEqual(order.signed_by, self.customer.name)
        self.assertEqual(order.signed_note, "收到")
        # a wrong token changes nothing
        other = self.create_order([(self.product, 1)])
        other.action_confirm()
        self.ship_all(other)
        self.env.flush_all()
        self.url_open(
            f"/my/orders/{other.id}/confirm_receipt",
            data={"access_token": "wrong", "csrf_token": csrf},
        )
        other.invalidate_recordset()
        self.assertFalse(other.signed_at)

    def test_portal_timeline_and_printable_status(self):
        order = self.create_order([(self.product, 2)])
        order.action_confirm()
        self.ship_all(order)
        order.action_confirm_receipt(signed_by="王芳 Wang Fang")
        self.env.flush_all()
        page = self.url_open(order.get_portal_url())
        self.assertEqual(page.status_code, 200)
        self.assertIn("o_tracking_portal_timeline", page.text)
        self.assertIn("Received by", page.text)
        self.assertIn("王芳 Wang Fang", page.text)
        link = f"/my/orders/{order.id}/status_report?access_token={order.access_token}"
        self.assertIn(link.replace("&", "&amp;"), page.text)
        report = self.url_open(link)
        self.assertEqual(report.status_code, 200)
        self.assertEqual(report.headers["Content-Type"], "application/pdf")
        # (test mode renders the HTML a PDF is made of)
        self.assertIn("o_tracking_report_timeline", report.text)
        self.assertIn("o_tracking_report_signoff", report.text)
        # a wrong token prints nothing
        refused = self.url_open(
            f"/my/orders/{order.id}/status_report?access_token=wrong", allow_redirects=False
        )
        self.assertIn(refused.status_code, (302, 303))
        self.assertNotIn("o_tracking_report_timeline", refused.text)
