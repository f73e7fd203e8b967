"""PERF-2: the alert scan over many open orders of which few are due, against
Odoo's own time-based Automation Rule on the same orders, and how its cost
grows with the number of open orders.

Inside one transaction (rolled back at the end) of a database with order_alerts
and base_automation:

* a rule "To Ship for more than 24 working hours" (high severity, an activity
  and a highlight per alert), and Odoo's anchor: a time-based Automation Rule
  (``base_automation``) on the same orders — the same condition (node To Ship),
  the same date (the node entry) and the same delay (3 working days of the
  company calendar: 24 working hours), with a no-op server action;
* open orders in To Ship, seeded in SQL from a real confirmed order (each with
  its history event, then ``ANALYZE``), ``--due`` of them entered 30 days ago,
  the others an hour ago; grown size after size (``--sizes``);
* at each size: the scan pass that raises the due alerts (median of 3, the
  alerts removed between runs) and the pass with nothing new due (median of
  5); at ``--anchor-size`` also the anchor's pass that acts on the due orders
  and its pass with nothing new due (median of 3 each), interleaved with ours.

    python3 bench/alert_scan.py --db bench_alerts --sizes 10000,100000,1000000

Prints ``PERF-2 alerts …`` (at the anchor size) and ``PERF-2 growth …`` and the
budgets: due pass < 2 s, idle pass < 0.1 s, idle pass >= 20x faster than the
anchor's, flat in open orders (the largest size within 2x the smallest, +20 ms).
"""

import argparse

import benchlib

DUE_BUDGET_S = 2.0
IDLE_BUDGET_S = 0.1
ANCHOR_FACTOR = 20
FLAT_FACTOR = 2.0
FLAT_SLACK_S = 0.02


# when an order entered To Ship: the first ``due`` orders 30 days ago, the others an hour ago
SQL_ENTERED = (
    "(%(now)s::timestamp - CASE WHEN g <= %(due)s"
    " THEN interval '30 days' ELSE interval '1 hour' END)"
)


class Bench:
    def __init__(self, env, due):
        self.env = env
        self.cr = env.cr
        self.due = due
        self.stage = env.ref("order_tracking.stage_to_ship")
        self.seeded = 0
        self.template = None
        self.columns = None
        self.due_ids = []
        self.clock = benchlib.Clock(self.cr)
        self.walls = []

    # -- the rules --

    def create_rules(self):
        env = self.env
        Rule = env["order.alert.rule"]
        Rule.search([]).write({"active": False})
        self.rule = Rule.create(
            {
                "name": "Bench: To Ship > 24 h",
                "kind": "stage_sla",
                "stage_id": self.stage.id,
                "hours": 24,
                "severity": "high",
                "responsible_type": "users",
                "user_ids": [(6, 0, [env.ref("base.user_admin").id])],
                "action_activity": True,
                "action_highlight": True,
            }
        )
        env["base.automation"].search([]).write({"active": False})
        model = env["ir.model"]._get("sale.order")
        self.anchor = env["base.automation"].create(
            {
                "name": "Bench anchor: To Ship > 3 working days",
                "model_id": model.id,
                "trigger": "on_time",
                "trg_date_id": env["ir.model.fields"]._get("sale.order", "tracking_entered_at").id,
                "trg_date_range": 3,
                "trg_date_range_type": "day",
                "trg_date_calendar_id": env.company.resource_calendar_id.id,
                "filter_domain": repr([("tracking_stage_id", "=", self.stage.id)]),
                "action_server_ids": [
                    (
                        0,
                        0,
                        {
                            "name": "Bench anchor: no-op",
                            "model_id": model.id,
                            "state": "code",
                            "code": "pass",
                        },
                    )
                ],
            }
        )
        env.flush_all()

    # -- the data --

    def _template(self):
        from odoo import Command

        env = self.env
        partner = env["res.partner"].create({"name": "Scan Bench Customer"})
        service = env["product.product"].create({"name": "Scan Bench Service", "type": "service"})
        template = env["sale.order"].create(
            {"partner_id": partner.id, "order_line": [Command.create({"product_id": service.id})]}
        )
        template.action_confirm()
        env.flush_all()
        self.cr.execute(
            "SELECT column_name FROM information_schema.columns WHERE table_name = 'sale_order'"
            " AND column_name NOT IN ('id', 'name', 'access_token')"
        )
        self.columns = [row[0] for row in self.cr.fetchall()]
        self.template = template

    def seed(self, total):
        """Grow the open orders in To Ship to ``total`` (the first ``due``
        entered 30 days ago, the others an hour ago), each with its history
        event, in a few set-based statements; then ``ANALYZE``."""
        from odoo import fields

        if self.template is None:
            self._template()
        count = total - self.seeded
        if count <= 0:
            return
        cr = self.cr
        now = fields.Datetime.now()
        due = 0 if self.due_ids else self.due
        first_order = self._reserve("sale_order_id_seq", count)
        first_event = self._reserve("order_tracking_event_id_seq", count)
        entered = SQL_ENTERED
        fast = self._skip_foreign_key_checks()
        overrides = {
            "tracking_stage_id": "%(stage)s",
            "tracking_stage_code": "'to_ship'",
            "state": "'sale'",
            # with the foreign key checks off, the order points at its event
            # before the event is inserted: no UPDATE of every order after
            "tracking_last_event_id": "%(first_event)s + g - 1" if fast else "NULL",
            "tracking_last_stage_id": "%(stage)s" if fast else "NULL",
            "tracking_last_hash": "md5(g::text)" if fast else "NULL",
            "tracking_entered_at": entered if fast else "NULL",
            "tracking_deadline": f"{entered} + interval '3 days'" if fast else "NULL",
        }
        select = ", ".join(overrides.get(c, f'so."{c}"') for c in self.columns)
        quoted = ", ".join(f'"{c}"' for c in self.columns)
        params = {
            "stage": self.stage.id,
            "first_order": first_order,
            "first_event": first_event,
            "count": count,
            "due": due,
            "now": now,
            "template": self.template.id,
            "offset": self.seeded,
        }
        benchlib.progress(f"PERF-2: inserting {count} open orders ({self.seeded} → {total})")
        cr.execute(
            f"""INSERT INTO sale_order (id, name, {quoted})
                SELECT %(first_order)s + g - 1, 'SCAN' || lpad((g + %(offset)s)::text, 8, '0'),
                       {select}
                  FROM sale_order so, generate_series(1, %(count)s) g
                 WHERE so.id = %(template)s""",
            params,
        )
        benchlib.progress(f"PERF-2: inserting {count} history events")
        cr.execute(
            f"""INSERT INTO order_tracking_event
                       (id, order_id, company_id, to_stage_id, to_code, date, user_id,
                        hash, prev_hash, create_uid, write_uid, create_date, write_date)
                SELECT %(first_event)s + g - 1, %(first_order)s + g - 1, so.company_id,
                       %(stage)s, 'to_ship', {entered}, 1, md5(g::text), '0',
                       1, 1, %(now)s, %(now)s
                  FROM sale_order so, generate_series(1, %(count)s) g
                 WHERE so.id = %(template)s""",
            params,
        )
        if fast:
            cr.execute("SET LOCAL session_replication_role = origin")
        else:
            cr.execute("ANALYZE sale_order")
            cr.execute("ANALYZE order_tracking_event")
            cr.execute(
                """UPDATE sale_order so
                      SET tracking_last_event_id = e.id, tracking_entered_at = e.date,
                          tracking_deadline = e.date + interval '3 days',
                          tracking_last_stage_id = e.to_stage_id, tracking_last_hash = e.hash
                     FROM order_tracking_event e
                    WHERE e.order_id = so.id
                      AND so.id BETWEEN %(first_order)s AND %(first_order)s + %(count)s - 1""",
                params,
            )
        cr.execute("ANALYZE sale_order")
        cr.execute("ANALYZE order_tracking_event")
        if due:
            self.due_ids = list(range(first_order, first_order + due))
        self.seeded = total
        self.env.invalidate_all()

    def _reserve(self, sequence, count):
        """The first of ``count`` ids taken from ``sequence`` in one go."""
        self.cr.execute("SELECT nextval(%s)", [sequence])
        first = self.cr.fetchone()[0]
        self.cr.execute("SELECT setval(%s, %s)", [sequence, first + count - 1])
        return first

    def _skip_foreign_key_checks(self):
        """Bulk inserts copy rows that are valid by construction: skip the
        per-row foreign key checks while seeding when the database role may
        (PostgreSQL superuser), which makes a million rows minutes faster."""
        try:
            with self.cr.savepoint(flush=False):
                self.cr.execute("SET LOCAL session_replication_role = replica")
        except Exception:  # not a superuser: the checks run, only slower
            return False
        return True

    def reset_alerts(self):
        """Remove what the raise pass created, so that the same orders are due again."""
        self.cr.execute("DELETE FROM order_alert WHERE rule_id = %s", [self.rule.id])
        self.cr.execute(
            "DELETE FROM mail_activity WHERE res_model = 'sale.order' AND res_id = ANY(%s)",
            [self.due_ids],
        )
        self.env.invalidate_all()

    # -- the passes --

    def timed(self, func):
        """(seconds, queries, result) of ``func()`` with an empty cache, flushed;
        the seconds on the benchmark clock (benchlib.Clock), the wall-clock
        seconds kept in ``self.walls``."""
        self.env.flush_all()
        self.env.invalidate_all()
        clock = self.clock
        queries, start, wall = self.cr.sql_log_count, clock(), clock.wall()
        result = func()
        self.env.flush_all()
        self.walls.append(clock.wall() - wall)
        return clock() - start, self.cr.sql_log_count - queries, result

    def scan(self):
        return self.timed(lambda: self.env["order.alert.rule"].run_scan())

    def ours(self, due_runs=3, idle_runs=5):
        due = []
        queries = 0
        for run in range(due_runs):
            if run:
                self.reset_alerts()
            seconds, queries, raised = self.scan()
            if raised != self.due:
                raise RuntimeError(f"the raise pass raised {raised} alerts, {self.due} expected")
            due.append(seconds)
        idle = []
        for _run in range(idle_runs):
            seconds, idle_queries, raised = self.scan()
            if raised:
                raise RuntimeError(f"the idle pass raised {raised} alerts")
            idle.append(seconds)
        return benchlib.median(due), benchlib.median(idle), queries, idle_queries

    def anchor_pass(self, last_run):
        from odoo import fields

        self.anchor.last_run = last_run
        processed = []
        Automation = type(self.env["base.automation"])
        origin = Automation._process

        def count(automation, records, domain_post=None):
            processed.append(len(records))
            return origin(automation, records, domain_post)

        Automation._process = count
        try:
            seconds, queries, _result = self.timed(
                lambda: self.env["base.automation"].with_context(tz="UTC")._check()
            )
        finally:
            Automation._process = origin
        self.anchor.last_run = fields.Datetime.now()
        return seconds, sum(processed)

    def anchor_runs(self, runs=3):
        from dateutil.relativedelta import relativedelta

        from odoo import fields

        due, idle = [], []
        for _run in range(runs):
            seconds, processed = self.anchor_pass(fields.Datetime.now() - relativedelta(days=40))
            if processed != self.due:
                raise RuntimeError(f"the anchor acted on {processed} orders, {self.due} expected")
            due.append(seconds)
            seconds, processed = self.anchor_pass(fields.Datetime.now())
            if processed:
                raise RuntimeError(f"the anchor's idle pass acted on {processed} orders")
            idle.append(seconds)
        return benchlib.median(due), benchlib.median(idle)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", required=True)
    parser.add_argument("--sizes", default="10000,100000,1000000", help="open orders, growing")
    parser.add_argument("--anchor-size", type=int, default=100000)
    parser.add_argument("--due", type=int, default=1000)
    parser.add_argument("--addons-path", default=None)
    args = parser.parse_args(argv)
    sizes = sorted(int(size) for size in args.sizes.split(","))
    anchor_size = args.anchor_size if args.anchor_size in sizes else sizes[len(sizes) // 2]

    benchlib.start_odoo(args.addons_path)
    registry = benchlib.registry(args.db)
    results = {}
    with registry.cursor() as cr:
        env = benchlib.environment(cr, {"tracking_disable": True})
        for model in ("order.alert.rule", "base.automation"):
            if model not in env:
                print(f"{model} is not installed in {args.db}")
                return 2
        bench = Bench(env, args.due)
        bench.create_rules()
        for size in sizes:
            bench.seed(size)
            bench.reset_alerts()
            bench.walls = []
            due_s, idle_s, queries, idle_queries = bench.ours()
            results[size] = {"due": due_s, "idle": idle_s, "queries": queries}
            benchlib.progress(
                f"PERF-2: {size} open orders: raise pass {due_s:.3f} s ({queries} queries), "
                f"idle pass {idle_s:.3f} s ({idle_queries} queries); {bench.clock.kind} time, "
                f"wall clock {benchlib.median(bench.walls[:3]):.3f} s / "
                f"{benchlib.median(bench.walls[3:]):.3f} s"
            )
            if size == anchor_size:
                benchlib.progress(f"PERF-2: the anchor (base_automation) over {size} open orders")
                bench.walls = []
                anchor_due, anchor_idle = bench.anchor_runs()
                results[size].update(anchor_due=anchor_due, anchor_idle=anchor_idle)
                benchlib.progress(
                    f"PERF-2: anchor: acting pass {anchor_due:.3f} s, idle pass "
                    f"{anchor_idle:.3f} s; wall clock {benchlib.median(bench.walls[0::2]):.3f} s / "
                    f"{benchlib.median(bench.walls[1::2]):.3f} s"
                )
        cr.rollback()

    main_result = results[anchor_size]
    report = benchlib.Report()
    report.result(
        f"PERF-2 alerts open_orders={anchor_size} due={args.due} "
        f"due_scan_s={main_result['due']:.3f} idle_scan_s={main_result['idle']:.3f} "
        f"queries={main_result['queries']} anchor_idle_s={main_result['anchor_idle']:.3f} "
        f"anchor_due_s={main_result['anchor_due']:.3f}"
    )
    report.result(
        "PERF-2 growth open_orders={} idle_scan_s={} due_scan_s={}".format(
            ",".join(str(size) for size in sizes),
            ",".join(f"{results[size]['idle']:.3f}" for size in sizes),
            ",".join(f"{results[size]['due']:.3f}" for size in sizes),
        )
    )
    report.budget(
        "PERF-2 due scan",
        main_result["due"] < DUE_BUDGET_S,
        f"{main_result['due']:.3f} s < {DUE_BUDGET_S} s ({args.due} alerts raised)",
    )
    report.budget(
        "PERF-2 idle scan",
        main_result["idle"] < IDLE_BUDGET_S,
        f"{main_result['idle']:.3f} s < {IDLE_BUDGET_S} s",
    )
    factor = main_result["anchor_idle"] / max(main_result["idle"], 1e-6)
    report.budget(
        "PERF-2 against the anchor",
        factor >= ANCHOR_FACTOR,
        f"idle pass {factor:.0f}x faster than base_automation's (>= {ANCHOR_FACTOR}x)",
    )
    smallest = results[sizes[0]]
    for key in ("idle", "due"):
        limit = FLAT_FACTOR * smallest[key] + FLAT_SLACK_S
        worst = max(results[size][key] for size in sizes)
        report.budget(
            f"PERF-2 growth ({key})",
            worst <= limit,
            f"{key} pass {sizes[0]}..{sizes[-1]} open orders: at most {worst:.3f} s "
            f"<= {FLAT_FACTOR:g}x {smallest[key]:.3f} s + {FLAT_SLACK_S} s",
        )
    return report.finish()


if __name__ == "__main__":
    benchlib.run(main)
