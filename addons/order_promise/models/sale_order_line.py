import math
from datetime import timedelta

from odoo import api, fields, models

from ..tools import atp


def _qty(quantity):
    """A quantity as people write it (10, 2.5)."""
    return f"{quantity:g}"


SOURCES = [
    ("stock", "Stock"),
    ("receipt", "Receipt"),
    ("production", "Production"),
    ("buy_lead", "To Buy"),
    ("make_lead", "To Make"),
    ("none", "No Way Yet"),
]


class SaleOrderLine(models.Model):
    """A line's part of the promise: what it needs from the warehouse, and
    how long what the warehouse will not have takes to buy or make."""

    _inherit = "sale.order.line"

    promise_ship_date = fields.Date(
        string="Can Ship On",
        compute="_compute_promise_line",
        help="The earliest day all of the line can ship without taking goods promised to "
        "other orders.",
    )
    promise_source = fields.Selection(
        SOURCES,
        string="Comes From",
        compute="_compute_promise_line",
        help="What makes the date: stock on hand, a planned receipt or production, or what "
        "is still to buy or make at its lead time.",
    )

    @api.depends_context("tz")
    @api.depends(
        "order_id.state",
        "order_id.warehouse_id",
        "product_id",
        "product_uom_qty",
        "qty_delivered",
    )
    def _compute_promise_line(self):
        # these lines as they are now, each after the ones before it among
        # them (all of an order's lines when it is read; the line being edited
        # alone in a form, as Odoo's own forecast on the line does)
        promises = self.order_id._promise_compute(lines=self)
        by_line = {
            line["line_id"]: line for promise in promises.values() for line in promise["lines"]
        }
        for line in self:
            promise = by_line.get(line.id) or {}
            line.promise_ship_date = promise.get("ship_date") or False
            line.promise_source = promise.get("source") or False

    def _promise_line(
        self, needs, timelines, movements, warehouse, today, lateness=None, production_days=0
    ):
        """The line's promise: each thing it needs taken from its timeline
        (``movements`` is updated, so the next line sees it taken), the short
        rest bought or made; the line ships when the last of them can. What
        waits for a vendor waits as long as that vendor is usually late too
        (``lateness``: ``{vendor id: working days}``, as measured), what
        waits for manufacturing as long as the company's manufacturing orders
        usually finish late (``production_days``)."""
        lateness = lateness or {}
        self.ensure_one()
        outcomes = []  # (day or None, source, why, pieces)
        vendors = set()  # the vendors whose deliveries make the date
        made = False  # the date waits for manufacturing
        for product, quantity in needs:
            on_hand, _planned, kinds, receipt_vendors = timelines[product.id]
            free = atp.free_today(on_hand, movements[product.id], today)
            taken = atp.promise(on_hand, movements[product.id], quantity, today)
            for piece, day in taken["pieces"]:
                movements[product.id].append((day, -piece))
            pieces = [{"qty": piece, "date": day} for piece, day in taken["pieces"]]
            day = pieces[-1]["date"] if pieces else today
            source = kinds.get(day, "stock") if day > today else "stock"
            reasons = []
            if free < quantity <= on_hand:
                reasons.append(
                    self.env._(
                        "%(taken)s of the %(on_hand)s on hand are promised to other orders",
                        taken=_qty(on_hand - free),
                        on_hand=_qty(on_hand),
                    )
                )
            if source in ("receipt", "production") and pieces:
                reasons.append(self._promise_supply_reason(source, pieces[-1]))
                if source == "production":
                    made = True
                    day = self._promise_after_production_slip(
                        day, production_days, warehouse, reasons
                    )
                    pieces[-1]["date"] = day
                elif receipt_vendors.get(day):
                    vendors.add(receipt_vendors[day])
                    day = self._promise_after_slip(
                        receipt_vendors[day], day, lateness, warehouse, reasons
                    )
                    pieces[-1]["date"] = day
            if taken["short"] > 1e-6:
                day, source, capable = self._promise_capable(
                    product, taken["short"], warehouse, today
                )
                reasons.append(capable)
                if source == "buy_lead":
                    vendor = self._promise_seller(product, taken["short"], today).partner_id.id
                    vendors.add(vendor)
                    day = self._promise_after_slip(vendor, day, lateness, warehouse, reasons)
                elif source == "make_lead":
                    made = True
                    day = self._promise_after_production_slip(
                        day, production_days, warehouse, reasons
                    )
                if day:
                    pieces.append({"qty": taken["short"], "date": day})
            why = ""
            if reasons:
                why = self.env._(
                    "%(product)s: %(reasons)s.",
                    product=product.display_name,
                    reasons="; ".join(reasons),
                )
            outcomes.append((day, source, why, pieces))
        missing = [outcome for outcome in outcomes if outcome[0] is None]
        if missing:
            ship, source, why, _pieces = missing[0]
        elif outcomes:
            ship, source, why, _pieces = max(outcomes, key=lambda outcome: outcome[0])
        else:
            ship, source, why = today, "stock", ""
        return {
            "line_id": self.id,
            "product_id": self.product_id.id,
            "qty": self._promise_quantity(),
            "ship_date": ship,
            "source": source,
            # a kit ships in sets: no split
            "split": outcomes[0][3] if len(outcomes) == 1 and len(outcomes[0][3]) > 1 else [],
            "why": why,
            # not part of the API: what the confidence learns from
            "_vendors": sorted(vendors),
            "_production": made,
        }

    def _promise_after_production_slip(self, day, days, warehouse, reasons):
        """``day`` planned manufacturing finishes, moved by the working days
        within which 90 % of the company's manufacturing orders finished after
        their first planned end."""
        if not days or not day:
            return day
        reasons.append(
            self.env._(
                "manufacturing usually finishes late: %(days)s working days added", days=days
            )
        )
        return warehouse._promise_working_day(day, days_after=days)

    def _promise_after_slip(self, vendor_id, day, lateness, warehouse, reasons):
        """``day`` a vendor's goods are planned to come, moved by the working
        days within which 90 % of that vendor's goods came (its measured lateness)."""
        days = lateness.get(vendor_id, 0)
        if not days or not day:
            return day
        reasons.append(
            self.env._(
                "%(vendor)s is usually late: %(days)s working days added",
                vendor=self.env["res.partner"].browse(vendor_id).display_name,
                days=days,
            )
        )
        return warehouse._promise_working_day(day, days_after=days)

    def _promise_supply_reason(self, source, piece):
        if source == "production":
            return self.env._(
                "%(qty)s come from the manufacturing planned to finish on %(date)s",
                qty=_qty(piece["qty"]),
                date=piece["date"],
            )
        return self.env._(
            "%(qty)s come with the receipt planned on %(date)s",
            qty=_qty(piece["qty"]),
            date=piece["date"],
        )

    def _promise_is_promised(self):
        """Lines with goods to ship (not services, notes or sections)."""
        self.ensure_one()
        return (
            not self.display_type
            and self.product_id
            and self.product_id.type == "consu"
            and not self.is_downpayment
        )

    def _promise_quantity(self):
        """What is still to ship, in the product's stock unit."""
        self.ensure_one()
        quantity = self.product_uom_qty
        if self.order_id.state == "sale":
            quantity -= self.qty_delivered
        quantity = max(quantity, 0.0)
        return self.product_uom._compute_quantity(
            quantity, self.product_id.uom_id, rounding_method="HALF-UP"
        )

    def _promise_requirements(self):
        """``[(product, quantity)]`` the line takes from the warehouse: its
        product, or a kit's components."""
        self.ensure_one()
        quantity = self._promise_quantity()
        components = self._promise_kit_components(self.product_id, quantity)
        return components if components is not None else [(self.product_id, quantity)]

    def _promise_kit_components(self, product, quantity):
        """A kit (phantom bill of materials) ships as its components:
        ``[(component, quantity)]``, or ``None`` when ``product`` is no kit
        (or manufacturing is not installed)."""
        return self._promise_bom_components(product, quantity, "phantom")[1]

    def _promise_bom_components(self, product, quantity, bom_type):
        """``(bom, [(component, quantity)])``: ``quantity`` of ``product`` by
        its bill of materials of ``bom_type``, ``(None, None)`` without one."""
        if "mrp.bom" not in self.env:
            return None, None
        bom = self.env["mrp.bom"]._bom_find(
            product, company_id=self.company_id.id, bom_type=bom_type
        )[product]
        if not bom:
            return None, None
        _boms, lines = bom.explode(product, quantity / bom.product_qty)
        return bom, [
            (
                line.product_id,
                line.product_uom_id._compute_quantity(data["qty"], line.product_id.uom_id),
            )
            for line, data in lines
        ]

    def _promise_capable(self, product, quantity, warehouse, today):
        """``(day, source, why)``: when ``quantity`` of ``product`` that the
        warehouse will not have can be there — bought (the vendor's lead time
        and the company's purchase lead time) or made (its components' own
        earliest day, then the manufacturing lead time) — or ``(None,
        "none", why)``."""
        actions = set(
            (product.route_ids | product.categ_id.total_route_ids)
            .rule_ids.filtered(lambda rule: not rule.warehouse_id or rule.warehouse_id == warehouse)
            .mapped("action")
        )
        options = []
        if "buy" in actions and product.seller_ids:
            seller = self._promise_seller(product, quantity, today)
            days = seller.delay + self._promise_purchase_lead()
            day = warehouse._promise_working_day(today + timedelta(days=days))
            options.append(
                (
                    day,
                    "buy_lead",
                    self.env._(
                        "%(qty)s to buy from %(vendor)s: %(days)s days' lead time",
                        qty=_qty(quantity),
                        vendor=seller.partner_id.display_name,
                        days=days,
                    ),
                )
            )
        if "manufacture" in actions and "mrp.bom" in self.env:
            made = self._promise_made(product, quantity, warehouse, today)
            if made:
                options.append(made)
        if not options:
            return (
                None,
                "none",
                self.env._(
                    "%(qty)s more: no stock, no supply planned, and no vendor or bill of "
                    "materials to get more",
                    qty=_qty(quantity),
                ),
            )
        return min(options, key=lambda option: option[0])

    def _promise_seller(self, product, quantity, today):
        """The vendor line ``quantity`` of ``product`` would be bought from."""
        return (
            product._select_seller(quantity=quantity, date=today, uom_id=product.uom_id)
            or product.seller_ids[:1]
        )

    def _promise_made(self, product, quantity, warehouse, today):
        bom, components = self._promise_bom_components(product, quantity, "normal")
        if bom is None:
            return None
        timelines = warehouse._promise_timelines(
            self.env["product.product"].union(*(c for c, _q in components))
        )
        ready = today
        for component, needed in components:
            on_hand, movements, _kinds, _vendors = timelines[component.id]
            result = atp.promise(on_hand, movements, needed, today)
            if result["short"]:
                # one level deep: a component short for good is bought at its lead time
                day, _source, _why = self._promise_capable_component(component, warehouse, today)
                if not day:
                    return None
                ready = max(ready, day)
            elif result["pieces"]:
                ready = max(ready, result["pieces"][-1][1])
        company = self.company_id
        lead = bom.produce_delay + (
            math.ceil(company.manufacturing_lead) if "manufacturing_lead" in company else 0
        )
        day = warehouse._promise_working_day(ready, days_after=lead)
        return (
            day,
            "make_lead",
            self.env._(
                "%(qty)s to make: components by %(ready)s, then %(days)s working days",
                qty=_qty(quantity),
                ready=ready,
                days=lead,
            ),
        )

    def _promise_purchase_lead(self):
        """The company's purchase lead time (days, purchase installed)."""
        company = self.company_id
        return math.ceil(company.po_lead) if "po_lead" in company else 0

    def _promise_capable_component(self, component, warehouse, today):
        if not component.seller_ids:
            return None, "none", ""
        seller = component.seller_ids[:1]
        days = seller.delay + self._promise_purchase_lead()
        return warehouse._promise_working_day(today + timedelta(days=days)), "buy_lead", ""
