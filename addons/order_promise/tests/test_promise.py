from datetime import date, datetime, time, timedelta

from freezegun import freeze_time

from odoo import Command, fields
from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, tagged

from odoo.addons.order_tracking.tests.common import OrderTrackingCase

MONDAY = date(2037, 3, 2)  # a Monday: the calendar's working week is Monday to Friday


def day(offset):
    return MONDAY + timedelta(days=offset)


@tagged("post_install", "-at_install")
class PromiseCase(OrderTrackingCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.calendar = cls.env.company.resource_calendar_id
        cls.calendar.tz = "UTC"
        cls.bolt = cls._create_product("Promise Bolt 螺栓")

    def setUp(self):
        super().setUp()
        self.frozen = freeze_time(datetime.combine(MONDAY, time(8)))
        self.frozen.start()
        self.addCleanup(self.frozen.stop)

    def receipt(self, product, quantity, on):
        """An incoming shipment from a vendor, planned on ``on``."""
        return self.planned_receipt(product, quantity, datetime.combine(on, time(12)))

    def confirmed_elsewhere(self, product, quantity, ships_on):
        """Another customer's confirmed order, shipping on ``ships_on``."""
        order = self.create_order([(product, quantity)])
        order.action_confirm()
        order.picking_ids.move_ids.date = datetime.combine(ships_on, datetime.min.time()).replace(
            hour=12
        )
        return order

    def settle(self):
        """What the transaction touched is queued as it commits, and
        re-allocated by the scheduled action it wakes."""
        self.env.flush_all()
        self.env.cr.precommit.run()
        self.env["order.promise.queue"]._promise_run()

    def quote(self, *lines, **vals):
        return self.create_order(list(lines), **vals)

    def line_promise(self, order, index=0):
        return order.get_delivery_promise()[0]["lines"][index]


class TestPromise(PromiseCase):
    """SPEC PRM-1 on real stock, moves and orders."""

    def test_goods_promised_to_a_later_order_are_not_promised_twice(self):
        self.set_stock(self.bolt, 10)
        self.confirmed_elsewhere(self.bolt, 8, day(4))  # Friday
        quote = self.quote((self.bolt, 5))
        # Odoo's own check on today's date counts all 10 as there
        self.assertGreaterEqual(quote.order_line.virtual_available_at_date, 5)
        line = self.line_promise(quote)
        # only 2 are free without taking Friday's; nothing else comes and nothing can be bought
        self.assertEqual(line["source"], "none")
        self.assertFalse(line["ship_date"])
        self.assertEqual(line["split"], [])
        self.assertIn("no stock, no supply planned", line["why"])
        self.assertFalse(quote.promise_ship_date)
        self.assertFalse(quote.promise_delivery_date)

    def test_a_receipt_makes_the_date_and_a_split(self):
        self.set_stock(self.bolt, 10)
        self.confirmed_elsewhere(self.bolt, 8, day(4))
        self.receipt(self.bolt, 20, day(9))  # next Wednesday
        quote = self.quote((self.bolt, 5))
        line = self.line_promise(quote)
        self.assertEqual(line["source"], "receipt")
        self.assertEqual(line["ship_date"], "2037-03-11")
        self.assertEqual(
            line["split"], [{"qty": 2.0, "date": "2037-03-02"}, {"qty": 3.0, "date": "2037-03-11"}]
        )
        # as soon as possible: the first 2 ship today, everything is there on Wednesday
        self.assertEqual(quote.picking_policy, "direct")
        self.assertEqual(quote.promise_ship_date, day(0))
        self.assertEqual(quote.promise_delivery_date, day(9))
        quote.picking_policy = "one"
        self.assertEqual(quote.promise_ship_date, day(9))
        self.assertEqual(
            line["why"],
            "Promise Bolt 螺栓: 8 of the 10 on hand are promised to other orders; "
            "3 come with the receipt planned on 2037-03-11.",
        )
        self.assertIn(line["why"], quote.promise_why)

    def test_from_stock_today(self):
        self.set_stock(self.bolt, 10)
        quote = self.quote((self.bolt, 4))
        line = self.line_promise(quote)
        self.assertEqual(
            (line["source"], line["ship_date"], line["split"]), ("stock", "2037-03-02", [])
        )

    def test_the_next_line_sees_the_first_ones_goods_taken(self):
        self.set_stock(self.bolt, 10)
        self.receipt(self.bolt, 5, day(3))  # Thursday
        quote = self.quote((self.bolt, 6), (self.bolt, 6))
        first, second = quote.get_delivery_promise()[0]["lines"]
        self.assertEqual((first["ship_date"], first["source"]), ("2037-03-02", "stock"))
        self.assertEqual((second["ship_date"], second["source"]), ("2037-03-05", "receipt"))
        self.assertEqual(
            second["split"],
            [{"qty": 4.0, "date": "2037-03-02"}, {"qty": 2.0, "date": "2037-03-05"}],
        )
        self.assertEqual(quote.order_line.mapped("promise_ship_date"), [day(0), day(3)])
        self.assertEqual(quote.order_line.mapped("promise_source"), ["stock", "receipt"])
        # shipped as soon as possible: the first shipment; delivered when all is there
        self.assertEqual(quote.picking_policy, "direct")
        self.assertEqual(quote.promise_ship_date, day(0))
        quote.picking_policy = "one"
        self.assertEqual(quote.promise_ship_date, day(3))

    def test_while_quoting_in_the_form(self):
        self.set_stock(self.bolt, 3)
        self.receipt(self.bolt, 10, day(2))
        with Form(self.env["sale.order"]) as form:
            form.partner_id = self.customer
            with form.order_line.new() as line:
                line.product_id = self.bolt
                line.product_uom_qty = 5
                self.assertEqual(line.promise_ship_date, day(2))
            # as soon as possible: 3 of them today, all of it by Wednesday
            self.assertEqual(form.promise_ship_date, day(0))
            self.assertEqual(form.promise_delivery_date, day(2))
            with form.order_line.edit(0) as line:
                line.product_uom_qty = 2
                self.assertEqual(line.promise_ship_date, day(0))
            self.assertEqual(form.promise_ship_date, day(0))
            with form.order_line.new() as line:
                line.product_id = self.bolt
                line.product_uom_qty = 2
        # read back, each line after the ones before it: the second waits for the receipt
        quote = form.record
        self.assertEqual(quote.order_line.mapped("promise_ship_date"), [day(0), day(2)])
        self.assertEqual(quote.promise_ship_date, day(0))
        quote.picking_policy = "one"
        self.assertEqual(quote.promise_ship_date, day(2))

    def test_a_confirmed_order_is_promised_without_its_own_delivery(self):
        self.set_stock(self.bolt, 5)
        order = self.confirmed_elsewhere(self.bolt, 5, day(2))
        line = self.line_promise(order)
        self.assertEqual((line["ship_date"], line["source"]), ("2037-03-02", "stock"))

    def test_bought_at_the_vendors_lead_time(self):
        if "purchase.order" not in self.env:
            self.skipTest("purchase is not installed")
        vendor = self.env["res.partner"].create({"name": "Ningbo Fasteners 宁波紧固件"})
        self.bolt.write(
            {
                "route_ids": [Command.set(self.warehouse.buy_pull_id.route_id.ids)],
                "seller_ids": [Command.create({"partner_id": vendor.id, "delay": 10})],
            }
        )
        self.env.company.po_lead = 0
        quote = self.quote((self.bolt, 3))
        line = self.line_promise(quote)
        # 10 days after Monday is Thursday the 12th, a working day
        self.assertEqual((line["source"], line["ship_date"]), ("buy_lead", "2037-03-12"))
        self.assertIn("Ningbo Fasteners", line["why"])

    def test_a_vendor_that_slips_lowers_the_confidence(self):
        if "purchase.order" not in self.env:
            self.skipTest("purchase is not installed")
        vendor = self.env["res.partner"].create({"name": "Wenzhou Springs 温州弹簧"})
        self.bolt.write(
            {
                "route_ids": [Command.set(self.warehouse.buy_pull_id.route_id.ids)],
                "seller_ids": [Command.create({"partner_id": vendor.id, "delay": 10})],
            }
        )
        # two purchases of 10 received today: one expected tomorrow, one three days ago
        for expected in (day(1), day(-3)):
            purchase = self.env["purchase.order"].create(
                {
                    "partner_id": vendor.id,
                    "order_line": [
                        Command.create(
                            {
                                "product_id": self.bolt.id,
                                "product_qty": 10,
                                "date_planned": datetime.combine(expected, time(12)),
                            }
                        )
                    ],
                }
            )
            purchase.button_confirm()
            self.validate(purchase.picking_ids)
        self.assertEqual(vendor.on_time_rate, 50.0)
        # orders shipped by their first promise: 90 %
        self.env.company.write({"promise_on_time_share": 0.9, "promise_on_time_samples": 10})
        from_stock = self.quote((self.bolt, 5))
        self.assertEqual(from_stock.promise_confidence, 0.9)
        # 20 on hand, 25 asked: 5 to buy from the vendor that slips half the time
        quote = self.quote((self.bolt, 25))
        self.assertEqual(self.line_promise(quote)["source"], "buy_lead")
        self.assertAlmostEqual(quote.promise_confidence, 0.45)
        self.assertIn("Wenzhou Springs", quote.promise_why)
        self.assertIn("delivered 50 % of its goods on time", quote.promise_why)

    def purchase(self, vendor, quantity, planned):
        purchase = self.env["purchase.order"].create(
            {
                "partner_id": vendor.id,
                "order_line": [
                    Command.create(
                        {
                            "product_id": self.bolt.id,
                            "product_qty": quantity,
                            "date_planned": datetime.combine(planned, time(12)),
                        }
                    )
                ],
            }
        )
        purchase.button_confirm()
        return purchase

    def test_a_vendor_usually_late_is_waited_for(self):
        if "purchase.order" not in self.env:
            self.skipTest("purchase is not installed")
        vendor = self.env["res.partner"].create({"name": "Slow Springs 慢弹簧"})
        # five purchases planned last Wednesday, all received today: 3 working days late
        for _index in range(5):
            self.validate(self.purchase(vendor, 1, day(-5)).picking_ids)
        self.assertEqual(
            self.env["sale.order"]._promise_vendor_lateness(vendor.ids), {vendor.id: 3}
        )
        # 5 on hand, 3 more planned on Thursday from the same vendor
        self.purchase(vendor, 10, day(3))
        quote = self.quote((self.bolt, 8))
        line = self.line_promise(quote)
        # Thursday + 3 working days: next Tuesday
        self.assertEqual(line["ship_date"], "2037-03-10")
        self.assertEqual(
            line["split"], [{"qty": 5.0, "date": "2037-03-02"}, {"qty": 3.0, "date": "2037-03-10"}]
        )
        self.assertIn("Slow Springs 慢弹簧 is usually late: 3 working days added", line["why"])
        # a vendor measured fewer than five times is not judged
        other = self.env["res.partner"].create({"name": "New Vendor 新供应商"})
        self.validate(self.purchase(other, 1, day(-5)).picking_ids)
        self.assertEqual(self.env["sale.order"]._promise_vendor_lateness(other.ids), {})

    def test_a_kit_ships_when_its_last_component_can(self):
        if "mrp.bom" not in self.env:
            self.skipTest("mrp is not installed")
        kit = self._create_product("Bolt Kit 螺栓套装")
        nut = self._create_product("Nut 螺母")
        self.env["mrp.bom"].create(
            {
                "product_tmpl_id": kit.product_tmpl_id.id,
                "type": "phantom",
                "bom_line_ids": [
                    Command.create({"product_id": self.bolt.id, "product_qty": 2}),
                    Command.create({"product_id": nut.id, "product_qty": 1}),
                ],
            }
        )
        self.set_stock(self.bolt, 10)
        self.receipt(nut, 5, day(2))  # Wednesday
        quote = self.quote((kit, 3))
        line = self.line_promise(quote)
        self.assertEqual((line["source"], line["ship_date"]), ("receipt", "2037-03-04"))
        self.assertEqual(line["split"], [], "a kit ships in whole sets")

    def test_made_after_its_components_and_lead_time(self):
        if "mrp.bom" not in self.env:
            self.skipTest("mrp is not installed")
        cabinet = self._create_product("Cabinet 柜体")
        cabinet.route_ids = [Command.set(self.warehouse.manufacture_pull_id.route_id.ids)]
        self.env["mrp.bom"].create(
            {
                "product_tmpl_id": cabinet.product_tmpl_id.id,
                "produce_delay": 3,
                "bom_line_ids": [Command.create({"product_id": self.bolt.id, "product_qty": 4})],
            }
        )
        self.env.company.manufacturing_lead = 0
        self.receipt(self.bolt, 8, day(1))  # the bolts come on Tuesday
        quote = self.quote((cabinet, 2))
        line = self.line_promise(quote)
        # components on Tuesday, then 3 working days: Friday
        self.assertEqual((line["source"], line["ship_date"]), ("make_lead", "2037-03-06"))

    def test_manufacturing_that_finishes_late_is_waited_for(self):
        if "mrp.production" not in self.env:
            self.skipTest("mrp is not installed")
        cabinet = self._create_product("Cabinet 柜体")
        cabinet.route_ids = [Command.set(self.warehouse.manufacture_pull_id.route_id.ids)]
        bom = self.env["mrp.bom"].create(
            {
                "product_tmpl_id": cabinet.product_tmpl_id.id,
                "produce_delay": 3,
                "bom_line_ids": [Command.create({"product_id": self.bolt.id, "product_qty": 1})],
            }
        )
        self.env.company.manufacturing_lead = 0
        self.set_stock(self.bolt, 100)

        def production(quantity, start):
            return self.env["mrp.production"].create(
                {
                    "product_id": cabinet.id,
                    "product_qty": quantity,
                    "bom_id": bom.id,
                    "date_start": datetime.combine(start, time(8)),
                }
            )

        # five manufacturing orders planned to finish last Wednesday (started Sunday,
        # 3 days): one finished then, four today, 3 working days late
        self.frozen.stop()
        for index in range(5):
            with freeze_time(datetime.combine(day(-10), time(8))):
                made = production(1, day(-8))
                made.action_confirm()
                self.assertEqual(made.date_finished.date(), day(-5))
            with freeze_time(datetime.combine(day(-5) if index == 0 else day(0), time(10))):
                # rescheduled on the way: still measured against its first planned end
                made.date_start = datetime.combine(day(-1), time(8))
                made.qty_producing = made.product_qty
                made._set_qty_producing()
                made.button_mark_done()
        self.frozen.start()
        self.assertEqual(self.env.company._promise_production_slips(), (3, 0.2, 5))
        self.env.company._promise_refresh_measures()
        self.env.company.write({"promise_on_time_share": 0.9, "promise_on_time_samples": 10})
        # the five made are on hand; two more planned to finish on Thursday
        production(2, day(0)).action_confirm()
        quote = self.quote((cabinet, 7))
        line = self.line_promise(quote)
        # Thursday + the 3 working days manufacturing is usually late: next Tuesday
        self.assertEqual((line["source"], line["ship_date"]), ("production", "2037-03-10"))
        self.assertEqual(
            line["split"], [{"qty": 5.0, "date": "2037-03-02"}, {"qty": 2.0, "date": "2037-03-10"}]
        )
        self.assertIn("manufacturing usually finishes late: 3 working days added", line["why"])
        # 90 % of the orders on time, 20 % of the manufacturing orders
        self.assertAlmostEqual(quote.promise_confidence, 0.18)
        self.assertIn("20 % of the manufacturing orders", quote.promise_why)
        # to make: today's components, 3 days' lead time, 3 late: next Tuesday too
        more = self.quote((cabinet, 10))
        self.assertEqual(
            (self.line_promise(more)["source"], self.line_promise(more)["ship_date"]),
            ("make_lead", "2037-03-10"),
        )
        # from stock: manufacturing does not lower the confidence
        self.assertAlmostEqual(self.quote((cabinet, 1)).promise_confidence, 0.9)
        # the first planned end is the creation's: nobody writes it
        with self.assertRaises(AccessError):
            made.move_finished_ids.write({"promise_first_date": fields.Datetime.now()})

    def test_public_holiday_and_make_up_saturday(self):
        self.env["resource.calendar.leaves"].create(
            {
                "name": "Holiday 假日",
                "calendar_id": self.calendar.id,
                "date_from": datetime(2037, 3, 2, 0, 0),
                "date_to": datetime(2037, 3, 2, 23, 59),
            }
        )
        self.set_stock(self.bolt, 10)
        quote = self.quote((self.bolt, 2))
        self.assertEqual(self.line_promise(quote)["ship_date"], "2037-03-03", "Monday is off")
        nut = self._create_product("Nut 螺母")
        self.receipt(nut, 5, day(5))  # Saturday
        quote = self.quote((nut, 2))
        self.assertEqual(self.line_promise(quote)["ship_date"], "2037-03-09", "shipped Monday")
        # 调休: that Saturday is worked
        self.env["resource.calendar.attendance"].create(
            {
                "name": "Make-up Saturday 调休",
                "calendar_id": self.calendar.id,
                "dayofweek": "5",
                "hour_from": 8,
                "hour_to": 17,
                "date_from": day(5),
                "date_to": day(5),
            }
        )
        self.calendar.invalidate_recordset()
        quote = self.quote((nut, 2))
        self.assertEqual(self.line_promise(quote)["ship_date"], "2037-03-07", "shipped Saturday")


class TestPromiseApplied(PromiseCase):
    """SPEC PRM-2: the order's promise, applied in one click."""

    def test_promise_becomes_the_commitment_date_and_the_ledger(self):
        self.set_stock(self.bolt, 10)
        quote = self.quote((self.bolt, 2))
        self.assertEqual(quote.promise_delivery_date, day(0))
        quote.action_apply_promise()
        self.assertEqual(quote.commitment_date.date(), day(0))
        quote.action_confirm()
        ledger = quote.tracking_promise_ids
        self.assertEqual(ledger.mapped("kind"), ["initial"])
        self.assertEqual(quote.tracking_promise_original.date(), day(0))

    def test_a_confirmed_order_is_re_promised_with_the_reason(self):
        self.receipt(self.bolt, 5, day(3))
        order = self.create_order([(self.bolt, 3)], commitment_date=datetime(2037, 3, 2, 12))
        order.action_confirm()
        self.settle()
        self.assertTrue(order.promise_at_risk, "promised Monday, can ship Thursday")
        order.action_apply_promise()
        self.settle()
        self.assertEqual(order.commitment_date.date(), day(3))
        repromise = order.tracking_promise_ids.filtered(lambda p: p.kind == "repromise")
        self.assertEqual(len(repromise), 1)
        self.assertIn("Promised from the warehouse", repromise.reason)
        self.assertFalse(order.promise_at_risk)

    def test_nothing_to_promise_is_refused(self):
        quote = self.quote((self.bolt, 2))
        with self.assertRaisesRegex(UserError, "No delivery date can be promised"):
            quote.action_apply_promise()
        self.assertFalse(quote.commitment_date)

    def test_api_shape(self):
        self.set_stock(self.bolt, 10)
        quote = self.quote((self.bolt, 2), (self.service, 1))
        [promise] = quote.get_delivery_promise()
        self.assertEqual(
            set(promise), {"order_id", "ship_date", "delivery_date", "confidence", "why", "lines"}
        )
        [line] = promise["lines"]  # the service ships nothing
        self.assertEqual(
            line,
            {
                "line_id": quote.order_line[0].id,
                "product_id": self.bolt.id,
                "qty": 2.0,
                "ship_date": "2037-03-02",
                "source": "stock",
                "split": [],
                "why": "",
            },
        )
        self.assertEqual(promise["confidence"], 0.0)
        self.assertIn("not measured yet", promise["why"])

    def test_delivery_time_and_confidence_are_measured(self):
        """Five orders shipped, each delivered three days later; four of them
        shipped by their first promise."""
        self.set_stock(self.bolt, 100)
        self.frozen.stop()
        start = datetime(2037, 1, 5, 9, 0)
        for index in range(5):
            shipped_at = start + timedelta(days=7 * index)
            promised = shipped_at + timedelta(days=-1 if index == 4 else 2)
            with freeze_time(shipped_at - timedelta(hours=2)):
                order = self.create_order([(self.bolt, 1)], commitment_date=promised)
                order.action_confirm()
            with freeze_time(shipped_at):
                self.ship_all(order)
                order.mapped("tracking_stage_code")
            with freeze_time(shipped_at + timedelta(days=3)):
                order.action_confirm_receipt(signed_by="王芳")
                self.env.flush_all()
            self.assertEqual(order.tracking_stage_code, "delivered")
        self.frozen.start()
        quote = self.quote((self.bolt, 2))
        # measured by the nightly pass
        self.assertEqual(quote.promise_confidence, 0.0)
        self.env.company._promise_refresh_measures()
        quote.invalidate_recordset()
        self.assertEqual(quote.promise_ship_date, day(0))
        self.assertEqual(quote.promise_delivery_date, day(3))
        self.assertEqual(quote.promise_confidence, 0.8)
