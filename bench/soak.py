"""REL-5 soak and fault run (`make soak`, which prepares PostgreSQL and the
database: see scripts/soak.sh).

Starts Odoo with --workers and a cron worker on a prepared database, then lets
concurrent XML-RPC clients work as a company does: salespeople create and
submit orders (and try to confirm them before approval), approvers decide
(co-signs, some rejections), the warehouse validates deliveries in two steps
and in parts, finance invoices and registers payments, customers sign for
receipt in the portal, an alert desk runs the scan besides the cron. During the
run one HTTP worker serving a request is killed with SIGKILL and PostgreSQL is
restarted once. Then everything is checked and one line of figures printed;
the exit code is 1 when anything was lost, duplicated or bypassed."""

import argparse
import json
import os
import random
import re
import signal
import subprocess
import sys
import threading
import time

import psutil
import requests

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
sys.path.insert(0, HERE)
import soak_data  # noqa: E402
from soak_clients import (  # noqa: E402
    CONCURRENCY,
    DB_DOWN,
    Client,
    Receiver,
    RpcError,
    Run,
    alert_desk,
    approver,
    customer,
    finance,
    salesperson,
    stock_manager,
    warehouse,
)

# -- the server and the faults ----------------------------------------------------------


def odoo_command(args, port, logfile, cron_threads=1):
    """The command that starts Odoo on ``args.db`` with ``args.workers`` HTTP
    workers and ``cron_threads`` cron workers on ``port`` (its websocket on
    the next), through the project's launcher."""
    return [
        "bash",
        os.path.join(REPO, "scripts", "odoo.sh"),
        "-c",
        args.odoo_conf,
        "-d",
        args.db,
        f"--db-filter=^{re.escape(args.db)}$",
        f"--workers={args.workers}",
        f"--max-cron-threads={cron_threads}",
        "--http-interface=127.0.0.1",
        f"--http-port={port}",
        f"--gevent-port={port + 1}",
        "--limit-time-real=300",
        "--limit-time-cpu=240",
        "--limit-request=100000",
        f"--logfile={logfile}",
    ]


def start_server(args):
    log = open(args.server_log, "a")  # noqa: SIM115 - closed with the run
    command = odoo_command(args, args.http_port, args.server_log)
    server = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT)
    deadline = time.time() + 180
    while time.time() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"Odoo stopped at start (log: {args.server_log})")
        try:
            if requests.get(f"http://127.0.0.1:{args.http_port}/web/login", timeout=5).ok:
                return server
        except requests.RequestException:
            pass
        time.sleep(1)
    raise SystemExit(f"Odoo did not answer in 180 s (log: {args.server_log})")


def http_workers(server, port):
    """(pid, serving) of the HTTP workers: children of the master that hold
    the listening socket, serving when a client connection is established."""
    result = []
    for child in psutil.Process(server.pid).children():
        try:
            if "gevent" in child.cmdline()[1:3]:  # the websocket process
                continue
            connections = child.connections(kind="tcp")
        except psutil.Error:
            continue
        listening = any(
            c.laddr and c.laddr.port == port and c.status == "LISTEN" for c in connections
        )
        serving = any(
            c.laddr and c.laddr.port == port and c.status == "ESTABLISHED" for c in connections
        )
        if listening or serving:
            result.append((child.pid, serving))
    return result


def busy_worker(server, port, patience=30):
    """An HTTP worker working on a request: a client connection established
    and CPU time used within 50 ms (an idle keep-alive connection is not a
    request in flight)."""
    deadline = time.time() + patience
    while time.time() < deadline:
        for pid, serving in http_workers(server, port):
            if not serving:
                continue
            try:
                process = psutil.Process(pid)
                before = sum(process.cpu_times()[:2])
                time.sleep(0.05)
                if sum(process.cpu_times()[:2]) > before:
                    return pid
            except psutil.Error:
                continue
        time.sleep(0.02)
    return None


def reached(run, fraction, started):
    """Wait until ``fraction`` of the run is behind (of the orders created or
    of the time): False when the run stopped first."""
    args = run.args
    while not run.stop.is_set():
        done = run.progress["create"] / max(args.orders, 1)
        elapsed = (time.time() - started) / args.time_limit
        if max(done, elapsed) >= fraction:
            return True
        time.sleep(0.5)
    return False


def faults(run, server, started):
    """SIGKILL an HTTP worker in the middle of a request, later restart PostgreSQL."""
    args = run.args
    plan = [(args.kill_at, "worker_kill"), (args.pg_restart_at, "pg_restart")]
    for fraction, kind in plan:
        if not reached(run, fraction, started):
            return
        if kind == "worker_kill":
            victim = busy_worker(server, args.http_port)
            victim = victim or next((pid for pid, _b in http_workers(server, args.http_port)), None)
            if victim:
                os.kill(victim, signal.SIGKILL)
                run.stats.add("fault_worker_kill", f"SIGKILL worker {victim}")
                print(f"  !! killed HTTP worker {victim} (with a request in flight)", flush=True)
        elif args.pg_restart:
            print(f"  !! restarting PostgreSQL: {args.pg_restart}", flush=True)
            began = time.time()
            result = subprocess.run(args.pg_restart, shell=True, capture_output=True, text=True)  # noqa: S602
            if result.returncode:
                run.stats.add("fault_pg_restart_failed", result.stderr[-300:])
            else:
                run.stats.add("fault_pg_restart", f"{time.time() - began:.1f} s")
                print(f"  !! PostgreSQL back after {time.time() - began:.1f} s", flush=True)


def progress(run, started):
    rpc = Client(run, "admin")
    last = 0
    while not run.stop.wait(10):
        try:
            done = rpc("sale.order", "search_count", [("tracking_stage_code", "=", "done")])
        except RpcError:
            done = "?"
        errors = {k[4:]: v for k, v in run.stats.counts.items() if k.startswith("err_")}
        calls = run.stats.counts["calls"]
        print(
            f"  [{time.time() - started:5.0f} s] created {run.progress['create']}/{run.args.orders}"
            f" approved {run.progress['approve']} deliveries {run.progress['validate']}"
            f" invoices {run.progress['post']} paid {run.progress['pay']}"
            f" signed {run.progress['sign']} done {done}"
            f" | calls {calls} ({(calls - last) / 10:.0f}/s) errors {dict(errors) or 0}",
            flush=True,
        )
        last = calls
        if done == run.args.orders:
            run.stop.set()


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", required=True)
    parser.add_argument("--odoo-conf", required=True, help="Odoo configuration of the database")
    parser.add_argument("--orders", type=int, default=100)
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--time-limit", type=int, default=540, help="seconds of client work")
    parser.add_argument("--http-port", type=int, default=8180)
    parser.add_argument("--receiver-port", type=int, default=8182)
    parser.add_argument("--kill-at", type=float, default=0.3, help="share of the run")
    parser.add_argument("--pg-restart-at", type=float, default=0.6)
    parser.add_argument("--pg-restart", default="", help="shell command restarting PostgreSQL")
    parser.add_argument("--server-log", default="soak-odoo.log")
    args = parser.parse_args()
    random.seed(1868)

    registry, receiver, run = prepare(args, args.receiver_port)
    print(
        f"==> Odoo with --workers={args.workers} and a cron worker on http://127.0.0.1:{args.http_port}"
        f" (log: {args.server_log})"
    )
    server = start_server(args)
    started = time.time()
    people = company(run)
    print(
        f"==> {len(people)} clients on {args.orders} orders, at most {args.time_limit} s;"
        f" faults: worker kill at {args.kill_at:.0%},"
        f" PostgreSQL restart at {args.pg_restart_at:.0%}"
        + ("" if args.pg_restart else " (no restart command: skipped)")
    )
    for thread in people:
        thread.daemon = True
        thread.start()
    fault_thread = threading.Thread(target=faults, args=(run, server, started), daemon=True)
    fault_thread.start()
    monitor = threading.Thread(target=progress, args=(run, started), daemon=True)
    monitor.start()
    run.stop.wait(args.time_limit)
    run.stop.set()
    for thread in people:
        thread.join(150)
    elapsed = time.time() - started
    wind_down(run)
    server.send_signal(signal.SIGTERM)
    try:
        server.wait(60)
    except subprocess.TimeoutExpired:
        server.kill()
    print("==> Checking every order, its history, its node, the alerts and the webhooks")
    figures = checked(registry, run, receiver)
    report(run, figures, elapsed, args)


def prepare(args, receiver_port):
    """Odoo loaded in this process for the set-up and the checks, the
    webhook receiver started, the company set up in ``args.db``:
    ``(registry, receiver, run)``."""
    import odoo  # noqa: PLC0415 - the driver loads Odoo for the set-up and the checks
    from odoo.modules.registry import Registry  # noqa: PLC0415

    odoo.tools.config.parse_config(["-c", args.odoo_conf, "-d", args.db, "--log-level=warn"])
    receiver = Receiver(receiver_port)
    print(f"==> Preparing {args.db}: company, people, products, approval and alert rules")
    registry = Registry(args.db)
    with registry.cursor() as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
        env.ref("base.user_admin").password = "admin"
        data = soak_data.prepare(env, receiver.url)
    odoo.sql_db.close_all()
    return registry, receiver, Run(args, data)


def checked(registry, run, receiver):
    """Every order the run left, checked (``soak_data.check``): its figures."""
    import odoo  # noqa: PLC0415

    with registry.cursor() as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
        return soak_data.check(env, run.acked, receiver, run.data["broken_rule"])


def company(run):
    """The company's people, each a client thread (not started): three
    salespeople, two approvers, two warehouse hands, their manager, finance,
    the customers in the portal, the alert desk."""
    people = [threading.Thread(target=salesperson, args=(run, f"soak_sales{n}")) for n in (1, 2, 3)]
    people += [threading.Thread(target=approver, args=(run, f"soak_approver{n}")) for n in (1, 2)]
    people += [
        threading.Thread(target=warehouse, args=(run, f"soak_wh{n + 1}", n, 2)) for n in range(2)
    ]
    people += [
        threading.Thread(target=stock_manager, args=(run, "soak_stock")),
        threading.Thread(target=finance, args=(run, "soak_finance")),
        threading.Thread(target=customer, args=(run,)),
        threading.Thread(target=alert_desk, args=(run,)),
    ]
    return people


def wind_down(run):
    """A last scan, and the webhook queue given a minute, before the servers stop."""
    admin = Client(run, "admin")
    for _try in range(5):
        try:
            admin("order.alert.rule", "run_scan")
            break
        except RpcError:
            time.sleep(5)
    for _try in range(12):
        try:
            if not admin(
                "order.alert.webhook.log",
                "search_count",
                [
                    ("state", "=", "pending"),
                    ("next_retry", "<=", time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime())),
                ],
            ):
                break
        except RpcError:
            pass
        time.sleep(5)


# failures contained by the crons and shown on their record (counted apart)
CONTAINED = ("failed its scan; the others go on", "failed on order")


def server_tracebacks(path):
    """ERROR records of the server log with a traceback through our code,
    other than the injected faults and Odoo's concurrency control."""
    ours = []
    record = []
    with open(path, errors="replace") as log:
        for line in [*log, "2000-01-01 00:00:00,000 0 INFO end"]:
            if re.match(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d+ \d+ ", line):
                text = "".join(record)
                if (
                    " ERROR " in text[:200]
                    and "Traceback" in text
                    and "/addons/order_" in text
                    and not any(w in text for w in DB_DOWN + CONCURRENCY + CONTAINED)
                ):
                    ours.append(text)
                record = [line]
            else:
                record.append(line)
    return ours


def assess(run, figures, server_logs):
    """``(lost, duplicated, bypasses, tracebacks through our code)`` of a
    run, its samples printed."""
    counts = run.stats.counts
    orders = figures["orders_in_db"]
    ours = [text for path in server_logs for text in server_tracebacks(path)]
    lost = (
        len(figures["acked_lost"])
        + figures["webhook_lost"]
        + figures["webhook_sent_not_received"]
        + (orders - figures["chains_ok"])
        + (orders - figures["history_ok"])
        + (orders - figures["node_ok"])
    )
    duplicated = (
        figures["orders_duplicated"]
        + figures["alert_dups"]
        + figures["webhook_dup_msgs"]
        + figures["webhook_received_twice"]
    )
    bypasses = counts["bypasses"] + figures["confirmed_unapproved"] + figures["self_approved"]
    for key, sample in sorted(run.stats.samples.items()):
        if key.startswith(("err_", "fault_", "bypass")) and key != "our_traceback_full":
            print(f"  {key}: e.g. {sample}")
    if figures["node_mismatches"]:
        print(f"  node mismatches (order, stored, recomputed): {figures['node_mismatches']}")
    if figures["acked_lost"]:
        print(f"  acknowledged but not in the database: {figures['acked_lost'][:10]}")
    for text in ours[:3]:
        print("  server traceback through our code:\n" + text[-2500:])
    if "our_traceback_full" in run.stats.samples:
        print("  fault with a traceback of our code:\n" + run.stats.samples["our_traceback_full"])
    return lost, duplicated, bypasses, ours


def tally(counts, prefix):
    """``kind:n,...`` of the counters starting with ``prefix``, or none."""
    return (
        ",".join(
            f"{k[len(prefix) :]}:{v}" for k, v in sorted(counts.items()) if k.startswith(prefix)
        )
        or "none"
    )


def report(run, figures, elapsed, args):
    counts = run.stats.counts
    orders = figures["orders_in_db"]
    lost, duplicated, bypasses, ours = assess(run, figures, [args.server_log])
    errors, faults = tally(counts, "err_"), tally(counts, "fault_")
    line = (
        f"SOAK orders={orders}/{args.orders} done={figures['done']} "
        f"calls={counts['calls']}+{counts['http_calls']}http "
        f"workers={args.workers}+cron clients=11 elapsed={elapsed:.0f}s "
        f"faults={faults} errors={errors} "
        f"our_tracebacks={counts['err_our_traceback'] + len(ours)} "
        f"chains_ok={figures['chains_ok']}/{orders} node_ok={figures['node_ok']}/{orders} "
        f"history_ok={figures['history_ok']}/{orders} events={figures['events']} "
        f"alerts={figures['alerts']} alert_dups={figures['alert_dups']} "
        f"webhooks={json.dumps(figures['webhooks'], separators=(',', ':'))} "
        f"broken_rule_marked={'yes' if figures['broken_rule_marked'] else 'NO'} "
        f"other_rules_in_error={figures['rules_in_error']} "
        f"reservations_adrift={figures['reservations_adrift']} "
        f"inventory_views={counts['inventory_views']} "
        f"bypass_attempts={counts['bypass_attempts']}"
        f"({counts['bypass_attempts_approved_meanwhile']} approved meanwhile) "
        f"lost={lost} duplicated={duplicated} bypasses={bypasses}"
    )
    print(line)
    isolation_failed = not figures["broken_rule_marked"] or figures["rules_in_error"]
    failed = (
        lost or duplicated or bypasses or counts["err_our_traceback"] or ours or isolation_failed
    )
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
