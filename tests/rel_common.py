"""Shared set-up for the REL-1 (bypass) and REL-3 (bad input) end-to-end tests.

Not a test module (no ``test_`` prefix): pytest collects nothing here. The
test_rel1_bypass_*.py and test_rel3_bad_input_*.py files import these base
classes and hold the tables, one test method per concern.

Each table once lived in a single method that asserted how many rows it ran
(REL-1: at least 45 refused paths; REL-3: at least 60 of its 63 bad inputs).
The per-method minimums below add up to no less than those totals, so a row
dropped from any table fails its own method."""

import xmlrpc.client

from odoo import Command
from odoo.tests import HttpCase, get_db_name, new_test_user

from odoo.addons.order_approval_rules.tests.common import ApprovalCase

# -- REL-1: bypass paths ------------------------------------------------------

USER_ERROR, ACCESS_ERROR = 2, 4  # odoo.addons.base.controllers.rpc fault codes
REFUSED = (USER_ERROR, ACCESS_ERROR)  # either, as long as it is in words
SIGNATURE = (
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII="
)
# refused paths each REL-1 method must run: 45 in all, as the single table did
REL1_MINIMUM = {"confirmation": 15, "decisions": 16, "history": 5, "reads": 9}


class XmlRpcMixin:
    """``call(user, model, method, *args, **kwargs)``: execute_kw over real
    XML-RPC as a user made by ``new_test_user`` (its password); needs
    ``cls.db`` and an HttpCase."""

    def call(self, user, model, method, *args, **kwargs):
        password = user.login + "x" * (8 - len(user.login))  # new_test_user's
        return self.xmlrpc_object.execute_kw(
            self.db, user.id, password, model, method, list(args), kwargs
        )


class Rel1Case(XmlRpcMixin, ApprovalCase, HttpCase):
    """A pending order, a half co-signed one, their history and an alert, a
    portal buyer, another customer's order and another company's manager:
    everything the REL-1 tables try to get around."""

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


# -- REL-3: bad input ---------------------------------------------------------

NAN, INF = float("nan"), float("inf")
TABLES = (
    "sale_order",
    "sale_order_line",
    "order_tracking_stage",
    "order_tracking_event",
    "order_approval_rule",
    "order_approval_request",
    "order_approval_decision",
    "order_approval_delegation",
    "order_alert_rule",
    "order_alert",
)
# bad inputs each REL-3 method must run: 70 in all (the single table asked for 60)
REL3_MINIMUM = {"tracking": 26, "approvals": 22, "alerts": 22}


def R(label, words, user, model, method, *args, **kwargs):  # noqa: N802 - a table row
    return label, words, user, model, method, args, kwargs


class Rel3Case(ApprovalCase, HttpCase):
    """A manager, an inactive checkpoint, an approval rule, an alert rule, a
    confirmed order, a pending one and ids of deleted records: what the REL-3
    tables type their bad input into."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.db = get_db_name()
        cls.set_stock(cls.product, 100)
        cls.manager = new_test_user(
            cls.env,
            login="rel3_manager",
            groups="order_tracking.order_tracking_group_manager,"
            "order_approval_rules.order_approval_rules_group_manager,"
            "sales_team.group_sale_manager",
            name="Operations Manager 运营经理",
        )
        cls.approval_rule = cls.create_rule("From 10,000", min_amount=10000)
        cls.empty_group = cls.env["res.groups"].create({"name": "Nobody yet 暂无成员"})
        cls.checkpoint = cls.env["order.tracking.stage"].create(
            {
                "name": "Quality check 质检",
                "code": "qc",
                "trigger_mode": "manual",
                "sequence": 55,
                "active": False,  # configured, not in use: the orders keep their nodes
            }
        )
        cls.alert_rule = cls.env["order.alert.rule"].create(
            {
                "name": "To ship over 24 h",
                "kind": "stage_sla",
                "stage_id": cls.stage("to_ship").id,
                "hours": 24,
                "responsible_type": "salesperson",
            }
        )
        cls.order = cls.create_order([(cls.product, 2)], user_id=cls.salesman.id)
        cls.order.action_confirm()
        cls.pending = cls.submit(cls, cls.quote(20000))
        gone = cls.create_order([(cls.product, 1)])
        cls.deleted_order_id = gone.id
        gone.unlink()
        gone_partner = cls.env["res.partner"].create({"name": "Gone 已删除"})
        cls.deleted_partner_id = gone_partner.id
        gone_partner.unlink()
        gone_user = new_test_user(cls.env, login="rel3_gone", groups="base.group_user")
        cls.deleted_user_id = gone_user.id
        gone_user.unlink()
        cls.env.flush_all()

    def call(self, user, model, method, *args, **kwargs):
        password = user.login + "x" * (8 - len(user.login))  # new_test_user's
        return self.xmlrpc_object.execute_kw(
            self.db, user.id, password, model, method, list(args), kwargs
        )

    def fingerprint(self):
        self.env.flush_all()
        result = {}
        for table in TABLES:
            self.env.cr.execute(
                f"SELECT count(*), max(write_date), max(id) FROM {table}"  # noqa: S608
            )
            result[table] = self.env.cr.fetchone()
        return result

    def assertBadInput(self, label, words, user, model, method, *args, **kwargs):
        before = self.fingerprint()
        try:
            self.call(user, model, method, *args, **kwargs)
        except xmlrpc.client.Fault as fault:
            text = fault.faultString
            if fault.faultCode not in (2, 3, 4) or "Traceback" in text:
                self.failures.append(f"{label}: not refused in words: {text[-600:]}")
            elif words.lower() not in text.lower():
                self.failures.append(f"{label}: {words!r} not in {text!r}")
        else:
            self.failures.append(f"{label}: accepted")
        if self.fingerprint() != before:
            self.failures.append(f"{label}: wrote something")
        self.count += 1

    def assertBadInputs(self, rows, minimum):
        """Run a table of R(...) rows and report every failing row at once."""
        self.count, self.failures = 0, []
        for label, words, user, model, method, args, kwargs in rows:
            self.assertBadInput(label, words, user, model, method, *args, **kwargs)
        self.assertFalse(self.failures, "\n".join(self.failures))
        self.assertGreaterEqual(self.count, minimum)
