import logging

import psycopg2.extensions

from odoo import api, fields, models
from odoo.tools import SQL

from ..tools import transaction

_logger = logging.getLogger(__name__)


class OrderTrackingNotification(models.Model):
    """Customer e-mails owed for node entries, sent by a scheduled action.

    Entering a node only queues the e-mail: rendering a template (which an
    administrator may have broken) never slows down or blocks the picking,
    invoice or payment that moved the order. The queue's row is written by
    the database with the history event that asks for it
    (``order.tracking.event.notify_customer``, set by the recorder from the
    node's settings): the same statement, the same transaction, whatever
    writes the event."""

    _name = "order.tracking.notification"
    _inherit = ["order.tracking.order.fact"]
    _description = "Order Customer Notification"
    _order = "id"

    order_id = fields.Many2one("sale.order", required=True, index=True, ondelete="cascade")
    company_id = fields.Many2one(related="order_id.company_id", store=True, index=True)
    stage_id = fields.Many2one("order.tracking.stage", required=True, ondelete="cascade")
    event_id = fields.Many2one("order.tracking.event", ondelete="set null")
    state = fields.Selection(
        [("pending", "Pending"), ("sent", "Sent"), ("failed", "Failed")],
        default="pending",
        required=True,
        index=True,
    )
    attempts = fields.Integer()
    error = fields.Text()

    MAX_ATTEMPTS = 3

    def init(self):
        # the queue's row of every event that e-mails the customer, written in
        # the event's own INSERT statement (no round trip of its own on the
        # path of the fact); dropped by the uninstall hook
        self.env.cr.execute(
            SQL(
                """
CREATE OR REPLACE FUNCTION order_tracking_notification_enqueue() RETURNS trigger AS $$
BEGIN
    INSERT INTO order_tracking_notification
           (order_id, company_id, stage_id, event_id, state,
            create_uid, create_date, write_uid, write_date)
    VALUES (NEW.order_id, NEW.company_id, NEW.to_stage_id, NEW.id, 'pending',
            NEW.create_uid, NEW.create_date, NEW.write_uid, NEW.write_date);
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;
DROP TRIGGER IF EXISTS order_tracking_notification_enqueue ON order_tracking_event;
CREATE TRIGGER order_tracking_notification_enqueue
    AFTER INSERT ON order_tracking_event
    FOR EACH ROW WHEN (NEW.notify_customer)
    EXECUTE FUNCTION order_tracking_notification_enqueue();
"""
            )
        )

    @api.model
    def _cron_send_pending(self, limit=200):
        """Send pending notifications; a failing template is retried, then
        marked failed with its error, never blocking the others.

        Sending writes the order (its portal token, its main attachment), so
        the scheduled action takes the orders in the order of their ids, as
        every batch update of orders does (``transaction.lock_orders``), and
        commits after each one: it never holds an order while waiting for
        another (it deadlocked with the alert scan when it held 200 orders
        for seconds in the order the events came)."""
        pending = self.search([("state", "=", "pending")], order="id", limit=limit)
        # by the order's id (``order="order_id"`` would sort by the orders' own _order)
        for notification in pending.sorted(lambda n: (n.order_id.id, n.id)):
            notification._send()
            transaction.commit_between_batches(self.env)
        return len(pending)

    def _send(self):
        self.ensure_one()
        template = self.stage_id.mail_template_id
        try:
            with self.env.cr.savepoint():
                if template:
                    self.order_id._tracking_notify_customer(self.stage_id)
            self.write({"state": "sent", "attempts": self.attempts + 1})
        except psycopg2.extensions.TransactionRollbackError:
            # the order changed since this transaction began (its portal token
            # is written while the e-mail is made): not the template's fault,
            # sent by the next run, no attempt counted
            _logger.info("order_tracking: notification %s waits for the next run", self.id)
        except Exception as error:  # noqa: BLE001 - any template error must be contained
            _logger.warning("order_tracking: notification %s failed: %s", self.id, error)
            attempts = self.attempts + 1
            self.write(
                {
                    "attempts": attempts,
                    "error": str(error),
                    "state": "failed" if attempts >= self.MAX_ATTEMPTS else "pending",
                }
            )
