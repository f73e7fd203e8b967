"""The clock history events are stamped with.

Demo data replays a company's last weeks; it sets the clock here, from Python
(never from a context key, which any RPC caller could send)."""

from contextlib import contextmanager
from contextvars import ContextVar

from odoo import fields

_override = ContextVar("order_tracking_clock", default=None)


def now():
    return _override.get() or fields.Datetime.now()


@contextmanager
def frozen(moment):
    token = _override.set(moment)
    try:
        yield
    finally:
        _override.reset(token)
