"""SEC-1: a salesperson limited to own documents (Odoo's "User: Own Documents
Only") sees nothing of a colleague's orders through any model that carries an
order's facts, over real XML-RPC: ``search_read``, ``search_count``,
``read_group``, ``read`` by id and ``export_data`` each give nothing or an
AccessError in words. The same salesperson sees the facts of their own order;
a salesperson who sees all orders sees the colleague's too."""

import xmlrpc.client
from datetime import timedelta

from odoo import Command, fields
from odoo.tests import HttpCase, get_db_name, new_test_user, tagged

from odoo.addons.order_tracking.tests.common import OrderTrackingCase

from .rel_common import XmlRpcMixin

ACCESS_ERROR = 4  # odoo.addons.base.controllers.rpc fault code


@tagged("post_install", "-at_install")
class TestSec1OwnDocuments(XmlRpcMixin, OrderTrackingCase, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.db = get_db_name()
        # may export (base.group_allow_export): the record rules alone keep it out
        cls.own = new_test_user(
            cls.env,
            login="sec1_own",
            groups="sales_team.group_sale_salesman,base.group_allow_export",
            name="Own 自己",
        )
        cls.colleague = new_test_user(
            cls.env,
            login="sec1_colleague",
            groups="sales_team.group_sale_salesman",
            name="Colleague 同事",
        )
        cls.all_leads = new_test_user(
            cls.env,
            login="sec1_all_leads",
            groups="sales_team.group_sale_salesman_all_leads",
            name="Team Lead 组长",
        )
        company_b = cls.env["res.company"].create({"name": "Tianjin Branch 天津分公司"})
        cls.other_company = {
            group: new_test_user(
                cls.env,
                login=f"sec1_b_{group.split('.')[-1]}",
                groups=group,
                company_id=company_b.id,
                company_ids=[Command.set(company_b.ids)],
                name=f"Company B {group}",
            )
            for group in (
                "stock.group_stock_user",  # warehouse
                "account.group_account_invoice",  # finance
                "order_tracking.order_tracking_group_user",  # customer service
                "sales_team.group_sale_salesman_all_leads",
            )
        }
        cls.set_stock(cls.product, 100)
        promise = fields.Datetime.now() + timedelta(days=30)
        cls.theirs = cls.create_order(
            [(cls.product, 2)], user_id=cls.colleague.id, commitment_date=promise
        )
        cls.mine = cls.create_order([(cls.product, 1)], user_id=cls.own.id, commitment_date=promise)
        (cls.theirs | cls.mine).action_confirm()
        cls.env.flush_all()
        cls.records = {model: cls._facts_of(model, cls.theirs) for model in cls._models()}
        cls.own_records = {
            model: cls._facts_of(model, cls.mine)
            for model in ("order.tracking.event", "order.tracking.promise", "order.alert")
        }
        cls.env.flush_all()

    @staticmethod
    def _models():
        return (
            "order.tracking.event",
            "order.tracking.promise",
            "order.tracking.notification",
            "order.alert",
            "order.alert.shortage",
            "order.alert.webhook.log",
            "order.change.request",
            "order.change.request.line",
            "order.kpi.report",
            "order.kpi.stage.report",
            "order.kpi.line.report",
        )

    @classmethod
    def _facts_of(cls, model, order):
        """Real records of ``model`` about ``order`` (made where no flow of
        this test makes them)."""
        env = cls.env
        if model in ("order.tracking.event", "order.tracking.promise"):
            return env[model].search([("order_id", "=", order.id)])
        if model == "order.tracking.notification":
            event = order.tracking_event_ids[-1:]
            return env[model].create(
                {"order_id": order.id, "stage_id": event.to_stage_id.id, "event_id": event.id}
            )
        if model == "order.alert":
            return cls._alert(order)
        if model == "order.alert.webhook.log":
            return env[model].create(
                {
                    "alert_id": cls._alert(order).id,
                    "url": "http://127.0.0.1:9/robot",
                    "payload": '{"text": "S0001"}',
                    "max_attempts": 1,
                }
            )
        if model == "order.alert.shortage":
            return env[model].create(
                {
                    "product_id": cls.product.id,
                    "warehouse_id": cls.warehouse.id,
                    "company_id": cls.company.id,
                    "order_ids": [Command.set(order.ids)],
                }
            )
        if model in ("order.change.request", "order.change.request.line"):
            request = env["order.change.request"].create(
                {
                    "order_id": order.id,
                    "change_type": "cancel_line",
                    "reason": "Customer changed their mind 客户改主意",
                    "line_ids": [
                        Command.create({"sale_line_id": order.order_line[:1].id, "quantity": 1.0})
                    ],
                }
            )
            return request if model == "order.change.request" else request.line_ids
        env["order.kpi.report"]._kpi_flush()
        return env[model].search([("order_id", "=", order.id)])

    @classmethod
    def _alert(cls, order):
        alerts = cls.env["order.alert"].search([("order_id", "=", order.id)])
        if alerts:
            return alerts[:1]
        rule = cls.env["order.alert.rule"].search([("name", "=", "SEC-1 ready")])
        rule = rule or cls.env["order.alert.rule"].create(
            {
                "name": "SEC-1 ready",
                "kind": "stage_sla",
                "stage_id": cls.stage("ready").id,
                "hours": 1,
                "responsible_type": "salesperson",
            }
        )
        return cls.env["order.alert"].create(
            {
                "rule_id": rule.id,
                "order_id": order.id,
                "company_id": order.company_id.id,
                "stage_entry_key": f"event:{order.tracking_event_ids[-1:].id}",
                "state": "open",
            }
        )

    def reads(self, user, model, ids):
        """What ``user`` gets of ``ids`` by each way of reading: a list (or
        count), or 'AccessError' when refused in words."""
        domain = [("id", "in", ids)]
        ways = {
            "search_read": lambda: self.call(user, model, "search_read", domain, ["id"]),
            "search_count": lambda: self.call(user, model, "search_count", domain),
            "read_group": lambda: [
                group
                for group in self.call(user, model, "read_group", domain, ["id:count"], [])
                if group.get("__count")
            ],
            "read": lambda: self.call(user, model, "read", ids, ["id"]),
            "export_data": lambda: self.call(user, model, "export_data", ids, ["id"])["datas"],
        }
        got = {}
        for way, read in ways.items():
            try:
                got[way] = read()
            except xmlrpc.client.Fault as fault:
                self.assertEqual(fault.faultCode, ACCESS_ERROR, f"{model} {way}: {fault}")
                self.assertNotIn("Traceback", fault.faultString)
                got[way] = "AccessError"
        return got

    def test_a_colleagues_order_facts_are_out_of_sight(self):
        rows = 0
        for model, records in self.records.items():
            self.assertTrue(records, f"no {model} made for the colleague's order")
            for way, result in self.reads(self.own, model, records.ids).items():
                self.assertIn(result, ([], 0, "AccessError"), f"{model} {way}: {result}")
                rows += 1
        self.assertEqual(rows, 5 * len(self._models()))

    def test_another_companys_departments_see_nothing(self):
        rows = 0
        for group, user in self.other_company.items():
            for model, records in self.records.items():
                for way, result in self.reads(user, model, records.ids).items():
                    self.assertIn(result, ([], 0, "AccessError"), f"{group} {model} {way}")
                    rows += 1
        self.assertEqual(rows, 4 * 5 * len(self._models()))

    def test_own_orders_facts_and_a_team_lead_sees_all(self):
        for model, records in self.own_records.items():
            self.assertTrue(records, model)
            got = self.call(self.own, model, "search_read", [("id", "in", records.ids)], ["id"])
            self.assertEqual(sorted(r["id"] for r in got), sorted(records.ids), model)
        for model in ("order.tracking.event", "order.tracking.promise", "order.alert"):
            ids = self.records[model].ids
            got = self.call(self.all_leads, model, "search_read", [("id", "in", ids)], ["id"])
            self.assertEqual(sorted(r["id"] for r in got), sorted(ids), model)
        # shortage to-dos: the own order's is seen; one that also names a
        # colleague's order is not (its list would show their customer)
        ToDo = self.env["order.alert.shortage"]
        values = {
            "product_id": self.product_b.id,
            "warehouse_id": self.warehouse.id,
            "company_id": self.company.id,
        }
        own_todo = ToDo.create({**values, "order_ids": [Command.set(self.mine.ids)]})
        other_product = self._create_product("Hydraulic Pump 液压泵")
        shared = ToDo.create(
            {
                **values,
                "product_id": other_product.id,
                "order_ids": [Command.set((self.mine | self.theirs).ids)],
            }
        )
        self.env.flush_all()
        domain = [("product_id", "in", (self.product_b | other_product).ids)]
        found = self.call(self.own, "order.alert.shortage", "search", domain)
        self.assertEqual(found, own_todo.ids)
        self.assertEqual(
            self.reads(self.own, "order.alert.shortage", shared.ids)["read"], "AccessError"
        )
        # the timeline of a colleague's order is refused, the own one is read
        with self.assertRaises(xmlrpc.client.Fault):
            self.call(self.own, "sale.order", "get_tracking_timeline", self.theirs.ids)
        timeline = self.call(self.own, "sale.order", "get_tracking_timeline", self.mine.ids)
        self.assertEqual([e["to_code"] for e in timeline[0]], ["draft", "ready"])
