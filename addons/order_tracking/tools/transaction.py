"""What the add-on remembers of the current transaction, kept true when a
savepoint is rolled back.

Odoo's ORM keeps its cache, its pending writes and its pending recomputes
across a rollback to ``cr.savepoint(flush=False)`` (the demo loader,
``load()``, account's sequence retry, EDI flows): the records created inside
are gone from the database, not from memory. Plain Odoo lives with that — an
UPDATE of a row that is gone changes nothing. A history event is an INSERT
(it would name an order that is gone) and the order's row names its last
event (it would name an event that is gone, or chain the next one onto it).

So every event written is journaled here, per cursor (order, event, hash, and
the order's last-event values before it), and a rollback to any savepoint
hands the entries written after it to
``sale.order._tracking_after_savepoint_rollback`` (models/sale_order_recorder.py),
which puts the orders' last-event values back and remembers the orders that
are gone (:func:`gone_orders`), so that no event is recorded for them. A
rollback of a flushing savepoint needs no repair (Odoo clears its cache then),
only the journal is trimmed.

Savepoints have no hook in Odoo: ``install()`` wraps ``Savepoint.__init__``
and ``Savepoint.rollback`` once per process (the add-on's ``post_load``); the
wrappers do nothing more than mark a number on cursors with no journal, i.e.
in every database where the add-on wrote nothing in the transaction.
"""

import weakref
from collections import namedtuple

from odoo import SUPERUSER_ID, api, sql_db

# the order's fields that name its last event and the node it entered
# (written by order.tracking.event)
LAST_EVENT_FIELDS = (
    "tracking_last_event_id",
    "tracking_last_hash",
    "tracking_last_stage_id",
    "tracking_entered_at",
    "tracking_deadline",
)
# a value that was not in the cache (odoo.api.NOTHING would make Cache.get raise)
UNKNOWN = object()

# ``after``: the values the event wrote on the order; ``before``: the cached
# values it replaced (``UNKNOWN`` where none was cached)
Entry = namedtuple("Entry", "seq order_id event_id after before")

# cursor -> _Journal of its current transaction
_journals = weakref.WeakKeyDictionary()


class _Journal:
    __slots__ = ("entries", "gone", "seq")

    def __init__(self):
        self.seq = 0
        self.entries = []
        self.gone = set()


def _journal(cr):
    journal = _journals.get(cr)
    if journal is None:
        journal = _journals[cr] = _Journal()

        def forget():
            _journals.pop(cr, None)

        # a new transaction starts with nothing remembered
        cr.postcommit.add(forget)
        cr.postrollback.add(forget)
    return journal


def record(cr, order_id, event_id, after, before):
    """Journal one event written for ``order_id``: ``after`` {field name:
    value} as it writes them on the order, ``before`` the cached values it
    replaces ({field name: value or ``UNKNOWN``})."""
    journal = _journal(cr)
    journal.seq += 1
    journal.entries.append(Entry(journal.seq, order_id, event_id, after, before))


def gone_orders(cr):
    """Ids of orders a savepoint rolled back in this transaction."""
    journal = _journals.get(cr)
    return journal.gone if journal else ()


def kept_entries(cr):
    """The journal's entries still in the database, oldest first."""
    journal = _journals.get(cr)
    return list(journal.entries) if journal else []


def _mark(cr):
    if not isinstance(cr, sql_db.BaseCursor):
        return 0
    journal = _journals.get(cr)
    return journal.seq if journal else 0


def _rolled_back(cr, mark, flushing):
    if not isinstance(cr, sql_db.BaseCursor):
        return  # a savepoint on a driver cursor (Odoo's test cursors make them)
    journal = _journals.get(cr)
    removed = []
    if journal is not None:
        removed = [entry for entry in journal.entries if entry.seq > mark]
        journal.entries = [entry for entry in journal.entries if entry.seq <= mark]
    if flushing:
        return  # Odoo cleared its cache and pending work: nothing stale is left
    env = api.Environment(cr, SUPERUSER_ID, {})
    Order = env.registry.get("sale.order")
    if Order is None or "tracking_last_event_id" not in Order._fields:
        return  # a database without the add-on
    # events kept: their orders' rows may have been written inside the
    # savepoint and undone; an order created inside the savepoint may wait
    # for its node's compute, which would record its first event
    kept = journal is not None and journal.entries
    if removed or kept or env.transaction.tocompute.get(Order._fields["tracking_stage_id"]):
        env["sale.order"]._tracking_after_savepoint_rollback(removed, _journal(cr).gone)


def install():
    """Wrap Odoo's savepoints once per process (see the module's docstring)."""
    savepoint = sql_db.Savepoint
    if getattr(savepoint, "_order_tracking_wrapped", False):
        return
    original_init = savepoint.__init__
    original_rollback = savepoint.rollback

    def __init__(self, cr):
        original_init(self, cr)
        self._order_tracking_mark = _mark(cr)

    def rollback(self):
        original_rollback(self)
        _rolled_back(
            self._cr,
            getattr(self, "_order_tracking_mark", 0),
            isinstance(self, sql_db._FlushingSavepoint),
        )

    savepoint.__init__ = __init__
    savepoint.rollback = rollback
    savepoint._order_tracking_wrapped = True


def commit_between_batches(env):
    """Commit the work done so far when a scheduled action runs it (a crash
    then keeps what was done), never in tests or in a user's request.
    Returns whether it committed."""
    from odoo.modules import module  # noqa: PLC0415 - the test flag is read at call time

    if env.context.get("cron_id") and not env.registry.in_test_mode() and not module.current_test:
        env.cr.commit()  # pylint: disable=invalid-commit
        return True
    return False


def lock_orders(env, order_ids):
    """Lock the rows of the sale orders ``order_ids`` in the order of their
    ids before a statement updates several of them: an ``UPDATE … WHERE id =
    ANY(…)`` locks rows in the order of its plan (the table's physical order,
    a hash join's), so two scheduled actions updating the same orders could
    each hold one the other waits for (a deadlock). Every batch update of
    orders in the add-ons takes them this way; ``FOR NO KEY UPDATE`` is the
    lock an UPDATE takes, so foreign keys to the orders are not held up."""
    if order_ids:
        env.cr.execute(
            "SELECT id FROM sale_order WHERE id = ANY(%s) ORDER BY id FOR NO KEY UPDATE",
            [sorted(set(order_ids))],
        )
