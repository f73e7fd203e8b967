"""REL-3: bad input over real XML-RPC, across the add-ons, as the user who would
type it. Every row must come back as a UserError / ValidationError /
AccessError in words (never a traceback) and write nothing.

This file: order_approval_rules' rules, decisions and delegations.
Shared set-up and checks: rel_common.Rel3Case."""

from odoo.tests import tagged

from .rel_common import INF, NAN, REL3_MINIMUM, R, Rel3Case


@tagged("post_install", "-at_install")
class TestRel3BadInputRules(Rel3Case):
    def test_bad_approval_input(self):
        M, rule_id = self.manager, self.approval_rule.id
        rule = {"name": "Odd", "approver_type": "users", "user_ids": [(6, 0, [self.director.id])]}
        rows = [
            # order_approval_rules
            R(
                "rule filter on an unknown field",
                "",
                M,
                "order.approval.rule",
                "write",
                [rule_id],
                {"domain": "[('x_nope', '=', 1)]"},
            ),
            R(
                "rule filter not a list",
                "",
                M,
                "order.approval.rule",
                "write",
                [rule_id],
                {"domain": "42"},
            ),
            R(
                "rule filter syntax",
                "",
                M,
                "order.approval.rule",
                "write",
                [rule_id],
                {"domain": "[('amount_total', '>'"},
            ),
            R(
                "rule amount negative",
                "from 0",
                M,
                "order.approval.rule",
                "write",
                [rule_id],
                {"min_amount": -5},
            ),
            R(
                "rule amount NaN",
                "",
                M,
                "order.approval.rule",
                "write",
                [rule_id],
                {"min_amount": NAN},
            ),
            R(
                "rule amount infinite",
                "",
                M,
                "order.approval.rule",
                "write",
                [rule_id],
                {"min_amount": INF},
            ),
            R(
                "rule ceiling below threshold",
                "never apply",
                M,
                "order.approval.rule",
                "write",
                [rule_id],
                {"max_amount": 5000},
            ),
            R(
                "rule discount 150 %",
                "between 0 and 100",
                M,
                "order.approval.rule",
                "write",
                [rule_id],
                {"discount_threshold": 150},
            ),
            R(
                "rule SLA negative",
                "8760",
                M,
                "order.approval.rule",
                "write",
                [rule_id],
                {"sla_hours": -1},
            ),
            R("rule SLA NaN", "", M, "order.approval.rule", "write", [rule_id], {"sla_hours": NAN}),
            R(
                "rule level 0",
                "between 1 and 99",
                M,
                "order.approval.rule",
                "write",
                [rule_id],
                {"level": 0},
            ),
            R(
                "rule approver type unknown",
                "expects one of",
                M,
                "order.approval.rule",
                "write",
                [rule_id],
                {"approver_type": "boss"},
            ),
            R(
                "rule mode unknown",
                "expects one of",
                M,
                "order.approval.rule",
                "write",
                [rule_id],
                {"mode": "most"},
            ),
            R(
                "rule with no approver",
                "at least one approver",
                M,
                "order.approval.rule",
                "create",
                dict(rule, user_ids=[(6, 0, [])]),
            ),
            R(
                "rule approver deleted",
                "",
                M,
                "order.approval.rule",
                "create",
                dict(rule, user_ids=[(6, 0, [self.deleted_user_id])]),
            ),
            R(
                "rule group without users",
                "at least one",
                M,
                "order.approval.rule",
                "create",
                dict(rule, approver_type="group", group_id=self.empty_group.id),
            ),
            R(
                "rule name oversized",
                "too long",
                M,
                "order.approval.rule",
                "write",
                [rule_id],
                {"name": "长" * 20000},
            ),
            R(
                "reject without a reason",
                "reason",
                self.director,
                "sale.order",
                "action_reject",
                [self.pending.id],
            ),
            R(
                "approval comment not text",
                "must be text",
                self.director,
                "sale.order",
                "action_approve",
                [self.pending.id],
                comment=["ok"],
            ),
            R(
                "rejection reason oversized",
                "too long",
                self.director,
                "sale.order",
                "action_reject",
                [self.pending.id],
                reason="x" * 2_000_000,
            ),
            R(
                "delegation ends before it starts",
                "",
                self.director,
                "order.approval.delegation",
                "create",
                {"delegate_id": self.gm.id, "date_from": "2037-03-10", "date_to": "2037-03-01"},
            ),
            R(
                "delegation date in words",
                "expects a date",
                self.director,
                "order.approval.delegation",
                "create",
                {"delegate_id": self.gm.id, "date_from": "next monday", "date_to": "2037-03-01"},
            ),
        ]
        self.assertBadInputs(rows, REL3_MINIMUM["approvals"])
