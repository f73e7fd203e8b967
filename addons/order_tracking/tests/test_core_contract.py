"""What order_tracking takes from Odoo core beyond its public API.

One test per reliance: each fails when an 18.0 build changes the detail
underneath us (a private method's parameters, the core flow that calls it, a
value we compare against), before a customer finds out. Run on every build of
the test matrix (docs/deployment.md)."""

import inspect
from datetime import date, datetime

import polib

from odoo.tests import tagged
from odoo.tools.misc import file_path

from odoo.addons.portal.controllers.portal import CustomerPortal

from ..models.sale_order_lifecycle import SETTLED_PAYMENT_STATES
from ..tools import sla
from .common import CoreContractMixin, OrderTrackingCase


@tagged("post_install", "-at_install")
class TestCoreContract(CoreContractMixin, OrderTrackingCase):
    def selection(self, model, field):
        return {key for key, _label in self.env[model]._fields[field].selection}

    def test_action_confirm_creates_the_deliveries_before_our_hook(self):
        """sale.order._action_confirm(): action_confirm() calls it, and sale_stock
        creates the deliveries inside it; our override records the promise and
        reserves those deliveries after super()."""
        self.assert_core_parameters(self.env["sale.order"], "_action_confirm", "sale", ["self"])
        self.assert_core_calls(self.env["sale.order"], "action_confirm", "sale", "_action_confirm")
        self.company.tracking_reservation_policy = "confirm"
        self.warehouse.out_type_id.reservation_method = "manual"
        self.set_stock(self.product, 10)
        order = self.create_order([(self.product, 2)])
        order.action_confirm()
        self.assertEqual(order.picking_ids.state, "assigned")
        self.assertTrue(order.tracking_reservation_tried)
        self.assertEqual(order.tracking_promise_ids.mapped("kind"), ["initial"])

    def test_reordering_rules_entry_point(self):
        """stock.warehouse.orderpoint._procure_orderpoint_confirm(use_new_cursor,
        company_id): called by _tracking_reserve for shortages at confirmation
        (the flow itself: test_lifecycle, reordering rule test)."""
        self.assert_core_parameters(
            self.env["stock.warehouse.orderpoint"],
            "_procure_orderpoint_confirm",
            "stock",
            ["self", "use_new_cursor", "company_id", "raise_user_error"],
        )

    def test_delivery_validation_sets_delivered_quantities(self):
        """button_validate() -> stock.move._action_done(): the moves are done and,
        through sale_stock, the lines' qty_delivered follows; a partial
        validation leaves an open, unpicked backorder move. The fulfilment axis
        reads exactly these, and compares move states and reservation methods."""
        self.set_stock(self.product, 10)
        order = self.create_order([(self.product, 3)])
        order.action_confirm()
        self.validate(order.picking_ids, {self.product: 1})
        self.assertEqual(order.order_line.qty_delivered, 1)
        backorder_move = self.outgoing(order).move_ids
        self.assertEqual(backorder_move.state, "assigned")
        self.assertFalse(backorder_move.picked)
        self.assertEqual(order.tracking_fulfilment, "partial")
        self.assertLessEqual(
            {"draft", "waiting", "confirmed", "partially_available", "assigned", "done", "cancel"},
            self.selection("stock.move", "state"),
        )
        self.assertIn("at_confirm", self.selection("stock.picking.type", "reservation_method"))

    def test_invoice_creation_links_the_order_lines(self):
        """sale.order._create_invoices(): the invoice it returns is reached from the
        order through order_line.invoice_lines.move_id (the billing axis depends
        on that path) and a draft invoice already counts as invoiced."""
        self.assert_core_parameters(
            self.env["sale.order"], "_create_invoices", "sale", ["self", "grouped", "final", "date"]
        )
        order = self.create_order([(self.service, 1)])
        order.action_confirm()
        invoice = order._create_invoices()
        self.assertEqual(invoice.move_type, "out_invoice")
        self.assertEqual(order.order_line.invoice_lines.move_id, invoice)
        self.assertEqual(order.invoice_status, "invoiced")
        self.assertEqual(order.tracking_billing, "none")  # not posted yet
        invoice.action_post()
        self.assertEqual(order.tracking_billing, "invoiced")
        statuses = self.selection("sale.order", "invoice_status")
        self.assertLessEqual({"invoiced", "upselling"}, statuses)

    def test_payment_matching_of_invoices(self):
        """Payment reconciliation: a registered payment is listed in the invoice's
        matched_payment_ids, in_process or paid. For a part of the amount paid
        without a journal entry, builds disagree on the invoice's payment_state
        (18.0-20241002 says paid, later builds in_payment or partial): that is
        why _tracking_invoice_settled counts the matched payments' amounts."""
        self.assertLessEqual({"in_process", "paid"}, self.selection("account.payment", "state"))
        self.assertLessEqual(
            {*SETTLED_PAYMENT_STATES, "partial", "not_paid"},
            self.selection("account.move", "payment_state"),
        )
        order = self.create_order([(self.service, 1)])
        order.action_confirm()
        invoice = self.invoice(order)
        third = invoice.currency_id.round(invoice.amount_total / 3)
        part = self.pay(invoice, amount=third)
        self.assertEqual(invoice.matched_payment_ids, part)
        self.assertIn(part.state, ("in_process", "paid"))
        self.assertIn(invoice.payment_state, ("partial", "in_payment", "paid"))
        self.assertFalse(order._tracking_invoice_settled(invoice))
        self.assertEqual(order.tracking_payment, "partial")
        rest = self.pay(invoice, amount=invoice.amount_total - third)
        self.assertEqual(invoice.matched_payment_ids, part | rest)
        self.assertIn(invoice.payment_state, SETTLED_PAYMENT_STATES)
        self.assertTrue(order._tracking_invoice_settled(invoice))
        self.assertEqual(order.tracking_payment, "paid")

    def test_portal_access_check(self):
        """CustomerPortal._document_check_access(model, id, access_token) and
        get_portal_url(query_string=): the confirm-receipt route is built on them
        (the route itself: tests/test_rpc_tracking.py, portal receipt test)."""
        self.assert_core_parameters(
            CustomerPortal,
            "_document_check_access",
            "portal",
            ["self", "model_name", "document_id", "access_token"],
        )
        self.assert_core_parameters(
            self.env["sale.order"],
            "get_portal_url",
            "portal",
            ["self", "suffix", "report_type", "download", "query_string", "anchor"],
        )

    def test_working_intervals_of_a_calendar(self):
        """resource.calendar._work_intervals_batch(start, end)[False]: the
        (start, stop, meta) working intervals, leaves taken out. sla.WorkClock
        reads them once for a whole batch of orders. UTC calendar, 8-12 and
        13-17; Tuesday 2037-11-24 a public holiday.
        Fri 10:00 -> Wed 10:00: Fri 2 + 4, Mon 8, Tue 0, Wed 2 = 16.
        Mon 15:00 -> Wed 9:00: 2 + 0 + 1 = 3; 3 h planned from Mon 15:00: Wed 9:00."""
        Calendar = self.env["resource.calendar"]
        self.assert_core_parameters(
            Calendar,
            "_work_intervals_batch",
            "resource",
            ["self", "start_dt", "end_dt", "resources", "domain", "tz", "compute_leaves"],
        )
        self.assert_core_parameters(
            Calendar,
            "plan_hours",
            "resource",
            ["self", "hours", "day_dt", "compute_leaves", "domain", "resource"],
        )
        calendar = Calendar.create({"name": "Standard UTC", "tz": "UTC"})
        self.env["resource.calendar.leaves"].create(
            {
                "name": "Public holiday",
                "calendar_id": calendar.id,
                "date_from": datetime(2037, 11, 24, 0, 0),
                "date_to": datetime(2037, 11, 24, 23, 59, 59),
                "time_type": "leave",
            }
        )
        start, end = datetime(2037, 11, 20, 10, 0), datetime(2037, 11, 25, 10, 0)
        found = calendar._work_intervals_batch(sla.aware(start), sla.aware(end))[False]
        spans = [(sla.naive_utc(a), sla.naive_utc(b)) for a, b, _meta in found]
        self.assertEqual(spans[0], (datetime(2037, 11, 20, 10, 0), datetime(2037, 11, 20, 12, 0)))
        self.assertEqual(spans[-1], (datetime(2037, 11, 25, 8, 0), datetime(2037, 11, 25, 10, 0)))
        self.assertNotIn(date(2037, 11, 24), {a.date() for a, _b in spans})
        monday = datetime(2037, 11, 23, 15, 0)
        wednesday = datetime(2037, 11, 25, 9, 0)
        self.assertEqual(sla.WorkClock(calendar, start, end).hours(start, end), 16)
        self.assertEqual(sla.work_hours(calendar, start, end), 16)  # Odoo's own count agrees
        self.assertEqual(sla.work_hours_until(calendar, [start, monday], wednesday), [15, 3])
        self.assertEqual(sla.deadline(calendar, monday, 3), wednesday)

    def test_mail_template_bodies_are_translated_whole(self):
        """mail.template.body_html is translate=True: the whole body, as stored by
        the build, is one term. Our bodies are stored alike on every 18.0 build
        (no <br>, which builds write differently), so the zh_CN catalogue matches
        and a Chinese customer gets the Chinese e-mail."""
        self.assertIs(self.env["mail.template"]._fields["body_html"].translate, True)
        catalog = polib.pofile(file_path("order_tracking/i18n/zh_CN.po"))
        translated = {entry.msgid: entry.msgstr for entry in catalog if entry.msgstr}
        self.env["res.lang"]._activate_lang("zh_CN")
        self.env["ir.module.module"]._load_module_terms(
            ["order_tracking"], ["zh_CN"], overwrite=True
        )
        for xmlid in (
            "order_tracking.mail_template_order_shipped",
            "order_tracking.mail_template_order_stage",
        ):
            template = self.env.ref(xmlid)
            body = str(template.body_html)
            self.assertIn(body, translated, xmlid)
            chinese = str(template.with_context(lang="zh_CN").body_html)
            self.assertIn("尊敬的", chinese)
            self.assertIn("谢谢！", chinese)

    def test_savepoints_and_the_cache_the_journal_relies_on(self):
        """tools/transaction.py wraps ``Savepoint.__init__(cr)`` and
        ``Savepoint.rollback()`` (``_FlushingSavepoint`` clears the cache, then
        calls the latter), and repairs the cache with ``Cache.get / set /
        get_records / get_values / get_dirty_records / invalidate`` and the
        transaction's ``tocompute``."""
        from odoo import api, sql_db

        self.assertTrue(getattr(sql_db.Savepoint, "_order_tracking_wrapped", False))
        self.assertEqual(
            list(inspect.signature(sql_db.Savepoint.__init__).parameters), ["self", "cr"]
        )
        self.assertTrue(issubclass(sql_db._FlushingSavepoint, sql_db.Savepoint))
        source = inspect.getsource(sql_db._FlushingSavepoint.rollback)
        self.assertIn("clear()", source)
        self.assertIn("super().rollback()", source)
        self.assertIsInstance(self.env.cr.savepoint(flush=False), sql_db.Savepoint)
        expected = {
            "get": ["self", "record", "field", "default"],
            "set": ["self", "record", "field", "value", "dirty", "check_dirty"],
            "get_records": ["self", "model", "field", "all_contexts"],
            "get_values": ["self", "records", "field"],
            "get_dirty_records": ["self", "model", "field"],
            "invalidate": ["self", "spec"],
        }
        for name, parameters in expected.items():
            signature = inspect.signature(getattr(api.Cache, name))
            self.assertEqual(list(signature.parameters), parameters, name)
        self.assertIsInstance(self.env.transaction.tocompute, dict)
