import xmlrpc.client

from odoo.tests import HttpCase, get_db_name, tagged

from .common import ApprovalCase

WARNING, ACCESS_ERROR = 2, 4  # odoo.addons.base.controllers.rpc fault codes
# a 1x1 PNG, what the portal's signature pad sends
SIGNATURE = (
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII="
)


@tagged("post_install", "-at_install")
class TestRpc(ApprovalCase, HttpCase):
    """External systems see bypass attempts refused as clear faults."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.rule = cls.create_rule("From 10,000 → director", min_amount=10000)
        cls.db = get_db_name()

    def call(self, user, model, method, *args, **kwargs):
        # new_test_user's password is the login, padded to 8 characters
        password = user.login + "x" * (8 - len(user.login))
        return self.xmlrpc_object.execute_kw(
            self.db, user.id, password, model, method, list(args), kwargs
        )

    def assertFault(self, code, text, user, model, method, *args, **kwargs):
        with self.assertRaises(xmlrpc.client.Fault) as caught:
            self.call(user, model, method, *args, **kwargs)
        self.assertEqual(caught.exception.faultCode, code, caught.exception.faultString)
        self.assertIn(text, caught.exception.faultString)
        self.assertNotIn("Traceback", caught.exception.faultString)
        return caught.exception

    def test_bypass_attempts_come_back_as_clear_faults(self):
        order_id = self.call(
            self.salesman,
            "sale.order",
            "create",
            {
                "partner_id": self.customer.id,
                "order_line": [
                    (0, 0, {"product_id": self.service.id, "price_unit": 20000, "tax_id": False})
                ],
            },
        )
        self.assertTrue(
            self.call(self.salesman, "sale.order", "action_request_approval", [order_id])
        )
        [values] = self.call(
            self.salesman, "sale.order", "read", [order_id], ["approval_state", "state"]
        )
        self.assertEqual((values["approval_state"], values["state"]), ("pending", "draft"))
        S = self.salesman
        self.assertFault(
            WARNING, "waiting for approval", S, "sale.order", "action_confirm", [order_id]
        )
        self.assertFault(
            WARNING, "waiting for approval", S, "sale.order", "write", [order_id], {"state": "sale"}
        )
        self.assertFault(
            WARNING,
            "waiting for approval",
            S,
            "sale.order",
            "action_confirm",
            [order_id],
            context={"approval_checked": [order_id], "approval_skip_ids": [order_id]},
        )
        self.assertFault(
            WARNING,
            "needs approval",
            S,
            "sale.order",
            "create",
            {
                "partner_id": self.customer.id,
                "state": "sale",
                "order_line": [(0, 0, {"product_id": self.service.id, "price_unit": 30000})],
            },
        )
        self.assertFault(ACCESS_ERROR, "own order", S, "sale.order", "action_approve", [order_id])
        self.assertFault(
            ACCESS_ERROR,
            "not an approver",
            self.outsider,
            "sale.order",
            "action_approve",
            [order_id],
        )
        request_ids = self.call(
            self.director, "order.approval.request", "search", [("order_id", "=", order_id)]
        )
        self.assertFault(
            ACCESS_ERROR,
            "",
            S,
            "order.approval.request",
            "write",
            request_ids,
            {"state": "approved"},
        )
        self.assertFault(
            ACCESS_ERROR,
            "",
            S,
            "order.approval.request",
            "create",
            {"order_id": order_id, "rule_id": self.rule.id, "state": "approved"},
        )
        self.assertFault(
            WARNING, "reason", self.director, "sale.order", "action_reject", [order_id]
        )
        self.assertFault(
            ACCESS_ERROR, "Private methods", S, "sale.order", "_validate_order", [order_id]
        )
        [values] = self.call(
            self.salesman, "sale.order", "read", [order_id], ["approval_state", "state"]
        )
        self.assertEqual((values["approval_state"], values["state"]), ("pending", "draft"))
        # the approver decides over RPC; the order confirms
        self.assertTrue(
            self.call(self.director, "sale.order", "action_approve", [order_id], comment="OK")
        )
        [values] = self.call(
            self.salesman, "sale.order", "read", [order_id], ["approval_state", "state"]
        )
        self.assertEqual((values["approval_state"], values["state"]), ("approved", "sale"))

    def test_portal_signature_parks_the_order(self):
        order = self.submit(self.quote(20000, require_signature=True, require_payment=False))
        token = order._portal_ensure_token()
        result = self.make_jsonrpc_request(
            f"/my/orders/{order.id}/accept",
            {"access_token": token, "name": "客户 Customer", "signature": SIGNATURE},
        )
        self.assertFalse(result.get("error"), result)
        self.assertEqual(order.state, "draft")
        self.assertTrue(order.approval_awaiting_confirm)
        self.assertEqual(order.signed_by, "客户 Customer")
        self.call(self.director, "sale.order", "action_approve", [order.id])
        order.invalidate_recordset()
        self.assertEqual(order.state, "sale")

    def test_product_catalog_change_reopens_the_approval(self):
        self.company.approval_confirm_on_grant = False
        order = self.submit(self.quote(20000))
        order.with_user(self.director).action_approve()
        self.assertEqual(order.approval_state, "approved")
        self.authenticate(self.salesman.login, self.salesman.login)
        self.make_jsonrpc_request(
            "/product/catalog/update_order_line_info",
            {
                "res_model": "sale.order",
                "order_id": order.id,
                "product_id": self.product.id,
                "quantity": 500,
            },
        )
        order.invalidate_recordset()
        self.assertEqual(len(order.order_line), 2)
        self.assertEqual(order.approval_state, "pending")
