"""The SQL of the detail facts, beside the order's (tools/facts.py): one row
per stay in a node — the node left, the time spent in it — for the
time-per-node KPIs (``order_kpi_stage_report``), one row per product line
for the product analyses (``order_kpi_line_report``).

Built the same two ways as the order's facts, from the same text: the full
rebuild and ``order_kpi_refresh(ids)``, each sub-query filtered by its
``scope`` (``facts.Scope``).
"""

from odoo.tools import SQL

STAGE_COLUMNS = (
    "id",
    "event_id",
    "order_id",
    "company_id",
    "team_id",
    "user_id",
    "partner_id",
    "stage_id",
    "next_stage_id",
    "stage_code",
    "date_entered",
    "date_left",
    "date",
    "hours",
    "work_hours",
    "sla_hours",
    "over_sla",
    "backfilled",
    "confirmed",
)


def stage_fact_select(scope):
    """One row per status event that closes a stay in a node: the node left,
    the time spent in it (wall clock and working hours)."""
    return SQL(
        """
SELECT e.id, e.id, e.order_id, so.company_id, so.team_id, so.user_id,
       COALESCE(cust.commercial_partner_id, cust.id),
       e.from_stage_id, e.to_stage_id, e.from_code,
       e.prev_date, e.date,
       ((e.date AT TIME ZONE 'UTC') AT TIME ZONE COALESCE(NULLIF(rc.tz, ''), 'UTC'))::date,
       e.hours_in_previous, e.work_hours_in_previous,
       s.sla_hours,
       (COALESCE(s.sla_hours, 0) > 0 AND e.work_hours_in_previous > s.sla_hours)::int,
       COALESCE(e.backfilled, FALSE),
       so.state = 'sale'
  FROM (SELECT ev.*, LAG(ev.date) OVER (PARTITION BY ev.order_id ORDER BY ev.id) AS prev_date
          FROM order_tracking_event ev
         WHERE %(events)s) e
  JOIN sale_order so ON so.id = e.order_id
  JOIN res_company c ON c.id = so.company_id
  JOIN res_partner cust ON cust.id = so.partner_id
  LEFT JOIN resource_calendar rc ON rc.id = c.resource_calendar_id
  LEFT JOIN order_tracking_stage s ON s.id = e.from_stage_id
 WHERE e.from_stage_id IS NOT NULL
ORDER BY so.company_id, e.date, e.id
""",
        events=scope("ev", "order_id"),
    )


LINE_COLUMNS = (
    "id",
    "line_id",
    "order_id",
    "company_id",
    "company_currency_id",
    "team_id",
    "user_id",
    "partner_id",
    "date",
    "confirmed",
    "product_id",
    "product_tmpl_id",
    "categ_id",
    "product_uom_qty",
    "qty_delivered",
    "amount",
)


def line_fact_select(scope):
    """One row per product line, quantities in the product's unit and the
    untaxed amount in the company currency."""
    return SQL(
        """
SELECT l.id, l.id, l.order_id, so.company_id, c.currency_id, so.team_id, so.user_id,
       COALESCE(cust.commercial_partner_id, cust.id),
       ((so.date_order AT TIME ZONE 'UTC') AT TIME ZONE COALESCE(NULLIF(rc.tz, ''), 'UTC'))::date,
       so.state = 'sale',
       l.product_id, pp.product_tmpl_id, pt.categ_id,
       l.product_uom_qty / COALESCE(NULLIF(lu.factor, 0), 1) * COALESCE(pu.factor, 1),
       l.qty_delivered / COALESCE(NULLIF(lu.factor, 0), 1) * COALESCE(pu.factor, 1),
       CASE WHEN so.currency_id = c.currency_id OR COALESCE(so.currency_rate, 0) = 0
            THEN l.price_subtotal ELSE l.price_subtotal / so.currency_rate END
  FROM sale_order_line l
  JOIN sale_order so ON so.id = l.order_id
  JOIN res_company c ON c.id = so.company_id
  JOIN res_partner cust ON cust.id = so.partner_id
  JOIN product_product pp ON pp.id = l.product_id
  JOIN product_template pt ON pt.id = pp.product_tmpl_id
  LEFT JOIN uom_uom lu ON lu.id = l.product_uom
  LEFT JOIN uom_uom pu ON pu.id = pt.uom_id
  LEFT JOIN resource_calendar rc ON rc.id = c.resource_calendar_id
 WHERE l.display_type IS NULL AND NOT COALESCE(l.is_downpayment, FALSE) AND %(lines)s
ORDER BY so.company_id, so.date_order, l.id
""",
        lines=scope("l", "order_id"),
    )
