import json
import logging

from odoo import SUPERUSER_ID, api, fields, models
from odoo.tools import SQL

from ..tools import webhook
from .order_alert_rule_scan_guard import TRANSIENT_ERRORS

_logger = logging.getLogger(__name__)

POSTCOMMIT_KEY = "order_alerts.webhook_log_ids"


class OrderAlertWebhookLog(models.Model):
    """One outgoing webhook message and every attempt to deliver it.

    Messages are queued in the transaction that raises the alert and posted
    after it commits (never inside it), in a cursor of their own; failures are
    retried with a growing delay by a scheduled action."""

    _name = "order.alert.webhook.log"
    _inherit = ["order.tracking.order.fact"]
    _description = "Order Alert Webhook Delivery"
    _order = "id desc"
    _rec_name = "url"

    alert_id = fields.Many2one("order.alert", readonly=True, index=True, ondelete="cascade")
    rule_id = fields.Many2one("order.alert.rule", readonly=True, index=True, ondelete="cascade")
    company_id = fields.Many2one("res.company", readonly=True, index=True)
    url = fields.Char(required=True, readonly=True)
    webhook_format = fields.Selection(
        lambda self: self.env["order.alert.rule"]._fields["webhook_format"].selection,
        string="Format",
        default="json",
        readonly=True,
        help="The rule's format when the message was queued: a signed robot's signature is "
        "made at each attempt from the rule's secret.",
    )
    payload = fields.Text(required=True, readonly=True)
    state = fields.Selection(
        [("pending", "To Send"), ("sent", "Sent"), ("failed", "Failed")],
        required=True,
        default="pending",
        readonly=True,
        index=True,
    )
    status_code = fields.Integer(string="HTTP Status", readonly=True)
    attempts = fields.Integer(readonly=True)
    max_attempts = fields.Integer(readonly=True, default=5)
    response = fields.Text(readonly=True)
    error = fields.Text(readonly=True)
    next_retry = fields.Datetime(readonly=True, index=True)
    last_attempt_at = fields.Datetime(readonly=True)
    history = fields.Text(string="Attempts Log", readonly=True)

    @api.model
    def _enqueue(self, alerts):
        """Queue one message per alert; post them after the commit."""
        now = fields.Datetime.now()
        vals_list = []
        for alert in alerts:
            rule = alert.rule_id
            data, note = rule._webhook_message(alert)
            vals_list.append(
                {
                    "alert_id": alert.id,
                    "rule_id": rule.id,
                    "company_id": alert.company_id.id,
                    "url": rule.webhook_url.strip(),
                    "webhook_format": rule.webhook_format,
                    "payload": json.dumps(data, ensure_ascii=False),
                    "max_attempts": rule.webhook_retries,
                    "next_retry": now,
                    "history": self._history_line(now, 0, note, "") if note else False,
                }
            )
        logs = self.sudo().create(vals_list)
        self._deliver_after_commit(logs.ids)
        return logs

    def _deliver_after_commit(self, ids):
        """Post ``ids`` once the current transaction has committed."""
        cr = self.env.cr
        pending = cr.postcommit.data.setdefault(POSTCOMMIT_KEY, [])
        if not pending:
            registry = self.env.registry
            model = self._name

            def deliver_order_alert_webhooks():
                log_ids = list(cr.postcommit.data.pop(POSTCOMMIT_KEY, []))
                if log_ids:
                    registry[model]._deliver_in_new_cursor(registry, log_ids)

            cr.postcommit.add(deliver_order_alert_webhooks)
        pending.extend(ids)

    @classmethod
    def _deliver_in_new_cursor(cls, registry, log_ids):
        try:
            with registry.cursor() as cr:
                env = api.Environment(cr, SUPERUSER_ID, {})
                env[cls._name].browse(log_ids)._deliver()
        except Exception:  # noqa: BLE001 - the retry cron takes over
            _logger.exception("Webhook delivery after commit failed; the retry cron will resend")

    def _timeout(self):
        value = self.env["ir.config_parameter"].sudo().get_param("order_alerts.webhook_timeout")
        try:
            return max(0.1, min(float(value), 30.0)) if value else webhook.DEFAULT_TIMEOUT
        except ValueError:
            return webhook.DEFAULT_TIMEOUT

    def _deliver(self):
        """Attempt the pending messages among these that no one else is
        sending right now; record the outcome of every attempt."""
        if not self:
            return
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                """SELECT id FROM order_alert_webhook_log
                    WHERE id = ANY(%s) AND state = 'pending'
                    ORDER BY id FOR UPDATE SKIP LOCKED""",
                self.ids,
            )
        )
        logs = self.browse([row[0] for row in self.env.cr.fetchall()])
        timeout = self._timeout()
        secrets = logs.rule_id._webhook_secrets()
        for log in logs:
            try:
                with self.env.cr.savepoint():
                    log._deliver_one(timeout, secrets.get(log.rule_id.id))
            except TRANSIENT_ERRORS:
                raise
            except Exception as error:  # noqa: BLE001 - one message never stops the queue
                _logger.exception("Webhook message %s could not be processed", log.id)
                log._deliver_failed(error)

    def _deliver_failed(self, error):
        """This message raised while being sent: it stays queued with the
        error for its next attempt (failed after its last one)."""
        self.ensure_one()
        attempts = self.attempts + 1
        now = fields.Datetime.now()
        message = f"{type(error).__name__}: {error}"[:2000]
        last = attempts >= self.max_attempts
        self.write(
            {
                "attempts": attempts,
                "error": message,
                "last_attempt_at": now,
                "history": self._history_line(now, attempts, message),
                "state": "failed" if last else "pending",
                "next_retry": False if last else webhook.next_retry(now, attempts),
            }
        )

    def _deliver_one(self, timeout, secret=None):
        """One attempt to deliver this message, signed now with ``secret``
        when its robot signs; the outcome is recorded (never the signature)."""
        self.ensure_one()
        now = fields.Datetime.now()
        url, payload = webhook.signed(self.webhook_format, self.url, self.payload, secret)
        ok, status, text, error = webhook.post(url, payload, timeout=timeout)
        attempts = self.attempts + 1
        vals = {
            "attempts": attempts,
            "status_code": status,
            "response": text,
            "error": "" if ok else error,
            "last_attempt_at": now,
            "history": self._history_line(now, attempts, f"HTTP {status}" if ok else error),
        }
        if ok:
            vals.update(state="sent", next_retry=False)
        elif attempts >= self.max_attempts:
            vals.update(state="failed", next_retry=False)
        else:
            vals.update(next_retry=webhook.next_retry(now, attempts))
        self.write(vals)
        if not ok:
            _logger.warning("Webhook %s attempt %s failed: %s", self.url, attempts, error)

    def _history_line(self, now, attempts, outcome, history=None):
        line = f"{fields.Datetime.to_string(now)} #{attempts}: {outcome}"
        return "\n".join(filter(None, [self.history if history is None else history, line]))

    @api.model
    def _cron_retry(self, limit=200):
        """Scheduled action: (re)send the messages whose time has come."""
        logs = self.sudo().search(
            [("state", "=", "pending"), ("next_retry", "<=", fields.Datetime.now())],
            order="next_retry, id",
            limit=limit,
        )
        logs._deliver()
        return len(logs)

    def action_retry(self):
        """Send again now; a failed message gets one more attempt."""
        now = fields.Datetime.now()
        for log in self.filtered(lambda log: log.state != "sent"):
            log.write(
                {
                    "state": "pending",
                    "max_attempts": max(log.max_attempts, log.attempts + 1),
                    "next_retry": now,
                }
            )
        self._deliver()
        return True
