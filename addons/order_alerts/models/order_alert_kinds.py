from odoo import models
from odoo.tools import SQL

from ..tools.definitions import CLOSED_CODES, OPEN_FULFILMENT, date_key


class OrderAlertKinds(models.AbstractModel):
    """What each kind of alert rule watches, one kind after the other: its SQL
    source (``_scan_source_<kind>(bound, now)``: the candidate orders whose clock
    started before ``bound``, with the columns order_id, company_id, entry_key,
    entry_id, start_at, picking_id) and its check that an open alert still holds
    (``_holds_<kind>(alert, order, risks)``; optionally ``_still_holds_sql_<kind>()``,
    the same check in SQL for the alerts that certainly hold, which the resolve
    pass then skips). A new kind is a selection value of
    ``order.alert.rule.kind`` plus these two methods, in a module of its own if
    need be (``_inherit = "order.alert.rule"``)."""

    _name = "order.alert.kinds"
    _description = "Order Alert Rule Kinds"

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
