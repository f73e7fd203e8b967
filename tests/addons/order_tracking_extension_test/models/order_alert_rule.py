from odoo import fields, models
from odoo.tools import SQL

KIND = [("certificate_pending", "Certificate pending")]


class OrderAlertRule(models.Model):
    """The alert kind ``certificate_pending``: a quality certificate
    requested and not issued within the rule's working hours. Everything
    about the kind is here (see order_alerts/models/order_alert_rule_kinds.py)."""

    _inherit = "order.alert.rule"

    kind = fields.Selection(selection_add=KIND, ondelete={"certificate_pending": "cascade"})

    def _scan_source_certificate_pending(self, bound, now):
        return SQL(
            """SELECT so.id AS order_id, so.company_id AS company_id,
                      'certificate:' || c.id AS entry_key,
                      so.tracking_last_event_id AS entry_id,
                      c.requested_at AS start_at,
                      NULL::integer AS picking_id
                 FROM order_tracking_test_certificate c
                 JOIN sale_order so ON so.id = c.order_id
                WHERE c.state = 'draft' AND c.requested_at <= %s AND %s""",
            bound,
            SQL(" AND ").join(self._scan_scope()),
        )

    def _still_holds_sql_certificate_pending(self):
        return SQL(
            """EXISTS (SELECT 1 FROM order_tracking_test_certificate c
                        WHERE c.order_id = so.id AND c.state = 'draft'
                          AND a.stage_entry_key = 'certificate:' || c.id)"""
        )

    def _holds_certificate_pending(self, alert, order, risks):
        return any(
            alert.stage_entry_key == f"certificate:{certificate.id}"
            for certificate in order.test_certificate_ids
            if certificate.state == "draft"
        )

    def _describe_certificate_pending(self, alert):
        return self.env._(
            "%(order)s has waited for its quality certificate since %(since)s.",
            order=alert.order_id.name or "",
            since=alert._fmt(alert.start_at),
        )


class OrderAlert(models.Model):
    _inherit = "order.alert"

    kind = fields.Selection(selection_add=KIND, ondelete={"certificate_pending": "cascade"})
