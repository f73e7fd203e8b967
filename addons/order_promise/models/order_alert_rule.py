from odoo import fields, models
from odoo.tools import SQL

KINDS = [("promise_at_risk", "Promise at risk")]
ONDELETE = {kind: "cascade" for kind, _label in KINDS}


def _key():
    return SQL(
        "'promise_risk:' || COALESCE(to_char(so.promise_risk_since, 'YYYY-MM-DD HH24:MI:SS'), '')"
    )


class OrderAlertRule(models.Model):
    """The alert kind ``promise_at_risk`` (SPEC PRM-3): a confirmed order
    whose deliveries, given the warehouse's supply in priority, can no longer
    reach the date promised to the customer — found before it is late, plus
    the rule's hours. One alert per order and time it was found at risk; it
    resolves itself when the promise can be kept again (supply came, or the
    order was re-promised). Everything about the kind is here (see
    order_alerts/models/order_alert_rule_kinds.py)."""

    _inherit = "order.alert.rule"

    kind = fields.Selection(selection_add=KINDS, ondelete=ONDELETE)

    def _scan_source_promise_at_risk(self, bound, now):
        return SQL(
            """SELECT so.id AS order_id, so.company_id AS company_id,
                      %(key)s AS entry_key,
                      so.tracking_last_event_id AS entry_id,
                      so.promise_risk_since AS start_at,
                      NULL::integer AS picking_id
                 FROM sale_order so
                WHERE so.promise_at_risk AND so.state = 'sale'
                  AND so.promise_risk_since <= %(bound)s
                  AND %(scope)s""",
            key=_key(),
            bound=bound,
            scope=SQL(" AND ").join(self._scan_scope()),
        )

    def _still_holds_sql_promise_at_risk(self):
        return SQL(
            "so.state = 'sale' AND so.promise_at_risk AND a.stage_entry_key = %s",
            _key(),
        )

    def _holds_promise_at_risk(self, alert, order, risks):
        since = order.promise_risk_since
        return bool(
            order.state == "sale"
            and order.promise_at_risk
            and since
            and alert.stage_entry_key == f"promise_risk:{fields.Datetime.to_string(since)}"
        )

    def _describe_promise_at_risk(self, alert):
        order = alert.order_id
        promised = order.tracking_promise_latest
        if order.promise_reachable_date:
            return self.env._(
                "%(order)s of %(customer)s was promised for %(promised)s; the warehouse's "
                "supply, given to the open orders in priority, can deliver it on "
                "%(reachable)s at the earliest.",
                order=order.name or "",
                customer=order.partner_id.display_name or "",
                promised=alert._fmt(promised) if promised else "",
                reachable=order.promise_reachable_date,
            )
        return self.env._(
            "%(order)s of %(customer)s was promised for %(promised)s; nothing planned can "
            "cover it yet (no stock, receipt, production, vendor or bill of materials).",
            order=order.name or "",
            customer=order.partner_id.display_name or "",
            promised=alert._fmt(promised) if promised else "",
        )


class OrderAlert(models.Model):
    _inherit = "order.alert"

    kind = fields.Selection(selection_add=KINDS, ondelete=ONDELETE)
