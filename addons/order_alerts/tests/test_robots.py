import base64
import hashlib
import hmac
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

from odoo.exceptions import UserError, ValidationError
from odoo.tests import new_test_user, tagged

from .common import AlertCase

SECRET = "SEC0123456789abcdef0123456789abcdef0123456789abcdef0123456789ab"


class VendorRobots:
    """A local HTTP server that checks what WeCom, DingTalk and Feishu check
    and answers as they do: ``/wecom``, ``/dingtalk`` (signature in the query
    string), ``/feishu`` (signature in the body), each signed one verified
    with ``secret``. A refused message gets HTTP 200 and the vendor's error
    code, as the vendors answer."""

    def __init__(self, secret=SECRET):
        self.secret = secret
        self.received = []  # (path, query, body)
        robots = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                url = urlparse(self.path)
                query = {key: values[0] for key, values in parse_qs(url.query).items()}
                robots.received.append((url.path, query, body))
                answer = getattr(robots, url.path.strip("/"))(query, body)
                data = json.dumps(answer).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.base = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()

    @staticmethod
    def wecom(query, body):
        if body.get("msgtype") not in ("markdown", "text"):
            return {"errcode": 40008, "errmsg": "invalid message type"}
        return {"errcode": 0, "errmsg": "ok"}

    def dingtalk(self, query, body):
        stamp = query.get("timestamp", "0")
        expected = base64.b64encode(
            hmac.new(
                self.secret.encode(), f"{stamp}\n{self.secret}".encode(), hashlib.sha256
            ).digest()
        ).decode()
        if abs(int(stamp) / 1000 - time.time()) > 3600 or query.get("sign") != expected:
            return {"errcode": 310000, "errmsg": "sign not match"}
        return {"errcode": 0, "errmsg": "ok"}

    def feishu(self, query, body):
        stamp = body.get("timestamp", "0")
        key = f"{stamp}\n{self.secret}".encode()
        expected = base64.b64encode(hmac.new(key, b"", hashlib.sha256).digest()).decode()
        if abs(int(stamp) - time.time()) > 3600 or body.get("sign") != expected:
            return {
                "code": 19021,
                "msg": "sign match fail or timestamp is not within one hour from current time",
            }
        return {"code": 0, "msg": "success", "data": {}}


@tagged("post_install", "-at_install")
class TestRobots(AlertCase):
    """SPEC NTF-1 / NTF-2: each robot's own message, signed and @mentioning
    the responsible, checked by a server that checks what the vendor does."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.stock_manager.partner_id.mobile = "+86 138-0013-8000"
        cls.Log = cls.env["order.alert.webhook.log"]

    def setUp(self):
        super().setUp()
        self.robots = VendorRobots()
        self.addCleanup(self.robots.close)

    def robot_rule(self, fmt, secret=None, **vals):
        values = {
            "name": "To Ship 4 h",
            "stage_id": self.to_ship.id,
            "hours": 4,
            "webhook_url": f"{self.robots.base}/{fmt}?access_token=t0k3n",
            "webhook_format": fmt,
            "webhook_retries": 3,
        }
        if secret:
            values["webhook_secret"] = secret
        values.update(vals)
        return self.make_rule(**values)

    def raise_and_send(self, rule):
        order = self.confirmed_order("2037-11-30 09:00:00")
        self.assertEqual(self.scan(rule, "2037-11-30 14:05:00"), 1)
        log = self.Log.search([("rule_id", "=", rule.id)])
        log._deliver()
        return order, log

    def assert_no_secret_in(self, log):
        for name in ("url", "payload", "response", "error", "history"):
            self.assertNotIn(SECRET, log[name] or "", name)
            self.assertNotIn("sign=", log[name] or "", name)

    def test_dingtalk_signed_markdown_with_mentions(self):
        rule = self.robot_rule("dingtalk", SECRET)
        order, log = self.raise_and_send(rule)
        [(path, query, body)] = self.robots.received
        self.assertEqual(path, "/dingtalk")
        self.assertEqual(query["access_token"], "t0k3n")
        self.assertEqual(log.state, "sent", log.error)
        self.assertEqual(body["msgtype"], "markdown")
        self.assertEqual(body["at"], {"atMobiles": ["13800138000"], "isAtAll": False})
        text = body["markdown"]["text"]
        self.assertIn("@13800138000", text)  # DingTalk rings only when the text has it too
        self.assertIn(order.name, text)
        self.assertIn(order.partner_id.name, text)
        self.assertIn(self.to_ship.name, text)
        self.assertIn(f"/odoo/sales/{order.id})", text)
        self.assertEqual(body["markdown"]["title"], log.alert_id._title())
        self.assert_no_secret_in(log)

    def test_wrong_secret_is_refused_and_stays_queued(self):
        rule = self.robot_rule("dingtalk", "SECnot-the-robots-secret")
        _order, log = self.raise_and_send(rule)
        self.assertEqual((log.state, log.attempts, log.status_code), ("pending", 1, 200))
        self.assertIn("errcode 310000", log.error)
        self.assertTrue(log.next_retry)
        self.assert_no_secret_in(log)
        self.assertNotIn("SECnot-the-robots-secret", log.history)
        # the right secret typed in: the next attempt is signed with it
        rule.webhook_secret = SECRET
        log._deliver()
        self.assertEqual((log.state, log.attempts), ("sent", 2))

    def test_feishu_signed_card(self):
        rule = self.robot_rule("feishu", SECRET)
        order, log = self.raise_and_send(rule)
        [(path, _query, body)] = self.robots.received
        self.assertEqual(log.state, "sent", log.error)
        self.assertEqual(body["msg_type"], "interactive")
        card = body["card"]
        self.assertEqual(card["header"]["title"]["content"], log.alert_id._title())
        self.assertEqual(card["header"]["template"], "orange")  # medium severity
        facts = card["elements"][0]["text"]["content"]
        self.assertIn(order.name, facts)
        self.assertIn(self.stock_manager.name, facts)  # Feishu bots cannot @ by mobile
        [button] = card["elements"][1]["actions"]
        self.assertTrue(button["url"].endswith(f"/odoo/sales/{order.id}"))
        # the queued payload is unsigned: each attempt signs it anew
        self.assertNotIn("sign", json.loads(log.payload))
        self.assert_no_secret_in(log)

    def test_feishu_wrong_secret_is_refused(self):
        rule = self.robot_rule("feishu", "another secret")
        _order, log = self.raise_and_send(rule)
        self.assertEqual(log.state, "pending")
        self.assertIn("code 19021", log.error)

    def test_wecom_markdown_or_text_with_mentions(self):
        rule = self.robot_rule("wecom")
        order, log = self.raise_and_send(rule)
        [(_path, _query, body)] = self.robots.received
        self.assertEqual(log.state, "sent", log.error)
        # only WeCom's text message takes mobile numbers to mention
        self.assertEqual(body["msgtype"], "text")
        self.assertEqual(body["text"]["mentioned_mobile_list"], ["13800138000"])
        self.assertIn(order.name, body["text"]["content"])
        self.assertIn(f"/odoo/sales/{order.id}", body["text"]["content"])

    def test_wecom_markdown_when_nobody_has_a_mobile(self):
        self.stock_manager.partner_id.write({"mobile": False, "phone": False})
        order, log = self.raise_and_send(self.robot_rule("wecom"))
        body = self.robots.received[0][2]
        self.assertEqual(log.state, "sent", log.error)
        self.assertEqual(body["msgtype"], "markdown")
        content = body["markdown"]["content"]
        self.assertIn(f"**{log.alert_id._title()}**", content)
        self.assertIn(f"[Open the order]({order.get_base_url()}/odoo/sales/{order.id})", content)

    def test_user_without_mobile_is_sent_without_the_mention_and_logged(self):
        self.stock_manager.partner_id.write({"mobile": False, "phone": False})
        rule = self.robot_rule("dingtalk", SECRET)
        _order, log = self.raise_and_send(rule)
        body = self.robots.received[0][2]
        self.assertEqual(log.state, "sent", log.error)
        self.assertEqual(body["at"]["atMobiles"], [])
        self.assertIn(self.stock_manager.name, log.history)
        self.assertIn("no mobile number", log.history)

    def test_in_the_companys_language(self):
        self.env["res.lang"]._activate_lang("zh_CN")
        self.env.company.partner_id.lang = "zh_CN"
        rule = self.robot_rule("dingtalk", SECRET)
        order, _log = self.raise_and_send(rule)
        text = self.robots.received[0][2]["markdown"]["text"]
        self.assertIn("订单", text)
        self.assertIn("客户", text)
        self.assertIn("打开订单", text)
        self.assertIn(order.name, text)

    def test_secret_is_write_only(self):
        rule = self.robot_rule("dingtalk", SECRET)
        manager = new_test_user(
            self.env,
            login="robot_rule_manager",
            groups="order_tracking.order_tracking_group_manager,base.group_allow_export",
        )
        as_manager = rule.with_user(manager)
        self.assertEqual(
            as_manager.read(["webhook_secret", "webhook_secret_set"]),
            [{"id": rule.id, "webhook_secret": False, "webhook_secret_set": True}],
        )
        self.assertNotIn(
            SECRET, json.dumps(as_manager.search_read([("id", "=", rule.id)]), default=str)
        )
        self.assertNotIn(SECRET, json.dumps(as_manager.export_data(["webhook_secret"])))
        with self.assertRaisesRegex(UserError, "cannot be searched"):
            as_manager.search([("webhook_secret", "=", SECRET)])
        self.assertEqual(as_manager.search([("webhook_secret_set", "=", True)]), rule)
        copy = rule.copy()
        self.assertFalse(copy.webhook_secret_set)
        rule.webhook_secret = False
        self.assertFalse(rule.webhook_secret_set)

    def test_send_a_test_message(self):
        rule = self.robot_rule("dingtalk", SECRET)
        action = rule.action_send_test_webhook()
        self.assertEqual(action["params"]["type"], "success")
        body = self.robots.received[-1][2]
        self.assertIn(rule.name, body["markdown"]["title"])
        rule.webhook_secret = "SECwrong"
        with self.assertRaisesRegex(UserError, "errcode 310000"):
            rule.action_send_test_webhook()
        self.assertFalse(self.Log.search([("rule_id", "=", rule.id)]), "a test is not queued")


@tagged("post_install", "-at_install")
class TestRobotRefusals(AlertCase):
    """Bad robot settings get a clear error and change nothing."""

    def test_refused(self):
        url = "https://oapi.dingtalk.com/robot/send?access_token=x"
        generic = self.make_rule(name="Generic", stage_id=self.to_ship.id, hours=4, webhook_url=url)
        signed = self.make_rule(
            name="Robot",
            stage_id=self.to_ship.id,
            hours=4,
            webhook_url=url,
            webhook_format="dingtalk",
            webhook_secret=SECRET,
        )
        cases = [
            (generic, {"webhook_secret": "abc"}, ValidationError, "Only DingTalk and Feishu"),
            (signed, {"webhook_format": "wecom"}, ValidationError, "clear the secret before"),
            (signed, {"webhook_secret": "S" * 513}, ValidationError, "has at most 512"),
            (signed, {"webhook_format": "slack"}, ValidationError, "expects one of json"),
        ]
        for rule, values, error, message in cases:
            with self.subTest(values=list(values)), self.assertRaisesRegex(error, message):
                with self.env.cr.savepoint():
                    rule.write(values)
        (generic | signed).invalidate_recordset()
        self.assertEqual((generic.webhook_format, signed.webhook_format), ("json", "dingtalk"))
        self.assertFalse(generic.webhook_secret_set)
        self.assertEqual(signed._webhook_secrets(), {signed.id: SECRET})
