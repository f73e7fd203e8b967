"""The quotation's promise in a real browser (SPEC PRM-1, PRM-2): a quotation Odoo
would promise today from stock, while most of that stock belongs to another
customer's order shipping this week — at desktop width in English and at phone
width in Simplified Chinese. Each keeps its last screen (docs/user-guide.md)."""

from datetime import datetime, time, timedelta

from odoo import fields
from odoo.tests import HttpCase, tagged

from odoo.addons.order_tracking.tests.common import OrderTrackingCase

from .tour_common import TourScreenshotMixin

READY = (
    "!!document.querySelector('.o_field_widget[name=promise_why]')"
    " && !!document.querySelector('.o_data_row, .o_kanban_record:not(.o_kanban_ghost)')"
)


@tagged("post_install", "-at_install")
class TestPromiseTours(TourScreenshotMixin, HttpCase, OrderTrackingCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.admin = cls.env.ref("base.user_admin")
        today = fields.Date.context_today(cls.env.user)
        pump = cls._create_product("Hydraulic Pump 液压泵", price=1850.0)
        cls.set_stock(pump, 12)
        other = cls.env["res.partner"].create({"name": "Wuxi Hydraulics 无锡液压"})
        shipping = cls.create_order([(pump, 10)], partner=other)
        shipping.action_confirm()
        shipping.picking_ids.move_ids.date = datetime.combine(today + timedelta(days=5), time(9))
        cls.planned_receipt(pump, 20, datetime.combine(today + timedelta(days=8), time(9)))
        # what the nightly pass measured in the company's history
        cls.env.company.write(
            {
                "promise_transit_days": 2,
                "promise_transit_samples": 36,
                "promise_on_time_share": 0.92,
                "promise_on_time_samples": 48,
            }
        )
        customer = cls.env["res.partner"].create({"name": "Suzhou Precision 苏州精密机械"})
        cls.quote = cls.create_order([(pump, 6)], partner=customer)
        cls.env.flush_all()

    def test_quotation_promise_desktop(self):
        self.shoot_page(f"/odoo/sale.order/{self.quote.id}", READY, "promise-desktop-en")

    def test_quotation_promise_phone(self):
        self.shoot_page(
            f"/odoo/sale.order/{self.quote.id}",
            READY,
            "promise-phone-zh_CN",
            phone=True,
            scroll_to=".o_field_widget[name=payment_term_id]",
        )
