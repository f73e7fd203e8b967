"""The SQL that builds the KPI facts from the order's documents.

One text serves both ways the facts are built:

* the full rebuild (every order; at installation, by the nightly scheduled
  action that repairs drift, and by the benchmark), run from Python;
* the refresh of the orders a transaction touched, in the database function
  ``order_kpi_refresh(ids)`` generated from the same text, which a deferred
  trigger calls at commit and :meth:`order.kpi.report._kpi_flush` calls
  before a read.

A *scope* tells each sub-query which orders to read: ``Scope.everything()``
(no filter) or ``Scope.ids()`` (``= ANY($1)``, the function's argument).
The filter is written into every sub-query on its own order column, so that
PostgreSQL reads the touched orders' rows through the indexes instead of
aggregating whole tables.

The KPI-5 traps are handled here, each in one place:

* the delivery date is the *last* delivery to the customer of a fully
  delivered order (Odoo's ``effective_date`` is the first);
* the promise is the ledger's snapshot (``tracking_promise_original`` /
  ``tracking_promise_latest``), not ``commitment_date`` as it is now;
* amounts are converted to the company currency with the order's own rate;
* one row per order, whatever its number of lines;
* returns and changes count in the final state: what is delivered *now*,
  the lines *now*.
"""

import re

from odoo.tools import SQL


class Scope:
    """Which orders a statement reads."""

    def __init__(self, ids):
        self.by_ids = ids

    @classmethod
    def everything(cls):
        return cls(False)

    @classmethod
    def ids(cls):
        return cls(True)

    def __call__(self, alias, column):
        if not self.by_ids:
            return SQL("TRUE")
        return SQL("%s = ANY($1)", SQL.identifier(alias, column))


def local_date(column, tz="o.tz"):
    """The calendar day of a naive UTC ``column`` in the company's timezone."""
    return SQL("((%s AT TIME ZONE 'UTC') AT TIME ZONE %s)::date", SQL(column), SQL(tz))


def day_end(column, tz="o.tz", tolerance="o.tolerance"):
    """Naive UTC end of the promised day (plus the tolerance, in days) of
    ``column`` in the company's timezone: a delivery before it is on time."""
    return SQL(
        "((%s + 1 + %s)::timestamp AT TIME ZONE %s) AT TIME ZONE 'UTC'",
        local_date(column, tz),
        SQL(tolerance),
        SQL(tz),
    )


DELIVERED_DAY = local_date("o.delivered_at")
PROMISED_DAY = local_date("o.promise_latest")
EXCEPTION_SIGNS = "(o.breach_count > 0 OR o.was_short OR o.returned OR o.flagged)"

# (column of order_kpi_report, expression over the ``flags`` row ``o``)
ORDER_FACT = (
    ("id", SQL("o.id")),
    ("order_id", SQL("o.id")),
    ("name", SQL("o.name")),
    ("company_id", SQL("o.company_id")),
    ("company_currency_id", SQL("o.company_currency_id")),
    ("team_id", SQL("o.team_id")),
    ("user_id", SQL("o.user_id")),
    ("partner_id", SQL("o.partner_id")),
    ("country_id", SQL("o.country_id")),
    ("state_id", SQL("o.state_id")),
    ("state", SQL("o.state")),
    ("confirmed", SQL("o.confirmed")),
    ("stage_id", SQL("o.stage_id")),
    ("date_order", SQL("o.date_order")),
    ("date", local_date("o.date_order")),
    ("has_goods", SQL("o.has_goods")),
    ("promise_original", SQL("o.promise_original")),
    ("promise_latest", SQL("o.promise_latest")),
    ("deadline", SQL("o.deadline")),
    ("deadline_original", SQL("o.deadline_original")),
    ("first_delivery_at", SQL("o.first_out")),
    ("delivered_at", SQL("o.delivered_at")),
    ("date_delivered", DELIVERED_DAY),
    ("signed_at", SQL("o.signed_at")),
    (
        "node_deadline",
        SQL("CASE WHEN o.measured AND o.delivered_at IS NULL THEN o.node_deadline END"),
    ),
    ("short", SQL("o.measured AND o.delivered_at IS NULL AND COALESCE(o.short, FALSE)")),
    (
        "miss_reason",
        SQL(
            """CASE WHEN NOT o.measured THEN NULL
            WHEN o.credit_hold THEN 'credit_hold'
            WHEN o.approval_late THEN 'approval_wait'
            WHEN o.was_producing THEN 'production_delay'
            WHEN o.was_purchasing THEN 'supplier_delay'
            WHEN o.was_short THEN 'stock_shortage'
            WHEN o.warehouse_late THEN 'warehouse'
            WHEN o.flagged OR o.returned OR o.carrier_alert THEN 'carrier'
            ELSE 'other' END"""
        ),
    ),
    # set by the customer pass
    ("cohort_date", SQL("NULL::date")),
    ("cohort_age", SQL("NULL::int")),
    ("amount", SQL("o.amount")),
    ("line_count", SQL("o.line_count")),
    ("order_count", SQL("o.confirmed::int")),
    ("repromised", SQL("(o.measured AND o.repromise_count > 0)::int")),
    ("delivery_count", SQL("o.out_count")),
    ("delivered", SQL("o.is_delivered::int")),
    ("delivered_original", SQL("o.is_delivered_original::int")),
    ("open_promised", SQL("(o.measured AND o.delivered_at IS NULL)::int")),
    ("on_time", SQL("o.is_on_time::int")),
    ("on_time_original", SQL("o.is_on_time_original::int")),
    ("early", SQL("(o.is_delivered AND %s < %s)::int", DELIVERED_DAY, PROMISED_DAY)),
    ("in_full", SQL("o.is_in_full::int")),
    ("otif", SQL("(o.is_on_time AND o.is_in_full)::int")),
    ("returned", SQL("(o.confirmed AND o.returned)::int")),
    # the part of these counts that does not depend on the time of reading;
    # order.kpi.report._kpi_now_measures adds the rest when aggregating
    ("otd_due", SQL("o.is_delivered::int")),
    ("missed", SQL("(o.is_delivered AND NOT o.is_on_time)::int")),
    ("overdue", SQL("0")),
    (
        "at_risk",
        SQL(
            "(o.measured AND o.delivered_at IS NULL"
            " AND (COALESCE(o.short, FALSE) OR o.open_alert_count > 0))::int"
        ),
    ),
    ("done", SQL("(o.confirmed AND o.stage_code = 'done')::int")),
    ("alert_count", SQL("o.alert_count")),
    ("open_alert_count", SQL("o.open_alert_count")),
    ("exception", SQL("(o.confirmed AND %s)::int", SQL(EXCEPTION_SIGNS))),
    ("approval_needed", SQL("(o.confirmed AND o.approval_state = 'approved')::int")),
    (
        "auto_approved",
        SQL(
            "(o.confirmed AND o.approval_state = 'approved'"
            " AND COALESCE(o.approval_auto_approved, FALSE))::int"
        ),
    ),
    ("first_order", SQL("0")),
    ("repeat_order", SQL("0")),
    (
        "cycle_ship_hours",
        SQL(
            "CASE WHEN o.confirmed AND o.delivered_at IS NOT NULL"
            " THEN GREATEST(EXTRACT(EPOCH FROM o.delivered_at - o.date_order) / 3600.0, 0) END"
        ),
    ),
    (
        "cycle_sign_hours",
        SQL(
            "CASE WHEN o.confirmed AND o.signed_at IS NOT NULL"
            " THEN GREATEST(EXTRACT(EPOCH FROM o.signed_at - o.date_order) / 3600.0, 0) END"
        ),
    ),
    ("approval_hours", SQL("o.approval_hours")),
    ("purchase_hours", SQL("o.purchase_hours")),
    ("production_hours", SQL("o.production_hours")),
    (
        "promise_drift_days",
        SQL(
            "CASE WHEN o.measured AND o.repromise_count > 0 AND o.promise_original IS NOT NULL"
            " THEN EXTRACT(EPOCH FROM o.promise_latest - o.promise_original) / 86400.0 END"
        ),
    ),
    (
        "late_days",
        SQL("CASE WHEN o.is_delivered THEN (%s - %s)::float END", DELIVERED_DAY, PROMISED_DAY),
    ),
    ("aov", SQL("CASE WHEN o.confirmed THEN o.amount END")),
    ("otd_rate", SQL("CASE WHEN o.is_delivered THEN o.is_on_time::int::float END")),
    (
        "otd_rate_original",
        SQL("CASE WHEN o.is_delivered_original THEN o.is_on_time_original::int::float END"),
    ),
    (
        "otif_rate",
        SQL("CASE WHEN o.is_delivered THEN (o.is_on_time AND o.is_in_full)::int::float END"),
    ),
    (
        "exception_ratio",
        SQL("CASE WHEN o.confirmed THEN %s::int::float END", SQL(EXCEPTION_SIGNS)),
    ),
    (
        "automation_rate",
        SQL(
            "CASE WHEN o.confirmed AND o.approval_state = 'approved'"
            " THEN COALESCE(o.approval_auto_approved, FALSE)::int::float END"
        ),
    ),
    ("completion_rate", SQL("CASE WHEN o.confirmed THEN (o.stage_code = 'done')::int::float END")),
    ("repurchase_rate", SQL("NULL::float")),
)
ORDER_COLUMNS = tuple(name for name, _expression in ORDER_FACT)


# the node roles the facts read (sale.order._tracking_nodes(): tools/nodes.py of
# order_tracking): the events of an order are read by what their nodes are, not by code
# the roles of the node registry the facts read; nodes of the bridges to
# purchasing and manufacturing play "purchase" / "production" (none without them)
NODE_ROLES = ("shipped", "shortage", "approval", "warehouse", "purchase", "production")


NODE_CODE = re.compile(r"^[a-z][a-z0-9_]{0,63}$")


def codes_array(codes):
    """A literal ``varchar[]`` of node codes: the refresh function's body is
    literal SQL (no parameters), and a node code is a word of lowercase
    letters, digits and underscores (order.tracking.stage checks it)."""
    for code in codes:
        if not NODE_CODE.match(code):
            raise ValueError(f"not a node code: {code!r}")
    quoted = ", ".join(f"'{code}'" for code in codes)
    return SQL(f"ARRAY[{quoted}]::varchar[]")


def node_roles(nodes):
    """{role: literal array of codes} of the node registry ``nodes``, for the
    SQL below."""
    return {role: codes_array(nodes.with_role(role)) for role in NODE_ROLES}


def order_fact_select(scope, roles):
    """One row per sale order (columns: ``ORDER_COLUMNS``); ``roles``: the
    node codes of each role (``node_roles``)."""
    return SQL(
        """
WITH orders AS (
    SELECT so.id, so.name, so.company_id, c.currency_id AS company_currency_id,
           so.team_id, so.user_id,
           comm.id AS partner_id, comm.country_id, comm.state_id,
           so.state, so.tracking_stage_id AS stage_id, so.tracking_stage_code AS stage_code,
           so.tracking_fulfilment AS fulfilment, so.tracking_short AS short,
           so.tracking_deadline AS node_deadline,
           so.date_order, so.signed_at,
           so.approval_state, so.approval_auto_approved,
           so.tracking_promise_original AS promise_original,
           so.tracking_promise_latest AS promise_latest,
           CASE WHEN so.currency_id = c.currency_id OR COALESCE(so.currency_rate, 0) = 0
                THEN so.amount_untaxed
                ELSE so.amount_untaxed / so.currency_rate END AS amount,
           COALESCE(NULLIF(rc.tz, ''), 'UTC') AS tz,
           GREATEST(COALESCE(c.kpi_late_tolerance_days, 0), 0) AS tolerance
      FROM sale_order so
      JOIN res_company c ON c.id = so.company_id
      JOIN res_partner cust ON cust.id = so.partner_id
      JOIN res_partner comm ON comm.id = COALESCE(cust.commercial_partner_id, cust.id)
      LEFT JOIN resource_calendar rc ON rc.id = c.resource_calendar_id
     WHERE %(orders)s
), lines AS (
    SELECT l.order_id, COUNT(*) AS line_count
      FROM sale_order_line l
     WHERE l.display_type IS NULL AND %(lines)s
  GROUP BY l.order_id
), deliveries AS (
    -- to the customer: validated pickings into a customer location, not
    -- coming from one (returns come from one)
    SELECT p.sale_id AS order_id,
           MAX(p.date_done) FILTER (WHERE p.state = 'done' AND dst.usage = 'customer'
                                     AND src.usage <> 'customer') AS last_out,
           MIN(p.date_done) FILTER (WHERE p.state = 'done' AND dst.usage = 'customer'
                                     AND src.usage <> 'customer') AS first_out,
           COUNT(*) FILTER (WHERE p.state = 'done' AND dst.usage = 'customer'
                             AND src.usage <> 'customer') AS out_count,
           BOOL_OR(p.state = 'done' AND src.usage = 'customer') AS returned,
           BOOL_OR(COALESCE(p.delivery_exception, FALSE) AND p.state <> 'cancel') AS flagged
      FROM stock_picking p
      JOIN stock_location src ON src.id = p.location_id
      JOIN stock_location dst ON dst.id = p.location_dest_id
     WHERE p.sale_id IS NOT NULL AND %(pickings)s
  GROUP BY p.sale_id
), events AS (
    SELECT e.order_id,
           MAX(e.date) FILTER (WHERE e.to_code = ANY(%(shipped)s)) AS shipped_at,
           BOOL_OR(e.to_code = ANY(%(shortage)s)) AS was_short,
           BOOL_OR(e.to_code = ANY(%(purchase)s)) AS was_purchasing,
           BOOL_OR(e.to_code = ANY(%(production)s)) AS was_producing,
           SUM(e.hours_in_previous)
               FILTER (WHERE e.from_code = ANY(%(purchase)s)) AS purchase_hours,
           SUM(e.hours_in_previous)
               FILTER (WHERE e.from_code = ANY(%(production)s)) AS production_hours,
           SUM(e.hours_in_previous)
               FILTER (WHERE e.from_code = ANY(%(approval)s)) AS approval_hours,
           BOOL_OR(e.from_code = ANY(%(approval)s) AND s.sla_hours > 0
                   AND e.work_hours_in_previous > s.sla_hours) AS approval_late,
           BOOL_OR(e.from_code = ANY(%(warehouse)s) AND s.sla_hours > 0
                   AND e.work_hours_in_previous > s.sla_hours) AS warehouse_late
      FROM order_tracking_event e
      LEFT JOIN order_tracking_stage s ON s.id = e.from_stage_id
     WHERE %(events)s
  GROUP BY e.order_id
), promises AS (
    SELECT pr.order_id, COUNT(*) FILTER (WHERE pr.kind = 'repromise') AS repromise_count
      FROM order_tracking_promise pr
     WHERE %(promises)s
  GROUP BY pr.order_id
), alerts AS (
    SELECT a.order_id,
           COUNT(*) AS alert_count,
           COUNT(*) FILTER (WHERE a.level <> 'warning') AS breach_count,
           COUNT(*) FILTER (WHERE a.state <> 'resolved') AS open_count,
           BOOL_OR(a.kind = 'delivery_exception') AS carrier_alert
      FROM order_alert a
     WHERE %(alerts)s
  GROUP BY a.order_id
), approvals AS (
    SELECT r.order_id,
           BOOL_OR(ru.check_credit_limit AND NOT COALESCE(r.auto, FALSE)) AS credit_hold,
           BOOL_OR(COALESCE(r.escalated, FALSE)) AS escalated
      FROM order_approval_request r
      JOIN order_approval_rule ru ON ru.id = r.rule_id
     WHERE %(approvals)s
  GROUP BY r.order_id
), base AS (
    SELECT o.*,
           o.state = 'sale' AS confirmed,
           COALESCE(o.fulfilment, 'none') <> 'none' AS has_goods,
           o.state = 'sale' AND COALESCE(o.fulfilment, 'none') <> 'none'
               AND o.promise_latest IS NOT NULL AS measured,
           CASE WHEN o.state = 'sale' AND o.fulfilment IN ('shipped', 'returned')
                THEN COALESCE(d.last_out, ev.shipped_at) END AS delivered_at,
           d.first_out,
           COALESCE(d.out_count, 0) AS out_count,
           COALESCE(d.returned, FALSE) AS returned,
           COALESCE(d.flagged, FALSE) AS flagged,
           COALESCE(l.line_count, 0) AS line_count,
           COALESCE(pr.repromise_count, 0) AS repromise_count,
           COALESCE(ev.was_short, FALSE) AS was_short,
           COALESCE(ev.was_purchasing, FALSE) AS was_purchasing,
           COALESCE(ev.was_producing, FALSE) AS was_producing,
           ev.purchase_hours,
           ev.production_hours,
           ev.approval_hours,
           COALESCE(ev.approval_late, FALSE) OR COALESCE(ap.escalated, FALSE) AS approval_late,
           COALESCE(ev.warehouse_late, FALSE) AS warehouse_late,
           COALESCE(a.alert_count, 0) AS alert_count,
           COALESCE(a.breach_count, 0) AS breach_count,
           COALESCE(a.open_count, 0) AS open_alert_count,
           COALESCE(a.carrier_alert, FALSE) AS carrier_alert,
           COALESCE(ap.credit_hold, FALSE) AS credit_hold,
           %(deadline)s AS deadline,
           %(deadline_original)s AS deadline_original
      FROM orders o
      LEFT JOIN lines l ON l.order_id = o.id
      LEFT JOIN deliveries d ON d.order_id = o.id
      LEFT JOIN events ev ON ev.order_id = o.id
      LEFT JOIN promises pr ON pr.order_id = o.id
      LEFT JOIN alerts a ON a.order_id = o.id
      LEFT JOIN approvals ap ON ap.order_id = o.id
), flags AS (
    SELECT b.*,
           b.measured AND b.delivered_at IS NOT NULL AS is_delivered,
           b.measured AND b.delivered_at IS NOT NULL
               AND b.promise_original IS NOT NULL AS is_delivered_original,
           b.measured AND b.delivered_at IS NOT NULL
               AND b.delivered_at < b.deadline AS is_on_time,
           b.measured AND b.delivered_at IS NOT NULL
               AND b.delivered_at < b.deadline_original AS is_on_time_original,
           b.measured AND b.delivered_at IS NOT NULL
               AND b.out_count <= 1 AND NOT b.returned AS is_in_full
      FROM base b
)
SELECT %(columns)s
  FROM flags o
-- stored in date order: a period's rows sit together on disk
ORDER BY o.company_id, o.date_order, o.id
""",
        columns=SQL(",\n       ").join(
            SQL("%s AS %s", expression, SQL.identifier(name)) for name, expression in ORDER_FACT
        ),
        orders=scope("so", "id"),
        lines=scope("l", "order_id"),
        pickings=scope("p", "sale_id"),
        events=scope("e", "order_id"),
        promises=scope("pr", "order_id"),
        alerts=scope("a", "order_id"),
        approvals=scope("r", "order_id"),
        deadline=day_end("o.promise_latest"),
        deadline_original=day_end("o.promise_original"),
        **{role: roles[role] for role in NODE_ROLES},
    )


def insert(table, columns, select):
    return SQL(
        "INSERT INTO %s (%s) %s",
        SQL.identifier(table),
        SQL(", ").join(SQL.identifier(column) for column in columns),
        select,
    )
