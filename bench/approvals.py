"""PERF-5: submitting and approving orders, order_approval_rules against OCA's
sale_tier_validation, same data, same run, each in its own database.

Both databases get the same three rules, run in parallel on every order:

* untaxed amount >= 1,000 → approver A;
* a line of the product category "Bench Custom" → approver B (co-sign);
* customer over its credit limit → approver A (the bench customer is within
  its limit: the rule is evaluated, it does not apply);

as order.approval.rule records in ours, as tier.definition records (domains
on the same facts) in OCA's. Approvers learn they have something to approve:
ours through their approval activity, OCA's reviewers through "Notify
Reviewers on Creation" (the definition's notify_on_create; without it they
are told nothing). Every user reads Odoo in its inbox (no e-mail on either
side). OCA with its default settings (nobody notified) runs in the same run
too, on the side, for information. Each order
(2 × 600 of a product of that category, so both first rules apply) goes:
create and submit (the salesperson), A approves, B approves, confirmed —
ours confirms on the last approval (the company setting's default), OCA's
by the salesperson's ``action_confirm``. Every step runs as its user with an
empty cache, as separate requests would. Orders go in blocks, each block once
in each database (ABBA order); the ratio is the median of the blocks' ratios.

    python3 bench/approvals.py --ours-db bench_approvals --oca-db bench_oca -n 40
"""

import argparse

import benchlib

RATIO_BUDGET = 1.0


class Side:
    """One database with its users, rules and open transaction."""

    def __init__(self, label, dbname, notify=True):
        self.label = label
        self.notify = notify
        self.registry = benchlib.registry(dbname)
        self.cr = self.registry.cursor()
        env = benchlib.environment(self.cr, {"tracking_disable": True})
        self.env = env
        company = env.company
        Users = env["res.users"].with_context(active_test=False)
        self.users = {key: Users.search([("login", "=", f"bench_{label}_{key}")]) for key in USERS}
        category = env["product.category"].create({"name": "Bench Custom"})
        self.product = env["product.product"].create(
            {
                "name": "Bench Custom Bracket",
                "type": "consu",
                "is_storable": True,
                "categ_id": category.id,
                "list_price": 600.0,
                "invoice_policy": "order",
            }
        )
        warehouse = env["stock.warehouse"].search([("company_id", "=", company.id)], limit=1)
        env["stock.quant"]._update_available_quantity(self.product, warehouse.lot_stock_id, 10000)
        self.partner = env["res.partner"].create({"name": "Bench Approval Customer"})
        self.partner.with_company(company).credit_limit = 1_000_000_000
        self._rules(env, category)
        env.flush_all()
        self.clock = benchlib.Clock(self.cr)
        self.seconds = 0.0
        self.wall = 0.0
        self.queries = 0
        self.orders = 0

    def step(self, user, func):
        """Run ``func(env)`` as ``user`` with an empty cache; its result."""
        self.env.flush_all()
        self.env.invalidate_all()
        env = self.env(user=self.users[user].id, context={})
        result = func(env)
        env.flush_all()
        return result

    def run(self, count, record=True):
        """``count`` orders created, submitted, approved and confirmed: (seconds
        on the benchmark clock, wall-clock seconds)."""
        clock = self.clock
        queries, start, wall = self.cr.sql_log_count, clock(), clock.wall()
        for _i in range(count):
            order_id = self.step("salesman", self._create)
            for user, func in self._steps():
                self.step(
                    user,
                    lambda env, func=func, order_id=order_id: func(
                        env["sale.order"].browse(order_id)
                    ),
                )
            state = self.env["sale.order"].browse(order_id).state
            if state != "sale":
                raise RuntimeError(f"{self.label}: order {order_id} ended in state {state}")
        elapsed, wall = clock() - start, clock.wall() - wall
        if record:
            self.seconds += elapsed
            self.wall += wall
            self.queries += self.cr.sql_log_count - queries
            self.orders += count
        return elapsed, wall

    def _create(self, env):
        from odoo import Command

        order = env["sale.order"].create(
            {
                "partner_id": self.partner.id,
                "order_line": [
                    Command.create({"product_id": self.product.id, "product_uom_qty": 2})
                ],
            }
        )
        return order.id

    def close(self):
        self.cr.rollback()
        self.cr.close()


class Ours(Side):
    def _rules(self, env, category):
        a, b = self.users["approver_a"], self.users["approver_b"]
        env["order.approval.rule"].create(
            [
                {"name": "Amount", "min_amount": 1000, "user_ids": [(6, 0, a.ids)]},
                {
                    "name": "Custom products",
                    "product_categ_ids": [(6, 0, category.ids)],
                    "mode": "all",
                    "user_ids": [(6, 0, b.ids)],
                },
                {"name": "Credit", "check_credit_limit": True, "user_ids": [(6, 0, a.ids)]},
            ]
        )

    def _steps(self):
        return [
            ("salesman", lambda order: order.action_request_approval()),
            ("approver_a", lambda order: order.action_approve()),
            ("approver_b", lambda order: order.action_approve()),
        ]


class Oca(Side):
    def _rules(self, env, category):
        a, b = self.users["approver_a"], self.users["approver_b"]
        model = env.ref("sale.model_sale_order")
        env["tier.definition"].create(
            [
                {
                    "name": "Amount",
                    "model_id": model.id,
                    "review_type": "individual",
                    "reviewer_id": a.id,
                    "notify_on_create": self.notify,
                    "definition_domain": "[('amount_untaxed', '>=', 1000)]",
                },
                {
                    "name": "Custom products",
                    "model_id": model.id,
                    "review_type": "individual",
                    "reviewer_id": b.id,
                    "notify_on_create": self.notify,
                    "definition_domain": (
                        f"[('order_line.product_id.categ_id', 'child_of', {category.id})]"
                    ),
                },
                {
                    "name": "Credit",
                    "model_id": model.id,
                    "review_type": "individual",
                    "reviewer_id": a.id,
                    "notify_on_create": self.notify,
                    "definition_domain": "[('partner_credit_warning', 'not in', [False, ''])]",
                },
            ]
        )

    def _steps(self):
        return [
            ("salesman", lambda order: order.request_validation()),
            ("approver_a", lambda order: order.validate_tier()),
            ("approver_b", lambda order: order.validate_tier()),
            ("salesman", lambda order: order.action_confirm()),
        ]


USERS = {
    "salesman": ["sales_team.group_sale_salesman"],
    "approver_a": ["sales_team.group_sale_salesman_all_leads"],
    "approver_b": ["sales_team.group_sale_salesman_all_leads"],
}


def prepare(dbname, labels):
    """What the sides of one database share, committed once: the companies
    check credit limits, and the users of each side exist (creating users
    writes shared rows, e.g. the digest's, that two open transactions would
    wait on forever). Every user reads Odoo in its inbox."""
    with benchlib.registry(dbname).cursor() as cr:
        env = benchlib.environment(cr)
        companies = env["res.company"].search([("account_use_credit_limit", "=", False)])
        if companies:
            companies.account_use_credit_limit = True
        Users = env["res.users"].with_context(active_test=False)
        for label in labels:
            for key, groups in USERS.items():
                login = f"bench_{label}_{key}"
                if Users.search_count([("login", "=", login)]):
                    continue
                Users.create(
                    {
                        "name": f"Bench {label} {key}",
                        "login": login,
                        "email": f"{login}@example.com",
                        "notification_type": "inbox",
                        "groups_id": [(6, 0, [env.ref(xmlid).id for xmlid in groups])],
                    }
                )


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ours-db", required=True)
    parser.add_argument("--oca-db", required=True)
    parser.add_argument("-n", "--orders", type=int, default=40, help="orders in each database")
    parser.add_argument("--block", type=int, default=4, help="orders per block (one pair)")
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--addons-path", default=None)
    args = parser.parse_args(argv)

    benchlib.start_odoo(args.addons_path)
    pairs = max(args.orders // args.block, 2)
    orders = pairs * args.block
    benchlib.progress(f"opening {args.ours_db} and {args.oca_db}")
    prepare(args.ours_db, ["ours"])
    prepare(args.oca_db, ["oca", "oca_default"])
    sides = {
        "ours": Ours("ours", args.ours_db),
        "oca": Oca("oca", args.oca_db),
        "oca_default": Oca("oca_default", args.oca_db, notify=False),
    }
    all_ratios = benchlib.paired_ratios(
        "PERF-5", sides, Side.run, "ours", "oca", pairs, args.block, args.warmup
    )
    ratios, wall_ratios = all_ratios["oca"]
    default_ratios = all_ratios["oca_default"][0]

    ours, oca, oca_default = sides["ours"], sides["oca"], sides["oca_default"]
    ours_ms, oca_ms = ours.seconds / orders * 1000, oca.seconds / orders * 1000
    ratio, spread = benchlib.median(ratios), benchlib.iqr(ratios)
    print(
        f"\n  queries per order: ours {ours.queries / orders:.1f}, OCA {oca.queries / orders:.1f} "
        f"(OCA notifying nobody: {oca_default.queries / orders:.1f}); ratio spread (IQR) "
        f"{spread:.3f} over {pairs} blocks\n"
        f"  OCA with its default settings (reviewers not notified): "
        f"{oca_default.seconds / orders * 1000:.1f} ms per order, ratio "
        f"{benchlib.median(default_ratios):.3f} (IQR {benchlib.iqr(default_ratios):.3f})"
    )
    print(
        benchlib.clock_line(
            ours.clock, ours.wall / orders * 1000, oca.wall / orders * 1000, wall_ratios
        )
    )
    report = benchlib.Report()
    report.result(
        f"PERF-5 approvals orders={orders} ours_ms={ours_ms:.1f} oca_ms={oca_ms:.1f} "
        f"ratio={ratio:.3f}"
    )
    report.budget(
        "PERF-5 ratio",
        ratio <= RATIO_BUDGET,
        f"median of {pairs} paired runs {ratio:.3f} (IQR {spread:.3f}, {ours.clock.kind} time) "
        f"<= {RATIO_BUDGET}; queries per order ours {ours.queries / orders:.1f}, "
        f"OCA {oca.queries / orders:.1f}; against OCA notifying nobody "
        f"{benchlib.median(default_ratios):.3f}",
    )
    return report.finish()


if __name__ == "__main__":
    benchlib.run(main)
