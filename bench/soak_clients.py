"""REL-5 soak run, the clients: XML-RPC sessions, the people of the company
working through them, and the webhook receiver (see bench/soak.py)."""

import http.client
import json
import random
import re
import threading
import xmlrpc.client
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import requests
import soak_data

# faults that are the injected faults, or Odoo's concurrency control at work
DB_DOWN = (
    "OperationalError",
    "InterfaceError",
    "server closed the connection",
    "terminating connection",
    "connection already closed",
    "the database system is",
    "Connection refused",
    "could not connect to server",
)
CONCURRENCY = ("could not serialize", "concurrent update", "deadlock detected", "LockNotAvailable")


class Stats:
    def __init__(self):
        self.lock = threading.Lock()
        self.counts = Counter()
        self.samples = {}

    def add(self, key, sample=None, n=1):
        with self.lock:
            self.counts[key] += n
            if sample and key not in self.samples:
                self.samples[key] = sample


class RpcError(Exception):
    def __init__(self, kind, message):
        super().__init__(message)
        self.kind = kind


def classify(fault):
    text = fault.faultString
    if fault.faultCode in (2, 3, 4):  # UserError / ValidationError, AccessDenied, AccessError
        return "refused" if fault.faultCode == 2 else "access"
    if "cannot marshal None" in text:
        # done on the server: XML-RPC cannot carry the None inside Odoo's answer
        # (sale.advance.payment.inv.create_invoices returns such an action)
        return "none_result"
    if any(word in text for word in CONCURRENCY):
        return "serialization"
    if any(word in text for word in DB_DOWN):
        return "db_down"
    if "/addons/order_" in text or "order_tracking" in text.split("\n")[-2:][0]:
        return "our_traceback"
    return "odoo_traceback"


class Transport(xmlrpc.client.Transport):
    def __init__(self, timeout):
        super().__init__()
        self.timeout = timeout

    def make_connection(self, host):
        connection = super().make_connection(host)
        connection.timeout = self.timeout
        return connection


class Client:
    """One person's XML-RPC session."""

    def __init__(self, run, login):
        self.run = run
        self.login = login
        self.password = soak_data.password(login)
        self.uid = run.data["uids"].get(login, 2)
        if login == "admin":
            self.password = "admin"
        self.proxy = xmlrpc.client.ServerProxy(
            f"{run.url}/xmlrpc/2/object", allow_none=True, transport=Transport(120)
        )

    def __call__(self, model, method, *args, **kwargs):
        stats = self.run.stats
        stats.add("calls")
        try:
            return self.proxy.execute_kw(
                self.run.db, self.uid, self.password, model, method, list(args), kwargs
            )
        except xmlrpc.client.Fault as fault:
            kind = classify(fault)
            first = fault.faultString.strip().splitlines()
            stats.add(f"err_{kind}", f"{model}.{method}: {first[-1] if first else ''}"[:300])
            if kind == "our_traceback":
                stats.add("our_traceback_full", fault.faultString[-3000:])
            raise RpcError(kind, fault.faultString) from None
        except (OSError, http.client.HTTPException, xmlrpc.client.ProtocolError) as error:
            stats.add("err_connection", f"{model}.{method}: {type(error).__name__}: {error}")
            self.proxy = xmlrpc.client.ServerProxy(
                f"{self.run.url}/xmlrpc/2/object", allow_none=True, transport=Transport(120)
            )
            raise RpcError("connection", str(error)) from None


class Receiver:
    """The integration behind the alert webhooks: every 4th request fails
    with HTTP 500 (retried by the queue); counts successful deliveries."""

    def __init__(self, port):
        self.lock = threading.Lock()
        self.ok = Counter()
        self.requests = 0
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                with receiver.lock:
                    receiver.requests += 1
                    fail = receiver.requests % 4 == 0
                status = 500 if fail else 200
                if not fail:
                    data = json.loads(body.decode())
                    alert_id = data.get("alert_id")
                    if alert_id is None:  # robot format: the id is in the text
                        match = re.search(r"#(\d+)\b", json.dumps(data, ensure_ascii=False))
                        alert_id = int(match.group(1)) if match else None
                    with receiver.lock:
                        receiver.ok[alert_id or self.headers.get("X-Alert", "?")] += 1
                self.send_response(status)
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"{}")

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
        self.url = f"http://127.0.0.1:{port}/hook"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def delivered(self):
        with self.lock:
            return {k: v for k, v in self.ok.items() if isinstance(k, int)}


class Run:
    def __init__(self, args, data):
        self.args = args
        self.data = data
        self.db = args.db
        self.url = f"http://127.0.0.1:{args.http_port}"
        self.stats = Stats()
        self.stop = threading.Event()
        self.acked = []
        self.acked_lock = threading.Lock()
        self.created = 0
        self.created_lock = threading.Lock()
        self.progress = Counter()

    def ack(self, kind, record_id):
        with self.acked_lock:
            self.acked.append((kind, record_id))
            self.progress[kind] += 1

    def next_ref(self):
        with self.created_lock:
            if self.created >= self.args.orders:
                return None
            self.created += 1
            return f"SOAK-{self.created:05d}"

    def pause(self, seconds=0.5):
        self.stop.wait(seconds * random.uniform(0.5, 1.5))


# -- the people -----------------------------------------------------------------------


def salesperson(run, login):
    rpc = Client(run, login)
    rng = random.Random(login)
    products, customers = run.data["products"], run.data["customers"]
    while not run.stop.is_set():
        ref = run.next_ref()
        if ref is None:
            break
        lines = [
            (
                0,
                0,
                {"product_id": pid, "product_uom_qty": rng.randint(1, 4), "tax_id": [(6, 0, [])]},
            )
            for pid, _price in rng.sample(products, rng.randint(1, 3))
        ]
        order_id = None
        while order_id is None and not run.stop.is_set():
            try:
                order_id = rpc(
                    "sale.order",
                    "create",
                    {
                        "partner_id": rng.choice(customers),
                        "client_order_ref": ref,
                        "order_line": lines,
                    },
                )
            except RpcError:
                run.pause(2)
                try:  # did it commit before the connection was lost?
                    found = rpc("sale.order", "search", [("client_order_ref", "=", ref)])
                    order_id = found[0] if found else None
                except RpcError:
                    pass
        if order_id is None:
            break
        run.ack("create", order_id)
        submit(run, rpc, order_id)
        resubmit_rejected(run, rpc)
    while not run.stop.is_set():  # then follow up own rejected orders
        if not resubmit_rejected(run, rpc):
            run.pause(3)


def submit(run, rpc, order_id):
    """Submit until it is done, as the salesperson would (the database may be
    restarting); a refusal means it was submitted already (a lost answer)."""
    while not run.stop.is_set():
        try:
            rpc("sale.order", "action_request_approval", [order_id])
            break
        except RpcError as error:
            if error.kind == "refused":
                break
            run.pause(2)
    # try to confirm while approval is pending: must be refused
    try:
        [order] = rpc("sale.order", "read", [order_id], ["approval_state", "state"])
    except RpcError:
        return
    if order["approval_state"] == "pending" and random.random() < 0.5:
        attempt = random.choice(
            [("action_confirm", [[order_id]]), ("write", [[order_id], {"state": "sale"}])]
        )
        run.stats.add("bypass_attempts")
        try:
            rpc("sale.order", attempt[0], *attempt[1])
        except RpcError as error:
            if error.kind not in ("refused", "access"):
                run.stats.add("bypass_attempt_errors")
            return
        # it went through: legitimate only if an approver granted the approval
        # between our read and our write (approvals are never taken back)
        try:
            [order] = rpc("sale.order", "read", [order_id], ["approval_state"])
        except RpcError:
            order = {"approval_state": "?"}
        if order["approval_state"] == "approved":
            run.stats.add("bypass_attempts_approved_meanwhile")
        else:
            run.stats.add("bypasses", f"{attempt[0]} on order {order_id} ({order}) succeeded")


def resubmit_rejected(run, rpc):
    try:
        rejected = rpc(
            "sale.order",
            "search",
            [
                ("approval_state", "=", "rejected"),
                ("state", "=", "draft"),
                ("user_id", "=", rpc.uid),
            ],
            limit=3,
        )
        for order_id in rejected:
            rpc("sale.order", "write", [order_id], {"note": "Revised after rejection 已修改"})
            rpc("sale.order", "action_request_approval", [order_id])
            run.progress["resubmitted"] += 1
        return bool(rejected)
    except RpcError:
        return False


def approver(run, login):
    rpc = Client(run, login)
    rng = random.Random(login)
    while not run.stop.is_set():
        try:
            requests_ = rpc(
                "order.approval.request",
                "search_read",
                [("state", "=", "pending"), ("can_decide", "=", True)],
                ["order_id", "round"],
                limit=10,
            )
        except RpcError:
            run.pause(2)
            continue
        if not requests_:
            run.pause(1)
        for order_id in {r["order_id"][0] for r in requests_ if r["round"] == 1 or True}:
            first_round = all(r["round"] == 1 for r in requests_ if r["order_id"][0] == order_id)
            try:
                if first_round and rng.random() < 0.08:
                    rpc("sale.order", "action_reject", [order_id], reason="Price too low 价格太低")
                    run.ack("reject", order_id)
                else:
                    rpc("sale.order", "action_approve", [order_id], comment="OK 同意")
                    run.ack("approve", (order_id, rpc.uid))
            except RpcError:
                run.pause(0.5)


def warehouse(run, login, index, count):
    rpc = Client(run, login)
    while not run.stop.is_set():
        try:
            pickings = rpc(
                "stock.picking",
                "search_read",
                [("state", "=", "assigned"), ("picking_type_code", "in", ["internal", "outgoing"])],
                ["move_ids", "backorder_id"],
                order="id",
                limit=40,
            )
        except RpcError:
            run.pause(2)
            continue
        mine = [p for p in pickings if p["id"] % count == index]
        if not mine:
            check_availability(run, rpc, index, count)
            run.pause(1)
        for picking in mine[:8]:
            try:
                moves = rpc("stock.move", "read", picking["move_ids"], ["product_uom_qty"])
                # first pass of a picking: the first line in part (a backorder follows)
                partial = not picking["backorder_id"] and random.random() < 0.5
                for n, move in enumerate(moves):
                    quantity = move["product_uom_qty"]
                    if partial and n == 0 and quantity >= 2:
                        quantity = quantity // 2
                    rpc("stock.move", "write", [move["id"]], {"quantity": quantity, "picked": True})
                result = rpc("stock.picking", "button_validate", [picking["id"]])
                if isinstance(result, dict) and result.get("res_model"):
                    run.stats.add("wizard_returned", str(result.get("res_model")))
                else:
                    run.ack("validate", picking["id"])
            except RpcError:
                run.pause(1)


def check_availability(run, rpc, index, count):
    """What a clerk does with nothing ready: *Check Availability* on the
    transfers still waiting (a shipment whose picked goods came in parts can
    be left waiting by the chaining of the steps until someone asks)."""
    try:
        waiting = rpc(
            "stock.picking",
            "search",
            [
                ("state", "in", ["confirmed", "waiting"]),
                ("picking_type_code", "in", ["internal", "outgoing"]),
            ],
            order="id",
            limit=40,
        )
        waiting = [pid for pid in waiting if pid % count == index]
        if waiting:
            rpc("stock.picking", "action_assign", waiting)
            run.stats.add("availability_checks")
    except RpcError:
        pass


def finance(run, login):
    rpc = Client(run, login)
    while not run.stop.is_set():
        busy = False
        try:
            for order_id in rpc(
                "sale.order",
                "search",
                [("state", "=", "sale"), ("invoice_status", "=", "to invoice")],
                limit=5,
            ):
                context = {
                    "active_model": "sale.order",
                    "active_ids": [order_id],
                    "active_id": order_id,
                }
                wizard = rpc(
                    "sale.advance.payment.inv",
                    "create",
                    {"advance_payment_method": "delivered"},
                    context=context,
                )
                try:
                    rpc("sale.advance.payment.inv", "create_invoices", [wizard], context=context)
                except RpcError as error:
                    if error.kind != "none_result":
                        raise
                busy = True
            drafts = rpc(
                "account.move",
                "search",
                [("move_type", "=", "out_invoice"), ("state", "=", "draft")],
                limit=10,
            )
            for move_id in drafts:
                rpc("account.move", "action_post", [move_id])
                run.ack("post", move_id)
                busy = True
            unpaid = rpc(
                "account.move",
                "search",
                [
                    ("move_type", "=", "out_invoice"),
                    ("state", "=", "posted"),
                    ("payment_state", "=", "not_paid"),
                ],
                limit=5,
            )
            for move_id in unpaid:
                context = {"active_model": "account.move", "active_ids": [move_id]}
                wizard = rpc("account.payment.register", "create", {}, context=context)
                rpc("account.payment.register", "action_create_payments", [wizard], context=context)
                run.ack("pay", move_id)
                busy = True
        except RpcError:
            run.pause(1)
        if not busy:
            run.pause(1.5)


def customer(run):
    """Customers sign for receipt in the portal, with the link of their e-mail."""
    rpc = Client(run, "admin")
    session = requests.Session()
    while not run.stop.is_set():
        try:
            orders = rpc(
                "sale.order",
                "search_read",
                [("tracking_stage_code", "=", "shipped"), ("signed_at", "=", False)],
                ["id"],
                limit=5,
            )
        except RpcError:
            run.pause(2)
            continue
        if not orders:
            run.pause(1.5)
        for order in orders:
            try:  # the link of the "shipped" e-mail
                path = rpc("sale.order", "get_portal_url", [order["id"]])
            except RpcError:
                continue
            token = path.split("access_token=")[1].split("&")[0]
            try:
                run.stats.add("http_calls", n=2)
                page = session.get(
                    f"{run.url}/my/orders/{order['id']}?access_token={token}", timeout=120
                )
                match = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
                if not match:
                    run.stats.add("err_portal", f"no sign-off form on order {order['id']}")
                    continue
                answer = session.post(
                    f"{run.url}/my/orders/{order['id']}/confirm_receipt",
                    data={"access_token": token, "csrf_token": match.group(1), "note": "收到"},
                    timeout=120,
                )
                if "receipt_confirmed" in answer.url:
                    run.ack("sign", order["id"])
                else:
                    run.stats.add("err_portal", f"order {order['id']}: {answer.url}"[:200])
            except requests.RequestException as error:
                run.stats.add("err_connection", f"portal: {type(error).__name__}")
                run.pause(1)


def stock_manager(run, login):
    """The stock manager opens *Inventory > Physical Inventory* now and then.
    Odoo runs its quant tasks then (``stock.quant._quant_tasks``: duplicate
    quants merged and, from 2025's 18.0 builds, reservations that no move
    line holds released); the daily *Procurement: run scheduler* does the
    same. Concurrent validations can leave such reservations on 18.0 builds
    that floor a quant's reservation at zero: shipments then wait for goods
    that are there (docs/deployment.md)."""
    rpc = Client(run, login)
    while not run.stop.is_set():
        run.pause(45)
        try:
            rpc("stock.quant", "action_view_inventory")
            run.stats.add("inventory_views")
        except RpcError:
            pass


def alert_desk(run):
    """Another node running the scan while the cron runs it too."""
    rpc = Client(run, "soak_alerts")
    while not run.stop.is_set():
        try:
            run.progress["raised_by_desk"] += rpc("order.alert.rule", "run_scan")
        except RpcError:
            pass
        run.pause(8)
