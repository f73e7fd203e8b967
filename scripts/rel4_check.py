"""REL-4 steps run by scripts/rel4.sh on its database, each in one transaction:

    rel4_check.py CONF DB populate-plain   orders of plain Odoo in every state
    rel4_check.py CONF DB populate-nodes   orders in every status node (add-ons installed)
    rel4_check.py CONF DB snapshot NAME    sale data and schema to .test-logs/rel4/NAME.json
    rel4_check.py CONF DB compare-data A B sale data of snapshot B equal to A's
    rel4_check.py CONF DB orphans A B      schema objects in B that A did not have
    rel4_check.py CONF DB chains           every order's history verifies, ends in its node
    rel4_check.py CONF DB uninstall MODULE

Exit code 1 with the differences printed when a check fails."""

import json
import os
import sys

import odoo
from odoo import Command, api
from odoo.modules.registry import Registry

OUT = os.path.join(
    os.path.dirname(os.path.dirname(os.path.abspath(__file__))), ".test-logs", "rel4"
)

SALE_DATA = {
    "orders": """SELECT id, name, state, partner_id, amount_untaxed, amount_total,
                        invoice_status, date_order::text, commitment_date::text
                   FROM sale_order ORDER BY id""",
    "lines": """SELECT id, order_id, product_id, product_uom_qty, qty_delivered, qty_invoiced,
                       price_unit, price_total FROM sale_order_line ORDER BY id""",
    "pickings": "SELECT id, name, state, sale_id FROM stock_picking ORDER BY id",
    "moves": "SELECT id, picking_id, state, product_uom_qty, quantity FROM stock_move ORDER BY id",
    "invoices": """SELECT id, name, state, move_type, amount_total, payment_state
                     FROM account_move WHERE move_type IN ('out_invoice', 'out_refund')
                 ORDER BY id""",
    "payments": "SELECT id, amount, state FROM account_payment ORDER BY id",
}
SCHEMA = {
    "tables": """SELECT table_name FROM information_schema.tables
                  WHERE table_schema = 'public'""",
    "columns": """SELECT table_name || '.' || column_name FROM information_schema.columns
                   WHERE table_schema = 'public'""",
    "triggers": """SELECT tgname || ' ON ' || tgrelid::regclass::text FROM pg_trigger
                    WHERE NOT tgisinternal""",
    "functions": """SELECT p.proname FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
                     WHERE n.nspname = 'public'""",
    "indexes": "SELECT indexname FROM pg_indexes WHERE schemaname = 'public'",
    # a foreign key by what it is: PostgreSQL names the keys of a relation table in
    # the order the modules created them (…_fkey, …_fkey1), which differs between
    # an upgrade and a fresh install
    "constraints": """SELECT CASE WHEN c.contype = 'f' THEN pg_get_constraintdef(c.oid)
                                  ELSE c.conname END || ' ON ' || c.conrelid::regclass::text
                        FROM pg_constraint c
                        JOIN pg_namespace n ON n.oid = c.connamespace WHERE n.nspname = 'public'""",
    "crons": "SELECT cron_name FROM ir_cron",
    "models": "SELECT model FROM ir_model",
    "fields": "SELECT model || '.' || name FROM ir_model_fields",
    "views": "SELECT key FROM ir_ui_view WHERE key IS NOT NULL",
    "xmlids": "SELECT module || '.' || name FROM ir_model_data",
    "parameters": "SELECT key FROM ir_config_parameter",
    "sequences": "SELECT code FROM ir_sequence WHERE code IS NOT NULL",
}


def fetch(cr, query):
    cr.execute(query)
    return [list(row) for row in cr.fetchall()]


def snapshot(env, name):
    data = {key: fetch(env.cr, query) for key, query in SALE_DATA.items()}
    schema = {key: sorted({row[0] for row in fetch(env.cr, q)}) for key, q in SCHEMA.items()}
    os.makedirs(OUT, exist_ok=True)
    with open(os.path.join(OUT, f"{name}.json"), "w") as out:
        json.dump({"data": data, "schema": schema}, out, default=str)
    print(f"snapshot {name}: {len(data['orders'])} orders, {len(schema['tables'])} tables")


def load(name):
    with open(os.path.join(OUT, f"{name}.json")) as source:
        return json.load(source)


def compare_data(before, after):
    a, b = load(before)["data"], load(after)["data"]
    bad = []
    for key in SALE_DATA:
        rows_a = {json.dumps(row, default=str) for row in a[key]}
        rows_b = {json.dumps(row, default=str) for row in b[key]}
        if rows_a != rows_b:
            bad.append(
                f"{key}: {len(rows_a - rows_b)} rows changed or gone, e.g. "
                f"{sorted(rows_a - rows_b)[:2]} -> {sorted(rows_b - rows_a)[:2]}"
            )
    return bad


def orphans(before, after):
    a, b = load(before)["schema"], load(after)["schema"]
    return [
        f"{key}: {sorted(set(b[key]) - set(a[key]))[:20]}"
        for key in SCHEMA
        if set(b[key]) - set(a[key])
    ]


def chains(env):
    """Every order's chain verifies and its last event is its node."""
    orders = env["sale.order"].with_context(active_test=False).search([])
    broken = env["order.tracking.event"].sudo()._verify_order_chains(orders.ids)
    bad = [f"{o.name}: chain broken at event {broken[o.id]}" for o in orders if broken[o.id]]
    for order in orders:
        if order.tracking_last_event_id.to_stage_id != order.tracking_stage_id:
            bad.append(f"{order.name}: last event {order.tracking_last_event_id.to_code} != node")
    nodes = sorted(set(orders.mapped("tracking_stage_code")))
    print(f"chains: {len(orders)} orders, {len(orders.tracking_event_ids)} events; nodes {nodes}")
    return bad


def _builders(env):
    company = env.company
    warehouse = env["stock.warehouse"].search([("company_id", "=", company.id)], limit=1)
    customer = env["res.partner"].create({"name": "REL-4 Customer 客户", "email": "c@rel4.example"})
    product = env["product.product"].create(
        {
            "name": "REL-4 Bracket 支架",
            "type": "consu",
            "is_storable": True,
            "invoice_policy": "order",
            "list_price": 100.0,
        }
    )
    scarce = env["product.product"].create(
        {
            "name": "REL-4 Rare Part 稀缺件",
            "type": "consu",
            "is_storable": True,
            "invoice_policy": "order",
            "list_price": 100.0,
        }
    )
    env["stock.quant"]._update_available_quantity(product, warehouse.lot_stock_id, 1000)
    warehouse.out_type_id.create_backorder = "always"  # a partial delivery leaves a backorder

    def order(qty=4, item=product, price=None):
        line = {"product_id": item.id, "product_uom_qty": qty}
        if price:
            line["price_unit"] = price
        return env["sale.order"].create(
            {"partner_id": customer.id, "order_line": [Command.create(line)]}
        )

    def ship(sale, part=None):
        for picking in sale.picking_ids.filtered(lambda p: p.state == "assigned"):
            for move in picking.move_ids:
                move.quantity = part if part is not None else move.product_uom_qty
                move.picked = True
            picking.with_context(
                skip_backorder=part is None, cancel_backorder=False
            ).button_validate()

    def invoice(sale, pay=False):
        move = sale._create_invoices()
        move.action_post()
        if pay:
            env["account.payment.register"].with_context(
                active_model="account.move", active_ids=move.ids
            ).create({})._create_payments()

    return order, ship, invoice, scarce


def populate_plain(env):
    """Orders of plain Odoo (before the add-ons): quotation, confirmed,
    partly and fully delivered, invoiced and paid, cancelled."""
    order, ship, invoice, scarce = _builders(env)
    order()
    order().action_confirm()
    partial = order()
    partial.action_confirm()
    ship(partial, part=1)
    shipped = order()
    shipped.action_confirm()
    ship(shipped)
    paid = order()
    paid.action_confirm()
    ship(paid)
    invoice(paid, pay=True)
    cancelled = order()
    cancelled.action_cancel()
    order(item=scarce).action_confirm()


def populate_nodes(env):
    """With the add-ons: an order in every status node."""
    order, ship, invoice, scarce = _builders(env)
    env["order.approval.rule"].search([]).write({"active": False})
    approver = env.ref("base.user_admin")
    salesperson = env["res.users"].create(
        {
            "name": "REL-4 Sales 销售",
            "login": "rel4_sales",
            "groups_id": [Command.set([env.ref("sales_team.group_sale_salesman").id])],
        }
    )
    env["order.approval.rule"].create(
        {
            "name": "REL-4 from 50,000",
            "min_amount": 50000,
            "approver_type": "users",
            "user_ids": [Command.set(approver.ids)],
        }
    )
    order()  # draft
    big = order(price=100000)
    big.user_id = salesperson
    big.with_user(salesperson).action_request_approval()  # to_approve
    order(item=scarce).action_confirm()  # waiting_stock
    order().action_confirm()  # ready
    partial = order()
    partial.action_confirm()
    ship(partial, part=1)  # partially_shipped
    shipped = order()
    shipped.action_confirm()
    ship(shipped)  # shipped
    delivered = order()
    delivered.action_confirm()
    ship(delivered)
    delivered.action_confirm_receipt(signed_by="张三")  # delivered
    invoiced = order()
    invoiced.action_confirm()
    ship(invoiced)
    invoiced.action_confirm_receipt()
    invoice(invoiced)  # invoiced
    paid_early = order()
    paid_early.action_confirm()
    invoice(paid_early, pay=True)  # paid before delivery: ready, its payment recorded
    done = order()
    done.action_confirm()
    ship(done)
    done.action_confirm_receipt()
    invoice(done, pay=True)  # done
    order().action_cancel()  # cancelled
    env.flush_all()
    codes = set(env["sale.order"].search([]).mapped("tracking_stage_code"))
    # every node an order rests in ("paid" is left for "done" at once unless Done is
    # closed by hand; "to_ship" needs reservation left to a later date)
    wanted = {
        "draft",
        "to_approve",
        "waiting_stock",
        "ready",
        "partially_shipped",
        "shipped",
        "delivered",
        "invoiced",
        "done",
        "cancelled",
    }
    return [f"no order in node {code}" for code in sorted(wanted - codes)]


def uninstall(env, module):
    env["ir.module.module"].search([("name", "=", module)]).button_immediate_uninstall()


def main():
    conf, db, action, *args = sys.argv[1:]
    odoo.tools.config.parse_config(["-c", conf, "-d", db, "--log-level=warn"])
    registry = Registry(db)
    problems = []
    with registry.cursor() as cr:
        env = api.Environment(cr, odoo.SUPERUSER_ID, {"tracking_disable": True})
        if action == "populate-plain":
            populate_plain(env)
        elif action == "populate-nodes":
            problems = populate_nodes(env)
        elif action == "snapshot":
            snapshot(env, args[0])
        elif action == "compare-data":
            problems = compare_data(*args)
        elif action == "orphans":
            problems = orphans(*args)
        elif action == "chains":
            problems = chains(env)
        elif action == "uninstall":
            uninstall(env, args[0])
        else:
            raise SystemExit(f"unknown action {action}")
    for problem in problems:
        print(f"REL-4 FAILED: {action} {' '.join(args)}: {problem}")
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()
