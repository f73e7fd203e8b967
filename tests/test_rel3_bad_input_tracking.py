"""REL-3: bad input over real XML-RPC, across the add-ons, as the user who would
type it. Every row must come back as a UserError / ValidationError /
AccessError in words (never a traceback) and write nothing.

This file: order_tracking's status nodes and orders.
Shared set-up and checks: rel_common.Rel3Case."""

from odoo.tests import tagged

from .rel_common import INF, NAN, REL3_MINIMUM, R, Rel3Case


@tagged("post_install", "-at_install")
class TestRel3BadInputTracking(Rel3Case):
    def test_bad_tracking_input(self):
        M, S = self.manager, self.salesman
        stage_id, order_id = self.checkpoint.id, self.order.id
        stage = {"name": "Odd", "code": "odd", "trigger_mode": "manual", "sequence": 56}
        rows = [
            # order_tracking: nodes
            R(
                "node code",
                "code",
                M,
                "order.tracking.stage",
                "create",
                dict(stage, code="Bad Code!"),
            ),
            R(
                "node SLA negative",
                "8760",
                M,
                "order.tracking.stage",
                "write",
                [stage_id],
                {"sla_hours": -1},
            ),
            R(
                "node SLA NaN",
                "not a number",
                M,
                "order.tracking.stage",
                "write",
                [stage_id],
                {"sla_hours": NAN},
            ),
            R(
                "node SLA infinite",
                "not a number",
                M,
                "order.tracking.stage",
                "write",
                [stage_id],
                {"sla_hours": INF},
            ),
            R(
                "node SLA absurd",
                "8760",
                M,
                "order.tracking.stage",
                "write",
                [stage_id],
                {"sla_hours": 1e9},
            ),
            R(
                "node trigger unknown",
                "expects one of",
                M,
                "order.tracking.stage",
                "write",
                [stage_id],
                {"trigger_mode": "sometimes"},
            ),
            R(
                "node sequence as text",
                "whole number",
                M,
                "order.tracking.stage",
                "write",
                [stage_id],
                {"sequence": "first"},
            ),
            R(
                "node sequence fractional",
                "whole number",
                M,
                "order.tracking.stage",
                "write",
                [stage_id],
                {"sequence": 2.5},
            ),
            R(
                "node name oversized",
                "too long",
                M,
                "order.tracking.stage",
                "write",
                [stage_id],
                {"name": "x" * 20000},
            ),
            R(
                "node unknown field",
                "has no field",
                M,
                "order.tracking.stage",
                "write",
                [stage_id],
                {"x_colour": "red"},
            ),
            R(
                "switch a required node off",
                "",
                M,
                "order.tracking.stage",
                "write",
                [self.stage("draft").id],
                {"active": False},
            ),
            # order_tracking: orders
            R(
                "pass an unknown node",
                "no active status node",
                S,
                "sale.order",
                "action_pass_checkpoint",
                [order_id],
                "no_such_node",
            ),
            R(
                "pass a node given as a number",
                "",
                S,
                "sale.order",
                "action_pass_checkpoint",
                [order_id],
                42,
            ),
            R(
                "sign-off name as a number",
                "must be text",
                S,
                "sale.order",
                "action_confirm_receipt",
                [order_id],
                signed_by=123,
            ),
            R(
                "sign-off before delivery",
                "not all of its goods",
                S,
                "sale.order",
                "action_confirm_receipt",
                [order_id],
            ),
            R(
                "sign-off of a deleted order",
                "",
                S,
                "sale.order",
                "action_confirm_receipt",
                [self.deleted_order_id],
            ),
            R(
                "timeline of a deleted order",
                "",
                S,
                "sale.order",
                "get_tracking_timeline",
                [self.deleted_order_id],
            ),
            R(
                "commitment date in the wrong format",
                "expects a date",
                S,
                "sale.order",
                "write",
                [order_id],
                {"commitment_date": "31/12/2037"},
            ),
            R(
                "customer given as text",
                "expects the id of",
                S,
                "sale.order",
                "create",
                {"partner_id": "Huaqiang"},
            ),
            R(
                "customer deleted",
                "",
                S,
                "sale.order",
                "create",
                {"partner_id": self.deleted_partner_id},
            ),
            R(
                "order lines not a list",
                "list of record ids",
                S,
                "sale.order",
                "write",
                [order_id],
                {"order_line": "many"},
            ),
            R(
                "unknown order field",
                "has no field",
                S,
                "sale.order",
                "write",
                [order_id],
                {"x_forged": 1},
            ),
        ]
        # customer statements (对账单): the manager is also a sales manager, and
        # works in a second company whose customer is not the first one's
        second = self.env["res.company"].create({"name": "Ningbo Branch 宁波分公司"})
        self.manager.company_ids |= second
        theirs = self.env["res.partner"].create({"name": "Their Customer", "company_id": second.id})
        M, customer_id = self.manager, self.customer.id
        rows += [
            R(
                "statement period reversed",
                "before it starts",
                M,
                "res.partner",
                "get_customer_statement",
                [customer_id],
                "2037-03-31",
                "2037-03-01",
            ),
            R(
                "statement date not a date",
                "is not a date",
                M,
                "res.partner",
                "get_customer_statement",
                [customer_id],
                "2037-02-30",
                "2037-03-31",
            ),
            R(
                "statement of another company's customer",
                "is a customer of Ningbo Branch",
                M,
                "res.partner",
                "get_customer_statement",
                [theirs.id],
                "2037-03-01",
                "2037-03-31",
            ),
            R(
                "statement by a salesperson",
                "billing users and sales managers",
                self.salesman,
                "res.partner",
                "get_customer_statement",
                [customer_id],
                "2037-03-01",
                "2037-03-31",
            ),
        ]
        self.assertBadInputs(rows, REL3_MINIMUM["tracking"])
