from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.tools import SQL


class OrderKpiDashboard(models.AbstractModel):
    """The data of the Order Cockpit client action, in one read-only call."""

    _name = "order.kpi.dashboard"
    _description = "Order Cockpit"

    @api.model
    def _dashboard_figures(self, report, date_from, date_to, previous_orders=False):
        """get_kpis' figures; the growth needs the orders of the period
        before, which the dashboard has already counted (``previous_orders``)
        or does not show (the previous period's own growth)."""
        figures = report._kpi_order_figures(date_from, date_to)
        return report._kpi_result(figures, previous_orders or 0, date_from, date_to)

    @api.model
    def _dashboard_trend(self, report, date_to, months=12):
        """Orders, amount and on-time delivery of the months up to ``date_to``."""
        start = date_to.replace(day=1) - relativedelta(months=months - 1)
        query = report._kpi_query(start, date_to, [("confirmed", "=", True)])
        measures = report._kpi_now_measures(query)
        month = SQL("date_trunc('month', %s)::date", report._kpi_column("date", query))
        rows = report._kpi_fetch(
            query,
            {
                "month": month,
                "orders": SQL("SUM(%s)", report._kpi_column("order_count", query)),
                "amount": report._kpi_ratio_measures(query)["amount"],
                "otd_rate": measures["otd_rate"],
                "otd_due": measures["otd_due"],
            },
            group_by=month,
            order=month,
        )
        by_month = {row["month"]: row for row in rows}
        trend = []
        for index in range(months):
            first = start + relativedelta(months=index)
            row = by_month.get(first, {})
            trend.append(
                {
                    "month": fields.Date.to_string(first),
                    "orders": row.get("orders") or 0,
                    "amount": float(row.get("amount") or 0.0),
                    "otd_rate": report._kpi_value(row.get("otd_rate")),
                    "otd_due": row.get("otd_due") or 0,
                }
            )
        return trend

    @api.model
    def _dashboard_stages(self, report, date_from, date_to):
        rows = report._kpi_stage_hours(date_from, date_to)
        stages = self.env["order.tracking.stage"].search([("code", "in", list(rows))])
        names = {}
        for stage in stages.sorted(lambda s: (s.sequence, s.id)):
            names.setdefault(stage.code, (stage.sequence, stage.name))
        result = [
            {
                "code": code,
                "name": names.get(code, (0, code))[1],
                "hours": float(row["hours"] or 0.0),
                "work_hours": float(row["work_hours"] or 0.0),
                "stays": row["stays"],
                "over_sla": row["over_sla"] or 0,
            }
            for code, row in rows.items()
        ]
        return sorted(result, key=lambda r: names.get(r["code"], (999, ""))[0])

    @api.model
    def _dashboard_reasons(self, report, date_from, date_to):
        """Missed promises by reason, most frequent first (a Pareto)."""
        query = report._kpi_query(
            date_from, date_to, [("confirmed", "=", True), ("otd_missed", "=", True)]
        )
        reason = report._kpi_column("miss_reason", query)
        rows = report._kpi_fetch(
            query, {"reason": reason, "count": SQL("COUNT(*)")}, group_by=reason
        )
        selection = report._fields["miss_reason"]._description_selection(self.env)
        labels = dict(selection)
        # ties in the order of the reasons' selection (the flow's order)
        rank = {code: index for index, (code, _label) in enumerate(selection)}
        counts = {row["reason"]: row["count"] for row in rows if row["reason"]}
        ordered = sorted(counts.items(), key=lambda item: (-item[1], rank.get(item[0], 0)))
        total = sum(counts.values())
        cumulative = 0
        result = []
        for code, count in ordered:
            cumulative += count
            result.append(
                {
                    "reason": code,
                    "name": labels.get(code, code),
                    "count": count,
                    "cumulative": cumulative / total,
                }
            )
        return result

    @api.model
    def _dashboard_teams(self, report, date_from, date_to):
        """Sales teams with their on-time delivery; ranked only above the
        minimum sample of orders due."""
        query = report._kpi_query(date_from, date_to, [("confirmed", "=", True)])
        team = report._kpi_column("team_id", query)
        measures = report._kpi_now_measures(query)
        rows = report._kpi_fetch(
            query,
            {
                "team_id": team,
                "orders": SQL("SUM(%s)", report._kpi_column("order_count", query)),
                "amount": report._kpi_ratio_measures(query)["amount"],
                "otd_rate": measures["otd_rate"],
                "otif_rate": measures["otif_rate"],
                "otd_due": measures["otd_due"],
            },
            group_by=team,
        )
        minimum = report._kpi_min_sample()
        names = {
            t.id: t.display_name
            for t in self.env["crm.team"]
            .sudo()
            .browse([r["team_id"] for r in rows if r["team_id"]])
        }
        teams = [
            {
                "team_id": row["team_id"] or False,
                "name": names.get(row["team_id"]) or self.env._("No sales team"),
                "orders": row["orders"] or 0,
                "amount": float(row["amount"] or 0.0),
                "otd_rate": report._kpi_value(row["otd_rate"]),
                "otif_rate": report._kpi_value(row["otif_rate"]),
                "otd_due": row["otd_due"] or 0,
                "ranked": (row["otd_due"] or 0) >= minimum and row["otd_rate"] is not None,
            }
            for row in rows
        ]
        ranked = sorted(
            (t for t in teams if t["ranked"]), key=lambda t: (-t["otd_rate"], -t["orders"])
        )
        for rank, team_row in enumerate(ranked, start=1):
            team_row["rank"] = rank
        unranked = sorted((t for t in teams if not t["ranked"]), key=lambda t: -t["orders"])
        for team_row in unranked:
            team_row["rank"] = False
        return ranked + unranked

    @api.model
    def _dashboard_customers(self, report, date_from, date_to, limit=10):
        """The customers we fail most: lowest on-time delivery first, among
        those with at least the minimum sample of orders due."""
        query = report._kpi_query(date_from, date_to, [("confirmed", "=", True)])
        partner = report._kpi_column("partner_id", query)
        measures = report._kpi_now_measures(query)
        minimum = report._kpi_min_sample()
        rows = report._kpi_fetch(
            query,
            {
                "partner_id": partner,
                "otd_rate": measures["otd_rate"],
                "otd_due": measures["otd_due"],
                "missed": measures["missed"],
            },
            group_by=SQL("%s HAVING %s >= %s", partner, measures["otd_due"], minimum),
            order=SQL("2, 3 DESC, 1"),
            limit=limit,
        )
        names = {
            p.id: p.display_name
            for p in self.env["res.partner"].sudo().browse([r["partner_id"] for r in rows])
        }
        return [
            {
                "partner_id": row["partner_id"],
                "name": names.get(row["partner_id"], ""),
                "otd_rate": report._kpi_value(row["otd_rate"]),
                "otd_due": row["otd_due"],
                "missed": row["missed"],
            }
            for row in rows
        ]

    @api.model
    def _dashboard_at_risk(self, report, date_from, date_to, limit=10):
        """Open orders of the period at risk of missing their promise, the
        nearest deadline first."""
        now = fields.Datetime.now()
        facts = report.search(
            [
                ("company_id", "in", self.env.companies.ids),
                ("date", ">=", date_from),
                ("date", "<=", date_to),
                ("open_promised", "=", 1),
                ("deadline", ">=", now),
                "|",
                ("at_risk", "=", 1),
                ("node_deadline", "<", now),
            ],
            order="deadline, id",
            limit=limit,
        )
        return [
            {
                "order_id": fact.order_id.id,
                "name": fact.name,
                "partner": fact.partner_id.display_name or "",
                "promise": fields.Datetime.to_string(fact.promise_latest),
                "stage": fact.stage_id.name or "",
                "short": fact.short,
                "alerts": fact.open_alert_count,
            }
            for fact in facts
        ]

    @api.model
    def _dashboard_companies(self):
        companies = self.env.user.company_ids
        return [{"id": company.id, "name": company.name} for company in companies]

    @api.readonly
    @api.model
    def get_dashboard_data(self, date_from, date_to, company_id=False):
        """Everything the dashboard shows for a period, with the previous
        period of the same length (read-only: served by a replica when the
        deployment has one)."""
        Report = self.env["order.kpi.report"]
        date_from, date_to = Report._kpi_parse_period(date_from, date_to)
        report = Report._kpi_for_company(company_id)
        report.check_access("read")
        report._kpi_flush()
        dashboard = self.with_env(report.env)
        previous_from, previous_to = report._kpi_previous_period(date_from, date_to)
        currency = report.env.company.currency_id
        previous = dashboard._dashboard_figures(report, previous_from, previous_to)
        current = dashboard._dashboard_figures(
            report, date_from, date_to, previous_orders=previous["orders"]
        )
        current["top_customers"] = report._kpi_top_customers(date_from, date_to)
        current["top_products"] = report._kpi_top_products(date_from, date_to)
        return {
            "date_from": fields.Date.to_string(date_from),
            "date_to": fields.Date.to_string(date_to),
            "previous_from": fields.Date.to_string(previous_from),
            "previous_to": fields.Date.to_string(previous_to),
            "company_id": company_id or False,
            "company_ids": report.env.companies.ids,
            "companies": dashboard._dashboard_companies(),
            "currency_id": currency.id,
            "min_sample": report._kpi_min_sample(),
            "cards": report._kpi_cards(),
            "current": current,
            "previous": previous,
            "trend": dashboard._dashboard_trend(report, date_to),
            "stages": dashboard._dashboard_stages(report, date_from, date_to),
            "reasons": dashboard._dashboard_reasons(report, date_from, date_to),
            "teams": dashboard._dashboard_teams(report, date_from, date_to),
            "customers": dashboard._dashboard_customers(report, date_from, date_to),
            "at_risk": dashboard._dashboard_at_risk(report, date_from, date_to),
        }
