"""docs/api.md's Python examples run, unchanged but for the server address,
against a live server: the documentation cannot drift from the API."""

import re
from datetime import timedelta
from pathlib import Path

from odoo import fields
from odoo.tests import HttpCase, new_test_user, tagged
from odoo.tools import config

from odoo.addons.order_tracking.tests.common import OrderTrackingCase
from odoo.addons.order_tracking.tools import clock

DOC = Path(__file__).resolve().parent.parent / "docs" / "api.md"


def doc_blocks(section):
    """The ```python blocks of docs/api.md under the heading ``section``."""
    text = DOC.read_text(encoding="utf-8")
    intro, _sep, rest = text.partition("\n## ")
    parts = {chunk.split("\n", 1)[0].strip(): chunk for chunk in rest.split("\n## ")}
    blocks = re.findall(r"```python\n(.*?)```", intro, re.S)
    blocks += re.findall(r"```python\n(.*?)```", parts[section], re.S)
    return blocks


@tagged("post_install", "-at_install")
class TestDocsExamples(HttpCase, OrderTrackingCase):
    def run_blocks(self, section, namespace, replacements=None):
        setup, *examples = doc_blocks(section)
        for old, new in (replacements or {}).items():
            examples = [example.replace(old, new) for example in examples]
        setup = re.sub(
            r"^URL, DB, LOGIN, PASSWORD = .*$",
            f'URL, DB, LOGIN, PASSWORD = "http://127.0.0.1:{config["http_port"]}", '
            f'"{self.env.cr.dbname}", "admin", "admin"',
            setup,
            flags=re.M,
        )
        exec(setup, namespace)  # noqa: S102 - our own documentation
        for example in examples:
            # an external client shares nothing with this test's ORM cache
            self.env.flush_all()
            self.env.invalidate_all()
            exec(example, namespace)  # noqa: S102
        return namespace

    def test_order_tracking_examples(self):
        self.env["res.lang"]._activate_lang("zh_CN")
        self.set_stock(self.product, 10)
        self.env["order.tracking.stage"].create(
            {
                "name": "Quality Check",
                "code": "quality_check",
                "sequence": 85,
                "trigger_mode": "manual",
            }
        )
        order = self.create_order([(self.product, 2)])
        order.action_confirm()
        self.ship_all(order)
        # the customer owes 500 on another order: its statement says so
        self.service.taxes_id = False
        billed = self.create_order([(self.service, 1, 500.0)])
        billed.action_confirm()
        self.invoice(billed)
        self.env.flush_all()
        namespace = self.run_blocks("order_tracking", {"order_id": order.id})
        self.assertEqual(namespace["statement"]["closing"], 500.0)
        self.assertEqual(
            [(line["kind"], line["orders"]) for line in namespace["statement"]["lines"]],
            [("invoice", billed.name)],
        )
        self.assertTrue(namespace["nodes"])
        self.assertEqual(namespace["timeline"][-1]["to_code"], "shipped")
        order.invalidate_recordset()
        self.assertEqual(order.signed_by, "王芳")
        # signed for, the order waited at the checkpoint; passed, it moved on
        codes = order.tracking_event_ids.sorted("id").mapped("to_code")
        self.assertEqual(codes[-3:], ["shipped", "quality_check", "delivered"])
        self.assertEqual(order.tracking_stage_code, "delivered")
        self.assertTrue(any(e["order_id"][0] == order.id for e in namespace["events"]))

    def test_change_request_examples(self):
        self.set_stock(self.product, 10)
        order = self.create_order([(self.product, 6)])
        order.action_confirm()
        self.validate(order.picking_ids, {self.product: 4})
        self.env.flush_all()
        namespace = self.run_blocks(
            "Change requests (order_tracking)",
            {"change_order_id": order.id, "change_line_id": order.order_line.id},
        )
        returned = order.picking_ids.filtered(lambda p: p.picking_type_code == "incoming")
        self.assertEqual(namespace["request"]["state"], "applied")
        self.assertEqual(namespace["request"]["result_ref"], returned.name)
        self.assertEqual(returned.move_ids.product_uom_qty, 2)
        self.assertEqual(namespace["timeline"][-1]["source"], "change")
        self.assertIn("was already applied", namespace["refused"])
        order.invalidate_recordset()
        self.assertEqual(order.commitment_date, order.tracking_promise_latest)
        self.assertEqual(order.tracking_promise_ids.sorted("id")[-1].kind, "repromise")

    def test_order_approval_rules_examples(self):
        if "order.approval.rule" not in self.env:
            self.skipTest("order_approval_rules is not installed")
        self.env["order.approval.rule"].search([]).write({"active": False})
        approver = new_test_user(
            self.env,
            login="doc_approver",
            password="doc_approver_pw",
            groups="sales_team.group_sale_salesman_all_leads",
        )
        order = self.create_order([(self.service, 1, 60000.0)])
        namespace = self.run_blocks(
            "order_approval_rules",
            {
                "approval_order_id": order.id,
                "approver_login": "doc_approver",
                "approver_password": "doc_approver_pw",
            },
        )
        rule = self.env["order.approval.rule"].browse(namespace["rule_id"])
        self.assertEqual(rule.user_ids, approver)
        self.assertIn("approval", namespace["refused"].lower())
        self.assertEqual(namespace["order"]["state"], "sale")
        self.assertEqual(namespace["order"]["approval_state"], "approved")

    def test_order_alerts_examples(self):
        if "order.alert.rule" not in self.env:
            self.skipTest("order_alerts is not installed")
        self.env["order.alert.rule"].search([]).write({"active": False})
        with clock.frozen(fields.Datetime.now() - timedelta(days=10)):
            order = self.create_order([(self.service, 1)], user_id=self.salesman.id)
            order.action_confirm()
            self.assertEqual(order.tracking_stage_code, "to_ship")
        self.env.flush_all()
        namespace = self.run_blocks("order_alerts", {})
        self.assertGreaterEqual(namespace["raised"], 1)
        alert = self.env["order.alert"].browse(namespace["alert_id"])
        self.assertEqual(alert.order_id, order)
        self.assertEqual(alert.state, "resolved")
        self.assertTrue(alert.acknowledged_at)

    def test_order_promise_examples(self):
        if "promise_ship_date" not in self.env["sale.order"]._fields:
            self.skipTest("order_promise is not installed")
        self.set_stock(self.product, 10)
        order = self.create_order([(self.product, 2)])
        self.env.flush_all()
        namespace = self.run_blocks(
            "order_promise", {"order_id": order.id, "promise_product_id": self.product.id}
        )
        [line] = namespace["promise"]["lines"]
        self.assertEqual((line["qty"], line["source"], line["split"]), (3.0, "stock", []))
        quote = self.env["sale.order"].browse(namespace["quote_id"])
        today = fields.Date.context_today(quote)
        self.assertEqual(line["ship_date"], fields.Date.to_string(quote.promise_ship_date))
        self.assertGreaterEqual(quote.promise_ship_date, today)
        self.assertEqual(quote.commitment_date.date(), quote.promise_delivery_date)

    def test_order_kpi_examples(self):
        if "order.kpi.report" not in self.env:
            self.skipTest("order_kpi is not installed")
        self.set_stock(self.product, 10)
        order = self.create_order([(self.product, 2)])
        order.action_confirm()
        self.ship_all(order)
        self.env["order.kpi.report"]._kpi_flush()
        # the examples read a whole year of the docs' writing: read this year
        # instead (whatever year the docs name, no date frozen here)
        docs_year = re.search(r'"(\d{4})-01-01"', "\n".join(doc_blocks("order_kpi"))).group(1)
        year = fields.Date.today().year
        namespace = self.run_blocks(
            "order_kpi",
            {},
            {f"{docs_year}-01-01": f"{year}-01-01", f"{docs_year}-12-31": f"{year}-12-31"},
        )
        kpis = namespace["kpis"]
        self.assertGreaterEqual(kpis["orders"], 1)
        self.assertIn("draft", kpis["stage_hours"])
        self.assertIn("YYYY-MM-DD", namespace["refused"])
        self.assertTrue(namespace["by_team"])
