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


# What the operation being recorded says of its events (the notes typed with a
# sign-off, the change request that caused them): set by our own code around
# its flush, never a context key — a caller could send one with any request.
_recording = ContextVar("order_tracking_history_recording", default=None)


@contextmanager
def recording(order_ids, notes=None, source=None):
    """Events of the orders ``order_ids`` written meanwhile carry ``notes``
    ({order id: text}) and, when given, ``source`` ((model, id, name))
    instead of the document found; other orders' events are left alone."""
    token = _recording.set((frozenset(order_ids), dict(notes or {}), source))
    try:
        yield
    finally:
        _recording.reset(token)


def recorded_note_and_source(order_id):
    """(note or None, source or None) the operation being recorded gives the
    event of order ``order_id``."""
    current = _recording.get()
    if not current or order_id not in current[0]:
        return None, None
    return current[1].get(order_id), current[2]


# The reason given for a new promised date (a change request's, a planner's):
# set by our own code around the write, never a context key.
_promise_reason = ContextVar("order_tracking_promise_reason", default=None)


@contextmanager
def promising(reason):
    """A commitment date written meanwhile is a re-promise for ``reason``."""
    token = _promise_reason.set(reason or None)
    try:
        yield
    finally:
        _promise_reason.reset(token)


def promise_reason():
    return _promise_reason.get()
