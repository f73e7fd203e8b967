"""PERF-1 and the query overhead of order_tracking, against plain Odoo, in one run.

Runs the same full life cycle (create, confirm + reserve, ship, invoice, pay)
of N orders in two databases — one with only sale_management + sale_stock,
one with the project's add-ons — and reports, per phase, the SQL queries and
seconds in each, and the ratio. Nothing is committed: each run rolls back.

    python3 bench/lifecycle.py --plain-db bench_plain --tracked-db bench_tracked -n 50

``make bench`` builds both databases when missing and runs this.
"""

import argparse
import statistics
import sys
import time

PHASES = ("create", "confirm", "ship", "invoice", "pay")


def _setup(env, n):
    env = env(context=dict(env.context, tracking_disable=True, mail_notrack=True))
    warehouse = env["stock.warehouse"].search([("company_id", "=", env.company.id)], limit=1)
    product = env["product.product"].create(
        {
            "name": "Bench Bracket",
            "type": "consu",
            "is_storable": True,
            "invoice_policy": "order",
            "list_price": 10.0,
        }
    )
    env["stock.quant"]._update_available_quantity(product, warehouse.lot_stock_id, n * 10)
    partner = env["res.partner"].create({"name": "Bench Customer"})
    return env, product, partner


def _run(env, n, product, partner, counter):
    """One life cycle per order; returns {phase: (queries, seconds)}."""
    from odoo import Command

    totals = {phase: [0, 0.0] for phase in PHASES}

    def measure(phase, func):
        env.flush_all()
        queries, start = counter(), time.perf_counter()
        result = func()
        env.flush_all()
        totals[phase][0] += counter() - queries
        totals[phase][1] += time.perf_counter() - start
        return result

    for _i in range(n):
        order = measure(
            "create",
            lambda: env["sale.order"].create(
                {
                    "partner_id": partner.id,
                    "order_line": [
                        Command.create({"product_id": product.id, "product_uom_qty": 2})
                    ],
                }
            ),
        )
        measure("confirm", order.action_confirm)

        def ship(order=order):
            for picking in order.picking_ids:
                for move in picking.move_ids:
                    move.quantity = move.product_uom_qty
                    move.picked = True
                picking.button_validate()

        measure("ship", ship)

        def invoice(order=order):
            move = order._create_invoices()
            move.action_post()
            return move

        move = measure("invoice", invoice)
        measure(
            "pay",
            lambda move=move: (
                env["account.payment.register"]
                .with_context(active_model="account.move", active_ids=move.ids)
                .create({})
                ._create_payments()
            ),
        )
    return totals


def run_once(dbname, n):
    import odoo
    from odoo import SUPERUSER_ID, api

    registry = odoo.modules.registry.Registry(dbname)
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        env, product, partner = _setup(env, n)
        totals = _run(env, n, product, partner, lambda cr=cr: cr.sql_log_count)
        cr.rollback()
    return totals


def summarize(runs, n):
    return {
        phase: (runs[0][phase][0] / n, statistics.median(r[phase][1] for r in runs) / n)
        for phase in PHASES
    }


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--plain-db", required=True)
    parser.add_argument("--tracked-db", required=True)
    parser.add_argument("-n", type=int, default=30, help="orders per run")
    parser.add_argument("--repeat", type=int, default=5, help="runs; the median time counts")
    parser.add_argument("--addons-path", default=None)
    args = parser.parse_args(argv)

    import odoo

    odoo_args = ["--log-level=warn"]
    if args.addons_path:
        odoo_args.append(f"--addons-path={args.addons_path}")
    odoo.tools.config.parse_config(odoo_args)
    databases = {"plain": args.plain_db, "tracked": args.tracked_db}
    runs = {label: [] for label in databases}
    # alternate plain and tracked runs so that machine noise hits both alike
    for repetition in range(args.repeat):
        for label, db in databases.items():
            print(
                f"run {repetition + 1}/{args.repeat}: {label} ({db}), {args.n} orders …", flush=True
            )
            runs[label].append(run_once(db, args.n))
    results = {label: summarize(label_runs, args.n) for label, label_runs in runs.items()}
    print()
    print(f"{'phase':<10}{'queries/order':>28}{'ms/order':>28}")
    print(f"{'':<10}{'plain':>9}{'tracked':>9}{'extra':>10}{'plain':>9}{'tracked':>9}{'ratio':>10}")
    total = {"plain": 0.0, "tracked": 0.0}
    for phase in PHASES:
        (pq, pt), (tq, tt) = results["plain"][phase], results["tracked"][phase]
        total["plain"] += pt
        total["tracked"] += tt
        print(
            f"{phase:<10}{pq:>9.1f}{tq:>9.1f}{tq - pq:>+10.1f}"
            f"{pt * 1000:>9.1f}{tt * 1000:>9.1f}{tt / pt:>10.2f}"
        )
    ratio = total["tracked"] / total["plain"]
    print(
        f"\nfull life cycle: {total['plain'] * 1000:.1f} ms/order plain, "
        f"{total['tracked'] * 1000:.1f} ms/order tracked, ratio {ratio:.2f} (budget 1.15)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
