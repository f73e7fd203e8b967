"""Where PERF-1's extra Python calls go: each phase's calls, by add-on method.

Runs the life cycle of ``bench/lifecycle.py`` on one database and charges every
Python function call to the innermost method of an add-on (``addons/``) on the
stack — an add-on's override that only calls ``super()`` hands its callee's
calls back to its caller — or to Odoo when no add-on method is on the stack.
Run it on plain Odoo's database and on the add-ons', then compare::

    python3 bench/calls_by_method.py --db bench_plain_run -o /tmp/plain.json
    python3 bench/calls_by_method.py --db bench_addons_run -o /tmp/addons.json \\
        --compare /tmp/plain.json

The add-ons' calls include Odoo work an add-on's read triggers first (a field
Odoo would compute at the flush anyway, computed when an add-on reads it): the
difference of the Odoo-owned calls between the two databases is the ORM's own
extra work (dependency walks, recomputations, flushes of the add-ons' fields).
Like ``lifecycle.py --calls``: the garbage collector runs before every phase
and the scan of the live environments is not counted. Not timed; rolled back.
"""

import argparse
import json
import os
from collections import Counter

import benchlib
import lifecycle

ODOO = "odoo"


class Attribution:
    """A profile function charging each call to its owner (see the module's
    docstring), per phase."""

    def __init__(self, root):
        self.root = root
        self.calls = Counter()
        self.phase = None
        self.stack = []  # (code, owner, owner before the chain of overrides)

    def _owner(self, code):
        """(owner, owner before it) of a call to ``code``."""
        if self.stack:
            parent, owner, before = self.stack[-1]
        else:
            parent, owner, before = None, ODOO, ODOO
        ours = code.co_filename.startswith(self.root)
        parent_ours = parent is not None and parent.co_filename.startswith(self.root)
        super_call = parent_ours and parent.co_name == code.co_name
        if ours:
            name = os.path.relpath(code.co_filename, self.root) + ":" + code.co_name
            return name, (before if super_call else owner)
        if super_call:
            return before, before
        return owner, before

    def __call__(self, frame, event, _arg):
        if event == "call":
            code = frame.f_code
            if code.co_filename == lifecycle.WEAKSET_FILE:
                self.stack.append((code, *self.stack[-1][1:]) if self.stack else (code, ODOO, ODOO))
                return
            owner, before = self._owner(code)
            self.stack.append((code, owner, before))
            self.calls[(self.phase, owner)] += 1
        elif event == "return" and self.stack:
            self.stack.pop()


def count(side, orders, warmup, root):
    """{phase: {owner: calls per order}} of ``orders`` life cycles on ``side``."""
    attribution = Attribution(root)
    side.life_cycle(warmup, record=False)
    original = side._count_call
    side.calls = dict.fromkeys(lifecycle.PHASES, 0)

    def profile(frame, event, arg):
        attribution.phase = side.phase
        attribution(frame, event, arg)

    side._count_call = profile
    try:
        side.life_cycle(orders, record=False)
    finally:
        side._count_call = original
        side.calls = None
    result = {phase: {} for phase in lifecycle.PHASES}
    for (phase, owner), calls in attribution.calls.items():
        result[phase][owner] = calls / orders
    return result


def report(mine, reference, top):
    for phase in lifecycle.PHASES:
        total = sum(mine[phase].values())
        odoo = mine[phase].get(ODOO, 0.0)
        line = f"== {phase:<8} calls/order {total:>9.0f}   add-on methods {total - odoo:>8.0f}"
        if reference is not None:
            ref_total = sum(reference[phase].values())
            ref_odoo = reference[phase].get(ODOO, 0.0)
            line += (
                f"   plain {ref_total:>9.0f} (ratio {total / ref_total:.3f}),"
                f" Odoo-owned {odoo - ref_odoo:+.0f}"
            )
        print(line)
        owners = sorted(
            ((calls, owner) for owner, calls in mine[phase].items() if owner != ODOO),
            reverse=True,
        )
        for calls, owner in owners[:top]:
            print(f"   {calls:>8.0f}  {owner}")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", required=True)
    parser.add_argument("-n", "--orders", type=int, default=5)
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--top", type=int, default=12, help="add-on methods shown per phase")
    parser.add_argument("-o", "--output", help="write the counts as JSON")
    parser.add_argument("--compare", help="the JSON of another database (plain Odoo)")
    parser.add_argument("--addons-path", default=None)
    args = parser.parse_args(argv)

    benchlib.start_odoo(args.addons_path)
    root = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "addons")
    stock = (args.orders + args.warmup) * 10
    side = lifecycle.Side(args.db, args.db, stock)
    try:
        counts = count(side, args.orders, args.warmup, root + os.sep)
    finally:
        side.close()
    if args.output:
        with open(args.output, "w", encoding="utf-8") as output:
            json.dump(counts, output)
    reference = None
    if args.compare:
        with open(args.compare, encoding="utf-8") as compared:
            reference = json.load(compared)
    report(counts, reference, args.top)
    return 0


if __name__ == "__main__":
    benchlib.run(main)
