"""Outgoing webhooks: payloads and one HTTP attempt, no ORM."""

import json
from datetime import timedelta

import requests

DEFAULT_TIMEOUT = 5.0
BACKOFF_MINUTES = (1, 5, 15, 60, 240, 720)


def next_retry(now, attempts):
    """When to try again after ``attempts`` failed attempts."""
    index = min(max(attempts - 1, 0), len(BACKOFF_MINUTES) - 1)
    return now + timedelta(minutes=BACKOFF_MINUTES[index])


def robot_payload(text):
    """A WeCom / DingTalk group robot text message."""
    return {"msgtype": "text", "text": {"content": text}}


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
        return False, 0, "", f"{type(error).__name__}: {error}"[:2000]
    # PostgreSQL text cannot hold NUL characters: a broken endpoint may send them
    text = (response.text or "")[:2000].replace("\x00", "")
    ok = 200 <= response.status_code < 300
    # WeCom / DingTalk answer HTTP 200 with {"errcode": n} on a refused message
    if ok and text.startswith("{"):
        try:
            body = json.loads(text)
        except ValueError:
            body = {}
        if isinstance(body, dict) and body.get("errcode") not in (None, 0):
            return False, response.status_code, text, f"errcode {body.get('errcode')}"
    return ok, response.status_code, text, "" if ok else f"HTTP {response.status_code}"
