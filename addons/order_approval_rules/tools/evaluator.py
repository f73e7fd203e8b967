"""The rule evaluator.

Facts are what approval rules look at on one sale order (amount in company
currency, largest discount, customised lines, credit exposure, shortages,
first order). :class:`FactsBatch` gathers them lazily, once per order and,
where the ORM allows, once for a whole set of orders (domains are one query
per distinct domain for the batch, not per order).

The comparison of facts with thresholds and with the fingerprint an approver
approved is plain Python below; models only call it.
"""

from functools import cached_property

from odoo import fields
from odoo.tools.float_utils import float_compare, float_round
from odoo.tools.safe_eval import datetime, dateutil, safe_eval, time

# fingerprint keys: the facts a decision was taken on
AMOUNT = "amount"
DISCOUNT = "discount"
PRODUCTS = "products"
LINES = "lines"
PARTNER = "partner"
PAYMENT_TERM = "payment_term"
FINGERPRINT_KEYS = (AMOUNT, DISCOUNT, PRODUCTS, LINES, PARTNER, PAYMENT_TERM)


def domain_eval_context(env):
    """Names a rule domain may use, as in Odoo's domain editor."""
    return {
        "uid": env.uid,
        "user": env.user,
        "time": time,
        "datetime": datetime,
        "relativedelta": dateutil.relativedelta.relativedelta,
        "context_today": lambda: fields.Date.context_today(env.user),
    }


def parse_domain(env, text):
    """The domain list of ``text``; ``ValueError`` when it is not one."""
    domain = safe_eval(text or "[]", domain_eval_context(env))
    if not isinstance(domain, list | tuple):
        raise ValueError("a domain is a list")
    return list(domain)


def in_categories(category, paths):
    """Whether ``category`` is one of the categories whose parent_path are
    ``paths`` or a child of one (child_of, without a query)."""
    return bool(category) and any((category.parent_path or "").startswith(path) for path in paths)


class OrderFacts:
    """The facts of one order, each computed on first use."""

    def __init__(self, batch, order):
        self.batch = batch
        self.order = order

    @cached_property
    def company(self):
        return self.order.company_id

    @cached_property
    def currency(self):
        return self.company.currency_id

    @cached_property
    def date(self):
        return (self.order.date_order or fields.Datetime.now()).date()

    def to_company_currency(self, amount):
        order = self.order
        if not order.currency_id or order.currency_id == self.currency:
            return self.currency.round(amount)
        return order.currency_id._convert(amount, self.currency, self.company, self.date)

    @cached_property
    def goods_lines(self):
        return self.order.order_line.filtered(
            lambda line: not line.display_type and not line.is_downpayment
        )

    @cached_property
    def amount(self):
        """Untaxed amount in company currency at the order date."""
        return self.to_company_currency(self.order.amount_untaxed)

    @cached_property
    def max_discount(self):
        """Largest discount in percent: a line discount, or a global discount
        given as negative lines (Odoo's discount wizard)."""
        lines = self.goods_lines
        line_discount = max(lines.mapped("discount") or [0.0])
        gross = sum(line.price_subtotal for line in lines if line.price_subtotal > 0)
        negative = -sum(line.price_subtotal for line in lines if line.price_subtotal < 0)
        global_discount = 100.0 * negative / gross if gross and negative else 0.0
        return float_round(max(line_discount, global_discount), precision_digits=2)

    def product_lines(self, categ_paths, tag_ids):
        """Lines with a product in the categories (with children) or tags:
        sorted (product id, quantity, unit price, discount) tuples."""
        tags = set(tag_ids)
        result = []
        for line in self.goods_lines:
            product = line.product_id
            if not product:
                continue
            if in_categories(product.categ_id, categ_paths) or (
                tags and tags & set(product.all_product_tag_ids.ids)
            ):
                result.append([product.id, line.product_uom_qty, line.price_unit, line.discount])
        return sorted(result)

    @cached_property
    def line_quantities(self):
        """Quantity per product in the product's unit: sorted [id, qty]."""
        quantities = {}
        for line in self.goods_lines:
            if not line.product_id:
                continue
            qty = line.product_uom._compute_quantity(
                line.product_uom_qty, line.product_id.uom_id, raise_if_failure=False
            )
            quantities[line.product_id.id] = quantities.get(line.product_id.id, 0.0) + qty
        return sorted(
            [pid, float_round(qty, precision_digits=4)] for pid, qty in quantities.items()
        )

    @cached_property
    def credit(self):
        """``{"exposure", "limit"}`` in company currency, as Odoo's credit
        warning computes it, or ``None`` when no credit limit applies."""
        if not self.company.account_use_credit_limit:
            return None
        partner = self.order.partner_id.commercial_partner_id.with_company(self.company).sudo()
        limit = partner.credit_limit
        if not limit:
            return None
        # computed without dependencies: a value cached earlier in the
        # transaction would miss orders confirmed since
        partner.invalidate_recordset(["credit", "credit_to_invoice"])
        rate = self.order.currency_rate or 1.0
        exposure = partner.credit + partner.credit_to_invoice + self.order.amount_total / rate
        return {
            "exposure": self.currency.round(exposure),
            "limit": self.currency.round(limit),
        }

    @cached_property
    def short_lines(self):
        """Stored goods lines asking more than the free stock of the order's
        warehouse (sale_stock's free_qty_today, already net of the earlier
        lines of the same product); make-to-order lines are not short."""
        result = []
        for line in self.goods_lines:
            if not line.product_id.is_storable or line.is_mto:
                continue
            if line.state == "sale" and not line.move_ids:
                continue
            free = line.free_qty_today or 0.0
            if (
                float_compare(
                    line.product_uom_qty, free, precision_rounding=line.product_uom.rounding
                )
                > 0
            ):
                result.append(
                    {
                        "product": line.product_id.display_name,
                        "qty": line.product_uom_qty,
                        "free": max(free, 0.0),
                    }
                )
        return result

    @cached_property
    def is_new_customer(self):
        """No confirmed order of the same customer before this one."""
        order = self.order
        domain = [
            ("partner_id.commercial_partner_id", "=", order.partner_id.commercial_partner_id.id),
            ("state", "=", "sale"),
            ("company_id", "=", self.company.id),
        ]
        if isinstance(order.id, int):
            domain.append(("id", "!=", order.id))
        if order.state == "sale" and order.date_order:
            # a confirmed order (simulator): was it the first when it was placed?
            domain.append(("date_order", "<=", order.date_order))
        return not order.env["sale.order"].sudo().search_count(domain, limit=1)

    def fingerprint(self, product_lines=None):
        """The facts a decision is taken on (JSON-serialisable)."""
        order = self.order
        return {
            AMOUNT: self.amount,
            DISCOUNT: self.max_discount,
            PRODUCTS: product_lines or [],
            LINES: self.line_quantities,
            PARTNER: order.partner_id.commercial_partner_id.id or False,
            PAYMENT_TERM: order.payment_term_id.id or False,
            "currency": self.currency.name,
        }


class FactsBatch:
    """Facts of a set of orders; domain hits are computed for the whole set."""

    def __init__(self, orders):
        self.orders = orders
        self.env = orders.env
        self._facts = {}
        self._domain_hits = {}
        self._categ_paths = {}

    def facts(self, order):
        if order.id not in self._facts:
            self._facts[order.id] = OrderFacts(self, order)
        return self._facts[order.id]

    def domain_hits(self, domain_text, company):
        """Ids of the batch's orders of ``company`` matching the domain."""
        key = (domain_text, company.id)
        if key not in self._domain_hits:
            orders = self.orders.filtered(lambda o: o.company_id == company)
            domain = parse_domain(self.env, domain_text)
            if not domain:
                hits = set(orders.ids)
            else:
                stored = orders.filtered(lambda o: isinstance(o.id, int))
                hits = set((orders - stored).sudo().filtered_domain(domain).ids)
                if stored:
                    hits.update(
                        self.env["sale.order"]
                        .sudo()
                        .with_company(company)
                        .search([("id", "in", stored.ids), *domain])
                        .ids
                    )
            self._domain_hits[key] = hits
        return self._domain_hits[key]

    def categ_paths(self, categories):
        key = tuple(sorted(categories.ids))
        if key not in self._categ_paths:
            self._categ_paths[key] = tuple(
                c.parent_path for c in categories.sudo() if c.parent_path
            )
        return self._categ_paths[key]


def changed_facts(old, new, keys, tolerance=0.0):
    """Which of ``keys`` changed beyond ``tolerance`` between two fingerprints.

    Returns a list of ``(key, old value, new value)``. The amount re-opens a
    decision only when it grows by more than ``tolerance`` percent, the
    discount only when it grows, quantities only when they grow or a product
    is added; customised lines, customer and payment term on any change.
    """
    changes = []
    for key in keys:
        before, after = (old or {}).get(key), new.get(key)
        if key not in (old or {}):
            continue
        if key == AMOUNT:
            limit = (before or 0.0) * (1.0 + (tolerance or 0.0) / 100.0)
            changed = float_compare(after or 0.0, limit, precision_digits=2) > 0
        elif key == DISCOUNT:
            changed = float_compare(after or 0.0, before or 0.0, precision_digits=2) > 0
        elif key == LINES:
            was = {pid: qty for pid, qty in before or []}
            changed = any(
                pid not in was or float_compare(qty, was[pid], precision_digits=4) > 0
                for pid, qty in after or []
            )
        elif key == PRODUCTS:
            changed = [list(x) for x in before or []] != [list(x) for x in after or []]
        else:
            changed = (before or False) != (after or False)
        if changed:
            changes.append((key, before, after))
    return changes


def amount_change_percent(before, after):
    if not before:
        return 0.0
    return float_round(100.0 * (after - before) / before, precision_digits=2)
