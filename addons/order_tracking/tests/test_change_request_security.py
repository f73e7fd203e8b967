from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import new_test_user, tagged

from .common_change_request import ChangeRequestCase


@tagged("post_install", "-at_install")
class TestChangeRequestSecurity(ChangeRequestCase):
    """Salespeople ask for changes on their orders; supervisors and sales
    managers apply them; records of other companies stay out of sight; an
    applied request is a permanent record."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.other_salesman = new_test_user(
            cls.env, login="ot_cr_other", groups="sales_team.group_sale_salesman"
        )
        cls.warehouse_user = new_test_user(
            cls.env, login="ot_cr_wh", groups="stock.group_stock_user"
        )
        cls.sales_manager = new_test_user(
            cls.env, login="ot_cr_manager", groups="sales_team.group_sale_manager"
        )

    def test_salesperson_asks_supervisor_applies(self):
        order = self.shipped_order([(self.product, 5)])
        request = self.request(order, "add", [(order.order_line, 1)], user=self.salesman)
        self.assertEqual(request.create_uid, self.salesman)
        before = self.snapshot(order)
        with self.assertRaisesRegex(AccessError, "Only Order Tracking supervisors"):
            self.apply(request, user=self.salesman)
        self.assert_nothing_written(order, before)
        self.apply(request, user=self.supervisor)
        self.assertEqual(request.state, "applied")

    def test_sales_managers_apply_too(self):
        order = self.shipped_order([(self.product, 5)])
        request = self.apply(
            self.request(order, "add", [(order.order_line, 1)]), user=self.sales_manager
        )
        self.assertEqual(request.applied_by_id, self.sales_manager)

    def test_salespeople_see_only_their_orders_changes(self):
        order = self.shipped_order([(self.product, 5)])
        mine = self.request(order, "add", [(order.order_line, 1)], user=self.salesman)
        other = self.env["order.change.request"].with_user(self.other_salesman)
        self.assertFalse(other.search([("id", "=", mine.id)]))
        with self.assertRaises(AccessError):
            other.browse(mine.id).read(["reason"])
        with self.assertRaises(AccessError):
            self.request(order, "add", [(order.order_line, 1)], user=self.other_salesman)
        self.assertEqual(order.change_request_ids, mine)

    def test_warehouse_reads_but_does_not_ask(self):
        order = self.shipped_order([(self.product, 5)])
        request = self.request(order, "replenish", [(order.order_line, 1)])
        as_warehouse = request.with_user(self.warehouse_user)
        self.assertEqual(as_warehouse.change_type, "replenish")
        with self.assertRaises(AccessError):
            self.request(order, "replenish", [(order.order_line, 1)], user=self.warehouse_user)
        with self.assertRaises(AccessError):
            as_warehouse.action_apply()
        self.assertEqual(request.state, "draft")

    def test_requests_of_another_company_are_out_of_sight(self):
        company_b = self.env["res.company"].create({"name": "杭州分公司 Hangzhou Branch"})
        self.set_stock(
            self.product,
            10,
            self.env["stock.warehouse"].search([("company_id", "=", company_b.id)]).lot_stock_id,
        )
        order_b = (
            self.env["sale.order"]
            .with_company(company_b)
            .create(
                {
                    "partner_id": self.customer.id,
                    "company_id": company_b.id,
                    "order_line": [
                        Command.create({"product_id": self.product.id, "product_uom_qty": 2})
                    ],
                }
            )
        )
        order_b.action_confirm()
        request = self.request(order_b, "cancel_line", [(order_b.order_line, 1)])
        self.assertEqual(request.company_id, company_b)
        self.assertEqual(request.line_ids.company_id, company_b)
        Request = self.env["order.change.request"].with_user(self.supervisor)
        self.assertFalse(Request.search([("id", "=", request.id)]))
        self.assertFalse(
            self.env["order.change.request.line"]
            .with_user(self.supervisor)
            .search([("request_id", "=", request.id)])
        )
        with self.assertRaises(AccessError):
            Request.browse(request.id).action_apply()
        self.supervisor.company_ids = [Command.link(company_b.id)]
        Request.with_context(allowed_company_ids=[company_b.id]).browse(request.id).action_apply()
        self.assertEqual(order_b.order_line.product_uom_qty, 1)

    def test_an_applied_request_is_a_permanent_record(self):
        order = self.shipped_order([(self.product, 5)])
        request = self.apply(self.request(order, "add", [(order.order_line, 1)]))
        with self.assertRaisesRegex(UserError, "can no longer change"):
            request.reason = "rewritten"
        with self.assertRaisesRegex(UserError, "its lines cannot change"):
            request.line_ids.quantity = 9
        with self.assertRaisesRegex(UserError, "its lines cannot change"):
            request.line_ids.unlink()
        with self.assertRaisesRegex(UserError, "only draft change requests can be deleted"):
            request.unlink()
        with self.assertRaisesRegex(UserError, "already applied or cancelled"):
            request.action_cancel()
        request.message_post(body="comments stay possible")
        self.assertEqual(request.reason, "add asked by the customer 客户要求")

    def test_a_cancelled_request_is_never_applied(self):
        order = self.shipped_order([(self.product, 5)])
        request = self.request(order, "add", [(order.order_line, 1)], user=self.salesman)
        request.with_user(self.salesman).action_cancel()
        before = self.snapshot(order)
        with self.assertRaisesRegex(UserError, "was cancelled"):
            self.apply(request)
        self.assert_nothing_written(order, before)

    def test_a_draft_can_be_deleted(self):
        order = self.shipped_order([(self.product, 5)])
        request = self.request(order, "add", [(order.order_line, 1)], user=self.salesman)
        request.with_user(self.salesman).unlink()
        self.assertFalse(request.exists())

    def test_wrong_types_get_words_not_tracebacks(self):
        order = self.shipped_order([(self.product, 5)])
        Request = self.env["order.change.request"].with_user(self.salesman)
        base = {"order_id": order.id, "change_type": "add", "reason": "x"}
        cases = [
            ({"order_id": order.name}, "“Order” expects the id of an existing Sales Order"),
            ({"order_id": 10**9}, "“Order” expects the id of an existing Sales Order"),
            ({"change_type": "refund"}, "“Change” expects one of add, return"),
            ({"reason": 42}, "“Reason” expects text"),
            ({"to_refund": "yes"}, "expects true or false"),
            ({"new_commitment_date": "next Monday"}, r"expects a date and time \(YYYY-MM-DD"),
            (
                {
                    "line_ids": [
                        Command.create({"sale_line_id": order.order_line.id, "quantity": "2"})
                    ]
                },
                "“Quantity” expects a number",
            ),
            (
                {"line_ids": [Command.create({"product_id": [self.product.id], "quantity": 2})]},
                "“Product” expects the id of an existing Product",
            ),
            ({"colour": "red"}, "has no field “colour”"),
        ]
        for vals, message in cases:
            with self.subTest(vals=vals), self.refused(UserError, message):
                Request.create({**base, **vals})
        self.assertFalse(order.change_request_ids)

    def test_deleting_a_quotation_deletes_its_requests(self):
        order = self.shipped_order([(self.product, 5)])
        self.apply(self.request(order, "add", [(order.order_line, 1)]))
        self.request(order, "replenish", [(order.order_line, 1)])
        requests = order.change_request_ids
        self.assertEqual(len(requests), 2)
        order._action_cancel()
        order.action_draft()
        order.unlink()
        self.assertFalse(requests.exists())
