import logging

import psycopg2

from odoo import fields, models
from odoo.service.model import PG_CONCURRENCY_EXCEPTIONS_TO_RETRY

_logger = logging.getLogger(__name__)

# not a fault of the rule: the scheduled action runs again
TRANSIENT_ERRORS = (psycopg2.InterfaceError, *PG_CONCURRENCY_EXCEPTIONS_TO_RETRY)


def _error_text(error):
    """What the manager reads: the message, without a traceback, not a page long."""
    text = str(error) or type(error).__name__
    return text.split("\n\nTraceback", 1)[0].strip()[:1000]


# One concern of the model per file (Odoo's way: sale_stock, account): see
# docs/architecture.md.
# pylint: disable=consider-merging-classes-inherited
class OrderAlertRule(models.Model):
    """Fault isolation of the scan: one rule, or one order of a rule, that
    raises is logged and shown on the rule (``scan_error``, for its manager)
    and the scan goes on with the others. ``order.alert.rule`` inherits it; the
    engine (models/order_alert_rule_scan.py) calls ``_scan_isolated`` per rule and
    ``_raise_isolated`` per batch."""

    _inherit = "order.alert.rule"

    scan_error = fields.Text(
        readonly=True,
        copy=False,
        help="Why the last scan of this rule failed; the other rules were scanned. "
        "Cleared by the next good scan.",
    )
    scan_error_at = fields.Datetime(string="Scan Failed At", readonly=True, copy=False)

    def _scan_isolated(self, now):
        """Scan this rule so that its failure cannot stop the others: the
        error undoes this rule's work only, is logged and is recorded on the
        rule (``scan_error``) for its manager; the next good run clears it.
        Concurrency and connection errors are not the rule's fault: they go up
        to the scheduled action, which runs again."""
        self.ensure_one()
        cr = self.env.cr
        committing = self._scan_commit()  # in cron: keep what the rules before raised
        try:
            if committing:
                raised = self._scan(now)
            else:
                with cr.savepoint():
                    raised = self._scan(now)
        except TRANSIENT_ERRORS:
            raise
        except Exception as error:  # noqa: BLE001 - contained, logged and shown on the rule
            if getattr(cr, "closed", False):
                raise
            if committing:
                cr.rollback()
            _logger.exception(
                "Alert rule %s (%s) failed its scan; the others go on", self.id, self.name
            )
            self._scan_mark(error, now)
            return 0
        if self.scan_error and self.scan_error_at != now:
            self._scan_mark(False, now)  # a good run clears the error of an earlier one
        return raised

    def _scan_mark(self, error, now):
        """Record (or clear, ``error`` False) the scan error of this rule."""
        message = False
        if error:
            message = self.env._(
                "The last scan of this rule failed (%(when)s UTC): %(error)s",
                when=fields.Datetime.to_string(now),
                error=_error_text(error),
            )
        self.sudo().write({"scan_error": message, "scan_error_at": now if error else False})

    def _raise_isolated(self, rows, now):
        """``_raise_alerts`` for a batch; when the batch fails, its orders are
        raised one by one so that an order that raises (a broken template, a
        responsible that cannot be resolved) holds back no other: the failing
        orders are logged and named on the rule (``scan_error``)."""
        try:
            with self.env.cr.savepoint():
                return self._raise_alerts(rows, now)
        except TRANSIENT_ERRORS:
            raise
        except Exception as error:  # noqa: BLE001 - retried order by order below
            if len(rows) > 1:
                return self._raise_one_by_one(rows, now)
            _logger.exception("Alert rule %s failed on order %s", self.id, rows[0]["order_id"])
            self._scan_mark_orders([(rows[0]["order_id"], error)], now)
            return self.env["order.alert"]

    def _raise_one_by_one(self, rows, now):
        raised = self.env["order.alert"]
        failed = []
        for row in rows:
            try:
                with self.env.cr.savepoint():
                    alerts = self._raise_alerts([row], now)
            except TRANSIENT_ERRORS:
                raise
            except Exception as error:  # noqa: BLE001 - contained, named on the rule
                _logger.exception("Alert rule %s failed on order %s", self.id, row["order_id"])
                failed.append((row["order_id"], error))
                continue
            if alerts is None:
                return None
            raised |= alerts
        if failed:
            self._scan_mark_orders(failed, now)
        return raised

    def _scan_mark_orders(self, failed, now):
        """Name on the rule the orders [(order id, error)] that failed."""
        orders = self.env["sale.order"].sudo().browse([order_id for order_id, _e in failed])
        names = {order.id: order.name for order in orders}
        self._scan_mark(
            "; ".join(f"{names.get(oid, oid)}: {_error_text(error)}" for oid, error in failed),
            now,
        )
