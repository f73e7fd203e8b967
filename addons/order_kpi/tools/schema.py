"""The fact tables and the triggers that keep them current (the functions
they call: tools/refresh.py).

The facts are ordinary tables, not views: a view would aggregate a million
lines and events on every pivot read. They are kept current in the same
transaction as the documents they come from:

1. statement-level triggers on the source tables (orders, lines, pickings,
   status events, promises, alerts, approval requests) note the touched
   orders in ``order_kpi_dirty`` (one row per order and transaction); on
   orders, lines and pickings an UPDATE marks through a row-level trigger
   that PostgreSQL fires only when a column the facts read changed
   (``WATCHED_COLUMNS``);
2. a deferred constraint trigger on that table refreshes those orders'
   facts at commit, through ``order_kpi_refresh(ids)``;
3. a read in the same transaction refreshes them first
   (:meth:`order.kpi.report._kpi_flush`).

Whatever writes the documents — the ORM, a cron, raw SQL of another add-on
— the facts follow. A refresh that fails never blocks the business
transaction: it is logged and the order stays marked, for the scheduled
action that sweeps leftovers and rebuilds everything at night.
"""

import hashlib

from odoo.tools import SQL

from . import customers, detail_facts, facts
from .refresh import FLUSH_FUNCTIONS, function, refresh_function

DIRTY_TABLE = "order_kpi_dirty"
FACT_TABLES = ("order_kpi_report", "order_kpi_stage_report", "order_kpi_line_report")
# table -> column holding the sale order id
SOURCES = {
    "sale_order": "id",
    "sale_order_line": "order_id",
    "stock_picking": "sale_id",
    "order_tracking_event": "order_id",
    "order_tracking_promise": "order_id",
    "order_alert": "order_id",
    "order_approval_request": "order_id",
}
# the columns of a source table the facts are built from (tools/facts.py and
# tools/detail_facts.py, aliases so, l and p): an UPDATE that changes none of
# them (an invoice's or a payment's effect on the order: invoice_status,
# tracking_billing, tracking_payment, write_date) marks no order, so no
# refresh runs at commit. Tables not listed here mark every row an UPDATE
# touches. A test checks that every column they read is listed
# (tests/test_refresh.py).
WATCHED_COLUMNS = {
    "sale_order": (
        "name",
        "company_id",
        "currency_id",
        "currency_rate",
        "team_id",
        "user_id",
        "partner_id",
        "state",
        "date_order",
        "amount_untaxed",
        "signed_at",
        "tracking_stage_id",
        "tracking_stage_code",
        "tracking_fulfilment",
        "tracking_short",
        "tracking_deadline",
        "tracking_promise_original",
        "tracking_promise_latest",
        "approval_state",
        "approval_auto_approved",
    ),
    "sale_order_line": (
        "order_id",
        "display_type",
        "is_downpayment",
        "product_id",
        "product_uom",
        "product_uom_qty",
        "qty_delivered",
        "price_subtotal",
    ),
    "stock_picking": (
        "sale_id",
        "state",
        "date_done",
        "location_id",
        "location_dest_id",
        "delivery_exception",
    ),
}


def column_types(model):
    """(column, type) of the stored fields of ``model``, id first."""
    columns = [("id", "int4 PRIMARY KEY")]
    for name, field in model._fields.items():
        if name == "id" or not field.store or not field.column_type:
            continue
        columns.append((name, field.column_type[1]))
    return columns


def create_table(cr, model, indexes=()):
    """(Re)create ``model``'s fact table when its columns changed, and its
    ``indexes`` that are missing (one added by an upgrade).

    Returns True when the table was (re)created: its rows must be rebuilt.
    The rows are derived data, so a new definition simply starts empty."""
    columns = column_types(model)
    signature = ";".join(f"{name} {kind}" for name, kind in columns)
    cr.execute(
        SQL(
            "SELECT obj_description(to_regclass(%s), 'pg_class'), to_regclass(%s) IS NOT NULL",
            model._table,
            model._table,
        )
    )
    comment, exists = cr.fetchone()
    digest = hashlib.sha1(signature.encode()).hexdigest()
    table = SQL.identifier(model._table)
    created = not (exists and comment == digest)
    if created:
        cr.execute(SQL("DROP TABLE IF EXISTS %s", table))
        cr.execute(
            SQL(
                "CREATE TABLE %s (%s)",
                table,
                SQL(", ").join(
                    SQL("%s %s", SQL.identifier(name), SQL(kind)) for name, kind in columns
                ),
            )
        )
        cr.execute(SQL("COMMENT ON TABLE %s IS %s", table, digest))
    for index_name, definition in indexes:
        cr.execute(
            SQL(
                "CREATE INDEX IF NOT EXISTS %s ON %s %s",
                SQL.identifier(index_name),
                table,
                SQL(definition),
            )
        )
    return created


def mark_rows(rows, column):
    """The statement of a mark trigger: mark the orders ``column`` names in
    ``rows`` (an SQL source aliased ``r``), once per order and transaction."""
    return SQL(
        """
        INSERT INTO order_kpi_dirty (order_id, xid)
        SELECT DISTINCT r.%(col)s, x FROM %(rows)s
         WHERE r.%(col)s IS NOT NULL
           AND NOT EXISTS (SELECT 1 FROM order_kpi_dirty d
                            WHERE d.xid = x AND d.order_id = r.%(col)s);""",
        rows=rows,
        col=column,
    )


def mark_trigger_function(name, statements):
    """A trigger function running ``statements`` (SQL, with ``x`` the current
    transaction id) unless a bulk load switched the marks off."""
    body = SQL(
        """
DECLARE
    x bigint;
BEGIN
    IF current_setting('order_kpi.skip', true) = 'on' THEN
        RETURN NULL;
    END IF;
    x := txid_current();%s
    RETURN NULL;
END
""",
        statements,
    )
    return function(f"{name}()", "trigger", body)


def mark_function(table, column):
    """``order_kpi_mark_<table>()``, the statement-level trigger function:
    marks the orders of the rows inserted, deleted or (tables without
    watched columns) updated."""
    col = SQL.identifier(column)
    statements = SQL(
        """
    IF TG_OP = 'DELETE' THEN%s
    ELSE%s
    END IF;""",
        mark_rows(SQL("old_rows r"), col),
        mark_rows(SQL("new_rows r"), col),
    )
    return mark_trigger_function(f"order_kpi_mark_{table}", statements)


def mark_row_function(table, column):
    """``order_kpi_mark_row_<table>()``, the row-level UPDATE trigger function
    of a table with watched columns: marks the row's order, and its former
    order when the row moved (the trigger's WHEN clause already checked that
    a watched column changed)."""
    rows = SQL("(VALUES (NEW.%(col)s), (OLD.%(col)s)) AS r(order_id)", col=SQL.identifier(column))
    return mark_trigger_function(
        f"order_kpi_mark_row_{table}", mark_rows(rows, SQL.identifier("order_id"))
    )


def update_trigger(table, column):
    """The UPDATE trigger of ``table``. With watched columns, a row-level
    trigger that PostgreSQL fires only for an UPDATE that sets one of them
    (Odoo's flush sets the fields that changed) to a different value: most
    UPDATEs of an order's life cycle (invoicing, payment, the chatter) run
    no trigger function at all. Otherwise a statement-level one."""
    name = SQL.identifier(table)
    watched = WATCHED_COLUMNS.get(table)
    if not watched:
        return SQL(
            "CREATE TRIGGER order_kpi_mark_update AFTER UPDATE ON %s "
            "REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows "
            "FOR EACH STATEMENT EXECUTE FUNCTION %s",
            name,
            SQL(f"order_kpi_mark_{table}()"),
        )
    columns = [SQL.identifier(column) for column in watched]
    return SQL(
        "CREATE TRIGGER order_kpi_mark_update AFTER UPDATE OF %s ON %s FOR EACH ROW "
        "WHEN ((%s) IS DISTINCT FROM (%s)) EXECUTE FUNCTION %s",
        SQL(", ").join(columns),
        name,
        SQL(", ").join(SQL("OLD.%s", c) for c in columns),
        SQL(", ").join(SQL("NEW.%s", c) for c in columns),
        SQL(f"order_kpi_mark_row_{table}()"),
    )


def install(cr, roles):
    """Create or replace the dirty table, the functions and the triggers
    (``roles``: facts.node_roles of the node registry)."""
    cr.execute(
        SQL(
            """
CREATE TABLE IF NOT EXISTS order_kpi_dirty (order_id integer NOT NULL, xid bigint NOT NULL);
CREATE INDEX IF NOT EXISTS order_kpi_dirty_xid_idx ON order_kpi_dirty (xid, order_id);
"""
        )
    )
    cr.execute(refresh_function(roles))
    for statement in FLUSH_FUNCTIONS:
        cr.execute(statement)
    cr.execute(
        SQL(
            """
DROP TRIGGER IF EXISTS order_kpi_dirty_flush ON order_kpi_dirty;
CREATE CONSTRAINT TRIGGER order_kpi_dirty_flush AFTER INSERT ON order_kpi_dirty
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION order_kpi_dirty_flush();
"""
        )
    )
    for table, column in SOURCES.items():
        cr.execute(mark_function(table, column))
        if table in WATCHED_COLUMNS:
            cr.execute(mark_row_function(table, column))
        name = SQL.identifier(table)
        func = SQL(f"order_kpi_mark_{table}()")
        for event, transition in (
            ("insert", "NEW TABLE AS new_rows"),
            ("delete", "OLD TABLE AS old_rows"),
        ):
            trigger = SQL.identifier(f"order_kpi_mark_{event}")
            cr.execute(SQL("DROP TRIGGER IF EXISTS %s ON %s", trigger, name))
            cr.execute(
                SQL(
                    "CREATE TRIGGER %s AFTER %s ON %s REFERENCING %s "
                    "FOR EACH STATEMENT EXECUTE FUNCTION %s",
                    trigger,
                    SQL(event.upper()),
                    name,
                    SQL(transition),
                    func,
                )
            )
        cr.execute(SQL("DROP TRIGGER IF EXISTS order_kpi_mark_update ON %s", name))
        cr.execute(update_trigger(table, column))


def uninstall(cr):
    """Drop the triggers on the documents' tables, the functions and the
    dirty table (the fact tables go with their models)."""
    for table in SOURCES:
        for event in ("insert", "update", "delete"):
            cr.execute(
                SQL(
                    "DROP TRIGGER IF EXISTS %s ON %s",
                    SQL.identifier(f"order_kpi_mark_{event}"),
                    SQL.identifier(table),
                )
            )
        cr.execute(SQL("DROP FUNCTION IF EXISTS %s", SQL(f"order_kpi_mark_{table}()")))
        cr.execute(SQL("DROP FUNCTION IF EXISTS %s", SQL(f"order_kpi_mark_row_{table}()")))
    cr.execute(
        SQL(
            """
DROP TABLE IF EXISTS order_kpi_dirty;
DROP FUNCTION IF EXISTS order_kpi_dirty_flush();
DROP FUNCTION IF EXISTS order_kpi_flush();
DROP FUNCTION IF EXISTS order_kpi_flush_stale();
DROP FUNCTION IF EXISTS order_kpi_refresh(integer[]);
"""
        )
    )


def definition_digest(roles):
    """A fingerprint of the SQL the facts are built with: when it changes
    (an upgrade changed a formula, an add-on a node's role), the facts are
    rebuilt."""
    return hashlib.sha1(refresh_function(roles).code.encode()).hexdigest()


def rebuild(cr, roles, truncate=False):
    """Rebuild every fact from the documents, in one transaction.

    Readers keep seeing the previous facts until it commits; commit-time
    refreshes of other transactions wait for it, then apply on top."""
    everything = facts.Scope.everything()
    cr.execute(
        SQL(
            "LOCK TABLE order_kpi_report, order_kpi_stage_report, order_kpi_line_report "
            "IN SHARE ROW EXCLUSIVE MODE"
        )
    )
    cr.execute(
        SQL("DELETE FROM order_kpi_dirty WHERE xid < txid_snapshot_xmin(txid_current_snapshot())")
    )
    for table in FACT_TABLES:
        cr.execute(SQL("%s %s", SQL("TRUNCATE" if truncate else "DELETE FROM"), SQL(table)))
    cr.execute(
        facts.insert(
            "order_kpi_report", facts.ORDER_COLUMNS, facts.order_fact_select(everything, roles)
        )
    )
    orders = cr.rowcount
    cr.execute(
        facts.insert(
            "order_kpi_stage_report",
            detail_facts.STAGE_COLUMNS,
            detail_facts.stage_fact_select(everything),
        )
    )
    cr.execute(
        facts.insert(
            "order_kpi_line_report",
            detail_facts.LINE_COLUMNS,
            detail_facts.line_fact_select(everything),
        )
    )
    cr.execute(customers.customer_pass(SQL("TRUE")))
    for table in FACT_TABLES:
        cr.execute(SQL("ANALYZE %s", SQL(table)))
    return orders
