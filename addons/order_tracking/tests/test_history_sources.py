from odoo.tests import tagged

from .common import OrderTrackingCase


@tagged("post_install", "-at_install")
class TestHistorySources(OrderTrackingCase):
    """TRK-4: each event names the document of the fact that moved the order,
    whichever node the walk lands on."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.set_stock(cls.product, 100)

    def last_event(self, order):
        self.env.flush_all()
        return order.tracking_event_ids.sorted("id")[-1]

    def test_the_creation_event_is_the_orders_own(self):
        order = self.create_order([(self.product, 1)])
        self.env.flush_all()
        [first] = order.get_tracking_timeline()[0]
        self.assertEqual(first["to_code"], "draft")
        self.assertEqual(first["source"], "")
        self.assertEqual((first["source_model"], first["source_id"]), ("sale.order", order.id))

    def test_a_payment_that_takes_an_invoiced_order_to_done_is_its_source(self):
        order = self.create_order([(self.product, 2)])
        order.action_confirm()
        self.ship_all(order)
        order.action_confirm_receipt(note="OK")
        invoice = self.invoice(order)
        self.assertEqual(self.last_event(order).to_code, "invoiced")
        payment = self.pay(invoice)
        event = self.last_event(order)
        self.assertEqual((event.from_code, event.to_code), ("invoiced", "done"))
        self.assertEqual((event.source_model, event.source_id), ("account.payment", payment.id))
        self.assertEqual(order.get_tracking_timeline()[0][-1]["source"], "payment")

    def test_a_sign_off_that_takes_a_prepaid_order_to_done_is_manual(self):
        order = self.create_order([(self.product, 2)])
        order.action_confirm()
        self.pay(self.invoice(order))
        self.ship_all(order)
        self.assertEqual(self.last_event(order).to_code, "shipped")
        order.action_confirm_receipt(note="OK 收到")
        event = self.last_event(order)
        self.assertEqual((event.from_code, event.to_code), ("shipped", "done"))
        self.assertEqual((event.source_model, event.source_id), ("sale.order", order.id))
        self.assertEqual(order.get_tracking_timeline()[0][-1]["source"], "manual")
        self.assertEqual(event.note, "OK 收到")
