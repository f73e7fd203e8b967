from odoo import models

from ..tools import evaluator


# One concern of the model per file (Odoo's way: sale_stock, account): see
# docs/architecture.md.
# pylint: disable=consider-merging-classes-inherited
class SaleOrder(models.Model):
    """Which approval rules an order needs, and why: the active rules of its
    company, their evaluation against the order's facts (tools/evaluator.py does
    the work, one query per kind of fact and per distinct domain), and the plan
    of what an already approved order must have approved again after a change.

    ``sale.order`` inherits it; ``self`` is always a recordset of orders."""

    _inherit = "sale.order"

    def _approval_rules(self):
        Rule = self.env["order.approval.rule"].sudo()
        return Rule.browse(Rule._active_rule_ids(tuple(sorted(self.company_id.ids))))

    def _approval_evaluate(self, full=False):
        """({order id: [rule evaluations]}, facts batch) for all active rules."""
        return self._approval_rules()._evaluate_orders(self, full=full)

    def _approval_assess(self):
        """What stands between each order and its confirmation.

        {order id: (status, payload)} with status ``ok`` (nothing),
        ``auto`` (only automatic rules: payload the evaluations), ``required``
        (payload the matching evaluations), ``pending``, ``rejected``,
        ``changed`` (approved, but the order changed since: payload the plan).
        """
        results, batch = self._approval_evaluate()
        assessment = {}
        Rule = self.env["order.approval.rule"].sudo()
        for order in self:
            matched = [ev for ev in results[order.id] if ev["matched"]]
            state = order.approval_state
            if state == "pending":
                assessment[order.id] = ("pending", None)
            elif state == "rejected":
                assessment[order.id] = ("rejected", matched)
            elif state == "approved":
                plan = order._approval_plan(matched, batch)
                assessment[order.id] = ("changed", plan) if plan else ("ok", None)
            elif not matched:
                assessment[order.id] = ("ok", None)
            elif all(Rule.browse(ev["rule_id"]).auto_approve for ev in matched):
                assessment[order.id] = ("auto", matched)
            else:
                assessment[order.id] = ("required", matched)
        return assessment, batch

    def _approval_plan(self, matched, batch):
        """Requests to add to the current round: rules now matching without a
        request ("new") and approved decisions whose facts changed beyond the
        company's tolerance ("reopen"): [(kind, evaluation, request, changes)]."""
        self.ensure_one()
        live = self._approval_live_requests()
        by_rule = {request.rule_id.id: request for request in live}
        facts = batch.facts(self)
        tolerance = self.company_id.approval_amount_tolerance
        plan = []
        for evaluation in matched:
            request = by_rule.get(evaluation["rule_id"])
            if not request:
                plan.append(("new", evaluation, request, []))
                continue
            if request.state != "approved" or request.auto:
                continue
            rule = request.rule_id
            changes = evaluator.changed_facts(
                request.fingerprint,
                facts.fingerprint(rule._product_lines(facts)),
                rule._fingerprint_keys(),
                tolerance,
            )
            if changes:
                plan.append(("reopen", evaluation, request, changes))
        return plan
