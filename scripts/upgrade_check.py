"""Steps of scripts/upgrade_check.sh, each in one transaction on its database:

    upgrade_check.py CONF DB scan            the alert scan, committed (before the snapshot)
    upgrade_check.py CONF DB snapshot NAME   what users see, and the schema, to NAME.json
    upgrade_check.py CONF DB compare A B     what users see in B equals A's
    upgrade_check.py CONF DB schema A B      B's schema equals A's (nothing left, nothing missing)

What users see: every order's node, the number of events of its history and whether it
verifies, the alerts, the approval requests, the KPIs of the last two years (the figures
that depend on the moment, such as "at risk", left out). Exit code 1 with the
differences printed when a check fails."""

import importlib.util
import json
import os
import sys
from datetime import timedelta

import odoo
from odoo import api, fields
from odoo.modules.registry import Registry

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(os.path.dirname(HERE), ".test-logs", "upgrade")
# the schema queries of REL-4 (scripts/rel4_check.py)
_spec = importlib.util.spec_from_file_location("rel4_check", os.path.join(HERE, "rel4_check.py"))
rel4 = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(rel4)
# what a fresh install and an upgraded database must have alike (data rows such as XML
# ids and parameters differ with demo data)
SCHEMA_KEYS = (
    "tables",
    "columns",
    "triggers",
    "functions",
    "indexes",
    "constraints",
    "crons",
    "models",
    "fields",
    "views",
)
# KPIs that read the clock (open orders whose promised day is ahead or at risk now)
MOMENT_KPIS = {"overdue", "at_risk", "open_ahead", "otd_forecast", "missed", "date_from", "date_to"}


def fetch(cr, query):
    cr.execute(query)
    return [list(row) for row in cr.fetchall()]


def snapshot(env, name):
    orders = env["sale.order"].with_context(active_test=False).search([], order="id")
    verified = orders.verify_tracking_history()
    seen = {
        "nodes": {str(o.id): o.tracking_stage_code for o in orders},
        "events": {str(o.id): len(o.tracking_event_ids) for o in orders},
        "verified": {str(r["order_id"]): r["ok"] for r in verified},
        "alerts": sorted(
            fetch(env.cr, "SELECT rule_id, order_id, step, state FROM order_alert")
        ),
        "approvals": sorted(
            fetch(env.cr, "SELECT order_id, level, state FROM order_approval_request")
        ),
    }
    today = fields.Date.context_today(env.user)
    kpis = env["order.kpi.report"].get_kpis(
        fields.Date.to_string(today - timedelta(days=730)), fields.Date.to_string(today)
    )
    seen["kpis"] = {key: value for key, value in kpis.items() if key not in MOMENT_KPIS}
    schema = {
        key: sorted({row[0] for row in fetch(env.cr, rel4.SCHEMA[key])}) for key in SCHEMA_KEYS
    }
    os.makedirs(OUT, exist_ok=True)
    with open(os.path.join(OUT, f"{name}.json"), "w") as out:
        json.dump({"seen": seen, "schema": schema}, out, default=str, sort_keys=True)
    nodes = sorted(set(seen["nodes"].values()))
    print(
        f"snapshot {name}: {len(orders)} orders in {len(nodes)} nodes, "
        f"{sum(seen['events'].values())} events, {len(seen['alerts'])} alerts, "
        f"{len(seen['approvals'])} approval requests"
    )


def load(name):
    with open(os.path.join(OUT, f"{name}.json")) as source:
        return json.load(source)


def _same(a, b):
    """Equal, floats to 1e-6 (a mean summed in another order), through dicts and lists."""
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, float) or isinstance(b, float):
        return isinstance(a, int | float) and isinstance(b, int | float) and abs(a - b) < 1e-6
    return a == b


def compare(before, after):
    a, b = load(before)["seen"], load(after)["seen"]
    bad = []
    for key in ("nodes", "events"):
        changed = {k: (a[key].get(k), b[key].get(k)) for k in a[key] | b[key]}
        changed = {k: v for k, v in changed.items() if v[0] != v[1]}
        if changed:
            bad.append(f"{key} of {len(changed)} orders changed, e.g. {sorted(changed.items())[:5]}")
    broken = sorted(k for k, ok in b["verified"].items() if not ok)
    if broken:
        bad.append(f"{len(broken)} histories no longer verify, e.g. orders {broken[:5]}")
    for key in ("alerts", "approvals"):
        if a[key] != b[key]:
            bad.append(f"{key} changed: {len(a[key])} -> {len(b[key])}")
    changed = {
        key: (a["kpis"].get(key), b["kpis"].get(key))
        for key in a["kpis"]
        if not _same(a["kpis"].get(key), b["kpis"].get(key))
    }
    if changed:
        bad.append(f"KPIs changed: {changed}")
    return bad


def schema(expected, actual):
    a, b = load(expected)["schema"], load(actual)["schema"]
    bad = []
    for key in SCHEMA_KEYS:
        left, missing = sorted(set(b[key]) - set(a[key])), sorted(set(a[key]) - set(b[key]))
        if left:
            bad.append(f"{key} left behind by the upgrade: {left[:20]}")
        if missing:
            bad.append(f"{key} missing after the upgrade: {missing[:20]}")
    return bad


def main():
    conf, db, action, *args = sys.argv[1:]
    if action in ("compare", "schema"):
        problems = compare(*args) if action == "compare" else schema(*args)
    else:
        odoo.tools.config.parse_config(["-c", conf, "-d", db, "--log-level=warn"])
        registry = Registry(db)
        problems = []
        with registry.cursor() as cr:
            env = api.Environment(cr, odoo.SUPERUSER_ID, {})
            if action == "scan":
                raised = env["order.alert.rule"].run_scan()
                print(f"scan: {raised} alerts raised")
            elif action == "snapshot":
                snapshot(env, args[0])
            else:
                raise SystemExit(f"unknown action {action}")
    for problem in problems:
        print(f"UPGRADE-CHECK FAILED: {action} {' '.join(args)}: {problem}")
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()
