"""The status engine: pure functions, no ORM.

A node is *progress* or *blocking*:

* a progress node is reached when its milestone is met (``True``); the walk
  stops at the first progress node whose milestone is not met (``False``);
* a blocking node (to approve, waiting for stock) interrupts the walk while its
  condition holds (``True``) and is skipped otherwise;
* a milestone of ``None`` means "does not apply to this order" (e.g. shipping
  nodes of a services-only order): the node is skipped.

The current node is the last progress node reached, unless a blocking node
holds first.
"""

PROGRESS = "progress"
BLOCKING = "blocking"


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
        if not state:
            return current, node
        current = node
    return current, None
