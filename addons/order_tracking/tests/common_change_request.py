"""Builders for change request tests: users, requests, shipped orders."""

from contextlib import contextmanager

from odoo import Command
from odoo.tests import new_test_user

from .common import OrderTrackingCase


class ChangeRequestCase(OrderTrackingCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.supervisor = new_test_user(
            cls.env,
            login="ot_cr_supervisor",
            groups="sales_team.group_sale_salesman_all_leads,"
            "order_tracking.order_tracking_group_supervisor",
            name="Zhao Min 赵敏",
        )

    @classmethod
    def request(cls, order, change_type, lines=(), user=None, **vals):
        """lines: [(sale_line or product, quantity)] or [(sale_line, quantity, product)]."""
        line_cmds = []
        for line in lines:
            target, quantity = line[0], line[1]
            values = {"quantity": quantity}
            if target._name == "sale.order.line":
                values["sale_line_id"] = target.id
            else:
                values["product_id"] = target.id
            if len(line) > 2:
                values["product_id"] = line[2].id
            line_cmds.append(Command.create(values))
        Request = cls.env["order.change.request"]
        if user:
            Request = Request.with_user(user)
        return Request.create(
            {
                "order_id": order.id,
                "change_type": change_type,
                "reason": vals.pop("reason", f"{change_type} asked by the customer 客户要求"),
                "line_ids": line_cmds,
                **vals,
            }
        )

    def apply(self, request, user=None):
        request.with_user(user or self.supervisor).action_apply()
        request.invalidate_recordset()
        request.order_id.invalidate_recordset()
        return request

    def shipped_order(self, lines=None, invoice=False, pay=False):
        """A confirmed order whose goods all left; optionally invoiced and paid."""
        for line in lines or [(self.product, 5)]:
            self.set_stock(line[0], line[1] + 100)
        order = self.create_order(lines, user_id=self.salesman.id)
        order.action_confirm()
        self.ship_all(order)
        if invoice:
            move = self.invoice(order)
            if pay:
                self.pay(move)
        self.env.flush_all()
        return order

    @contextmanager
    def refused(self, exception, pattern):
        """Refused like one RPC call: the error, its words, and a rollback."""
        with self.assertRaises(exception) as caught:
            yield
        self.assertRegex(str(caught.exception), pattern)

    def assert_nothing_written(self, order, before):
        """``before`` = self.snapshot(order) taken before the refused call."""
        self.env.flush_all()
        self.env.invalidate_all()
        self.assertEqual(self.snapshot(order), before)

    def snapshot(self, order):
        self.env.flush_all()
        self.env.invalidate_all()
        return {
            "lines": [
                (sol.product_id.id, sol.product_uom_qty, sol.qty_delivered)
                for sol in order.order_line
            ],
            "pickings": sorted(order.picking_ids.ids),
            "moves": sorted(
                order.picking_ids.move_ids.mapped(lambda m: (m.id, m.state, m.product_uom_qty))
            ),
            "events": sorted(order.tracking_event_ids.ids),
            "promises": sorted(order.tracking_promise_ids.ids),
            "commitment_date": order.commitment_date,
            "shipping": order.partner_shipping_id.id,
            "requests": sorted(
                order.change_request_ids.mapped(lambda r: (r.id, r.state, r.result_ref or ""))
            ),
            "stage": order.tracking_stage_code,
        }

    def last_event(self, order):
        self.env.flush_all()
        return order.tracking_event_ids.sorted("id")[-1]
