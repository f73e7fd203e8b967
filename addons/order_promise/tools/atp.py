"""Available-to-promise with look-ahead on one product's timeline in one
warehouse (SPEC PRM-1); no ORM.

The timeline is the quantity on hand today, then every planned movement across
the warehouse's boundary: supply (receipts, manufacturing output, transfers
in) adds on its day, demand (deliveries, component consumption, transfers out)
takes on its day; a movement planned in the past counts today. The running
balance after each day is what is left if everything planned happens.

A new demand of ``qty`` on day ``d`` is promisable when the balance never drops
below ``qty`` from ``d`` on: the minimum of the balances from ``d`` to the end
(the *suffix minimum*) is at least ``qty``. Odoo's own check (the forecast on
one date) ignores the demand planned after that date, so a later order's
reservation gets promised twice; the suffix minimum does not.
"""

from collections import defaultdict


def balances(on_hand, movements, today):
    """``[(day, balance after the day)]`` in day order, starting today.

    ``movements``: ``(day, signed quantity)`` pairs; a day before ``today``
    counts as today."""
    per_day = defaultdict(float)
    for day, quantity in movements:
        per_day[max(day, today)] += quantity
    per_day.setdefault(today, 0.0)
    running = on_hand
    result = []
    for day in sorted(per_day):
        running += per_day[day]
        result.append((day, running))
    return result


def suffix_minima(points):
    """``[(day, min balance from that day to the end)]`` of ``balances``."""
    result = []
    lowest = None
    for day, balance in reversed(points):
        lowest = balance if lowest is None else min(lowest, balance)
        result.append((day, lowest))
    result.reverse()
    return result


def earliest(points, qty, rounding=1e-6):
    """The first day of ``points`` (``balances``) on which ``qty`` can be
    promised without taking what is promised after it, or ``None``."""
    for day, lowest in suffix_minima(points):
        if lowest >= qty - rounding:
            return day
    return None


def free_today(on_hand, movements, today):
    """What can be promised today without taking any later demand."""
    return max(suffix_minima(balances(on_hand, movements, today))[0][1], 0.0)


def promise(on_hand, movements, qty, today, rounding=1e-6):
    """What the timeline can promise of ``qty``: ``{"pieces", "short"}``.

    ``pieces``: ``[(quantity, day), ...]`` in day order — all of ``qty`` on
    the earliest day it is free (``[(qty, day)]``), or what is free today
    first and the rest on that day (a split), or, when the timeline never
    has all of it, what it can give and when; ``short``: what it can never
    give (to be bought or made)."""
    minima = suffix_minima(balances(on_hand, movements, today))
    # the suffix minimum never decreases from one day to the next
    now = max(minima[0][1], 0.0)
    best = max(minima[-1][1], 0.0)
    wanted = min(qty, best)
    if wanted <= rounding:
        # nothing is ever free (the demand already planned may exceed the supply)
        return {"pieces": [], "short": float(qty)}
    day = next(day for day, lowest in minima if lowest >= wanted - rounding)
    pieces = []
    if rounding < now < wanted - rounding and day > today:
        pieces.append((now, today))
    if wanted - sum(piece for piece, _day in pieces) > rounding:
        pieces.append((wanted - sum(piece for piece, _day in pieces), day))
    return {"pieces": pieces, "short": float(max(qty - wanted, 0.0))}


def consume(movements, qty, day):
    """``movements`` with a demand of ``qty`` on ``day`` added: the next line
    of the same order or the next order in priority sees it taken."""
    return [*movements, (day, -qty)]


def allocate(on_hand, movements, demands, today, rounding=1e-6):
    """Supply given to ``demands`` in their order (the first is served
    first): ``{key: (day or None, short)}``.

    ``demands``: ``[(key, qty)]``, by priority. Each takes all it asks on the
    earliest day it is free without taking what the demands before it were
    given (``day``), or what the timeline can ever give it and on which day,
    ``short`` being the rest (to buy or make); ``day`` is ``None`` when the
    timeline gives it nothing. One pass over the timeline per demand."""
    points = balances(on_hand, movements, today)
    days = [day for day, _balance in points]
    running = [balance for _day, balance in points]
    size = len(running)
    result = {}
    for key, qty in demands:
        minima = [0.0] * size
        lowest = float("inf")
        for index in range(size - 1, -1, -1):
            lowest = min(lowest, running[index])
            minima[index] = lowest
        wanted = min(qty, max(minima[-1], 0.0))
        if wanted <= rounding:
            result[key] = (None, qty)
            continue
        start = next(index for index in range(size) if minima[index] >= wanted - rounding)
        for index in range(start, size):
            running[index] -= wanted
        result[key] = (days[start], max(qty - wanted, 0.0))
    return result
