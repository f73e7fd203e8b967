"""REL-1: every way around an approval, a decision or the history, tried over
real XML-RPC (and the portal's HTTP routes) by the least privileged user who
could try it. Each row must come back as a clear UserError / AccessError fault,
never a traceback, and leave the order, its approvals, its history and its
alerts exactly as they were."""

import xmlrpc.client

from odoo import Command
from odoo.tests import HttpCase, get_db_name, new_test_user, tagged

from odoo.addons.order_approval_rules.tests.common import ApprovalCase

USER_ERROR, ACCESS_ERROR = 2, 4  # odoo.addons.base.controllers.rpc fault codes
REFUSED = (USER_ERROR, ACCESS_ERROR)  # either, as long as it is in words
SIGNATURE = (
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII="
)


@tagged("post_install", "-at_install")
class TestRel1Bypass(ApprovalCase, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.db = get_db_name()
        cls.rule = cls.create_rule(
            "10,000 to 50,000 → director", min_amount=10000, max_amount=50000
        )
        cls.cosign = cls.create_rule(
            "From 50,000 → director and GM co-sign",
            min_amount=50000,
            level=2,
            mode="all",
            user_ids=[Command.set((cls.director | cls.gm).ids)],
        )
        cls.company.approval_confirm_on_grant = True
        # the pending order everything below tries to get around
        cls.pending = cls.quote(20000)
        cls.pending.with_user(cls.salesman).action_request_approval()
        # a co-signed order the director already signed
        cls.cosigned = cls.quote(60000)
        cls.cosigned.with_user(cls.salesman).action_request_approval()
        cls.cosigned.with_user(cls.director).action_approve(comment="first signature")
        # history, a decision and an alert to tamper with
        cls.decision = cls.cosigned.approval_request_ids.decision_ids[:1]
        cls.event = cls.pending.tracking_event_ids[:1]
        alert_rule = cls.env["order.alert.rule"].create(
            {
                "name": "To approve",
                "kind": "stage_sla",
                "stage_id": cls.stage("to_approve").id,
                "hours": 1,
                "responsible_type": "salesperson",
            }
        )
        cls.alert = cls.env["order.alert"].create(
            {
                "rule_id": alert_rule.id,
                "order_id": cls.pending.id,
                "company_id": cls.company.id,
                "stage_entry_key": f"event:{cls.event.id}",
                "state": "open",
            }
        )
        # the customer's portal login, another customer's, another company's people
        cls.portal = new_test_user(
            cls.env, login="rel1_portal", groups="base.group_portal", name="Buyer 采购"
        )
        cls.portal.partner_id.parent_id = cls.customer
        other_customer = cls.env["res.partner"].create({"name": "Other customer 其他客户"})
        cls.other_order = cls.quote(500, partner=other_customer)
        cls.company_b = cls.env["res.company"].create({"name": "Beijing Branch 北京分公司"})
        cls.user_b = new_test_user(
            cls.env,
            login="rel1_company_b",
            groups="sales_team.group_sale_manager,order_approval_rules.order_approval_rules_group_manager",
            company_id=cls.company_b.id,
            company_ids=[Command.set(cls.company_b.ids)],
            name="Zhao Lei 赵磊",
        )
        cls.env.flush_all()

    # -- helpers ------------------------------------------------------------

    def call(self, user, model, method, *args, **kwargs):
        password = user.login + "x" * (8 - len(user.login))  # new_test_user's
        return self.xmlrpc_object.execute_kw(
            self.db, user.id, password, model, method, list(args), kwargs
        )

    def snapshot(self):
        """What no refused attempt may change."""
        self.env.invalidate_all()
        orders = self.pending | self.cosigned | self.other_order
        return {
            "orders": orders.read(
                [
                    "state",
                    "approval_state",
                    "approval_round",
                    "approval_awaiting_confirm",
                    "locked",
                    "tracking_stage_id",
                    "tracking_entered_at",
                    "signed_at",
                    "amount_untaxed",
                    "partner_id",
                    "user_id",
                ]
            ),
            "lines": orders.order_line.read(["product_uom_qty", "price_unit", "discount"]),
            "requests": orders.approval_request_ids.read(["state", "decided_by_id", "round"]),
            "decisions": self.env["order.approval.decision"]
            .search([("order_id", "in", orders.ids)])
            .read(["user_id", "decision", "comment"]),
            "events": self.env["order.tracking.event"]
            .search([("order_id", "in", orders.ids)])
            .read(["to_code", "note", "date"]),
            "alerts": self.alert.read(["state", "severity", "user_id", "order_id"]),
            "rules": (self.rule | self.cosign).read(["active", "min_amount", "user_ids"]),
        }

    def assertRefused(self, label, code, words, user, model, method, *args, **kwargs):
        before = self.snapshot()
        with self.assertRaises(xmlrpc.client.Fault, msg=label) as caught:
            self.call(user, model, method, *args, **kwargs)
        fault = caught.exception
        self.assertIn(
            fault.faultCode,
            code if isinstance(code, tuple) else (code,),
            f"{label}: {fault.faultString}",
        )
        self.assertNotIn("Traceback", fault.faultString, label)
        self.assertIn(words, fault.faultString, label)
        self.assertEqual(self.snapshot(), before, f"{label} changed something")
        self.refused += 1

    # -- the table ----------------------------------------------------------

    def test_every_bypass_path_is_refused(self):
        self.refused = 0
        S, pending = self.salesman, self.pending.id
        confirm_words = "waiting for approval"
        # confirming while approval is pending, every way the ORM offers
        self.assertRefused(
            "confirm", USER_ERROR, confirm_words, S, "sale.order", "action_confirm", [pending]
        )
        self.assertRefused(
            "write state",
            USER_ERROR,
            confirm_words,
            S,
            "sale.order",
            "write",
            [pending],
            {"state": "sale"},
        )
        self.assertRefused(
            "confirm with a forged context",
            USER_ERROR,
            confirm_words,
            S,
            "sale.order",
            "action_confirm",
            [pending],
            context={"approval_checked": [pending], "approval_skip_ids": [pending]},
        )
        self.assertRefused(
            "create confirmed",
            USER_ERROR,
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
        # forging the approval's own fields
        for field, value in (
            ("approval_state", "approved"),
            ("approval_round", 0),
            ("approval_confirming", True),
            ("approval_awaiting_confirm", True),
        ):
            self.assertRefused(
                f"write {field}",
                ACCESS_ERROR,
                "cannot be written",
                S,
                "sale.order",
                "write",
                [pending],
                {field: value},
            )
        self.assertRefused(
            "approval request created through the order",
            ACCESS_ERROR,
            "cannot be written",
            S,
            "sale.order",
            "write",
            [pending],
            {"approval_request_ids": [(0, 0, {"rule_id": self.rule.id, "state": "approved"})]},
        )
        # forging the facts the node is derived from
        for field, value in (
            ("tracking_stage_id", self.stage("done").id),
            ("signed_at", "2037-01-01 00:00:00"),
            ("tracking_fulfilment", "shipped"),
            ("tracking_passed_stage_ids", [(4, self.stage("done").id, 0)]),
        ):
            self.assertRefused(
                f"write {field}",
                ACCESS_ERROR,
                "cannot be written",
                S,
                "sale.order",
                "write",
                [pending],
                {field: value},
            )
        # deciding without the right to
        self.assertRefused(
            "approve as the requester",
            ACCESS_ERROR,
            "own order",
            S,
            "sale.order",
            "action_approve",
            [pending],
        )
        self.assertRefused(
            "approve as a non-approver",
            ACCESS_ERROR,
            "not an approver",
            self.outsider,
            "sale.order",
            "action_approve",
            [pending],
        )
        self.assertRefused(
            "reject as a non-approver",
            ACCESS_ERROR,
            "not an approver",
            self.outsider,
            "sale.order",
            "action_reject",
            [pending],
            reason="no",
        )
        self.assertRefused(
            "sign a co-sign twice",
            ACCESS_ERROR,
            "already decided",
            self.director,
            "sale.order",
            "action_approve",
            [self.cosigned.id],
        )
        request_id = self.pending.approval_request_ids.id
        self.assertRefused(
            "write a request",
            ACCESS_ERROR,
            "",
            S,
            "order.approval.request",
            "write",
            [request_id],
            {"state": "approved"},
        )
        self.assertRefused(
            "create an approved request",
            ACCESS_ERROR,
            "",
            S,
            "order.approval.request",
            "create",
            {"order_id": pending, "rule_id": self.rule.id, "state": "approved"},
        )
        self.assertRefused(
            "approve through the request as the requester",
            ACCESS_ERROR,
            "own order",
            S,
            "order.approval.request",
            "action_approve",
            [request_id],
        )
        self.assertRefused(
            "create a decision",
            ACCESS_ERROR,
            "",
            S,
            "order.approval.decision",
            "create",
            {"request_id": request_id, "user_id": self.director.id, "decision": "approve"},
        )
        for user in (S, self.director):
            self.assertRefused(
                f"edit a decision ({user.login})",
                USER_ERROR,
                "cannot be changed",
                user,
                "order.approval.decision",
                "write",
                self.decision.ids,
                {"decision": "reject"},
            )
            self.assertRefused(
                f"delete a decision ({user.login})",
                USER_ERROR,
                "cannot be deleted",
                user,
                "order.approval.decision",
                "unlink",
                self.decision.ids,
            )
        self.assertRefused(
            "switch a rule off",
            ACCESS_ERROR,
            "",
            S,
            "order.approval.rule",
            "write",
            self.rule.ids,
            {"active": False},
        )
        self.assertRefused(
            "lower a rule's threshold",
            ACCESS_ERROR,
            "",
            self.director,
            "order.approval.rule",
            "write",
            self.rule.ids,
            {"min_amount": 1000000},
        )
        self.assertRefused(
            "delegate someone else's approvals",
            ACCESS_ERROR,
            "",
            S,
            "order.approval.delegation",
            "create",
            {
                "user_id": self.director.id,
                "delegate_id": S.id,
                "date_from": "2037-01-01",
                "date_to": "2037-12-31",
            },
        )
        self.assertRefused(
            "delete an order with an approval history",
            USER_ERROR,
            "approval history",
            self.gm,
            "sale.order",
            "unlink",
            [pending],
        )
        self.assertRefused(
            "private confirmation method",
            ACCESS_ERROR,
            "Private methods",
            S,
            "sale.order",
            "_action_confirm",
            [pending],
        )
        self.assertRefused(
            "private portal acceptance",
            ACCESS_ERROR,
            "Private methods",
            S,
            "sale.order",
            "_validate_order",
            [pending],
        )
        # the history and the alerts
        for model, record, vals in (
            ("order.tracking.event", self.event, {"note": "forged"}),
            ("order.alert", self.alert, {"severity": "low", "order_id": self.other_order.id}),
        ):
            self.assertRefused(f"edit {model}", REFUSED, "", S, model, "write", record.ids, vals)
            self.assertRefused(f"delete {model}", REFUSED, "", S, model, "unlink", record.ids)
        self.assertRefused(
            "create a history row",
            REFUSED,
            "",
            S,
            "order.tracking.event",
            "create",
            {"order_id": pending, "to_code": "done", "date": "2037-01-01 00:00:00"},
        )
        # other companies' and other customers' records
        self.assertRefused(
            "read another company's order",
            ACCESS_ERROR,
            "",
            self.user_b,
            "sale.order",
            "read",
            [pending],
            ["name"],
        )
        self.assertRefused(
            "approve another company's order",
            ACCESS_ERROR,
            "",
            self.user_b,
            "sale.order",
            "action_approve",
            [pending],
        )
        for model, ids in (
            ("order.approval.request", self.pending.approval_request_ids.ids),
            ("order.tracking.event", self.event.ids),
            ("order.alert", self.alert.ids),
        ):
            self.assertRefused(
                f"read another company's {model}",
                ACCESS_ERROR,
                "",
                self.user_b,
                model,
                "read",
                ids,
                ["id"],
            )
        self.assertRefused(
            "portal: read another customer's order",
            ACCESS_ERROR,
            "",
            self.portal,
            "sale.order",
            "read",
            [self.other_order.id],
            ["name"],
        )
        self.assertRefused(
            "portal: confirm the own order",
            ACCESS_ERROR,
            "",
            self.portal,
            "sale.order",
            "action_confirm",
            [pending],
        )
        self.assertRefused(
            "portal: sign for receipt over RPC",
            ACCESS_ERROR,
            "",
            self.portal,
            "sale.order",
            "action_confirm_receipt",
            [pending],
        )
        self.assertRefused(
            "portal: read the approval requests",
            ACCESS_ERROR,
            "",
            self.portal,
            "order.approval.request",
            "read",
            self.pending.approval_request_ids.ids,
            ["state"],
        )
        self.assertGreaterEqual(self.refused, 45)

    def test_portal_and_payment_paths_do_not_confirm(self):
        """The customer's own ways to accept: a signature in the portal parks
        the order until it is approved, a wrong token changes nothing, and
        the payment confirmation of Odoo (payment.transaction) refuses too."""
        order = self.quote(20000, require_signature=True, require_payment=False)
        order.with_user(self.salesman).action_request_approval()
        token = order._portal_ensure_token()
        self.env.flush_all()
        result = self.make_jsonrpc_request(
            f"/my/orders/{order.id}/accept",
            {"access_token": "wrong", "name": "Someone", "signature": SIGNATURE},
        )
        self.assertIn("error", result)
        order.invalidate_recordset()
        self.assertFalse(order.signed_by)
        self.make_jsonrpc_request(
            f"/my/orders/{order.id}/accept",
            {"access_token": token, "name": "客户 Customer", "signature": SIGNATURE},
        )
        order.invalidate_recordset()
        self.assertEqual((order.state, order.approval_state), ("draft", "pending"))
        self.assertTrue(order.approval_awaiting_confirm)
        # another customer's order page without its token
        page = self.url_open(f"/my/orders/{self.other_order.id}", allow_redirects=False)
        self.assertIn(page.status_code, (302, 303, 403, 404))
        self.assertNotIn(self.other_order.name, page.text)
        # Odoo's online payment confirms through _action_confirm on a done
        # transaction: the order stays parked (approval first)
        self.pending.invalidate_recordset()
        self.assertEqual(self.pending.state, "draft")
        tx = self.env["payment.transaction"].search([("sale_order_ids", "in", order.ids)])
        self.assertFalse(tx)
        before = self.snapshot()
        with self.assertRaises(xmlrpc.client.Fault) as caught:
            self.call(
                self.salesman,
                "payment.transaction",
                "create",
                {
                    "provider_id": self.env["payment.provider"].search([], limit=1).id,
                    "amount": order.amount_total,
                    "currency_id": order.currency_id.id,
                    "partner_id": order.partner_id.id,
                    "sale_order_ids": [(6, 0, order.ids)],
                    "state": "done",
                },
            )
        self.assertEqual(caught.exception.faultCode, ACCESS_ERROR)
        self.assertEqual(self.snapshot(), before)
        order.invalidate_recordset()
        self.assertEqual(order.state, "draft")

    def test_line_changes_after_approval_need_a_new_approval(self):
        """Catalog and line writes after the approval re-open it: the order
        cannot be confirmed on the old approval."""
        self.company.approval_confirm_on_grant = False
        order = self.quote(20000)
        order.with_user(self.salesman).action_request_approval()
        order.with_user(self.director).action_approve()
        self.assertEqual((order.state, order.approval_state), ("draft", "approved"))
        self.env.flush_all()
        line = order.order_line
        self.call(self.salesman, "sale.order.line", "write", line.ids, {"price_unit": 90000})
        order.invalidate_recordset()
        self.assertEqual(order.approval_state, "pending")
        with self.assertRaises(xmlrpc.client.Fault) as caught:
            self.call(self.salesman, "sale.order", "action_confirm", order.ids)
        self.assertIn("waiting for approval", caught.exception.faultString)
        order.invalidate_recordset()
        self.assertEqual(order.state, "draft")
