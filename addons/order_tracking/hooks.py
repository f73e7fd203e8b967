import logging
from collections import defaultdict

from odoo import fields
from odoo.tools import SQL

from .demo.generator import TrackingDemo
from .tools import history, nodes, sla

_logger = logging.getLogger(__name__)

BATCH_SIZE = 500


def post_init_hook(env):
    """Back-fill the status history of orders that existed before install;
    with demo data, then play a few weeks of a living company
    (demo/generator.py: demo data generated outside the models)."""
    backfill_existing_orders(env)
    if installed_with_demo(env, "order_tracking"):
        TrackingDemo(env)._generate()


def installed_with_demo(env, module):
    """Whether ``module`` is being installed with its demo data (Odoo has
    loaded its demo files, or would have, before the post-install hook)."""
    env.cr.execute(SQL("SELECT demo FROM ir_module_module WHERE name = %s", module))
    row = env.cr.fetchone()
    return bool(row and row[0])


def backfill_existing_orders(env):
    """The status history of the orders that existed before install."""
    orders = (
        env["sale.order"]
        .with_context(active_test=False)
        .search([("tracking_last_event_id", "=", False)], order="id")
    )
    total = len(orders)
    if not total:
        return
    # the nodes were computed before the node records were loaded: now again,
    # without writing history, which is rebuilt below
    with history.suppressed(env):
        for fname in ("tracking_stage_id", "tracking_stage_code"):
            env.add_to_compute(orders._fields[fname], orders)
            env.flush_all()
    _logger.info("order_tracking: reconstructing the history of %s existing orders", total)
    for start in range(0, total, BATCH_SIZE):
        batch = orders[start : start + BATCH_SIZE]
        backfill_history(batch)
        batch._tracking_record_initial_promises_backfill()
        env.flush_all()
        env.invalidate_all()
        _logger.info(
            "order_tracking: history reconstructed for %s / %s orders",
            min(start + BATCH_SIZE, total),
            total,
        )


def _chatter_dates(env, model, ids):
    """{record id: (first message date, last change of ``state`` date)} from the
    chatter: message dates are business time (the Python clock of the moment),
    unlike ``create_date`` / ``write_date``, which PostgreSQL's clock writes."""
    dates = defaultdict(lambda: (None, None))
    if not ids:
        return dates
    env.cr.execute(
        SQL(
            """SELECT m.res_id, MIN(m.date),
                      MAX(m.date) FILTER (WHERE f.name = 'state')
                 FROM mail_message m
            LEFT JOIN mail_tracking_value v ON v.mail_message_id = m.id
            LEFT JOIN ir_model_fields f ON f.id = v.field_id
                WHERE m.model = %s AND m.res_id IN %s
             GROUP BY m.res_id""",
            model,
            tuple(ids),
        )
    )
    for res_id, first, last_state in env.cr.fetchall():
        dates[res_id] = (first, last_state)
    return dates


def _milestone_dates(order, nodes, chatter):
    """(date, code, source) facts of one order: each node's back-fill
    (``_tracking_nodes()``), from its documents and its chatter; never
    ``create_date`` / ``write_date`` (another clock)."""
    facts = []
    for node in nodes:
        reached = node.backfill(order, chatter) if node.backfill else None
        if reached and reached[0]:
            date, record = reached
            facts.append((date, node.code, order._tracking_source_of(record)))
    return facts


def backfill_history(orders):
    """Write reconstructed events, oldest first, ending at the current node."""
    Stage = orders.env["order.tracking.stage"]
    note = orders.env._("Reconstructed at installation from the order's documents.")
    vals_list = []
    invoices = orders._tracking_customer_invoices()
    chatter = nodes.Chatter(
        {
            "sale.order": _chatter_dates(orders.env, "sale.order", orders.ids),
            "account.move": _chatter_dates(orders.env, "account.move", invoices.ids),
        }
    )
    node_list = orders._tracking_nodes()
    for order in orders:
        stages = Stage._get_company_stages(order.company_id)
        by_code = {stage.code: stage for stage in stages}
        rank = {stage.code: index for index, stage in enumerate(stages)}
        current = order.tracking_stage_id
        facts = [
            fact
            for fact in _milestone_dates(order, node_list, chatter)
            if fact[1] in by_code
            and fact[0]
            and (current.code == "cancelled" or rank[fact[1]] <= rank.get(current.code, 0))
        ]
        facts.sort(key=lambda fact: (fact[0], rank[fact[1]]))
        if not facts or facts[-1][1] != current.code:
            # Done follows from the last fact; any other node has no known date
            reached = facts[-1][0] if facts and current.code == "done" else fields.Datetime.now()
            facts.append((reached, current.code, (order._name, order.id, order.name)))
        calendar = order._tracking_calendar()
        previous_stage, previous_date = Stage, None
        for date, code, source in facts:
            stage = by_code.get(code, current)
            if stage == previous_stage:
                continue
            vals_list.append(
                {
                    "order_id": order.id,
                    "company_id": order.company_id.id,
                    "from_stage_id": previous_stage.id,
                    "to_stage_id": stage.id,
                    "from_code": previous_stage.code or False,
                    "to_code": stage.code,
                    "date": date,
                    "user_id": order.env.uid,
                    "source_model": source[0],
                    "source_id": source[1],
                    "source_name": source[2],
                    "note": note,
                    "backfilled": True,
                    "hours_in_previous": sla.wall_hours(previous_date, date),
                    "work_hours_in_previous": sla.work_hours(calendar, previous_date, date),
                    "deadline": sla.deadline(calendar, date, stage.sla_hours),
                }
            )
            previous_stage, previous_date = stage, date
    orders.env["order.tracking.event"].sudo().create(vals_list)


def uninstall_hook(env):
    """Sale orders stay; the history goes with the module — the only way it
    can go. Empty it first so that Odoo can delete the node records it points
    to, then drop the triggers and their functions."""
    env.cr.execute(SQL("SET LOCAL order_tracking.allow_history_write = 'on'"))
    env.cr.execute(
        SQL("UPDATE sale_order SET tracking_stage_id = NULL, tracking_last_event_id = NULL")
    )
    env.cr.execute(SQL("DELETE FROM order_tracking_event"))
    env.cr.execute(SQL("DROP FUNCTION IF EXISTS order_tracking_event_guard() CASCADE"))
    env.cr.execute(SQL("DROP FUNCTION IF EXISTS order_tracking_notification_enqueue() CASCADE"))
    drop_foreign_xmlids(env, "order_tracking")


def drop_foreign_xmlids(env, module):
    """Odoo 18 names the inheritance links, fields and selection values of a
    model after every module taking part in them (``mail.selection__<model>__
    activity_state__overdue``, ``mail_bot.model_inherit__<model>__mail_thread``…)
    and leaves the names of the other modules behind when the model goes with its
    own module: drop them with the models that only ``module`` defines."""
    env.cr.execute(
        SQL(
            """WITH ours AS (SELECT res_id AS id FROM ir_model_data WHERE model = 'ir.model'
                              GROUP BY res_id HAVING bool_and(module = %(module)s))
               DELETE FROM ir_model_data d
                WHERE d.module != %(module)s
                  AND ((d.model = 'ir.model.inherit' AND d.res_id IN (
                            SELECT id FROM ir_model_inherit
                             WHERE model_id IN (SELECT id FROM ours)))
                    OR (d.model = 'ir.model.fields' AND d.res_id IN (
                            SELECT id FROM ir_model_fields
                             WHERE model_id IN (SELECT id FROM ours)))
                    OR (d.model = 'ir.model.fields.selection' AND d.res_id IN (
                            SELECT s.id FROM ir_model_fields_selection s
                              JOIN ir_model_fields f ON f.id = s.field_id
                             WHERE f.model_id IN (SELECT id FROM ours))))""",
            module=module,
        )
    )
