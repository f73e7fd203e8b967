"""Deferring history events while one business operation runs.

Applying a change request runs several Odoo operations in a row (order lines,
procurement, reservation); the node may be recomputed between them. Its
history gets one event for the net change, written when the operation ends:
while deferred, the orders whose node moved are collected instead of getting
events. A ContextVar, not a context key: an RPC caller cannot switch history
off."""

from contextlib import contextmanager
from contextvars import ContextVar

_pending = ContextVar("order_tracking_history_pending", default=None)


def is_deferred():
    return _pending.get() is not None


def defer(order_ids):
    """Remember orders whose node moved while deferred."""
    _pending.get().update(order_ids)


@contextmanager
def deferred():
    """Yields the set of ids of the orders whose node moved meanwhile."""
    pending = set()
    token = _pending.set(pending)
    try:
        yield pending
    finally:
        _pending.reset(token)


_suppressed = ContextVar("order_tracking_history_suppressed", default=False)


def is_suppressed():
    return _suppressed.get()


@contextmanager
def suppressed():
    """No history events at all: the nodes of orders that existed before the
    add-on was installed are computed, their history is reconstructed from
    their documents afterwards (hooks.py)."""
    token = _suppressed.set(True)
    try:
        yield
    finally:
        _suppressed.reset(token)
