"""Screenshot an Odoo page as a logged-in user, with headless Chromium.

    python3 scripts/screenshot.py http://localhost:8069 order_tracking_demo \
        /odoo/action-order_tracking.sale_order_tracking_action docs/img/kanban.png \
        [--login admin --password admin --size 1400x900 --lang en_US]

Logs in over HTTP, hands the session cookie to Chromium through the DevTools
protocol (websocket-client), waits for the page to settle, saves a PNG.
"""

import argparse
import base64
import json
import re
import socket
import subprocess
import tempfile
import time
import urllib.request
from http.cookiejar import CookieJar

import websocket


def login(base, db, user, password):
    jar = CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    page = opener.open(f"{base}/web/login?db={db}").read().decode()
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    data = urllib.parse.urlencode(
        {"login": user, "password": password, "csrf_token": csrf, "db": db}
    ).encode()
    opener.open(f"{base}/web/login", data)
    return next(c.value for c in jar if c.name == "session_id")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("base")
    parser.add_argument("db")
    parser.add_argument("path")
    parser.add_argument("output")
    parser.add_argument("--login", default="admin")
    parser.add_argument("--password", default="admin")
    parser.add_argument("--size", default="1400x900")
    parser.add_argument("--wait", type=float, default=4.0)
    parser.add_argument(
        "--debug-port", type=int, default=0, help="Chromium's DevTools port (default: a free one)"
    )
    args = parser.parse_args()
    width, height = (int(v) for v in args.size.split("x"))
    session = login(args.base, args.db, args.login, args.password)
    profile = tempfile.mkdtemp()
    # a free port unless one is given: other sessions may run Chromium with remote
    # debugging too
    port = args.debug_port
    if not port:
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
    chrome = subprocess.Popen(
        [
            "chromium",
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            f"--user-data-dir={profile}",
            f"--remote-debugging-port={port}",
            f"--window-size={width},{height}",
            "about:blank",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        for _i in range(50):
            try:
                targets = json.load(urllib.request.urlopen(f"http://127.0.0.1:{port}/json"))
                page = next(t for t in targets if t["type"] == "page")
                break
            except Exception:  # noqa: BLE001 - Chromium still starting
                time.sleep(0.2)
        ws = websocket.create_connection(page["webSocketDebuggerUrl"], suppress_origin=True)
        counter = iter(range(1, 10**6))

        def send(method, **params):
            message_id = next(counter)
            ws.send(json.dumps({"id": message_id, "method": method, "params": params}))
            while True:
                reply = json.loads(ws.recv())
                if reply.get("id") == message_id:
                    return reply.get("result", {})

        send("Network.enable")
        send("Network.setCookie", name="session_id", value=session, url=args.base)
        send(
            "Emulation.setDeviceMetricsOverride",
            width=width,
            height=height,
            deviceScaleFactor=1,
            mobile=width < 600,
        )
        send("Page.navigate", url=args.base + args.path)
        time.sleep(args.wait)
        shot = send("Page.captureScreenshot", format="png")
        with open(args.output, "wb") as handle:
            handle.write(base64.b64decode(shot["data"]))
        print(f"saved {args.output}")
    finally:
        chrome.terminate()


if __name__ == "__main__":
    main()
