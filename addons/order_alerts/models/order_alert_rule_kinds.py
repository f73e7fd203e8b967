from odoo import api, models
from odoo.exceptions import ValidationError
from odoo.tools import SQL

from ..tools.definitions import CLOSED_CODES, OPEN_FULFILMENT, date_key

# what every kind must define (``<hook><kind>``); a missing one fails the install
REQUIRED_HOOKS = ("_scan_source_", "_holds_", "_describe_")


# One concern of the model per file (Odoo's way: sale_stock, account): see
# docs/architecture.md.
# pylint: disable=consider-merging-classes-inherited
class OrderAlertRule(models.Model):
    """Everything about each kind of alert rule, one kind after the other, in
    methods named after the kind (``order.alert.rule`` inherits this; a new
    kind is a selection value of ``order.alert.rule.kind`` and
    ``order.alert.kind`` plus these methods, in a module of its own if need
    be, ``_inherit = "order.alert.rule"``):

    required —
    ``_scan_source_<kind>(bound, now)``: SQL of the candidate orders whose
    clock started before ``bound``, with the columns order_id, company_id,
    entry_key, entry_id, start_at, picking_id (None: nothing to watch);
    ``_holds_<kind>(alert, order, risks)``: whether an open alert still holds;
    ``_describe_<kind>(alert)``: the sentence that tells the alert;

    optional —
    ``_still_holds_sql_<kind>()``: the same check in SQL over ``a`` (the
    alert) and ``so`` (its order) for the alerts that certainly hold, which
    the resolve pass then skips;
    ``_watched_stage_<kind>(company)``: the node whose entry starts the clock
    (its SLA is the default limit, its department the default responsible);
    ``_check_rule_<kind>()``: refuse a rule of this kind that cannot work;
    ``_warns_<kind>()``: False when the kind has no warning step;
    ``_scan_more_<kind>(now)`` / ``_dry_run_more_<kind>(now)``: a pass of
    its own after the scan (alerts raised) / the dry run (order ids);
    ``_risks_<kind>(alerts, orders)``: what ``_holds_<kind>`` reads as ``risks``;
    ``_filter_rows_<kind>(rows, now)``: a Python refinement of the due rows;
    ``_schedule_<kind>(alerts)``: the to-dos of new alerts, instead of
    activities."""

    _inherit = "order.alert.rule"

    def _kind_hook(self, hook, default=None):
        """The method ``_<hook>_<kind>`` of this rule's kind, or ``default``."""
        return getattr(self, f"_{hook}_{self.kind}", default)

    @api.model
    def _kind_missing_hooks(self):
        """["<kind>: <method>"] of the kinds that lack a required method."""
        kinds = [value for value, _label in self._fields["kind"].selection]
        return [
            f"{kind}: {hook}{kind}"
            for kind in kinds
            for hook in REQUIRED_HOOKS
            if not callable(getattr(self, f"{hook}{kind}", None))
        ]

    # -- shared pieces --

    def _approval_stage(self, company):
        Stage = self.env["order.tracking.stage"].sudo()
        return Stage._get_by_code("to_approve", company or self.env.company)

    def _promise_sql(self):
        return SQL("COALESCE(so.commitment_date, so.tracking_promise_latest)")

    def _node_entry_source(self, conditions):
        return SQL(
            """SELECT so.id AS order_id, so.company_id AS company_id,
                      'event:' || so.tracking_last_event_id AS entry_key,
                      so.tracking_last_event_id AS entry_id,
                      so.tracking_entered_at AS start_at,
                      NULL::integer AS picking_id
                 FROM sale_order so
                WHERE so.tracking_last_event_id IS NOT NULL AND %s""",
            SQL(" AND ").join(conditions),
        )

    def _not_paused(self):
        pause_ids = self._pause_stage_ids()
        if not pause_ids:
            return SQL("TRUE")
        return SQL(
            "(so.tracking_stage_id IS NULL OR so.tracking_stage_id NOT IN %s)", tuple(pause_ids)
        )

    def _promise_rows(self, conditions, tail=None):
        """Open confirmed orders keyed by their promise (the entry of the
        ship-date kinds), under ``conditions``; ``tail`` orders / limits."""
        promise = self._promise_sql()
        return SQL(
            """SELECT so.id AS order_id, so.company_id AS company_id,
                      'promise:' || to_char(%(promise)s, 'YYYY-MM-DD HH24:MI:SS') AS entry_key,
                      so.tracking_last_event_id AS entry_id,
                      %(promise)s AS start_at,
                      NULL::integer AS picking_id
                 FROM sale_order so
                WHERE so.state = 'sale'
                  AND so.tracking_fulfilment IN %(open)s
                  AND %(not_paused)s
                  AND %(scope)s
                  AND %(conditions)s
                  %(tail)s""",
            promise=promise,
            open=OPEN_FULFILMENT,
            not_paused=self._not_paused(),
            scope=SQL(" AND ").join(self._scan_scope()),
            conditions=SQL(" AND ").join(conditions),
            tail=tail or SQL(""),
        )

    # -- node SLA exceeded --

    def _scan_source_stage_sla(self, bound, now):
        return self._node_entry_source(
            [
                SQL("so.tracking_stage_id = %s", self.stage_id.id),
                SQL("so.tracking_entered_at <= %s", bound),
                *self._scan_scope(),
            ]
        )

    def _still_holds_sql_stage_sla(self):
        """SQL over ``a`` (the alert) and ``so`` (its order): true when
        ``_holds_stage_sla`` certainly holds (the resolve pass skips those)."""
        return SQL(
            "so.tracking_stage_id = %s AND so.tracking_last_event_id = a.stage_entry_id",
            self.stage_id.id,
        )

    def _holds_stage_sla(self, alert, order, risks):
        return (
            order.tracking_stage_id == self.stage_id
            and order.tracking_last_event_id == alert.stage_entry_id
        )

    def _watched_stage_stage_sla(self, company):
        return self.stage_id

    def _check_rule_stage_sla(self):
        if not self.stage_id:
            raise ValidationError(
                self.env._(
                    "The alert rule “%(rule)s” needs the status node to watch.", rule=self.name
                )
            )
        if self.stage_id.pause_sla:
            raise ValidationError(
                self.env._(
                    "“%(node)s” pauses SLA clocks: an SLA alert on it would never run.",
                    node=self.stage_id.name,
                )
            )
        if not self.hours and not self.stage_id.sla_hours:
            raise ValidationError(
                self.env._(
                    "Give the alert rule “%(rule)s” a number of hours, or set an SLA on "
                    "the node “%(node)s”.",
                    rule=self.name,
                    node=self.stage_id.name,
                )
            )

    def _describe_stage_sla(self, alert):
        return self.env._(
            "%(order)s has been in “%(node)s” since %(since)s, past %(step)s of its time limit.",
            order=alert.order_id.name or "",
            node=alert.stage_id.name or "",
            since=alert._fmt(alert.start_at),
            step=alert.level_name,
        )

    # -- approval overdue --

    def _scan_source_approval_overdue(self, bound, now):
        stages = self.env["order.tracking.stage"]
        for company in self._scan_companies():
            stages |= self._approval_stage(company)
        if not stages:
            return None
        return self._node_entry_source(
            [
                SQL("so.tracking_stage_id IN %s", tuple(stages.ids)),
                SQL("so.tracking_entered_at <= %s", bound),
                *self._scan_scope(),
            ]
        )

    def _still_holds_sql_approval_overdue(self):
        return SQL(
            "so.tracking_stage_code = 'to_approve' AND so.tracking_last_event_id = a.stage_entry_id"
        )

    def _holds_approval_overdue(self, alert, order, risks):
        return (
            order.tracking_stage_id.code == "to_approve"
            and order.tracking_last_event_id == alert.stage_entry_id
        )

    def _watched_stage_approval_overdue(self, company):
        return self._approval_stage(company)

    def _check_rule_approval_overdue(self):
        if not self.hours:
            stage = self._approval_stage(self.company_id)
            if not (stage and stage.sla_hours):
                raise ValidationError(
                    self.env._(
                        "Give the alert rule “%(rule)s” a number of hours: the “To Approve” "
                        "node has no SLA.",
                        rule=self.name,
                    )
                )

    def _describe_approval_overdue(self, alert):
        return self.env._(
            "%(order)s has been waiting for approval since %(since)s.",
            order=alert.order_id.name or "",
            since=alert._fmt(alert.start_at),
        )

    # -- stock shortage --

    def _scan_source_stock_shortage(self, bound, now):
        return self._node_entry_source(
            [
                SQL("so.tracking_short"),
                SQL("so.state = 'sale'"),
                SQL("so.tracking_entered_at <= %s", bound),
                *self._scan_scope(),
            ]
        )

    def _still_holds_sql_stock_shortage(self):
        return SQL(
            "so.state = 'sale' AND so.tracking_short "
            "AND so.tracking_last_event_id = a.stage_entry_id"
        )

    def _holds_stock_shortage(self, alert, order, risks):
        return (
            order.state == "sale"
            and order.tracking_short
            and order.tracking_last_event_id == alert.stage_entry_id
        )

    def _describe_stock_shortage(self, alert):
        return self.env._(
            "%(order)s has been short of stock since %(since)s.",
            order=alert.order_id.name or "",
            since=alert._fmt(alert.start_at),
        )

    def _schedule_stock_shortage(self, alerts):
        """A shortage to-do per order and product, instead of activities."""
        self.env["order.alert.shortage"].sudo()._sync_from_alerts(alerts)

    # -- planned ship date passed (and predicted breaches) --

    def _scan_source_ship_date(self, bound, now):
        return self._promise_rows([SQL("%s <= %s", self._promise_sql(), bound)])

    def _predict_query(self, now, last):
        promise = self._promise_sql()
        key = SQL("'promise:' || to_char(%s, 'YYYY-MM-DD HH24:MI:SS')", promise)
        return self._promise_rows(
            [
                SQL("%s > %s", promise, now),
                SQL(
                    """(so.tracking_short OR EXISTS (
                        SELECT 1 FROM stock_picking sp
                          JOIN stock_picking_type spt ON spt.id = sp.picking_type_id
                         WHERE sp.sale_id = so.id AND spt.code = 'outgoing'
                           AND sp.state NOT IN ('draft', 'done', 'cancel')
                           AND sp.scheduled_date > %s))""",
                    promise,
                ),
                SQL(
                    """NOT EXISTS (
                        SELECT 1 FROM order_alert a
                         WHERE a.rule_id = %s AND a.order_id = so.id AND a.stage_entry_key = %s)""",
                    self.id,
                    key,
                ),
                SQL("(so.id, %s) > (%s, %s)", key, last[0], last[1]),
            ],
            tail=SQL("ORDER BY so.id LIMIT %s", self._scan_batch_size),
        )

    def _holds_ship_date(self, alert, order, risks):
        if order.state != "sale" or order.tracking_fulfilment not in OPEN_FULFILMENT:
            return False
        if alert.stage_entry_key != order._alert_promise_key():
            return False
        if alert.step == 0:
            return risks.get(order.id, (False, False))[0]
        return True

    def _warns_ship_date(self):
        return False  # the promise is the limit; predictions are its warning

    def _scan_more_ship_date(self, now):
        return self._scan_predict(now) if self.predictive else 0

    def _dry_run_more_ship_date(self, now):
        if not self.predictive:
            return set()
        order_ids = set()
        last = (0, "")
        while True:
            rows = self._fetch(self._predict_query(now, last))
            if not rows:
                break
            last = (rows[-1]["order_id"], rows[-1]["entry_key"])
            risks = (
                self.env["sale.order"]
                .sudo()
                .browse([r["order_id"] for r in rows])
                ._alert_ship_risk()
            )
            order_ids.update(oid for oid, (risk, _f) in risks.items() if risk)
            if len(rows) < self._scan_batch_size:
                break
        return order_ids

    def _risks_ship_date(self, alerts, orders):
        predicted = alerts.filtered(lambda a: a.step == 0).order_id & orders
        return predicted._alert_ship_risk()

    def _describe_ship_date(self, alert):
        order, since = alert.order_id.name or "", alert._fmt(alert.start_at)
        if alert.step == 0:
            if alert.due_at:
                return self.env._(
                    "%(order)s is promised for %(date)s but its goods are expected "
                    "on %(forecast)s.",
                    order=order,
                    date=since,
                    forecast=alert._fmt(alert.due_at),
                )
            return self.env._(
                "%(order)s is promised for %(date)s but its goods are short and no "
                "replenishment is planned.",
                order=order,
                date=since,
            )
        return self.env._(
            "%(order)s was promised for %(date)s and is not fully shipped.",
            order=order,
            date=since,
        )

    # -- delivery exception --

    def _scan_source_delivery_exception(self, bound, now):
        start = SQL("sp.delivery_exception_date")
        return SQL(
            """SELECT so.id AS order_id, so.company_id AS company_id,
                      'picking:' || sp.id AS entry_key,
                      so.tracking_last_event_id AS entry_id,
                      %(start)s AS start_at,
                      sp.id AS picking_id
                 FROM stock_picking sp
                 JOIN sale_order so ON so.id = sp.sale_id
                 JOIN stock_picking_type spt ON spt.id = sp.picking_type_id
                 JOIN stock_location src ON src.id = sp.location_id
                WHERE so.state = 'sale'
                  AND (so.tracking_stage_code IS NULL OR so.tracking_stage_code NOT IN %(closed)s)
                  AND %(start)s IS NOT NULL AND %(start)s <= %(bound)s
                  AND (
                       (sp.delivery_exception AND sp.state != 'cancel')
                    OR (sp.state = 'cancel' AND spt.code = 'outgoing'
                        AND so.tracking_fulfilment IN %(open)s)
                    OR (sp.state = 'done' AND src.usage = 'customer'
                        AND NOT (so.tracking_fulfilment = 'shipped' AND EXISTS (
                            SELECT 1 FROM stock_picking out_sp
                              JOIN stock_picking_type out_spt ON out_spt.id = out_sp.picking_type_id
                             WHERE out_sp.sale_id = so.id AND out_sp.state = 'done'
                               AND out_spt.code = 'outgoing'
                               AND out_sp.date_done > sp.date_done)))
                  )
                  AND %(scope)s""",
            start=start,
            closed=CLOSED_CODES,
            bound=bound,
            open=OPEN_FULFILMENT,
            scope=SQL(" AND ").join(self._scan_scope()),
        )

    def _holds_delivery_exception(self, alert, order, risks):
        if order.tracking_stage_id.code in CLOSED_CODES:
            return False
        return bool(alert.picking_id._alert_exception_reasons())

    def _describe_delivery_exception(self, alert):
        reasons = alert.picking_id._alert_exception_reasons(labels=True)
        return self.env._(
            "Delivery %(picking)s of %(order)s: %(reason)s",
            picking=alert.picking_id.name or "",
            order=alert.order_id.name or "",
            reason=", ".join(reasons) or self.env._("exception cleared"),
        )

    # -- custom: domain + date field + delay --

    def _scan_source_custom(self, bound, now):
        column = SQL("so.%s", SQL.identifier(self.date_field))
        return SQL(
            """SELECT so.id AS order_id, so.company_id AS company_id,
                      'date:' || %(column)s::text AS entry_key,
                      so.tracking_last_event_id AS entry_id,
                      %(column)s::timestamp AS start_at,
                      NULL::integer AS picking_id
                 FROM sale_order so
                WHERE %(column)s IS NOT NULL
                  AND %(column)s::timestamp <= %(bound)s
                  AND %(not_paused)s
                  AND %(scope)s""",
            column=column,
            bound=bound,
            not_paused=self._not_paused(),
            scope=SQL(" AND ").join(self._scan_scope()),
        )

    def _holds_custom(self, alert, order, risks):
        value = order[self.date_field]
        return bool(value) and alert.stage_entry_key == date_key(value)

    def _check_rule_custom(self):
        if not self.date_field:
            raise ValidationError(
                self.env._("The custom alert rule “%(rule)s” needs a date field.", rule=self.name)
            )
        field = self.env["sale.order"]._fields.get(self.date_field)
        if not field or field.type not in ("date", "datetime"):
            raise ValidationError(
                self.env._(
                    "“%(field)s” is not a date or datetime field of sale orders.",
                    field=self.date_field,
                )
            )
        if not field.store or field.company_dependent:
            raise ValidationError(
                self.env._(
                    "“%(field)s” is not stored in the database, so it cannot start an alert clock.",
                    field=self.date_field,
                )
            )

    def _describe_custom(self, alert):
        return self.env._(
            "%(order)s: %(date)s plus the delay of the rule has passed.",
            order=alert.order_id.name or "",
            date=alert._fmt(alert.start_at),
        )

    def _filter_rows_custom(self, rows, now):
        """Custom clocks run across nodes and skip the time spent in the
        nodes that pause SLA clocks."""
        return self._scan_skip_pauses(rows, now)
