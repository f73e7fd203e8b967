"""Running a tour in a real browser and keeping its last screen: at desktop width
in English, at phone width in Simplified Chinese.

The screenshots go to .test-logs/screenshots/ (or $ORDER_TRACKING_SCREENSHOTS, which is
how docs/img/guide/ is refreshed: see docs/user-guide.md).
"""

import base64
import os
from contextlib import contextmanager
from pathlib import Path
from unittest.mock import patch

from odoo.tests.common import ChromeBrowser

REPO_ROOT = Path(__file__).resolve().parent.parent
PHONE = "375x740"
DESKTOP = "1366x800"


def screenshot_dir():
    path = Path(
        os.environ.get("ORDER_TRACKING_SCREENSHOTS") or REPO_ROOT / ".test-logs/screenshots"
    )
    path.mkdir(parents=True, exist_ok=True)
    return path


def until(condition, failure, timeout_ms=20000):
    """JavaScript for ``browser_js``: checks ``condition`` (an expression) every
    100 ms and logs Odoo's success line as soon as it holds; after ``timeout_ms``
    logs ``failure`` (an expression giving the message) as an error. A fixed wait
    after a click fails on a loaded machine, where the tab takes longer to render."""
    return (
        "(() => { const start = Date.now(); const check = () => {"
        f" if ({condition}) {{ console.log('test successful'); }}"
        f" else if (Date.now() - start > {timeout_ms}) {{ console.error({failure}); }}"
        " else { setTimeout(check, 100); } }; check(); })();"
    )


class TourScreenshotMixin:
    """On an ``HttpCase`` whose class has ``admin`` (base.user_admin)."""

    def run_tour(self, action_xmlid, tour, shot, phone=False):
        action = self.env.ref(action_xmlid)
        with self._keeping_last_screen(shot, phone):
            self.start_tour(f"/odoo/action-{action.id}", tour, login="admin", timeout=120)

    def shoot_page(self, url, ready, name, phone=False, scroll_to=None):
        """Open ``url`` as the administrator (at phone width in Simplified
        Chinese when ``phone``, else at desktop width) and keep it as ``name``
        once ``ready`` (a JavaScript expression) is true — scrolled to the
        element ``scroll_to`` (a CSS selector) when given: a printed
        document's HTML, or a record's form with no step to take."""
        code = "console.log('test successful')"
        if scroll_to:
            code = (
                f"document.querySelector({scroll_to!r}).scrollIntoView({{block: 'start'}});"
                f" setTimeout(() => {code}, 300)"
            )
        with self._keeping_last_screen(name, phone, name=name):
            self.browser_js(url, code, ready=ready, login="admin", timeout=60)

    @contextmanager
    def _keeping_last_screen(self, shot, phone, name=None):
        if phone:
            self.browser_size = PHONE
            self.touch_enabled = True
            self.admin.lang = "zh_CN"
        else:
            self.browser_size = DESKTOP
        captured = {}
        stop = ChromeBrowser.stop

        def stop_after_screenshot(browser):
            if browser.ws is not None:
                try:
                    result = browser._websocket_request(
                        "Page.captureScreenshot", params={"format": "png"}, timeout=20
                    )
                    captured["png"] = base64.b64decode(result["data"])
                except Exception as error:  # noqa: BLE001 - reported below
                    captured["error"] = error
            return stop(browser)

        with patch.object(ChromeBrowser, "stop", stop_after_screenshot):
            yield
        self.assertTrue(captured.get("png"), f"no screenshot: {captured.get('error')}")
        name = name or f"{shot}-{'phone-zh_CN' if phone else 'desktop-en'}"
        (screenshot_dir() / f"{name}.png").write_bytes(captured["png"])

    def _skip_without(self, model):
        if model not in self.env:
            self.skipTest(f"{model} is not installed")
