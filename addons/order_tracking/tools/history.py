"""What the operation under way says of the history it causes.

An operation of ours may say something of the events its flush writes: no
event at all (the install's own computation of the nodes), one event for the
net change once it ends (a change request), the note and document the events
carry (a sign-off), the reason of a new promised date (a re-promise).

That is kept per database cursor — the transaction the operation runs in —
and set only by our own code around the operation:

- never a context key: an RPC caller could send one with any request;
- not a ContextVar: that belongs to the thread, and an operation that opens a
  second cursor (a batch committing on its own, a webhook sent beside) would
  hand what it says to another transaction's events;
- not ``cr.precommit.data`` (where mail's tracking keeps its values, read at
  commit): Odoo empties it at every ``cr.flush()``, and ours is read at the
  node's compute, in the middle of the transaction.

Each setting is a context manager that restores what was there before, so
operations nest."""

import weakref
from contextlib import contextmanager

# {cursor: {setting: value}}; a cursor closed and collected takes its own away
_settings = weakref.WeakKeyDictionary()

DEFERRED = "deferred"
SUPPRESSED = "suppressed"
RECORDING = "recording"
PROMISE_REASON = "promise_reason"


def _get(env, key):
    return _settings.get(env.cr, {}).get(key)


@contextmanager
def _setting(env, key, value):
    settings = _settings.setdefault(env.cr, {})
    before = settings.get(key)
    settings[key] = value
    try:
        yield value
    finally:
        if before is None:
            settings.pop(key, None)
        else:
            settings[key] = before


# -- deferral: one event for the net change, when the operation ends --------


def is_deferred(env):
    return _get(env, DEFERRED) is not None


def defer(env, order_ids):
    """Remember orders whose node moved while deferred."""
    _get(env, DEFERRED).update(order_ids)


def deferred(env):
    """While deferred, the orders whose node moves are collected instead of
    getting events: yields the set of their ids. Applying a change request
    runs several Odoo operations in a row (order lines, procurement,
    reservation); the node may be recomputed between them."""
    return _setting(env, DEFERRED, set())


# -- suppression: no event at all --------------------------------------------


def is_suppressed(env):
    return bool(_get(env, SUPPRESSED))


def suppressed(env):
    """No history events at all: the nodes of orders that existed before the
    add-on was installed are computed, their history is reconstructed from
    their documents afterwards (hooks.py)."""
    return _setting(env, SUPPRESSED, True)


# -- the note and the document of the events ---------------------------------


def recording(env, order_ids, notes=None, source=None):
    """Events of the orders ``order_ids`` written meanwhile carry ``notes``
    ({order id: text}) and, when given, ``source`` ((model, id, name))
    instead of the document found; other orders' events are left alone."""
    return _setting(env, RECORDING, (frozenset(order_ids), dict(notes or {}), source))


def recorded_note_and_source(env, order_id):
    """(note or None, source or None) the operation being recorded gives the
    event of order ``order_id``."""
    current = _get(env, RECORDING)
    if not current or order_id not in current[0]:
        return None, None
    return current[1].get(order_id), current[2]


# -- the reason of a new promised date ---------------------------------------


def promising(env, reason):
    """A commitment date written meanwhile is a re-promise for ``reason``
    (a change request's, a planner's)."""
    return _setting(env, PROMISE_REASON, reason or None)


def promise_reason(env):
    return _get(env, PROMISE_REASON)
