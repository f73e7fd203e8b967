from odoo import models

from ..tools import evaluator


# One concern of the model per file (Odoo's way: sale_stock, account): see
# docs/architecture.md.
# pylint: disable=consider-merging-classes-inherited
class OrderApprovalRule(models.Model):
    """The conditions of an approval rule and their evaluation on an order's
    facts (tools/evaluator.py): one ``_condition_<code>(facts)`` method per
    condition, each returning {"value", "threshold", "ok"}; the conditions a
    rule uses, cheapest first (``_condition_codes()``: extend it, with a
    ``_condition_<code>`` method, to add one); the evaluation of a rule on an
    order and the facts whose change re-opens its decision.
    ``order.approval.rule`` inherits it and holds the fields."""

    _inherit = "order.approval.rule"

    def _condition_labels(self):
        return {
            "domain": self.env._("Condition filter"),
            "min_amount": self.env._("Untaxed amount from"),
            "max_amount": self.env._("Untaxed amount below"),
            "discount": self.env._("Discount above"),
            "products": self.env._("Customised products"),
            "customer": self.env._("Customer"),
            "credit": self.env._("Over credit limit"),
            "free_stock": self.env._("Above free stock"),
        }

    def _condition_codes(self):
        """The conditions this rule uses, cheapest first."""
        self.ensure_one()
        codes = []
        if self.min_amount:
            codes.append("min_amount")
        if self.max_amount:
            codes.append("max_amount")
        if self.discount_threshold:
            codes.append("discount")
        if self.product_categ_ids or self.product_tag_ids:
            codes.append("products")
        if self.customer_kind != "any":
            codes.append("customer")
        if self.check_credit_limit:
            codes.append("credit")
        if self.check_free_stock:
            codes.append("free_stock")
        if evaluator.parse_domain(self.env, self.domain):
            codes.append("domain")
        return codes

    def _condition_min_amount(self, facts):
        return {
            "value": facts.amount,
            "threshold": self.min_amount,
            "ok": facts.currency.compare_amounts(facts.amount, self.min_amount) >= 0,
        }

    def _condition_max_amount(self, facts):
        return {
            "value": facts.amount,
            "threshold": self.max_amount,
            "ok": facts.currency.compare_amounts(facts.amount, self.max_amount) < 0,
        }

    def _condition_discount(self, facts):
        return {
            "value": facts.max_discount,
            "threshold": self.discount_threshold,
            "ok": facts.max_discount > self.discount_threshold,
        }

    def _condition_products(self, facts):
        lines = self._product_lines(facts)
        products = self.env["product.product"].sudo().browse([line[0] for line in lines])
        return {
            "value": products.mapped("display_name"),
            "threshold": (self.product_categ_ids | self.env["product.category"])
            .sudo()
            .mapped("display_name")
            + self.product_tag_ids.sudo().mapped("name"),
            "ok": bool(lines),
        }

    def _condition_customer(self, facts):
        new = facts.is_new_customer
        return {
            "value": "new" if new else "existing",
            "threshold": self.customer_kind,
            "ok": new == (self.customer_kind == "new"),
        }

    def _condition_credit(self, facts):
        credit = facts.credit
        if credit is None:
            return {"value": None, "threshold": None, "ok": False}
        return {
            "value": credit["exposure"],
            "threshold": credit["limit"],
            "ok": facts.currency.compare_amounts(credit["exposure"], credit["limit"]) > 0,
        }

    def _condition_free_stock(self, facts):
        short = facts.short_lines
        return {"value": short, "threshold": None, "ok": bool(short)}

    def _condition_domain(self, facts):
        hits = facts.batch.domain_hits(self.domain, facts.company)
        return {"value": None, "threshold": self.domain, "ok": facts.order.id in hits}

    def _product_lines(self, facts):
        if not (self.product_categ_ids or self.product_tag_ids):
            return []
        return facts.product_lines(
            facts.batch.categ_paths(self.product_categ_ids), self.product_tag_ids.ids
        )

    # ------------------------------------------------------------------
    # Evaluation
    # ------------------------------------------------------------------

    def _evaluate(self, facts, full=False):
        """The evaluation of this rule on one order: {"rule_id", "level",
        "matched", "conditions": [...]}. Stops at the first condition that does
        not hold unless ``full``. A rule without condition matches every order."""
        self.ensure_one()
        conditions = []
        matched = True
        for code in self._condition_codes():
            result = getattr(self, f"_condition_{code}")(facts)
            result["code"] = code
            conditions.append(result)
            if not result["ok"]:
                matched = False
                if not full:
                    break
        return {
            "rule_id": self.id,
            "name": self.name,
            "level": self.level,
            "matched": matched,
            "conditions": conditions,
        }

    def _evaluate_orders(self, orders, full=False):
        """{order id: [evaluation of each rule of the order's company]}."""
        batch = evaluator.FactsBatch(orders)
        if not self:  # no rule: no fact to gather
            return {order.id: [] for order in orders}, batch
        result = {}
        for order in orders:
            facts = batch.facts(order)
            result[order.id] = [
                rule._evaluate(facts, full=full)
                for rule in self
                if rule.company_id == order.company_id
            ]
        return result, batch

    def _fingerprint_keys(self):
        """The facts whose change re-opens this rule's decision."""
        self.ensure_one()
        codes = set(self._condition_codes())
        keys = {evaluator.PARTNER, evaluator.PAYMENT_TERM}
        if not codes or "domain" in codes:
            return list(evaluator.FINGERPRINT_KEYS)
        if codes & {"min_amount", "max_amount", "credit"}:
            keys.add(evaluator.AMOUNT)
        if "discount" in codes:
            keys.add(evaluator.DISCOUNT)
        if "products" in codes:
            keys.add(evaluator.PRODUCTS)
        if "free_stock" in codes:
            keys.add(evaluator.LINES)
        return sorted(keys)
