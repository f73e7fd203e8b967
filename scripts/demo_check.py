# Runs inside `odoo shell` on a demo database (scripts/demo_check.sh): does the
# demo tell its story? Prints the figures and one verdict line, DEMO-CHECK ok
# or DEMO-CHECK FAILED: ... (the shell's exit code does not carry it).
# ruff: noqa: F821 - `env` is given by odoo shell
from datetime import timedelta

from odoo import fields

problems = []
Order = env["sale.order"]
nodes = {}
for group in Order.read_group([], ["tracking_stage_code"], ["tracking_stage_code"], lazy=False):
    nodes[group["tracking_stage_code"] or "none"] = group["__count"]
print("orders per node: " + ", ".join(f"{code}={count}" for code, count in sorted(nodes.items())))
expected = (
    "draft", "to_approve", "waiting_stock", "to_ship", "quality_check", "ready",
    "partially_shipped", "shipped", "delivered", "invoiced", "done", "cancelled",
)
# the bridges' nodes, when installed (production and purchasing)
stages = set(env["order.tracking.stage"].with_context(active_test=False).search([]).mapped("code"))
expected += tuple(c for c in ("purchasing", "production_planned", "in_production") if c in stages)
missing = [code for code in expected if not nodes.get(code)]
if missing:
    problems.append("no order at " + ", ".join(missing))

broken = [r for r in Order.search([]).verify_tracking_history() if not r["ok"]]
if broken:
    problems.append(f"{len(broken)} broken histories")

env["order.alert.rule"].run_scan()
alerts = env["order.alert"].search_count([("state", "=", "open")])
print(f"open alerts after a scan: {alerts}")
if not alerts:
    problems.append("no alert raised")

waiting = env["order.approval.request"].search_count([("state", "=", "pending")])
print(f"approvals waiting: {waiting}")
if not waiting:
    problems.append("no approval waiting")

today = fields.Date.context_today(env.user)
kpis = env["order.kpi.report"].get_kpis(
    fields.Date.to_string(today - timedelta(days=240)), fields.Date.to_string(today)
)
shown = {key: kpis.get(key) for key in ("orders", "otd_rate", "cycle_hours_median", "alerts")}
print(f"cockpit: {shown}")
if not kpis.get("orders"):
    problems.append("the cockpit counts no order")

# order_promise, when installed: a quotation promised later than Odoo's own date, and why
if "promise_ship_date" in Order._fields:
    quotes = Order.search([("state", "in", ("draft", "sent"))])
    later = quotes.filtered(
        lambda q: (
            q.promise_ship_date
            and q.expected_date
            and q.promise_ship_date > q.expected_date.date()
            and q.promise_why
        )
    )
    print(f"quotations promised later than Odoo's date: {len(later)}")
    for quote in later[:1]:
        print(
            f"  {quote.name}: Odoo {quote.expected_date.date()}, promise {quote.promise_ship_date}"
        )
        print("  why: " + quote.promise_why.replace("\n", " | "))
    if not later:
        problems.append("no quotation promised later than Odoo's own date")

print("DEMO-CHECK " + ("FAILED: " + "; ".join(problems) if problems else "ok"))
