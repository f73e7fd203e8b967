import re
from pathlib import Path

from odoo.exceptions import UserError
from odoo.tests import tagged
from odoo.tools import SQL

from ..tools import detail_facts, facts, schema
from .common import KpiCase


@tagged("post_install", "-at_install")
class TestFactsStayCurrent(KpiCase):
    """The facts follow the documents in the same transaction, whoever
    writes them; leftovers are swept, drift is repaired at night."""

    def amount_in_table(self, order):
        self.env.cr.execute(SQL("SELECT amount FROM order_kpi_report WHERE id = %s", order.id))
        row = self.env.cr.fetchone()
        return row and float(row[0])

    def test_touched_orders_marked_once_and_refreshed_before_a_read(self):
        order = self.order(self.day(self.M1, 2))
        self.assertEqual(self.dirty(order), 1)
        order.order_line.product_uom_qty = 5  # more statements, still one mark
        self.assertEqual(self.dirty(order), 1)
        # a read refreshes first
        self.assertAlmostEqual(self.fact(order).amount, 500.0)
        self.assertEqual(self.dirty(order), 0)

    def test_refreshed_at_commit_by_a_deferred_trigger(self):
        self.env.cr.execute(
            SQL(
                "SELECT tgdeferrable, tginitdeferred FROM pg_trigger "
                "WHERE tgname = 'order_kpi_dirty_flush'"
            )
        )
        self.assertEqual(self.env.cr.fetchone(), (True, True))
        order = self.order(self.day(self.M1, 2))
        self.env.flush_all()
        # what the trigger does at commit: refresh this transaction's orders
        self.env.cr.execute(SQL("SET CONSTRAINTS order_kpi_dirty_flush IMMEDIATE"))
        self.addCleanup(self.env.cr.execute, SQL("SET CONSTRAINTS order_kpi_dirty_flush DEFERRED"))
        order.order_line.product_uom_qty = 6
        self.env.flush_all()
        self.assertEqual(self.dirty(order), 0)
        self.assertAlmostEqual(self.amount_in_table(order), 600.0)

    def test_raw_sql_writers_are_followed_too(self):
        order = self.order(self.day(self.M1, 2))
        self.fact(order)
        self.env.cr.execute(
            SQL("UPDATE sale_order SET amount_untaxed = 123 WHERE id = %s", order.id)
        )
        self.assertAlmostEqual(self.fact(order).amount, 123.0)

    def test_leftovers_swept_and_drift_repaired(self):
        order = self.order(self.day(self.M1, 2))
        self.fact(order)
        cr = self.env.cr
        # a finished transaction whose refresh failed left its mark
        cr.execute(SQL("UPDATE order_kpi_report SET amount = 1 WHERE id = %s", order.id))
        cr.execute(SQL("INSERT INTO order_kpi_dirty (order_id, xid) VALUES (%s, 3)", order.id))
        self.assertEqual(self.Report._cron_refresh(), 1)
        self.assertAlmostEqual(self.amount_in_table(order), 400.0)
        # drift nobody marked (e.g. a customer's country changed): the nightly rebuild
        cr.execute(SQL("UPDATE order_kpi_report SET amount = 2 WHERE id = %s", order.id))
        self.Report._cron_rebuild()
        self.assertAlmostEqual(self.amount_in_table(order), 400.0)

    def test_bulk_loads_can_skip_the_marks(self):
        self.env.cr.execute(SQL("SET LOCAL order_kpi.skip = 'on'"))
        self.addCleanup(self.env.cr.execute, SQL("SET LOCAL order_kpi.skip = 'off'"))
        order = self.order(self.day(self.M1, 2))
        self.assertEqual(self.dirty(order), 0)

    def test_facts_are_read_only(self):
        fact = self.fact(self.order(self.day(self.M1, 2)))
        with self.assertRaises(UserError):
            fact.write({"amount": 1})
        with self.assertRaises(UserError):
            fact.unlink()
        with self.assertRaises(UserError):
            self.Report.create({"name": "forged"})

    def test_deleting_an_order_deletes_its_facts(self):
        with self.at(self.day(self.M1, 2)):
            quotation = self.create_order()
        self.assertTrue(self.fact(quotation))
        order_id = quotation.id
        quotation.unlink()
        self.assertFalse(self.Report.search([("order_id", "=", order_id)]))


@tagged("post_install", "-at_install")
class TestOnlyFactsMark(KpiCase):
    """An UPDATE marks an order only when it changes a column the facts are
    built from: an invoice or a payment changing the order's billing or
    payment axis refreshes nothing at commit."""

    def test_columns_the_facts_do_not_read_mark_nothing(self):
        order = self.order(self.day(self.M1, 2))
        self.fact(order)  # refreshed: no mark left
        self.assertEqual(self.dirty(order), 0)
        order.write({"client_order_ref": "PO-7", "note": "<p>call first</p>"})
        order.order_line.write({"name": "Bracket, painted"})
        self.env.cr.execute(
            SQL("UPDATE sale_order SET tracking_payment = 'partial' WHERE id = %s", order.id)
        )
        self.assertEqual(self.dirty(order), 0)

    def test_columns_the_facts_read_mark_the_order(self):
        order = self.order(self.day(self.M1, 2))
        self.fact(order)
        order.order_line.product_uom_qty = 7
        self.assertEqual(self.dirty(order), 1)
        self.assertAlmostEqual(self.fact(order).amount, 700.0)
        self.assertEqual(self.dirty(order), 0)
        order.user_id = self.env.ref("base.user_admin")
        self.assertEqual(self.dirty(order), 1)

    def test_a_line_moved_to_another_order_marks_both(self):
        first = self.order(self.day(self.M1, 2))
        second = self.order(self.day(self.M1, 3))
        self.fact(first)
        self.fact(second)
        self.env.cr.execute(
            SQL(
                "UPDATE sale_order_line SET order_id = %s WHERE order_id = %s",
                second.id,
                first.id,
            )
        )
        self.assertEqual((self.dirty(first), self.dirty(second)), (1, 1))

    def test_every_column_the_facts_read_is_watched(self):
        source = "".join(
            Path(module.__file__).read_text(encoding="utf-8") for module in (facts, detail_facts)
        )
        sources = (("so", "sale.order"), ("l", "sale.order.line"), ("p", "stock.picking"))
        for alias, model in sources:
            Model = self.env[model]
            read = {
                name
                for name in re.findall(rf"\b{alias}\.([a-z_]+)", source)
                if name != "id" and name in Model._fields and Model._fields[name].store
            }
            self.assertTrue(read, f"no column of {model} found in the facts' SQL")
            missing = read - set(schema.WATCHED_COLUMNS[Model._table])
            self.assertFalse(missing, f"{model}: facts read {missing}, not watched")


@tagged("post_install", "-at_install")
class TestCustomerColumnsFollow(KpiCase):
    """A refresh sets the customer columns (first order, repeat order,
    cohort) of the orders it refreshes from the customer's first order, and
    those of all the customer's orders when its first order changes: the
    same result as a rebuild from scratch, whatever moved."""

    def customer_columns(self, *partners):
        self.Report._kpi_flush()
        self.env.cr.execute(
            SQL(
                "SELECT id, first_order, repeat_order, cohort_date, cohort_age "
                "FROM order_kpi_report WHERE partner_id = ANY(%s) ORDER BY id",
                [p.id for p in partners],
            )
        )
        return self.env.cr.fetchall()

    def assertAsRebuilt(self, *partners):
        refreshed = self.customer_columns(*partners)
        self.Report._kpi_rebuild()
        self.assertEqual(refreshed, self.customer_columns(*partners))
        return refreshed

    def test_customer_columns_as_a_rebuild_gives_them(self):
        shop = self.env["res.partner"].create({"name": "Suzhou Parts 苏州零件", "is_company": True})
        other = self.env["res.partner"].create({"name": "Wuxi Tools 无锡工具", "is_company": True})
        first = self.order(self.day(self.M1, 3), partner=shop)
        repeat = self.order(self.day(self.M2, 5), partner=shop)
        self.order(self.day(self.M1, 1), partner=other)
        self.assertAsRebuilt(shop, other)
        # a repeat order changes: its customer's first order stays, and the
        # refresh touches the repeat order's row only (a drift planted on the
        # first order's row stays: the customer's other orders are not read)
        self.env.cr.execute(
            SQL("UPDATE order_kpi_report SET cohort_age = 99 WHERE id = %s", first.id)
        )
        repeat.order_line.product_uom_qty = 9
        columns = {row[0]: row[1:] for row in self.customer_columns(shop)}
        self.assertEqual(columns[first.id][3], 99)
        self.assertEqual(columns[repeat.id][:2], (0, 1))
        self.env.cr.execute(
            SQL("UPDATE order_kpi_report SET cohort_age = 0 WHERE id = %s", first.id)
        )
        columns = dict((row[0], row[1:3]) for row in self.assertAsRebuilt(shop))
        self.assertEqual((columns[first.id], columns[repeat.id]), ((1, 0), (0, 1)))
        # an order confirmed with an earlier date becomes the first: the
        # cohort of every order of the customer moves
        earlier = self.order(self.day(self.M1, -35), partner=shop)
        rows = self.assertAsRebuilt(shop)
        self.assertEqual({row[0] for row in rows if row[1]}, {earlier.id})
        self.assertEqual({row[3] for row in rows}, {self.day(self.M1, -35).date()})
        # the first order cancelled: the next one is the first again
        earlier._action_cancel()
        rows = self.assertAsRebuilt(shop)
        self.assertEqual({row[0] for row in rows if row[1]}, {first.id})
        # a repeat order moved to another customer, and back
        repeat.partner_id = other
        self.assertAsRebuilt(shop, other)
        repeat.partner_id = shop
        self.assertAsRebuilt(shop, other)
