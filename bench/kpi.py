"""PERF-3: KPI reads on 200,000 orders, 1,000,000 lines, 1,000,000 events.

Generates (once per database, committed, reproducible from ``--seed``) the
orders of three years by SQL bulk insert — customers, products, teams,
order lines, status events, deliveries, promises and alerts — builds the KPI
facts, then times, in the same run and on the same data:

* ``order.kpi.report.get_kpis`` for the last 365 days;
* the order pivot grouped by sales team x month (the read_group calls Odoo's
  pivot view makes: total, rows, columns, cells) with orders, amount, OTD
  and OTIF;
* the dashboard's data call (``order.kpi.dashboard.get_dashboard_data``);
* Odoo's own ``sale.report`` pivot on the same grouping (orders, untaxed
  amount), the same period, confirmed orders.

Every timing is the median of ``--repeat`` warm runs, as a KPI viewer (record
rules applied). Prints one line::

    PERF-3 kpi orders=... get_kpis_s=... pivot_s=... dashboard_s=... sale_report_pivot_s=...

    python3 bench/kpi.py --db bench_kpi_200000 --orders 200000
"""

import argparse
import statistics
import sys
import time

LINES_PER_ORDER = 5
EVENTS_PER_ORDER = 5
CUSTOMERS = 5000
PRODUCTS = 500
TEAMS = 8
DAYS = 3 * 365
PROMISE = "b.date_order + make_interval(days => 3 + (b.r_promise * 6)::int)"


class Progress:
    def __init__(self):
        self.start = time.perf_counter()

    def __call__(self, message):
        print(f"  [{time.perf_counter() - self.start:7.1f} s] {message}", flush=True)


def _columns(cr, table, skip=()):
    cr.execute(
        "SELECT column_name FROM information_schema.columns WHERE table_name = %s "
        "AND column_name <> ALL(%s) ORDER BY ordinal_position",
        [table, ["id", *skip]],
    )
    return [row[0] for row in cr.fetchall()]


def _copy_sql(cr, table, template_id, overrides, source):
    """INSERT INTO table SELECT <template row's columns, overridden> FROM source."""
    columns = _columns(cr, table)
    select = ", ".join(overrides.get(c, f't."{c}"') for c in columns)
    quoted = ", ".join(f'"{c}"' for c in columns)
    return (
        f'INSERT INTO "{table}" ({quoted}) SELECT {select} '
        f'FROM {source} CROSS JOIN "{table}" t WHERE t.id = {int(template_id)}'
    )


def _templates(env, progress):
    """One real order of each kind, made by the ORM, whose rows the bulk
    insert copies (so every NOT NULL column gets a sensible value)."""
    from odoo import Command

    progress(f"creating {CUSTOMERS} customers, {PRODUCTS} products, {TEAMS} teams (ORM)")
    country = env.ref("base.cn")
    states = env["res.country.state"].search([("country_id", "=", country.id)])
    partners = env["res.partner"].create(
        [
            {
                "name": f"Bench Customer {i:05d}",
                "is_company": True,
                "country_id": country.id,
                "state_id": states[i % len(states)].id if states else False,
            }
            for i in range(CUSTOMERS)
        ]
    )
    category = env["product.category"].create({"name": "Bench Goods"})
    products = env["product.product"].create(
        [
            {
                "name": f"Bench Part {i:04d}",
                "type": "consu",
                "is_storable": True,
                "list_price": 10.0 + (i % 97) * 3,
                "standard_price": 5.0 + (i % 97),
                "categ_id": category.id,
                "invoice_policy": "order",
            }
            for i in range(PRODUCTS)
        ]
    )
    teams = env["crm.team"].create([{"name": f"Bench Team {i}"} for i in range(TEAMS)])
    warehouse = env["stock.warehouse"].search([("company_id", "=", env.company.id)], limit=1)
    env["stock.quant"]._update_available_quantity(products[0], warehouse.lot_stock_id, 1000)
    order = env["sale.order"].create(
        {
            "partner_id": partners[0].id,
            "team_id": teams[0].id,
            "commitment_date": "2020-01-10 10:00:00",
            "order_line": [Command.create({"product_id": products[0].id, "product_uom_qty": 1})],
        }
    )
    order.action_confirm()
    picking = order.picking_ids[:1]
    for move in picking.move_ids:
        move.quantity = move.product_uom_qty
        move.picked = True
    picking.button_validate()
    rule = env["order.alert.rule"].create(
        {
            "name": "Bench: To Ship > 24 h",
            "kind": "stage_sla",
            "stage_id": env.ref("order_tracking.stage_to_ship").id,
            "hours": 24,
            "responsible_type": "users",
            "user_ids": [Command.set([env.ref("base.user_admin").id])],
            "active": False,
        }
    )
    env.flush_all()
    return order, picking, rule, partners, products, teams


def _generate(env, orders, seed, progress):
    cr = env.cr
    order, picking, rule, partners, products, teams = _templates(env, progress)
    stages = {s.code: s.id for s in env["order.tracking.stage"].search([])}
    cr.execute("SET LOCAL order_kpi.skip = 'on'")  # the facts are built once, at the end
    # the generated rows are consistent by construction: skip the per-row
    # foreign-key checks (millions of them) when the role may (superuser)
    cr.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
    if cr.fetchone()[0]:
        cr.execute("SET LOCAL session_replication_role = replica")
    cr.execute("SET LOCAL max_parallel_workers_per_gather = 0")  # setseed: one stream
    cr.execute("SELECT setseed(%s)", [(seed % 1000) / 1000.0])
    cr.execute(
        """CREATE TEMP TABLE bench_order ON COMMIT DROP AS
           SELECT g AS n,
                  %(partner0)s + floor(random() * %(customers)s)::int AS partner_id,
                  %(team0)s + floor(random() * %(teams)s)::int AS team_id,
                  (now() at time zone 'utc') - make_interval(secs => random() * %(days)s * 86400)
                      AS date_order,
                  random() AS r_state, random() AS r_speed, random() AS r_promise
             FROM generate_series(1, %(orders)s) g""",
        {
            "partner0": partners[0].id,
            "customers": CUSTOMERS,
            "team0": teams[0].id,
            "teams": TEAMS,
            "days": DAYS,
            "orders": orders,
        },
    )
    progress(f"inserting {orders} sale orders")
    cr.execute(
        _copy_sql(
            cr,
            "sale_order",
            order.id,
            {
                "name": "'BK' || lpad(b.n::text, 7, '0')",
                "partner_id": "b.partner_id",
                "partner_invoice_id": "b.partner_id",
                "partner_shipping_id": "b.partner_id",
                "team_id": "b.team_id",
                "date_order": "b.date_order",
                "state": "CASE WHEN b.r_state < 0.05 THEN 'draft' "
                "WHEN b.r_state < 0.08 THEN 'cancel' ELSE 'sale' END",
                "commitment_date": PROMISE,
                "tracking_promise_original": PROMISE,
                "tracking_promise_latest": "b.date_order + make_interval(days => 3 + "
                "(b.r_promise * 6)::int + CASE WHEN b.r_promise > 0.9 THEN 3 ELSE 0 END)",
                "tracking_fulfilment": "CASE WHEN b.date_order < (now() at time zone 'utc') "
                "- interval '12 days' OR b.r_speed < 0.5 THEN 'shipped' "
                "WHEN b.r_speed < 0.7 THEN 'short' ELSE 'ready' END",
                "tracking_short": "b.r_speed BETWEEN 0.5 AND 0.7",
                "signed_at": "CASE WHEN b.r_speed < 0.6 THEN b.date_order "
                "+ make_interval(hours => 30 + (b.r_speed * 200)::int) END",
                "approval_state": "CASE WHEN b.r_promise < 0.3 THEN 'approved' "
                "ELSE 'not_required' END",
                "approval_auto_approved": "b.r_promise < 0.2",
                "access_token": "NULL",
                "tracking_last_event_id": "NULL",
                "tracking_entered_at": "b.date_order",
                "tracking_deadline": "NULL",
            },
            "bench_order b",
        )
        + " ORDER BY b.n"
    )
    cr.execute(
        """ALTER TABLE bench_order ADD COLUMN order_id int;
           UPDATE bench_order b SET order_id = so.id
             FROM sale_order so WHERE so.name = 'BK' || lpad(b.n::text, 7, '0')"""
    )
    progress(f"inserting {orders * LINES_PER_ORDER} order lines")
    cr.execute(
        f"""CREATE TEMP TABLE bench_line ON COMMIT DROP AS
            SELECT b.order_id, k AS seq,
                   {products[0].id} + floor(random() * {PRODUCTS})::int AS product_id,
                   1 + floor(random() * 20)::int AS qty, 10 + floor(random() * 300) AS price
              FROM bench_order b CROSS JOIN generate_series(1, {LINES_PER_ORDER}) k"""
    )
    line_template = order.order_line[:1].id
    cr.execute(
        _copy_sql(
            cr,
            "sale_order_line",
            line_template,
            {
                "order_id": "l.order_id",
                "sequence": "l.seq",
                "product_id": "l.product_id",
                "product_uom_qty": "l.qty",
                "qty_delivered": "l.qty",
                "price_unit": "l.price",
                "price_subtotal": "l.qty * l.price",
                "price_total": "l.qty * l.price",
                "price_tax": "0",
                "name": "'Bench Part'",
            },
            "bench_line l",
        )
    )
    cr.execute(
        """UPDATE sale_order so SET amount_untaxed = s.total, amount_total = s.total
             FROM (SELECT order_id, SUM(qty * price) AS total FROM bench_line GROUP BY 1) s
            WHERE so.id = s.order_id"""
    )
    progress(f"inserting {orders * EVENTS_PER_ORDER} status events")
    cr.execute(
        """CREATE TEMP TABLE bench_event ON COMMIT DROP AS
           SELECT b.order_id, k,
                  b.date_order + make_interval(secs => (k - 2) * (6 + b.r_speed * 40) * 3600)
                      AS date,
                  b.r_speed
             FROM bench_order b CROSS JOIN generate_series(1, %s) k""",
        [EVENTS_PER_ORDER],
    )
    codes = ["draft", "to_ship", "ready", "shipped", "delivered"]
    cases = " ".join(f"WHEN {i + 1} THEN '{code}'" for i, code in enumerate(codes))
    ids = " ".join(f"WHEN {i + 1} THEN {stages[code]}" for i, code in enumerate(codes))
    prev_cases = " ".join(f"WHEN {i + 2} THEN '{code}'" for i, code in enumerate(codes))
    prev_ids = " ".join(f"WHEN {i + 2} THEN {stages[code]}" for i, code in enumerate(codes))
    cr.execute(
        f"""INSERT INTO order_tracking_event
                (order_id, company_id, from_stage_id, to_stage_id, from_code, to_code, date,
                 user_id, source_model, source_id, hours_in_previous, work_hours_in_previous,
                 backfilled, hash, prev_hash, create_uid, write_uid, create_date, write_date)
            SELECT e.order_id, {env.company.id},
                   CASE e.k {prev_ids} END, CASE e.k {ids} END,
                   CASE e.k {prev_cases} END, CASE e.k {cases} END, e.date, 1,
                   'sale.order', e.order_id,
                   CASE WHEN e.k = 1 THEN 0 ELSE 6 + e.r_speed * 40 END,
                   CASE WHEN e.k = 1 THEN 0 ELSE (6 + e.r_speed * 40) * 0.6 END,
                   FALSE, md5(e.order_id::text || e.k), '0', 1, 1,
                   now() at time zone 'utc', now() at time zone 'utc'
              FROM bench_event e"""
    )
    cr.execute(
        """UPDATE sale_order so
              SET tracking_stage_id = CASE so.tracking_fulfilment WHEN 'shipped' THEN %s
                                      WHEN 'short' THEN %s ELSE %s END,
                  tracking_stage_code = CASE so.tracking_fulfilment WHEN 'shipped' THEN 'shipped'
                                        WHEN 'short' THEN 'waiting_stock' ELSE 'ready' END
             FROM bench_order b WHERE so.id = b.order_id""",
        [stages["shipped"], stages["waiting_stock"], stages["ready"]],
    )
    progress("inserting deliveries (one per shipped order, a second one for 10 %)")
    cr.execute(
        _copy_sql(
            cr,
            "stock_picking",
            picking.id,
            {
                "name": "'BK/OUT/' || b.n || '/' || k",
                "sale_id": "b.order_id",
                "origin": "'BK'",
                "state": "'done'",
                "date_done": "b.date_order + make_interval(secs => 3600 * (20 + b.r_speed * 200 "
                "+ (k - 1) * 48))",
                "partner_id": "b.partner_id",
            },
            "bench_order b CROSS JOIN generate_series(1, 2) k",
        )
        + " AND b.r_state >= 0.08 AND (b.date_order < (now() at time zone 'utc')"
        " - interval '12 days' OR b.r_speed < 0.5) AND (k = 1 OR b.r_promise < 0.1)"
    )
    progress("inserting promises (10 % re-promised) and alerts (3 %)")
    cr.execute(
        """INSERT INTO order_tracking_promise
                (order_id, company_id, date, kind, user_id, create_uid, write_uid,
                 create_date, write_date)
           SELECT so.id, so.company_id, so.tracking_promise_original, 'initial', 1, 1, 1,
                  now() at time zone 'utc', now() at time zone 'utc'
             FROM sale_order so JOIN bench_order b ON b.order_id = so.id WHERE so.state = 'sale'
           UNION ALL
           SELECT so.id, so.company_id, so.tracking_promise_latest, 'repromise', 1, 1, 1,
                  now() at time zone 'utc', now() at time zone 'utc'
             FROM sale_order so JOIN bench_order b ON b.order_id = so.id
            WHERE so.state = 'sale' AND b.r_promise > 0.9"""
    )
    cr.execute(
        """INSERT INTO order_alert
                (rule_id, order_id, company_id, kind, stage_entry_key, step, level,
                 escalation_level, severity, state, raised_at, highlight,
                 create_uid, write_uid, create_date, write_date)
           SELECT %s, b.order_id, %s, 'stage_sla', 'bench', 1, 'breach', 0, 'medium',
                  CASE WHEN b.r_speed > 0.98 THEN 'open' ELSE 'resolved' END,
                  b.date_order + interval '2 days', FALSE, 1, 1,
                  now() at time zone 'utc', now() at time zone 'utc'
             FROM bench_order b WHERE b.r_speed > 0.97""",
        [rule.id, env.company.id],
    )
    progress("ANALYZE")
    for table in (
        "sale_order",
        "sale_order_line",
        "order_tracking_event",
        "stock_picking",
        "order_tracking_promise",
        "order_alert",
    ):
        cr.execute(f'ANALYZE "{table}"')
    cr.execute("SET LOCAL order_kpi.skip = 'off'")
    cr.execute("SET LOCAL session_replication_role = origin")
    progress("building the KPI facts (full rebuild)")
    started = time.perf_counter()
    facts = env["order.kpi.report"]._kpi_rebuild(truncate=True)
    progress(f"{facts} order facts built in {time.perf_counter() - started:.1f} s")
    env["ir.config_parameter"].set_param("bench_kpi.seeded", f"{seed}:{orders}")


def _median_time(function, repeat):
    timings = []
    for _i in range(repeat):
        start = time.perf_counter()
        function()
        timings.append(time.perf_counter() - start)
    return statistics.median(timings), min(timings), max(timings)


def _pivot(model, domain, rows, cols, measures):
    """The read_group calls of a pivot view: total, rows, columns, cells."""
    for groupby in ([], rows, cols, rows + cols):
        model.read_group(domain, measures, groupby, lazy=False)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", required=True)
    parser.add_argument("--orders", type=int, default=200_000)
    parser.add_argument("--seed", type=int, default=3)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--addons-path", default=None)
    args = parser.parse_args(argv)

    import odoo
    from odoo import SUPERUSER_ID, api, fields
    from odoo.tools import date_utils

    odoo_args = ["--log-level=warn"]
    if args.addons_path:
        odoo_args.append(f"--addons-path={args.addons_path}")
    odoo.tools.config.parse_config(odoo_args)
    registry = odoo.modules.registry.Registry(args.db)
    progress = Progress()
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {"tracking_disable": True})
        if "order.kpi.report" not in env:
            print("order_kpi is not installed in", args.db)
            return 1
        seeded = env["ir.config_parameter"].get_param("bench_kpi.seeded")
        if seeded != f"{args.seed}:{args.orders}":
            if seeded:
                print(f"{args.db} holds another data set ({seeded}): rebuild it (BENCH_REBUILD=1)")
                return 1
            print(f"Generating {args.orders} orders (seed {args.seed}) into {args.db}")
            _generate(env, args.orders, args.seed, progress)
            cr.commit()
        cr.execute("SELECT count(*) FROM sale_order WHERE name LIKE 'BK%%'")
        orders = cr.fetchone()[0]
        cr.execute(
            "SELECT count(*) FROM sale_order_line l JOIN sale_order o ON o.id = l.order_id "
            "WHERE o.name LIKE 'BK%%'"
        )
        lines = cr.fetchone()[0]
        cr.execute(
            "SELECT count(*) FROM order_tracking_event e JOIN sale_order o ON o.id = e.order_id "
            "WHERE o.name LIKE 'BK%%'"
        )
        events = cr.fetchone()[0]

        # as a KPI viewer, record rules applied (the administrator is one)
        user_env = api.Environment(cr, env.ref("base.user_admin").id, {"tz": "UTC"})
        report = user_env["order.kpi.report"]
        today = fields.Date.today()
        date_from = today - date_utils.relativedelta(days=364)
        period = [("date", ">=", date_from), ("date", "<=", today)]
        company = user_env.company.id
        measures = ["order_count:sum", "amount:sum", "otd_rate:avg", "otif_rate:avg"]
        sale_measures = ["price_subtotal:sum", "order_reference:count_distinct"]
        sale_domain = [
            ("date", ">=", fields.Datetime.to_string(date_from)),
            ("date", "<", fields.Datetime.to_string(today + date_utils.relativedelta(days=1))),
            ("state", "=", "sale"),
        ]
        checks = {
            "get_kpis": lambda: report.get_kpis(str(date_from), str(today), company_id=company),
            "pivot": lambda: _pivot(
                report, [("confirmed", "=", True), *period], ["team_id"], ["date:month"], measures
            ),
            "graph": lambda: report.read_group(
                [("confirmed", "=", True), *period], ["otd_rate:avg"], ["date:month"], lazy=False
            ),
            "dashboard": lambda: user_env["order.kpi.dashboard"].get_dashboard_data(
                str(date_from), str(today), company_id=company
            ),
            "sale_report_pivot": lambda: _pivot(
                user_env["sale.report"], sale_domain, ["team_id"], ["date:month"], sale_measures
            ),
            "sale_report_graph": lambda: user_env["sale.report"].read_group(
                sale_domain, ["price_subtotal:sum"], ["date:month"], lazy=False
            ),
        }
        results = {}
        for name, check in checks.items():
            check()  # warm up (caches, plans)
            user_env.invalidate_all()
            median, low, high = _median_time(check, args.repeat)
            results[name] = median
            progress(f"{name}: median {median:.3f} s (min {low:.3f}, max {high:.3f})")
        kpis = report.get_kpis(str(date_from), str(today), company_id=company)
        cr.rollback()
    print(
        f"  a year: {kpis['orders']} orders, OTD {kpis['otd_rate'] or 0:.3f}, "
        f"cycle median {kpis['cycle_hours_median'] or 0:.1f} h, "
        f"{len(kpis['top_products'])} top products"
    )
    ratio = results["sale_report_pivot"] / results["pivot"] if results["pivot"] else 0
    print(
        f"PERF-3 kpi orders={orders} lines={lines} events={events} "
        f"get_kpis_s={results['get_kpis']:.3f} pivot_s={results['pivot']:.3f} "
        f"graph_s={results['graph']:.3f} dashboard_s={results['dashboard']:.3f} "
        f"sale_report_pivot_s={results['sale_report_pivot']:.3f} "
        f"sale_report_graph_s={results['sale_report_graph']:.3f} "
        f"pivot_vs_sale_report={ratio:.1f}x"
    )
    budget = {
        "get_kpis": 1.0,
        "pivot": 1.0,
        "graph": 1.0,
        "dashboard": 2.0,
    }
    over = [f"{k} {results[k]:.2f} s > {v} s" for k, v in budget.items() if results[k] >= v]
    slower = results["pivot"] >= results["sale_report_pivot"]
    if over or slower:
        print("PERF-3 budget missed: " + "; ".join(over + (["pivot not faster"] if slower else [])))
        return 1
    print("PERF-3 budgets met: reads < 1 s, dashboard < 2 s, faster than sale.report")
    return 0


if __name__ == "__main__":
    sys.exit(main())
