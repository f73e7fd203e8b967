"""The node registry: one declaration per status node.

A :class:`Node` says everything the add-ons need to know about a node, in one
place: how its fact is read from an order (the walk of tools/engine.py), which
fields that fact depends on, which document moved an order into it (the
event's source), how the install back-fill dates it from the documents of an
order that existed before, and the roles the KPIs and alerts read it by
(``shortage``, ``warehouse``…) instead of its code.

``sale.order._tracking_nodes()`` returns the registry, a :class:`NodeList` in
the order the facts impose; an add-on extends it with ``super()``::

    def _tracking_nodes(self):
        return super()._tracking_nodes().after("ready", Node(
            "certified", PROGRESS, lambda o: ..., depends=("certificate_ids.state",),
            source=lambda o: o.certificate_ids[-1:], backfill=...))

Plain Python, no ORM: the callables receive the order (and, for the
back-fill, a :class:`Chatter`) and use its API.
"""

from collections.abc import Callable
from dataclasses import dataclass, field, replace

from .engine import BLOCKING, PROGRESS

# an override node replaces the walk when its fact holds (cancelled, returned)
OVERRIDE = "override"
KINDS = (PROGRESS, BLOCKING, OVERRIDE)


@dataclass(frozen=True)
class Node:
    """One status node.

    ``fact(order)`` -> True / False / None (does not apply to the order):
    for a progress node, reached; for a blocking node, holds the order; for an
    override node, replaces the walk.
    ``depends``: order fields (dotted paths) the fact reads.
    ``source(order)`` -> the record that moved the order into the node (an
    empty recordset or None: the order itself).
    ``exit_source(order)`` -> the record that moved the order out of it (an
    approval's decision), preferred over the next node's own source.
    ``backfill(order, chatter)`` -> ``(datetime, record)`` of the moment the
    order reached the node, from its documents, or None (unknown: the
    back-fill leaves it out).
    ``roles``: names the KPIs and alerts select nodes by.
    """

    code: str
    kind: str
    fact: Callable
    depends: tuple = ()
    source: Callable = None
    exit_source: Callable = None
    backfill: Callable = None
    roles: frozenset = field(default_factory=frozenset)

    def __post_init__(self):
        if self.kind not in KINDS:
            raise ValueError(f"node {self.code!r}: kind {self.kind!r} is not one of {KINDS}")
        object.__setattr__(self, "depends", tuple(self.depends))
        object.__setattr__(self, "roles", frozenset(self.roles))


class NodeList(tuple):
    """The nodes in the order the facts impose (override nodes last), with
    the edits an add-on makes to them. Every edit returns a new list."""

    def __new__(cls, nodes=()):
        nodes = tuple(nodes)
        codes = [node.code for node in nodes]
        duplicates = sorted({code for code in codes if codes.count(code) > 1})
        if duplicates:
            raise ValueError(f"status nodes declared twice: {', '.join(duplicates)}")
        return super().__new__(cls, nodes)

    def get(self, code):
        return next((node for node in self if node.code == code), None)

    def __contains__(self, code):
        return self.get(code) is not None if isinstance(code, str) else super().__contains__(code)

    def _index(self, code):
        for index, node in enumerate(self):
            if node.code == code:
                return index
        raise KeyError(f"no status node {code!r} to place a node next to")

    def after(self, code, *nodes):
        """The list with ``nodes`` inserted right after the node ``code``."""
        index = self._index(code) + 1
        return NodeList((*self[:index], *nodes, *self[index:]))

    def before(self, code, *nodes):
        """The list with ``nodes`` inserted right before the node ``code``."""
        index = self._index(code)
        return NodeList((*self[:index], *nodes, *self[index:]))

    def replace(self, code, **changes):
        """The list with the node ``code`` changed (``fact=…``, ``roles=…``)."""
        index = self._index(code)
        return NodeList((*self[:index], replace(self[index], **changes), *self[index + 1 :]))

    @property
    def codes(self):
        return tuple(node.code for node in self)

    def walk_codes(self):
        """The codes of the nodes the walk goes through, in order."""
        return tuple(node.code for node in self if node.kind != OVERRIDE)

    def override_codes(self):
        return tuple(node.code for node in self if node.kind == OVERRIDE)

    def with_role(self, role):
        """The codes of the nodes that play ``role``, in order."""
        return tuple(node.code for node in self if role in node.roles)

    def depends(self):
        return tuple(dict.fromkeys(path for node in self for path in node.depends))


def supply_fact(code):
    """The fact of a shortage node (waiting_stock and the bridges' purchasing,
    production_planned, in_production): the order is short of goods and the
    least advanced coverage of its short lines puts it in ``code``
    (``sale.order.tracking_supply``; models/sale_order_supply.py)."""
    return lambda o: (
        None
        if o.tracking_fulfilment == "none"
        else o.tracking_fulfilment == "short" and (o.tracking_supply or "waiting_stock") == code
    )


# the fields every shortage node's fact reads
SUPPLY_DEPENDS = ("tracking_fulfilment", "tracking_supply")


class Chatter:
    """Dates the install back-fill reads from the chatter: message dates are
    business time (the Python clock of the moment), unlike ``create_date`` /
    ``write_date``, which PostgreSQL's clock writes. ``dates`` is
    ``{model: {id: (first message date, last change of state date)}}``."""

    def __init__(self, dates):
        self._dates = dates

    def first_message(self, record):
        return self._dates.get(record._name, {}).get(record.id, (None, None))[0]

    def state_changed(self, record):
        return self._dates.get(record._name, {}).get(record.id, (None, None))[1]
