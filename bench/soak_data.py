"""REL-5 soak run, the database side: the company, people, products and rules
the clients work with (``prepare``), and the checks after the run (``check``).
Both run in the soak driver's own process through Odoo's ORM (bench/soak.py)."""

from collections import defaultdict

from odoo import Command, fields

PASSWORD_SUFFIX = "-soak-pw"
# (login, name, groups): who works in the soak company
PEOPLE = [
    *[
        (f"soak_sales{n}", f"Salesperson {n} 销售{n}", ["sales_team.group_sale_salesman"])
        for n in (1, 2, 3)
    ],
    *[
        (f"soak_approver{n}", f"Approver {n} 审批{n}", ["sales_team.group_sale_salesman_all_leads"])
        for n in (1, 2)
    ],
    *[(f"soak_wh{n}", f"Warehouse {n} 仓库{n}", ["stock.group_stock_user"]) for n in (1, 2)],
    ("soak_stock", "Stock Manager 仓库主管", ["stock.group_stock_manager"]),
    (
        "soak_finance",
        "Finance 财务",
        ["sales_team.group_sale_salesman_all_leads", "account.group_account_invoice"],
    ),
    (
        "soak_alerts",
        "Alert Desk 预警",
        ["sales_team.group_sale_manager", "order_tracking.order_tracking_group_user"],
    ),
]
# untaxed amounts from which an approval is needed, and from which two approvers co-sign
APPROVAL_FROM = 5000.0
COSIGN_FROM = 20000.0


def password(login):
    return login + PASSWORD_SUFFIX


def prepare(env, receiver_url):
    """Set the soak company up; returns {login: uid} and the ids the clients need."""
    company = env.company
    # a 24/7 calendar: SLA clocks of a few seconds run whatever the hour
    calendar = env["resource.calendar"].create(
        {
            "name": "Soak 24/7",
            "tz": "UTC",
            "attendance_ids": [Command.clear()]
            + [
                Command.create(
                    {
                        "name": f"Day {day}",
                        "dayofweek": str(day),
                        "hour_from": 0.0,
                        "hour_to": 24.0,
                        "day_period": "morning",
                    }
                )
                for day in range(7)
            ],
        }
    )
    company.resource_calendar_id = calendar
    warehouse = env["stock.warehouse"].search([("company_id", "=", company.id)], limit=1)
    warehouse.delivery_steps = "pick_ship"  # the warehouse validates in two steps
    (warehouse.pick_type_id | warehouse.out_type_id).write({"create_backorder": "always"})
    users = {}
    for login, name, groups in PEOPLE:
        users[login] = (
            env["res.users"]
            .with_context(no_reset_password=True)
            .create(
                {
                    "login": login,
                    "name": name,
                    "password": password(login),
                    "email": f"{login}@soak.example",
                    "groups_id": [Command.set([env.ref(g).id for g in groups])],
                }
            )
        )
    env.ref("order_approval_rules.order_approval_rules_group_user").users = [
        Command.link(users[f"soak_sales{n}"].id) for n in (1, 2, 3)
    ]
    approvers = users["soak_approver1"] | users["soak_approver2"]
    products = env["product.product"].create(
        [
            {
                "name": name,
                "type": "consu",
                "is_storable": True,
                "invoice_policy": "order",
                "list_price": price,
                "standard_price": price / 2,
            }
            for name, price in (
                ("Steel Bracket 钢支架", 1200.0),
                ("Copper Fitting 铜接头", 2500.0),
                ("Pump Housing 泵壳", 7000.0),
            )
        ]
    )
    for product in products:
        env["stock.quant"]._update_available_quantity(product, warehouse.lot_stock_id, 1000000)
    customers = env["res.partner"].create(
        [
            {"name": f"Customer {n} 客户{n}", "email": f"buyer{n}@customer.example"}
            for n in range(1, 7)
        ]
    )
    env["order.approval.rule"].search([]).write({"active": False})
    env["order.approval.rule"].create(
        [
            {
                "name": "From 5,000: one approver",
                "min_amount": APPROVAL_FROM,
                "level": 1,
                "approver_type": "users",
                "user_ids": [Command.set(approvers.ids)],
                "mode": "any",
            },
            {
                "name": "From 20,000: both approvers co-sign",
                "min_amount": COSIGN_FROM,
                "level": 2,
                "approver_type": "users",
                "user_ids": [Command.set(approvers.ids)],
                "mode": "all",
            },
        ]
    )
    Stage = env["order.tracking.stage"]
    env["order.alert.rule"].with_context(active_test=False).search([]).write({"active": False})
    rules = env["order.alert.rule"].create(
        [
            {
                "name": "Ready over 36 s",
                "kind": "stage_sla",
                "stage_id": Stage._get_by_code("ready", company).id,
                "hours": 0.01,
                "warning_ratio": 0.5,
                "escalation_hours": 0.01,
                "escalation_max": 2,
                "responsible_type": "salesperson",
                "webhook_url": receiver_url,
                "webhook_retries": 8,
            },
            {
                "name": "Approval over 18 s",
                "kind": "approval_overdue",
                "hours": 0.005,
                "warning_ratio": 0.0,
                "responsible_type": "salesperson",
                "webhook_url": receiver_url,
                "webhook_retries": 8,
            },
            {
                "name": "Shipped, not signed for, over 72 s",
                "kind": "stage_sla",
                "stage_id": Stage._get_by_code("shipped", company).id,
                "hours": 0.02,
                "responsible_type": "salesperson",
                "action_post": True,
            },
        ]
    )
    # a rule broken since "an upgrade" (its filter names a field removed since):
    # the cron must mark it and go on with the others
    broken = env["order.alert.rule"].create(
        {
            "name": "Broken since an upgrade",
            "sequence": 1,
            "kind": "stage_sla",
            "stage_id": Stage._get_by_code("to_ship", company).id,
            "hours": 0.01,
            "responsible_type": "salesperson",
        }
    )
    env.cr.execute(
        "UPDATE order_alert_rule SET domain = %s WHERE id = %s",
        ["[('x_removed_field', '=', 1)]", broken.id],
    )
    # the scheduled actions run every minute during the soak
    for xmlid in (
        "order_alerts.order_alert_rule_cron_scan",
        "order_alerts.order_alert_webhook_log_cron_retry",
        "order_tracking.ir_cron_send_notifications",
        "order_approval_rules.ir_cron_order_approval_escalate",
    ):
        env.ref(xmlid).write(
            {"interval_number": 1, "interval_type": "minutes", "nextcall": fields.Datetime.now()}
        )
    env["ir.config_parameter"].set_param("order_alerts.webhook_timeout", "2")
    return {
        "uids": {login: user.id for login, user in users.items()},
        "products": [(p.id, p.list_price) for p in products],
        "customers": customers.ids,
        "alert_rules": rules.ids,
        "broken_rule": broken.id,
        "webhook_rules": rules.filtered("webhook_url").ids,
    }


def _events_continuous(events, stage_id):
    """The history of one order is one unbroken walk ending in its node:
    every event is a real change, continuing where the previous one ended."""
    previous = None
    for event in events:
        if event["from"] != previous or event["from"] == event["to"]:
            return False
        previous = event["to"]
    return previous == stage_id


def check(env, acked, receiver, broken_rule):
    """Everything the run left, checked; returns a dict of figures."""
    cr = env.cr
    env.flush_all()
    orders = env["sale.order"].search([("client_order_ref", "like", "SOAK-%")])
    figures = {"orders_in_db": len(orders)}
    refs = orders.mapped("client_order_ref")
    figures["orders_duplicated"] = len(refs) - len(set(refs))
    # hash chains
    broken = env["order.tracking.event"].sudo()._verify_order_chains(orders.ids)
    figures["chains_ok"] = sum(1 for oid in orders.ids if not broken[oid])
    # history events == node changes
    cr.execute(
        "SELECT order_id, from_stage_id, to_stage_id FROM order_tracking_event "
        "WHERE order_id = ANY(%s) ORDER BY order_id, id",
        [orders.ids],
    )
    events = defaultdict(list)
    for order_id, from_id, to_id in cr.fetchall():
        events[order_id].append({"from": from_id, "to": to_id})
    stored = {
        o.id: (
            o.tracking_stage_id.id,
            o.tracking_fulfilment,
            o.tracking_billing,
            o.tracking_payment,
            o.approval_state,
        )
        for o in orders
    }
    figures["events"] = sum(len(v) for v in events.values())
    figures["history_ok"] = sum(
        1 for o in orders if _events_continuous(events[o.id], stored[o.id][0])
    )
    # the node recomputed from the facts (in this transaction, rolled back)
    names = [
        "tracking_fulfilment",
        "tracking_billing",
        "tracking_payment",
        "approval_state",
        "tracking_stage_id",
    ]
    for name in names:
        env.add_to_compute(orders._fields[name], orders)
    node_ok = 0
    mismatches = []
    for order in orders:
        now = (
            order.tracking_stage_id.id,
            order.tracking_fulfilment,
            order.tracking_billing,
            order.tracking_payment,
            order.approval_state,
        )
        if now == stored[order.id]:
            node_ok += 1
        elif len(mismatches) < 5:
            mismatches.append((order.name, stored[order.id], now))
    figures["node_ok"] = node_ok
    figures["node_mismatches"] = mismatches
    cr.rollback()
    # alerts: unique per (rule, order, node entry, step), open or not
    cr.execute(
        """SELECT count(*) FROM (SELECT 1 FROM order_alert
            GROUP BY rule_id, order_id, stage_entry_key, step HAVING count(*) > 1) d"""
    )
    figures["alert_dups"] = cr.fetchone()[0]
    # Odoo's own bookkeeping: quants reserving what no move line holds (they
    # leave shipments waiting for goods that are there; not ours to repair)
    cr.execute(
        """SELECT count(*) FROM (
             SELECT r.product_id, r.location_id FROM (
               SELECT product_id, location_id, reserved_quantity AS reserved FROM stock_quant
                UNION ALL
               SELECT product_id, location_id, -quantity_product_uom FROM stock_move_line
                WHERE state NOT IN ('done', 'cancel')
             ) r JOIN stock_location l ON l.id = r.location_id AND l.usage = 'internal'
            GROUP BY r.product_id, r.location_id HAVING round(sum(r.reserved), 4) != 0) d"""
    )
    figures["reservations_adrift"] = cr.fetchone()[0]
    cr.execute("SELECT count(*), count(*) FILTER (WHERE state != 'resolved') FROM order_alert")
    figures["alerts"], figures["alerts_open"] = cr.fetchone()
    # webhooks: one message per alert of a webhook rule, delivered or queued
    cr.execute(
        """SELECT a.id, count(l.id), array_agg(l.state)
             FROM order_alert a JOIN order_alert_rule r ON r.id = a.rule_id
        LEFT JOIN order_alert_webhook_log l ON l.alert_id = a.id
            WHERE r.webhook_url IS NOT NULL
         GROUP BY a.id"""
    )
    states = defaultdict(int)
    figures["webhook_lost"] = figures["webhook_dup_msgs"] = 0
    for _alert_id, count, log_states in cr.fetchall():
        if count == 0:
            figures["webhook_lost"] += 1
        elif count > 1:
            figures["webhook_dup_msgs"] += 1
        for state in log_states:
            states[state or "none"] += 1
    figures["webhooks"] = dict(states)
    cr.execute("SELECT alert_id FROM order_alert_webhook_log WHERE state = 'sent'")
    sent = {row[0] for row in cr.fetchall()}
    received = receiver.delivered()
    figures["webhook_sent_not_received"] = len(sent - set(received))
    figures["webhook_received_twice"] = sum(1 for n in received.values() if n > 1)
    # what a client was told was done is done
    figures["acked_lost"] = _acked_lost(env, acked)
    # no order confirmed without the approvals its amount needs
    cr.execute(
        """SELECT count(*) FROM sale_order
            WHERE client_order_ref LIKE 'SOAK-%%' AND state = 'sale'
              AND amount_untaxed >= %s AND approval_state IS DISTINCT FROM 'approved'""",
        [APPROVAL_FROM],
    )
    figures["confirmed_unapproved"] = cr.fetchone()[0]
    cr.execute(
        """SELECT count(*) FROM order_approval_request r JOIN sale_order so ON so.id = r.order_id
            WHERE r.state = 'approved' AND NOT r.auto
              AND (r.decided_by_id = so.user_id OR r.decided_by_id IS NULL)"""
    )
    figures["self_approved"] = cr.fetchone()[0]
    figures["done"] = len(orders.filtered(lambda o: o.tracking_stage_code == "done"))
    cr.execute("SELECT id FROM order_alert_rule WHERE scan_error IS NOT NULL")
    in_error = {row[0] for row in cr.fetchall()}
    figures["broken_rule_marked"] = broken_rule in in_error
    figures["rules_in_error"] = len(in_error - {broken_rule})
    return figures


def _acked_lost(env, acked):
    """Steps a client got a success for, not found in the database."""
    lost = []
    for kind, record_id in acked:
        if kind == "validate":
            ok = env["stock.picking"].browse(record_id).state == "done"
        elif kind == "sign":
            ok = bool(env["sale.order"].browse(record_id).signed_at)
        elif kind == "post":
            ok = env["account.move"].browse(record_id).state == "posted"
        elif kind == "pay":
            ok = env["account.move"].browse(record_id).payment_state in ("paid", "in_payment")
        elif kind == "approve":
            order_id, uid = record_id
            ok = bool(
                env["order.approval.decision"].search_count(
                    [("order_id", "=", order_id), ("user_id", "=", uid)]
                )
            )
        else:
            ok = True
        if not ok:
            lost.append((kind, record_id))
    return lost
