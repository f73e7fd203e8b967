"""The PL/pgSQL functions that refresh the facts of given orders.

``order_kpi_refresh(ids)`` rebuilds the facts of the orders ``ids`` from the
same SQL text as the full rebuild (tools/facts.py, tools/detail_facts.py,
tools/customers.py); ``order_kpi_flush()`` refreshes the orders the current transaction marked,
``order_kpi_flush_stale()`` those finished transactions left marked, and
``order_kpi_dirty_flush()`` is the deferred trigger that calls the first at
commit. tools/schema.py creates them with the tables and the marks.
"""

from odoo.tools import SQL

from . import customers, detail_facts, facts

# advisory lock namespaces (pg_advisory_xact_lock(namespace, id))
LOCK_ORDERS = 1868655801
LOCK_CUSTOMERS = 1868655802
# above this many orders, one table lock instead of one lock per order
LOCK_BATCH = 500


def refresh_function(roles):
    """``order_kpi_refresh(ids)``: rebuild the facts of the orders ``ids``
    (``roles``: facts.node_roles)."""
    scope = facts.Scope.ids()
    body = SQL(
        """
DECLARE
    partners integer[];
    was_first boolean;
BEGIN
    IF ids IS NULL OR cardinality(ids) = 0 THEN
        RETURN 0;
    END IF;
    -- refreshers of the same orders wait for each other (ids sorted: no
    -- deadlock), then read what the other one committed
    IF cardinality(ids) > %(batch)s THEN
        LOCK TABLE order_kpi_report, order_kpi_stage_report, order_kpi_line_report
            IN SHARE ROW EXCLUSIVE MODE;
    ELSE
        PERFORM pg_advisory_xact_lock(%(lock_orders)s, i) FROM unnest(ids) AS i ORDER BY i;
    END IF;
    SELECT array_agg(DISTINCT f.partner_id), bool_or(f.first_order = 1)
      INTO partners, was_first
      FROM order_kpi_report f WHERE f.id = ANY(ids) AND f.partner_id IS NOT NULL;
    DELETE FROM order_kpi_report WHERE id = ANY(ids);
    DELETE FROM order_kpi_stage_report WHERE order_id = ANY(ids);
    DELETE FROM order_kpi_line_report WHERE order_id = ANY(ids);
    %(insert_orders)s;
    %(insert_stages)s;
    %(insert_lines)s;
    partners := COALESCE(partners, '{}'::integer[]) || COALESCE((
        SELECT array_agg(DISTINCT f.partner_id)
          FROM order_kpi_report f WHERE f.id = ANY(ids) AND f.partner_id IS NOT NULL
    ), '{}'::integer[]);
    IF cardinality(partners) <= %(batch)s THEN
        PERFORM pg_advisory_xact_lock(%(lock_customers)s, p)
           FROM (SELECT DISTINCT unnest(partners) AS p) AS x ORDER BY p;
    END IF;
    IF was_first OR %(first_among)s THEN
        -- the customer's first order may have changed: all its orders
        %(customers)s;
    ELSE
        %(customers_of_orders)s;
    END IF;
    RETURN cardinality(ids);
END
""",
        batch=SQL(str(LOCK_BATCH)),
        lock_orders=SQL(str(LOCK_ORDERS)),
        lock_customers=SQL(str(LOCK_CUSTOMERS)),
        insert_orders=facts.insert(
            "order_kpi_report", facts.ORDER_COLUMNS, facts.order_fact_select(scope, roles)
        ),
        insert_stages=facts.insert(
            "order_kpi_stage_report",
            detail_facts.STAGE_COLUMNS,
            detail_facts.stage_fact_select(scope),
        ),
        insert_lines=facts.insert(
            "order_kpi_line_report", detail_facts.LINE_COLUMNS, detail_facts.line_fact_select(scope)
        ),
        customers=customers.customer_pass(SQL("f.partner_id = ANY(partners)")),
        first_among=customers.customer_first_among(SQL("ids")),
        customers_of_orders=customers.customer_pass_of_orders(SQL("ids")),
    )
    # one plan per connection, reused: planning these statements again for
    # each call (PL/pgSQL's default for array parameters) costs ~7x the work
    return function(
        "order_kpi_refresh(ids integer[])",
        "integer",
        body,
        settings=SQL("SET plan_cache_mode = force_generic_plan"),
    )


def function(signature, returns, body, settings=None):
    assert not body.params, "function bodies are literal SQL"
    return SQL(
        "CREATE OR REPLACE FUNCTION %s RETURNS %s LANGUAGE plpgsql %s AS $kpi$%s$kpi$",
        SQL(signature),
        SQL(returns),
        settings or SQL(),
        body,
    )


FLUSH_FUNCTIONS = (
    # the orders this transaction touched
    function(
        "order_kpi_flush()",
        "integer",
        SQL(
            """
DECLARE
    x bigint := txid_current_if_assigned();
    ids integer[];
BEGIN
    IF x IS NULL THEN
        RETURN 0;
    END IF;
    WITH d AS (DELETE FROM order_kpi_dirty WHERE xid = x RETURNING order_id)
    SELECT array_agg(DISTINCT d.order_id ORDER BY d.order_id) INTO ids FROM d;
    RETURN order_kpi_refresh(ids);
END
"""
        ),
    ),
    # orders left marked by finished transactions (a refresh that failed)
    function(
        "order_kpi_flush_stale()",
        "integer",
        SQL(
            """
DECLARE
    ids integer[];
BEGIN
    WITH d AS (
        DELETE FROM order_kpi_dirty
         WHERE xid < txid_snapshot_xmin(txid_current_snapshot())
     RETURNING order_id
    )
    SELECT array_agg(DISTINCT d.order_id ORDER BY d.order_id) INTO ids FROM d;
    RETURN order_kpi_refresh(ids);
END
"""
        ),
    ),
    # the deferred trigger: at commit, once per transaction that did work
    function(
        "order_kpi_dirty_flush()",
        "trigger",
        SQL(
            """
BEGIN
    IF NOT EXISTS (SELECT 1 FROM order_kpi_dirty WHERE xid = NEW.xid) THEN
        RETURN NULL;
    END IF;
    BEGIN
        PERFORM order_kpi_flush();
    EXCEPTION WHEN OTHERS THEN
        RAISE WARNING USING MESSAGE =
            'order_kpi: KPI facts not refreshed at commit (' || SQLERRM
            || '); the scheduled action will refresh them';
    END;
    RETURN NULL;
END
"""
        ),
    ),
)
