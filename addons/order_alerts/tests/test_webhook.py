import json
import threading
import time
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import SimpleNamespace
from unittest.mock import patch

from odoo.tests import tagged

from ..models.order_alert_webhook_log import POSTCOMMIT_KEY
from ..tools import webhook
from .common import AlertCase


class Receiver:
    """A local HTTP server recording the POSTs it gets; ``replies`` is the
    list of status codes to answer in turn (the last one repeats)."""

    def __init__(self, replies=(200,), delay=0.0):
        self.replies = list(replies)
        self.delay = delay
        self.received = []
        self.gave_up = 0
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                receiver.received.append(json.loads(body.decode()))
                if receiver.delay:
                    time.sleep(receiver.delay)
                status = (
                    receiver.replies.pop(0) if len(receiver.replies) > 1 else receiver.replies[0]
                )
                payload = b'{"errcode": 0, "errmsg": "ok"}'
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(payload)))
                    self.end_headers()
                    self.wfile.write(payload)
                except OSError:
                    receiver.gave_up += 1  # the client gave up (timeout)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@tagged("post_install", "-at_install")
class TestWebhook(AlertCase):
    def setUp(self):
        super().setUp()
        self.receiver = Receiver()
        self.addCleanup(self.receiver.close)
        self.rule = self.make_rule(
            name="To Ship 4 h",
            stage_id=self.to_ship.id,
            hours=4,
            webhook_url=self.receiver.url,
            webhook_retries=3,
        )
        self.Log = self.env["order.alert.webhook.log"]

    def raise_one(self):
        order = self.confirmed_order("2037-11-30 09:00:00")
        self.assertEqual(self.scan(self.rule, "2037-11-30 14:05:00"), 1)
        log = self.Log.search([("rule_id", "=", self.rule.id)])
        self.assertEqual(len(log), 1)
        return order, log

    def run_postcommit(self):
        """What happens after the commit: the registered callback opens its
        own cursor (test mode makes it share the test transaction)."""
        callbacks = [
            func
            for func in self.env.cr.postcommit._funcs
            if getattr(func, "__name__", "") == "deliver_order_alert_webhooks"
        ]
        self.assertEqual(len(callbacks), 1, "one delivery callback per transaction")
        self.registry.enter_test_mode(self.env.cr)
        try:
            callbacks[0]()
        finally:
            self.registry.leave_test_mode()
        self.env.invalidate_all()

    def test_posted_after_commit_not_inside_the_transaction(self):
        order, log = self.raise_one()
        self.assertEqual(log.state, "pending")
        self.assertFalse(self.receiver.received, "nothing is sent before the commit")
        self.assertEqual(self.env.cr.postcommit.data[POSTCOMMIT_KEY], log.ids)
        self.run_postcommit()
        self.assertEqual(len(self.receiver.received), 1)
        payload = self.receiver.received[0]
        self.assertEqual(payload["order"], order.name)
        self.assertEqual(payload["level"], "breach")
        self.assertEqual(payload["node"], "to_ship")
        self.assertEqual(payload["alert_id"], log.alert_id.id)
        self.assertRecordValues(log, [{"state": "sent", "attempts": 1, "status_code": 200}])

    def test_robot_format(self):
        self.rule.webhook_format = "robot"
        order, log = self.raise_one()
        log._deliver()
        payload = self.receiver.received[0]
        self.assertEqual(payload["msgtype"], "text")
        self.assertIn(order.name, payload["text"]["content"])

    def test_failure_is_retried_with_backoff_and_logged(self):
        self.receiver.replies = [500, 502, 200]
        _order, log = self.raise_one()
        with self.at("2037-11-30 14:06:00"):
            log._deliver()
        self.assertRecordValues(
            log, [{"state": "pending", "attempts": 1, "status_code": 500, "error": "HTTP 500"}]
        )
        self.assertEqual(log.next_retry, datetime(2037, 11, 30, 14, 7), "first retry after 1 min")
        with self.at("2037-11-30 14:06:30"):
            self.assertEqual(self.Log._cron_retry(), 0, "not before its time")
        with self.at("2037-11-30 14:08:00"):
            self.assertEqual(self.Log._cron_retry(), 1)
        self.assertEqual((log.state, log.attempts, log.status_code), ("pending", 2, 502))
        self.assertEqual(log.next_retry, datetime(2037, 11, 30, 14, 13), "then after 5 min")
        with self.at("2037-11-30 16:00:00"):
            self.Log._cron_retry()
        self.assertEqual((log.state, log.attempts, log.status_code), ("sent", 3, 200))
        self.assertEqual(len(log.history.splitlines()), 3, "every attempt is logged")
        self.assertEqual(len(self.receiver.received), 3)

    def test_gives_up_after_the_last_attempt(self):
        self.receiver.replies = [500]
        _order, log = self.raise_one()
        for minute in ("14:06", "15:00", "18:00"):
            with self.at(f"2037-11-30 {minute}:00"):
                self.Log._cron_retry()
        self.assertEqual((log.state, log.attempts), ("failed", 3))
        with self.at("2037-12-01 18:00:00"):
            self.assertEqual(self.Log._cron_retry(), 0)
        log.action_retry()
        self.assertEqual(log.attempts, 4)

    def test_never_blocks(self):
        """A hanging or dead endpoint costs at most the timeout and never raises."""
        self.env["ir.config_parameter"].set_param("order_alerts.webhook_timeout", "0.5")
        self.receiver.delay = 3
        _order, log = self.raise_one()
        started = time.monotonic()
        log._deliver()
        self.assertLess(time.monotonic() - started, 2.5)
        self.assertEqual(log.state, "pending")
        self.assertIn("Timeout", log.error)
        dead = Receiver()
        dead.close()
        log2 = self.Log.create(
            {"url": dead.url, "payload": "{}", "max_attempts": 1, "rule_id": self.rule.id}
        )
        log2._deliver()
        self.assertEqual(log2.state, "failed")
        self.assertIn("ConnectionError", log2.error)

    def test_errcode_of_a_robot_is_a_failure(self):
        """WeCom / DingTalk answer HTTP 200 with an errcode when they refuse."""
        log = self.Log.create({"url": self.receiver.url, "payload": "{}", "max_attempts": 2})
        response = SimpleNamespace(
            status_code=200, text='{"errcode": 310000, "errmsg": "keywords not in content"}'
        )
        with patch.object(webhook.requests, "post", return_value=response):
            log._deliver()
        self.assertEqual((log.state, log.attempts), ("pending", 1))
        self.assertIn("310000", log.error)

    def test_no_webhook_no_log(self):
        self.rule.webhook_url = False
        order = self.confirmed_order("2037-11-30 09:00:00")
        self.scan(self.rule, "2037-11-30 14:05:00")
        self.assertTrue(self.alerts(self.rule, order))
        self.assertFalse(self.Log.search([("rule_id", "=", self.rule.id)]))
        self.assertNotIn(POSTCOMMIT_KEY, self.env.cr.postcommit.data)

    def test_many_alerts_one_callback(self):
        for _i in range(3):
            self.confirmed_order("2037-11-30 09:00:00")
        self.scan(self.rule, "2037-11-30 14:05:00")
        self.assertEqual(len(self.env.cr.postcommit.data[POSTCOMMIT_KEY]), 3)
        self.run_postcommit()
        self.assertEqual(len(self.receiver.received), 3)
        self.assertEqual(
            set(self.Log.search([("rule_id", "=", self.rule.id)]).mapped("state")), {"sent"}
        )
