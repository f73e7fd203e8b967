"""Deferring history events while one business operation runs.

Applying a change request runs several Odoo operations in a row (order lines,
procurement, reservation); the node may be recomputed between them. Its
history gets one event for the net change, written when the operation ends.
A ContextVar, not a context key: an RPC caller cannot switch history off."""

from contextlib import contextmanager
from contextvars import ContextVar

_deferred = ContextVar("order_tracking_history_deferred", default=False)


def is_deferred():
    return _deferred.get()


@contextmanager
def deferred():
    token = _deferred.set(True)
    try:
        yield
    finally:
        _deferred.reset(token)
