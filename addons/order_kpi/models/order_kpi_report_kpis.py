from datetime import date, datetime, timedelta

import pytz

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import SQL

from ..tools import kpis

TOP_N = 10


class OrderKpiReport(models.Model):
    """The KPI set of a period (``get_kpis``), read from the facts."""

    _inherit = "order.kpi.report"

    # ------------------------------------------------------------------
    # Arguments
    # ------------------------------------------------------------------

    @api.model
    def _kpi_parse_date(self, value, label):
        if isinstance(value, datetime):
            return value.date()
        if isinstance(value, date):
            return value
        parsed = None
        if isinstance(value, str):
            try:
                parsed = fields.Date.to_date(value[:10])
            except ValueError:
                parsed = None
        if parsed:
            return parsed
        raise UserError(
            self.env._(
                "%(label)s must be a date written YYYY-MM-DD, not %(value)r.",
                label=label,
                value=value,
            )
        )

    @api.model
    def _kpi_parse_period(self, date_from, date_to):
        start = self._kpi_parse_date(date_from, "date_from")
        end = self._kpi_parse_date(date_to, "date_to")
        if start > end:
            raise UserError(
                self.env._(
                    "The period starts (%(start)s) after it ends (%(end)s).",
                    start=start,
                    end=end,
                )
            )
        return start, end

    @api.model
    def _kpi_previous_period(self, date_from, date_to):
        """The period of the same length just before."""
        previous_to = date_from - timedelta(days=1)
        return previous_to - (date_to - date_from), previous_to

    @api.model
    def _kpi_for_company(self, company_id):
        """This model in the environment of ``company_id`` (False: the
        companies of the current environment); AccessError for a company the
        user may not see."""
        if company_id in (False, None, 0):
            return self
        if not isinstance(company_id, int) or isinstance(company_id, bool):
            raise UserError(
                self.env._(
                    "company_id must be a company id or False, not %(value)r.", value=company_id
                )
            )
        company = self.env["res.company"].browse(company_id).exists()
        if not company or (not self.env.su and company not in self.env.user.company_ids):
            raise AccessError(
                self.env._("You have no access to the company with id %(id)s.", id=company_id)
            )
        return self.with_company(company).with_context(allowed_company_ids=company.ids)

    @api.model
    def _kpi_min_sample(self):
        return max(self.env.company.kpi_min_sample, 1)

    # ------------------------------------------------------------------
    # Queries
    # ------------------------------------------------------------------

    @api.model
    def _kpi_query(self, date_from, date_to, domain=()):
        """A Query on this fact model for the period, record rules applied."""
        query = self._search(
            [
                ("company_id", "in", self.env.companies.ids),
                ("date", ">=", date_from),
                ("date", "<=", date_to),
                *domain,
            ]
        )
        query.order = None
        return query

    @api.model
    def _kpi_fetch(self, query, selects, group_by=None, order=None, limit=None):
        """Run ``selects`` ({alias: SQL}) on ``query``; one dict per row."""
        sql = query.select(
            *(
                SQL("%s AS %s", expression, SQL.identifier(alias))
                for alias, expression in selects.items()
            )
        )
        if group_by:
            sql = SQL("%s GROUP BY %s", sql, group_by)
        if order:
            sql = SQL("%s ORDER BY %s", sql, order)
        if limit:
            sql = SQL("%s LIMIT %s", sql, limit)
        self.env.cr.execute(sql)
        return self.env.cr.dictfetchall()

    @api.model
    def _kpi_definitions(self):
        """The KPIs, in the cockpit's order (tools/kpis.py); extend with super():
        a KPI with a ``select`` is aggregated, returned by ``get_kpis`` and shown
        on the cockpit without another line."""
        return list(kpis.COCKPIT)

    @api.model
    def _kpi_cards(self):
        """The cockpit's cards, labels in the reader's language."""
        return [
            {
                "key": kpi.key,
                "label": self.env._(kpi.label),
                "kind": kpi.kind,
                "better": kpi.better,
                "hint": self.env._(kpi.hint) if kpi.hint else False,
                "drill": [list(leaf) for leaf in kpi.drill],
            }
            for kpi in self._kpi_definitions()
            if kpi.card
        ]

    @api.model
    def _kpi_order_selects(self, query):
        """The period's order figures as SQL aggregates (one row)."""

        def col(name):
            return self._kpi_column(name, query)

        measures = {**self._kpi_ratio_measures(query), **self._kpi_now_measures(query)}

        def percentile(fraction, column):
            return SQL("percentile_cont(%s) WITHIN GROUP (ORDER BY %s)", fraction, col(column))

        selects = {
            # the pivot's measures are the KPIs of the same name
            **measures,
            "orders": SQL("COALESCE(SUM(%s), 0)", col("order_count")),
            "amount": SQL(
                "COALESCE(SUM(CASE WHEN %s THEN %s END), 0)",
                col("confirmed"),
                self._kpi_amount_sql(col("amount")),
            ),
            "cycle_hours_mean": SQL("AVG(%s)", col("cycle_ship_hours")),
            "cycle_hours_median": percentile(0.5, "cycle_ship_hours"),
            "cycle_hours_p90": percentile(0.9, "cycle_ship_hours"),
            "cycle_sign_hours_mean": SQL("AVG(%s)", col("cycle_sign_hours")),
            "cycle_sign_hours_median": percentile(0.5, "cycle_sign_hours"),
            "cycle_sign_hours_p90": percentile(0.9, "cycle_sign_hours"),
            "promise_drift_days": SQL("AVG(%s)", col("promise_drift_days")),
            "approval_hours_mean": SQL("AVG(%s)", col("approval_hours")),
        }
        for name in (
            "delivered",
            "on_time",
            "on_time_original",
            "early",
            "otif",
            "open_promised",
            "returned",
            "exception",
            "done",
            "approval_needed",
            "auto_approved",
            "repromised",
            "first_order",
            "repeat_order",
            "alert_count",
        ):
            selects[name] = SQL("COALESCE(SUM(%s), 0)", col(name))
        selects["customers"] = SQL(
            "COUNT(DISTINCT CASE WHEN %s THEN %s END)", col("confirmed"), col("partner_id")
        )
        selects["repeat_customers"] = SQL(
            "COUNT(DISTINCT CASE WHEN %s = 1 THEN %s END)", col("repeat_order"), col("partner_id")
        )
        for kpi in self._kpi_definitions():
            if kpi.select:
                selects[kpi.key] = kpi.select(self, query)
        return selects

    @api.model
    def _kpi_order_figures(self, date_from, date_to):
        query = self._kpi_query(date_from, date_to)
        [row] = self._kpi_fetch(query, self._kpi_order_selects(query))
        return row

    @api.model
    def _kpi_order_count(self, date_from, date_to):
        query = self._kpi_query(date_from, date_to)
        [row] = self._kpi_fetch(
            query, {"orders": SQL("COALESCE(SUM(%s), 0)", self._kpi_column("order_count", query))}
        )
        return row["orders"]

    @api.model
    def _kpi_top_customers(self, date_from, date_to, limit=TOP_N):
        query = self._kpi_query(date_from, date_to, [("confirmed", "=", True)])
        partner = self._kpi_column("partner_id", query)
        rows = self._kpi_fetch(
            query,
            {
                "partner_id": partner,
                "amount": SQL("SUM(%s)", self._kpi_amount_sql(self._kpi_column("amount", query))),
                "orders": SQL("COUNT(*)"),
            },
            group_by=partner,
            order=SQL("2 DESC, 1"),
            limit=limit,
        )
        names = dict(
            self.env["res.partner"]
            .sudo()
            .browse([r["partner_id"] for r in rows])
            .mapped(lambda p: (p.id, p.display_name))
        )
        return [
            {
                "partner_id": row["partner_id"],
                "name": names.get(row["partner_id"], ""),
                "amount": float(row["amount"] or 0.0),
                "orders": row["orders"],
            }
            for row in rows
        ]

    @api.model
    def _kpi_top_products(self, date_from, date_to, limit=TOP_N):
        Lines = self.env["order.kpi.line.report"]
        query = Lines._search(
            [
                ("company_id", "in", self.env.companies.ids),
                ("date", ">=", date_from),
                ("date", "<=", date_to),
                ("confirmed", "=", True),
            ]
        )
        product = Lines._field_to_sql(Lines._table, "product_id", query)
        amount = self._kpi_amount_sql(
            Lines._field_to_sql(Lines._table, "amount", query), Lines._table
        )
        rows = self._kpi_fetch(
            query,
            {
                "product_id": product,
                "qty": SQL("SUM(%s)", Lines._field_to_sql(Lines._table, "product_uom_qty", query)),
                "amount": SQL("SUM(%s)", amount),
            },
            group_by=product,
            order=SQL("3 DESC, 1"),
            limit=limit,
        )
        names = dict(
            self.env["product.product"]
            .sudo()
            .browse([r["product_id"] for r in rows])
            .mapped(lambda p: (p.id, p.display_name))
        )
        return [
            {
                "product_id": row["product_id"],
                "name": names.get(row["product_id"], ""),
                "qty": float(row["qty"] or 0.0),
                "amount": float(row["amount"] or 0.0),
            }
            for row in rows
        ]

    @api.model
    def _kpi_stage_hours(self, date_from, date_to):
        """{node code: (mean wall-clock hours, mean working hours, stays)} of
        the stays that ended in the period."""
        Stages = self.env["order.kpi.stage.report"]
        query = Stages._search(
            [
                ("company_id", "in", self.env.companies.ids),
                ("date", ">=", date_from),
                ("date", "<=", date_to),
            ]
        )

        def col(name):
            return Stages._field_to_sql(Stages._table, name, query)

        rows = self._kpi_fetch(
            query,
            {
                "code": col("stage_code"),
                "hours": SQL("AVG(%s)", col("hours")),
                "work_hours": SQL("AVG(%s)", col("work_hours")),
                "stays": SQL("COUNT(*)"),
                "over_sla": SQL("SUM(%s)", col("over_sla")),
            },
            group_by=col("stage_code"),
            order=col("stage_code"),
        )
        return {row["code"]: row for row in rows if row["code"]}

    @api.model
    def _kpi_inventory_turnover(self, date_from, date_to):
        """Cost of goods delivered in the period / average inventory value
        (start and end of the period), from the stock valuation layers of
        done moves; False without inventory."""
        tz_start, tz_end = self._kpi_utc_bounds(date_from, date_to)
        companies = self.env.companies.ids
        self.env.cr.execute(
            SQL(
                "SELECT COALESCE(SUM(value), 0) FROM stock_valuation_layer "
                "WHERE company_id = ANY(%s)",
                companies,
            )
        )
        total = self.env.cr.fetchone()[0]
        self.env.cr.execute(
            SQL(
                """
SELECT COALESCE(SUM(v.value), 0),
       COALESCE(SUM(v.value) FILTER (WHERE m.date >= %(end)s), 0),
       COALESCE(-SUM(v.value) FILTER (
           WHERE m.date < %(end)s AND (dst.usage = 'customer' OR src.usage = 'customer')), 0)
  FROM stock_move m
  JOIN stock_valuation_layer v ON v.stock_move_id = m.id
  JOIN stock_location src ON src.id = m.location_id
  JOIN stock_location dst ON dst.id = m.location_dest_id
 WHERE m.state = 'done' AND m.date >= %(start)s AND m.company_id = ANY(%(companies)s)
""",
                start=tz_start,
                end=tz_end,
                companies=companies,
            )
        )
        since_start, since_end, cogs = self.env.cr.fetchone()
        average = ((total - since_start) + (total - since_end)) / 2.0
        if not average or average <= 0:
            return False
        return float(cogs) / float(average)

    @api.model
    def _kpi_utc_bounds(self, date_from, date_to):
        """Naive UTC datetimes of the start and end of the period in the
        timezone of the current company's working calendar."""
        tz = pytz.timezone(self.env.company.resource_calendar_id.tz or "UTC")
        start = tz.localize(datetime.combine(date_from, datetime.min.time()))
        end = tz.localize(datetime.combine(date_to + timedelta(days=1), datetime.min.time()))
        return (
            start.astimezone(pytz.utc).replace(tzinfo=None),
            end.astimezone(pytz.utc).replace(tzinfo=None),
        )

    # ------------------------------------------------------------------
    # Public API
    # ------------------------------------------------------------------

    @staticmethod
    def _kpi_value(value):
        """XML-RPC friendly: None -> False, Decimal -> float."""
        if value is None:
            return False
        if isinstance(value, bool | int):
            return value
        return float(value)

    @api.model
    def _kpi_result(self, figures, previous_orders, date_from, date_to):
        """The period's KPIs from its figures: one value per KPI definition."""
        period = {
            "report": self,
            "date_from": date_from,
            "date_to": date_to,
            "previous_orders": previous_orders,
        }
        return {
            "date_from": fields.Date.to_string(date_from),
            "date_to": fields.Date.to_string(date_to),
            "company_ids": self.env.companies.ids,
            "currency": self.env.company.currency_id.name,
            **{kpi.key: kpi.value(figures, period) for kpi in self._kpi_definitions()},
        }

    @api.readonly
    @api.model
    def get_kpis(self, date_from, date_to, company_id=False):
        """The KPI set of the orders of a period (docs/api.md, readme/USAGE.md).

        ``date_from`` and ``date_to`` (``YYYY-MM-DD``, both included) are
        days in the timezone of each company's working calendar; the orders
        of the period are the orders confirmed on those days. ``company_id``
        False reads the companies of the current environment (amounts in the
        current company's currency). Rates are fractions 0..1; a rate
        without denominator is False."""
        date_from, date_to = self._kpi_parse_period(date_from, date_to)
        report = self._kpi_for_company(company_id)
        report.check_access("read")
        report._kpi_flush()
        figures = report._kpi_order_figures(date_from, date_to)
        previous = report._kpi_order_count(*report._kpi_previous_period(date_from, date_to))
        result = report._kpi_result(figures, previous, date_from, date_to)
        result["top_customers"] = report._kpi_top_customers(date_from, date_to)
        result["top_products"] = report._kpi_top_products(date_from, date_to)
        stages = report._kpi_stage_hours(date_from, date_to)
        result["stage_hours"] = {code: float(row["hours"] or 0.0) for code, row in stages.items()}
        result["stage_work_hours"] = {
            code: float(row["work_hours"] or 0.0) for code, row in stages.items()
        }
        return result
