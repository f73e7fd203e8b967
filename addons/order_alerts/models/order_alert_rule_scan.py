import logging
from collections import defaultdict

from dateutil.relativedelta import relativedelta

from odoo import fields, models
from odoo.osv import expression
from odoo.tools import SQL
from odoo.tools.safe_eval import datetime as safe_datetime
from odoo.tools.safe_eval import safe_eval
from odoo.tools.safe_eval import time as safe_time

from odoo.addons.order_tracking.tools import transaction

from ..tools import clock
from ..tools.definitions import LOCK_NAMESPACE, OPEN_STATES

_logger = logging.getLogger(__name__)


# One concern of the model per file (Odoo's way: sale_stock, account): see
# docs/architecture.md.
# pylint: disable=consider-merging-classes-inherited
class OrderAlertRule(models.Model):
    """The scan engine of the alert rules: the loop over batches, the advisory lock
    and the commits between batches, the clocks and the ladder of steps, raising
    alerts and resolving the ones whose condition cleared.

    ``order.alert.rule`` inherits it; what is particular to each kind of rule (its
    SQL source and its "does it still hold" check) lives in models/order_alert_rule_kinds.py.
    Everything here works on one rule (``self``) or on ``order.alert`` records."""

    _inherit = "order.alert.rule"

    _scan_batch_size = 500

    # -- the loop, rule by rule --

    def _scan(self, now):
        self.ensure_one()
        if not self._scan_lock():
            _logger.info("Alert rule %s is being scanned by another worker: skipped", self.id)
            return 0
        self._scan_resolve(now)
        raised = self._scan_raise(now)
        more = self._kind_hook("scan_more")
        if more:
            raised += more(now)
        return raised

    def _scan_lock(self):
        self.env.cr.execute(
            SQL("SELECT pg_try_advisory_xact_lock(%s, %s)", LOCK_NAMESPACE, self.id)
        )
        return self.env.cr.fetchone()[0]

    def _scan_begin_again(self):
        """In the scheduled action: commit, so that the next statement sees
        what other transactions committed, and take the rule again (False
        when another worker holds it, or outside the scheduled action)."""
        return self._scan_commit() and self._scan_lock()

    def _scan_commit(self):
        """Commit between batches of the scheduled action, never in tests or
        in a user's request: a crash then keeps what was already raised."""
        return transaction.commit_between_batches(self.env)

    def _scan_resolve(self, now):
        """Close the open alerts of this rule whose condition cleared."""
        Alert = self.env["order.alert"].sudo()
        last_id = 0
        while True:
            alerts = Alert.browse(self._scan_resolve_candidates(last_id))
            if not alerts:
                break
            last_id = alerts[-1].id
            holds = self._alert_holds(alerts)
            alerts.filtered(lambda a, holds=holds: a.id not in holds)._close("cleared", now=now)
            if len(alerts) < self._scan_batch_size:
                break

    def _scan_resolve_candidates(self, last_id):
        """Ids of the next batch of this rule's open alerts (after ``last_id``)
        whose condition may have cleared: for the kinds that say in SQL when
        an alert certainly still holds (``_still_holds_sql_<kind>``), the
        others are not even loaded — a pass over a thousand alerts that all
        hold is one query; ``_alert_holds`` decides on the candidates."""
        still_holds = self._kind_hook("still_holds_sql")
        conditions = [
            SQL("a.rule_id = %s", self.id),
            SQL("a.state IN %s", OPEN_STATES),
            SQL("a.id > %s", last_id),
        ]
        if still_holds:
            self.env["sale.order"].flush_model()
            conditions.append(
                SQL(
                    "NOT COALESCE(%s AND %s, FALSE)",
                    SQL(" AND ").join(self._scan_scope()),
                    still_holds(),
                )
            )
        self.env["order.alert"].flush_model()
        self.env.cr.execute(
            SQL(
                """SELECT a.id FROM order_alert a JOIN sale_order so ON so.id = a.order_id
                    WHERE %s ORDER BY a.id LIMIT %s""",
                SQL(" AND ").join(conditions),
                self._scan_batch_size,
            )
        )
        return [row[0] for row in self.env.cr.fetchall()]

    def _scan_raise(self, now):
        table, bound = self._scan_thresholds(now)
        if not table:
            return 0
        source = self._scan_source(bound, now)
        if source is None:
            return 0
        return self._scan_in_batches(
            lambda last: self._scan_fetch(source, table, last),
            lambda rows: self._scan_filter(rows, now),
            now,
        )

    def _scan_predict(self, now):
        Order = self.env["sale.order"].sudo()

        def at_risk(rows):
            risks = Order.browse([row["order_id"] for row in rows])._alert_ship_risk()
            due = []
            for row in rows:
                risky, forecast = risks.get(row["order_id"], (False, False))
                if risky:
                    due.append(dict(row, step=0, due_at=forecast or False))
            return due

        return self._scan_in_batches(
            lambda last: self._fetch(self._predict_query(now, last)), at_risk, now
        )

    def _scan_in_batches(self, fetch, pick_due, now):
        """Raise alerts batch by batch: ``fetch(last)`` returns the next rows
        after the key ``last``, ``pick_due(rows)`` the rows to alert on. Stops
        when another worker holds the rule; commits between batches in cron."""
        raised = 0
        last = (0, "")
        retried = False
        while True:
            rows = fetch(last)
            if not rows:
                break
            start, last = last, (rows[-1]["order_id"], rows[-1]["entry_key"])
            due = pick_due(rows)
            alerts = self._raise_isolated(due, now) if due else self.env["order.alert"]
            if alerts is None:
                # another worker raised them, or an order of the batch changed
                # since this transaction began: once more in a new one
                if retried or not self._scan_begin_again():
                    break
                retried, last = True, start
                continue
            retried = False
            raised += len(alerts)
            if len(rows) < self._scan_batch_size:
                break
            if self._scan_commit() and not self._scan_lock():
                break
        return raised

    # -- ladder and thresholds --

    def _scan_companies(self):
        if self.company_id:
            return self.company_id
        return self.env["res.company"].sudo().search([])

    def _limit_hours(self, company):
        """The time limit (breach) in working hours for ``company``'s orders."""
        self.ensure_one()
        watched = self._kind_hook("watched_stage")
        if watched:
            return self.hours or watched(company).sla_hours
        return self.hours

    def _ladder(self, company):
        """[(step, working hours)]: 0 warning, 1 breach, 1 + n escalation n."""
        self.ensure_one()
        limit = self._limit_hours(company)
        if limit is False or limit is None:
            return []
        steps = []
        warns = self._kind_hook("warns", lambda: True)()
        if warns and limit > 0 and self.warning_ratio > 0:
            steps.append((0, limit * self.warning_ratio))
        steps.append((1, limit))
        if self.escalation_hours > 0:
            steps.extend(
                (1 + n, limit + n * self.escalation_hours)
                for n in range(1, self.escalation_max + 1)
            )
        return steps

    def _scan_thresholds(self, now):
        """Rows (company, step, latest due start) and the loosest bound."""
        table = []
        for company in self._scan_companies():
            calendar = company.resource_calendar_id._tracking_cached()
            for step, hours in self._ladder(company):
                table.append((company.id, step, clock.threshold(calendar, now, hours)))
        bound = max((row[2] for row in table), default=None)
        return table, bound

    # -- SQL: the due orders of one rule, one indexed query per batch --

    def _get_domain(self):
        self.ensure_one()
        text = (self.domain or "").strip() or "[]"
        domain = safe_eval(
            text,
            {
                "uid": self.env.uid,
                "datetime": safe_datetime,
                "time": safe_time,
                "relativedelta": relativedelta,
                "context_today": lambda: fields.Date.context_today(self),
            },
        )
        if not isinstance(domain, (list, tuple)):
            raise ValueError(self.env._("a filter is a list of conditions"))
        return expression.normalize_domain(list(domain))

    def _scan_scope(self, alias="so"):
        """Conditions every kind shares: company, not cancelled, the filter."""
        conditions = [SQL("%s.state != 'cancel'", SQL.identifier(alias))]
        if self.company_id:
            conditions.append(SQL("%s.company_id = %s", SQL.identifier(alias), self.company_id.id))
        domain = self._get_domain()
        if domain != expression.TRUE_DOMAIN:
            query = self.env["sale.order"].sudo().with_context(active_test=False)._search(domain)
            conditions.append(SQL("%s.id IN %s", SQL.identifier(alias), query.subselect()))
        return conditions

    def _scan_source(self, bound, now):
        """SQL selecting (order_id, company_id, entry_key, entry_id, start_at,
        picking_id) of the candidates whose clock started before ``bound``."""
        method = self._kind_hook("scan_source")
        return method(bound, now) if method else None

    def _due_query(self, source, table, last=None, new_only=True, limit=None):
        """The due rows of ``source``: highest step reached per (order, entry),
        without the ones already alerted at that step or higher."""
        values = SQL(", ").join(
            SQL("(%s::integer, %s::integer, %s::timestamp)", company_id, step, threshold)
            for company_id, step, threshold in table
        )
        conditions = [SQL("TRUE")]
        if new_only:
            conditions.append(
                SQL(
                    """NOT EXISTS (SELECT 1 FROM order_alert a
                                    WHERE a.rule_id = %s AND a.order_id = d.order_id
                                      AND a.stage_entry_key = d.entry_key AND a.step >= d.step)""",
                    self.id,
                )
            )
        if last:
            conditions.append(SQL("(d.order_id, d.entry_key) > (%s, %s)", last[0], last[1]))
        return SQL(
            """WITH c AS (%(source)s),
                    t(company_id, step, threshold) AS (VALUES %(values)s),
                    d AS (SELECT c.order_id, c.company_id, c.entry_key, c.entry_id,
                                 c.start_at, c.picking_id, MAX(t.step) AS step
                            FROM c JOIN t ON t.company_id = c.company_id
                                         AND c.start_at <= t.threshold
                        GROUP BY c.order_id, c.company_id, c.entry_key, c.entry_id,
                                 c.start_at, c.picking_id)
             SELECT d.* FROM d
              WHERE %(conditions)s
           ORDER BY d.order_id, d.entry_key
              %(limit)s""",
            source=source,
            values=values,
            conditions=SQL(" AND ").join(conditions),
            limit=SQL("LIMIT %s", limit) if limit else SQL(""),
        )

    def _fetch(self, query):
        self.env.cr.execute(query)
        return self.env.cr.dictfetchall()

    def _scan_fetch(self, source, table, last):
        return self._fetch(self._due_query(source, table, last, limit=self._scan_batch_size))

    def _dry_run(self):
        """Ids of the orders meeting the rule's condition now."""
        self.ensure_one()
        rule = self.sudo()
        self.env.flush_all()
        now = fields.Datetime.now()
        order_ids = set()
        table, bound = rule._scan_thresholds(now)
        source = rule._scan_source(bound, now) if table else None
        if source is not None:
            rows = rule._fetch(rule._due_query(source, table, new_only=False))
            order_ids.update(row["order_id"] for row in rule._scan_filter(rows, now))
        more = rule._kind_hook("dry_run_more")
        if more:
            order_ids.update(more(now))
        return sorted(order_ids)

    # -- pause nodes: custom clocks run across nodes --

    def _pause_stage_ids(self):
        return (
            self.env["order.tracking.stage"]
            .sudo()
            .with_context(active_test=False)
            .search([("pause_sla", "=", True)])
            .ids
        )

    def _scan_filter(self, rows, now):
        """Python refinement of the SQL rows (``_filter_rows_<kind>``)."""
        refine = self._kind_hook("filter_rows")
        return refine(rows, now) if refine and rows else rows

    def _scan_skip_pauses(self, rows, now):
        """The due rows of clocks that skip the time spent in pause nodes."""
        pause_ids = set(self._pause_stage_ids())
        if not pause_ids:
            return rows
        order_ids = [row["order_id"] for row in rows]
        self.env.cr.execute(
            SQL(
                """SELECT order_id, date, to_stage_id FROM order_tracking_event
                    WHERE order_id = ANY(%s) ORDER BY order_id, id""",
                order_ids,
            )
        )
        events = defaultdict(list)
        for order_id, date, stage_id in self.env.cr.fetchall():
            events[order_id].append((date, stage_id))
        clocks = self._clocks(rows, now)
        companies = self.env["res.company"].sudo()
        ladders = {}
        result = []
        adjusted = False
        for row in rows:
            paused = []
            history = events.get(row["order_id"], [])
            for index, (date, stage_id) in enumerate(history):
                if stage_id in pause_ids:
                    end = history[index + 1][0] if index + 1 < len(history) else now
                    paused.append((max(date, row["start_at"]), end))
            if not paused:
                result.append(row)
                continue
            work = clocks[row["company_id"]]
            paused_hours = sum(work.hours(a, b) for a, b in paused)
            elapsed = work.hours(row["start_at"], now) - paused_hours
            if row["company_id"] not in ladders:
                ladders[row["company_id"]] = self._ladder(companies.browse(row["company_id"]))
            reached = [step for step, hours in ladders[row["company_id"]] if hours <= elapsed]
            if not reached:
                continue
            step = max(reached)
            adjusted = adjusted or step != row["step"]
            result.append(dict(row, step=step, paused_hours=paused_hours))
        if adjusted:
            # the SQL excluded what was alerted at the wall-clock step only
            self.env.cr.execute(
                SQL(
                    """SELECT order_id, stage_entry_key, MAX(step) FROM order_alert
                        WHERE rule_id = %s AND order_id = ANY(%s) GROUP BY 1, 2""",
                    self.id,
                    order_ids,
                )
            )
            done = {(o, k): s for o, k, s in self.env.cr.fetchall()}
            result = [
                row
                for row in result
                if done.get((row["order_id"], row["entry_key"]), -1) < row["step"]
            ]
        return result

    def _clocks(self, rows, now):
        """One working-time clock per company covering the rows' clocks."""
        starts = defaultdict(lambda: now)
        for row in rows:
            if row.get("start_at"):
                starts[row["company_id"]] = min(starts[row["company_id"]], row["start_at"])
        companies = self.env["res.company"].sudo().browse(list(starts))
        return {
            company.id: clock.WorkClock(
                company.resource_calendar_id._tracking_cached(),
                starts[company.id] - relativedelta(days=1),
                now + relativedelta(days=1),
            )
            for company in companies
        }

    # -- raising --

    def _raise_alerts(self, rows, now):
        """Insert the alerts of ``rows`` (duplicates are skipped by the
        database), close the lower steps they supersede, run the actions.
        None when a concurrent scan raised them first."""
        self.ensure_one()
        Order = self.env["sale.order"].sudo()
        orders = Order.browse([row["order_id"] for row in rows])
        orders.fetch(["company_id", "user_id", "team_id", "tracking_stage_id"])
        clocks = self._clocks(rows, now)
        ladders = {}
        members = {}
        vals_list = []
        for row in rows:
            order = Order.browse(row["order_id"])
            company = order.company_id
            if company.id not in ladders:
                ladders[company.id] = dict(self._ladder(company))
            step = row["step"]
            due_at = row.get("due_at")
            if not due_at and row.get("start_at") and step in ladders[company.id]:
                hours = ladders[company.id][step] + row.get("paused_hours", 0.0)
                due_at = clocks[company.id].plan(row["start_at"], hours)
            user, group = self._alert_responsible(order, step, members)
            vals_list.append(
                {
                    "rule_id": self.id,
                    "order_id": order.id,
                    "company_id": company.id,
                    "kind": self.kind,
                    "stage_id": order.tracking_stage_id.id or None,
                    "stage_entry_id": row.get("entry_id") or None,
                    "stage_entry_key": row["entry_key"],
                    "picking_id": row.get("picking_id") or None,
                    "step": step,
                    "level": "warning" if step == 0 else "breach" if step == 1 else "escalation",
                    "escalation_level": max(step - 1, 0),
                    "severity": self._step_severity(step),
                    "state": "open",
                    "start_at": row.get("start_at") or None,
                    "due_at": due_at or None,
                    "raised_at": now,
                    "user_id": user.id or None,
                    "group_id": group.id or None,
                    "highlight": self.action_highlight,
                }
            )
        alerts = self.env["order.alert"].sudo()._insert_alerts(vals_list)
        if alerts is None:
            return None
        alerts._supersede_lower(now)
        alerts._run_actions()
        return alerts

    def _step_severity(self, step):
        """Warnings are one notch below the rule, escalations are high."""
        if step == 0:
            return {"high": "medium"}.get(self.severity, "low")
        if step >= 2:
            return "high"
        return self.severity

    # -- does the condition of an alert still hold? --

    def _alert_holds(self, alerts):
        """Ids of ``alerts`` (of this rule) whose condition still holds."""
        self.ensure_one()
        orders = alerts.order_id
        orders.fetch(
            [
                "state",
                "tracking_stage_id",
                "tracking_last_event_id",
                "tracking_fulfilment",
                "tracking_short",
                "commitment_date",
                "tracking_promise_latest",
            ]
        )
        live = orders.filtered(lambda o: o.state != "cancel")
        domain = self._get_domain()
        if domain != expression.TRUE_DOMAIN:
            live = live.filtered_domain(domain)
        if self.company_id:
            live = live.filtered(lambda o: o.company_id == self.company_id)
        find_risks = self._kind_hook("risks")
        risks = find_risks(alerts, live) if find_risks else {}
        check = self._kind_hook("holds")
        return {
            alert.id
            for alert in alerts
            if alert.order_id in live and check(alert, alert.order_id, risks)
        }
