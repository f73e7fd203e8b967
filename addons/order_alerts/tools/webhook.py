"""Outgoing webhooks: payloads, the group robots' formats and signatures, and
one HTTP attempt; no ORM.

The robots (docs/api.md has one payload of each):
- WeCom (企业微信) group robot: a markdown message; a text message when someone
  is to be @mentioned, since only its text type takes mobile numbers
  (``mentioned_mobile_list``); no signature.
- DingTalk (钉钉) custom robot: a markdown message, the mentioned mobiles in
  ``at.atMobiles`` and as ``@mobile`` in the text (DingTalk needs both); signed
  robots get ``timestamp`` (ms) and ``sign`` = base64(HMAC-SHA256(key=secret,
  "timestamp\nsecret")) in the query string.
- Feishu / Lark (飞书) custom bot: an interactive card with a button to the
  order; signed bots get ``timestamp`` (s) and ``sign`` = base64(HMAC-SHA256(
  key="timestamp\nsecret", empty message)) in the body. Its custom bots
  cannot @mention by mobile number: the responsible are named in the card.
"""

import base64
import hashlib
import hmac
import json
import re
import time
from datetime import timedelta
from urllib.parse import quote_plus

import requests

DEFAULT_TIMEOUT = 5.0
BACKOFF_MINUTES = (1, 5, 15, 60, 240, 720)
# the robots that sign their messages with a secret
SIGNED_FORMATS = ("dingtalk", "feishu")


def next_retry(now, attempts):
    """When to try again after ``attempts`` failed attempts."""
    index = min(max(attempts - 1, 0), len(BACKOFF_MINUTES) - 1)
    return now + timedelta(minutes=BACKOFF_MINUTES[index])


def robot_payload(text):
    """A WeCom / DingTalk group robot text message."""
    return {"msgtype": "text", "text": {"content": text}}


def normalize_mobile(number):
    """The digits of a mobile number as the robots match them (mainland
    numbers without +86), or "" when it cannot be one."""
    digits = re.sub(r"\D", "", number or "")
    if len(digits) == 13 and digits.startswith("86"):
        digits = digits[2:]
    return digits if 5 <= len(digits) <= 15 else ""


def _card_text(card, bold, link, newline="\n"):
    """The card's lines: title, the facts (label: value), the sentence, the
    link. ``bold`` and ``link`` format a markdown flavour (or plain text);
    ``newline`` breaks a line (DingTalk's markdown needs a hard break)."""
    lines = [bold(card["title"]), ""]
    lines += [f"{bold(label)}: {value}" for label, value in card["facts"] if value]
    if card.get("message"):
        lines += ["", card["message"]]
    if card.get("url"):
        lines += ["", link(card["link_label"], card["url"])]
    return newline.join(lines)


def wecom_message(card, mobiles):
    if mobiles:
        text = _card_text(card, lambda t: t, lambda label, url: f"{label}: {url}")
        return {
            "msgtype": "text",
            "text": {"content": text, "mentioned_mobile_list": list(mobiles)},
        }
    text = _card_text(card, lambda t: f"**{t}**", lambda label, url: f"[{label}]({url})")
    return {"msgtype": "markdown", "markdown": {"content": text}}


def dingtalk_message(card, mobiles):
    text = _card_text(
        card, lambda t: f"**{t}**", lambda label, url: f"[{label}]({url})", newline="  \n"
    )
    if mobiles:
        text += "  \n\n" + " ".join(f"@{mobile}" for mobile in mobiles)
    return {
        "msgtype": "markdown",
        "markdown": {"title": card["title"], "text": text},
        "at": {"atMobiles": list(mobiles), "isAtAll": False},
    }


def feishu_message(card):
    body = "\n".join(f"**{label}**: {value}" for label, value in card["facts"] if value)
    if card.get("message"):
        body += "\n\n" + card["message"]
    elements = [{"tag": "div", "text": {"tag": "lark_md", "content": body}}]
    if card.get("url"):
        elements.append(
            {
                "tag": "action",
                "actions": [
                    {
                        "tag": "button",
                        "text": {"tag": "plain_text", "content": card["link_label"]},
                        "url": card["url"],
                        "type": "primary",
                    }
                ],
            }
        )
    return {
        "msg_type": "interactive",
        "card": {
            "config": {"wide_screen_mode": True},
            "header": {
                "title": {"tag": "plain_text", "content": card["title"]},
                "template": card.get("color", "blue"),
            },
            "elements": elements,
        },
    }


def dingtalk_sign(secret, timestamp_ms):
    to_sign = f"{timestamp_ms}\n{secret}".encode()
    digest = hmac.new(secret.encode(), to_sign, digestmod=hashlib.sha256).digest()
    return base64.b64encode(digest).decode()


def feishu_sign(secret, timestamp_s):
    key = f"{timestamp_s}\n{secret}".encode()
    digest = hmac.new(key, b"", digestmod=hashlib.sha256).digest()
    return base64.b64encode(digest).decode()


def signed(fmt, url, payload, secret, epoch=None):
    """``(url, payload)`` signed for robot ``fmt`` with ``secret`` at
    ``epoch`` (seconds; now by default). The robots refuse a timestamp an
    hour away from their own clock: this is the time of the HTTP request, the
    wall clock's, not a business fact, so it is taken when each attempt is
    made. ``payload`` is a JSON string."""
    if not secret:
        return url, payload
    epoch = time.time() if epoch is None else epoch
    if fmt == "dingtalk":
        stamp = int(epoch * 1000)
        sign = quote_plus(dingtalk_sign(secret, stamp))
        joiner = "&" if "?" in url else "?"
        return f"{url}{joiner}timestamp={stamp}&sign={sign}", payload
    if fmt == "feishu":
        stamp = str(int(epoch))
        data = json.loads(payload)
        data.update(timestamp=stamp, sign=feishu_sign(secret, stamp))
        return url, json.dumps(data, ensure_ascii=False)
    return url, payload


def redact(text):
    """``text`` without the signature a signed URL carries (error messages
    of the HTTP library quote the URL)."""
    return re.sub(r"(sign=)[^&\s'\")]+", r"\1***", text or "")


def vendor_error(body):
    """The robot's refusal in an HTTP 200 answer, or "": WeCom and DingTalk
    answer ``errcode``, Feishu ``code`` (older bots ``StatusCode``)."""
    if not isinstance(body, dict):
        return ""
    for key, message_key in (
        ("errcode", "errmsg"),
        ("code", "msg"),
        ("StatusCode", "StatusMessage"),
    ):
        code = body.get(key)
        if code not in (None, 0):
            return f"{key} {code}: {body.get(message_key) or ''}".strip()
    return ""


def post(url, payload, timeout=DEFAULT_TIMEOUT):
    """POST ``payload`` (a JSON string) to ``url`` once.

    Returns ``(ok, status_code, response_text, error)``; never raises."""
    try:
        response = requests.post(
            url,
            data=payload.encode() if isinstance(payload, str) else json.dumps(payload),
            headers={"Content-Type": "application/json; charset=utf-8"},
            timeout=timeout,
            allow_redirects=False,
        )
    except (requests.RequestException, ValueError) as error:
        # ValueError: urllib3 refuses some addresses (a host label over 63 characters)
        return False, 0, "", redact(f"{type(error).__name__}: {error}")[:2000]
    # PostgreSQL text cannot hold NUL characters: a broken endpoint may send them
    text = (response.text or "")[:2000].replace("\x00", "")
    ok = 200 <= response.status_code < 300
    # the robots answer HTTP 200 with an error code on a refused message
    if ok and text.startswith("{"):
        try:
            body = json.loads(text)
        except ValueError:
            body = {}
        refused = vendor_error(body)
        if refused:
            return False, response.status_code, text, refused
    return ok, response.status_code, text, "" if ok else f"HTTP {response.status_code}"
