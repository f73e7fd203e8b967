"""The status engine: pure functions, no ORM.

A node is *progress*, *blocking* or a *checkpoint*:

* a progress node is reached when its milestone is met (``True``); the walk
  stops at the first progress node whose milestone is not met (``False``);
* a blocking node (to approve, waiting for stock) interrupts the walk while its
  condition holds (``True``) and is skipped otherwise;
* a checkpoint (a manual node not passed yet) holds the order *at* it once
  the walk reaches it and its own fact holds (``True``), the way a blocking
  node does; while its fact does not hold (``False``) the walk stops before
  it, as at a progress node;
* a milestone of ``None`` means "does not apply to this order" (e.g. shipping
  nodes of a services-only order): the node is skipped.

The current node is the last progress node reached, unless a blocking node
or a checkpoint holds first.
"""

PROGRESS = "progress"
BLOCKING = "blocking"
CHECKPOINT = "checkpoint"


def resolve(steps):
    """Return ``(current, pending)`` for an iterable of ``(node, kind, state)``.

    ``steps`` must be in sequence order. ``current`` is the node the order is
    in; ``pending`` is the first node not reached yet (``None`` when every node
    is reached), i.e. the node a manual checkpoint must be passed at.
    """
    current = None
    for node, kind, state in steps:
        if state is None:
            continue
        if kind == BLOCKING:
            if state:
                return node, node
            continue
        if kind == CHECKPOINT and state:
            return node, node
        if not state:
            return current, node
        current = node
    return current, None
