"""PERF-2: one alert scan over many open orders of which few are due.

Creates (inside one transaction, rolled back at the end) N open orders in the
node "To Ship" by copying a real confirmed order row in SQL, D of which
entered the node long enough ago to breach a 24-working-hour SLA, then times
``order.alert.rule.run_scan()``: the pass that raises the D alerts, and a
second pass with nothing new due. Also reports SQL queries per pass.

    python3 bench/alert_scan.py --db bench_tracked --orders 100000 --due 1000
"""

import argparse
import sys
import time


def _seed(env, orders, due):
    from odoo import Command

    cr = env.cr
    partner = env["res.partner"].create({"name": "Scan Bench Customer"})
    service = env["product.product"].create({"name": "Scan Bench Service", "type": "service"})
    template = env["sale.order"].create(
        {"partner_id": partner.id, "order_line": [Command.create({"product_id": service.id})]}
    )
    template.action_confirm()
    env.flush_all()
    stage = env.ref("order_tracking.stage_to_ship")
    cr.execute(
        "SELECT column_name FROM information_schema.columns "
        "WHERE table_name = 'sale_order' AND column_name NOT IN ('id', 'name', 'access_token')"
    )
    columns = [row[0] for row in cr.fetchall()]
    overrides = {
        "tracking_stage_id": str(stage.id),
        "tracking_stage_code": "'to_ship'",
        "state": "'sale'",
        "tracking_last_event_id": "NULL",
    }
    select = ", ".join(overrides.get(c, f'so."{c}"') for c in columns)
    quoted = ", ".join(f'"{c}"' for c in columns)
    print(f"  inserting {orders} orders …", flush=True)
    cr.execute(
        f"""INSERT INTO sale_order (name, {quoted})
            SELECT 'SCAN' || lpad(g::text, 7, '0'), {select}
              FROM sale_order so, generate_series(1, %s) g
             WHERE so.id = %s
         RETURNING id""",
        [orders, template.id],
    )
    ids = [row[0] for row in cr.fetchall()]
    due_ids, fresh_ids = ids[:due], ids[due:]
    print(f"  inserting {orders} history events ({due} entered 30 days ago) …", flush=True)
    for batch_ids, age in ((due_ids, "30 days"), (fresh_ids, "1 hour")):
        cr.execute(
            f"""INSERT INTO order_tracking_event
                       (order_id, company_id, to_stage_id, to_code, date, user_id,
                        hash, prev_hash, create_uid, write_uid, create_date, write_date)
                SELECT id, company_id, %s, 'to_ship',
                       (now() at time zone 'utc') - interval '{age}', 1, md5(id::text), '0',
                       1, 1, now() at time zone 'utc', now() at time zone 'utc'
                  FROM sale_order WHERE id = ANY(%s)""",
            [stage.id, batch_ids],
        )
    cr.execute(
        """UPDATE sale_order so
              SET tracking_last_event_id = e.id, tracking_entered_at = e.date,
                  tracking_deadline = e.date + interval '3 days'
             FROM order_tracking_event e
            WHERE e.order_id = so.id AND so.name LIKE 'SCAN%%'"""
    )
    cr.execute("ANALYZE sale_order; ANALYZE order_tracking_event")
    env.invalidate_all()


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", required=True)
    parser.add_argument("--orders", type=int, default=100_000)
    parser.add_argument("--due", type=int, default=1_000)
    parser.add_argument("--addons-path", default=None)
    parser.add_argument(
        "--actions", action="store_true", help="the rule also schedules an activity and highlights"
    )
    args = parser.parse_args(argv)

    import odoo
    from odoo import SUPERUSER_ID, api

    odoo_args = ["--log-level=warn"]
    if args.addons_path:
        odoo_args.append(f"--addons-path={args.addons_path}")
    odoo.tools.config.parse_config(odoo_args)
    registry = odoo.modules.registry.Registry(args.db)
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {"tracking_disable": True})
        if "order.alert.rule" not in env:
            print("order_alerts is not installed in", args.db)
            return 1
        Rule = env["order.alert.rule"]
        Rule.search([]).write({"active": False})
        Rule.create(
            {
                "name": "Bench: To Ship > 24 h",
                "kind": "stage_sla",
                "stage_id": env.ref("order_tracking.stage_to_ship").id,
                "hours": 24,
                "severity": "high",
                "responsible_type": "users",
                "user_ids": [(6, 0, [env.ref("base.user_admin").id])],
                "action_activity": args.actions,
                "action_highlight": args.actions,
            }
        )
        _seed(env, args.orders, args.due)
        results = []
        for label in ("raise", "nothing new due"):
            env.invalidate_all()
            queries, start = cr.sql_log_count, time.perf_counter()
            raised = Rule.run_scan()
            env.flush_all()
            seconds = time.perf_counter() - start
            results.append((label, raised, seconds, cr.sql_log_count - queries))
            print(
                f"  pass '{label}': {raised} alerts raised in {seconds:.3f} s, "
                f"{cr.sql_log_count - queries} queries",
                flush=True,
            )
        cr.rollback()
    print(
        f"\n{args.orders} open orders, {args.due} due: raise pass {results[0][2]:.2f} s "
        f"(budget 5 s), idle pass {results[1][2]:.3f} s (budget 0.2 s)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
