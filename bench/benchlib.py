"""What the benchmark scripts share: starting Odoo, statistics, progress and
the result lines ``make bench`` prints (see bench/README.md).

Each script prints its progress as it goes, then its ``PERF-…`` line(s) and
one ``budget`` line per budget it checks; ``scripts/bench.sh`` collects these
lines (environment variable ``BENCH_RESULTS``: a file they are appended to)
and prints them together at the end. A script exits with 1 when a budget is
missed, with 2 when it could not measure.
"""

import gc
import os
import statistics
import sys
import time

_START = time.monotonic()


def progress(message):
    """A progress line, with the time since the script started."""
    elapsed = time.monotonic() - _START
    print(f"  [{int(elapsed) // 60:02d}:{int(elapsed) % 60:02d}] {message}", flush=True)


def start_odoo(addons_path=None):
    """Configure Odoo in this process (no server): registries are opened later."""
    import odoo

    args = ["--log-level=warn"]
    if addons_path:
        args.append(f"--addons-path={addons_path}")
    if os.environ.get("BENCH_DATA_DIR"):
        args.append(f"--data-dir={os.environ['BENCH_DATA_DIR']}")
    odoo.tools.config.parse_config(args)
    return odoo


def registry(dbname):
    import odoo

    return odoo.modules.registry.Registry(dbname)


def environment(cr, context=None, uid=None):
    from odoo import SUPERUSER_ID, api

    return api.Environment(cr, uid or SUPERUSER_ID, dict(context or {}))


class Clock:
    """The CPU time of this process plus that of its PostgreSQL backend.

    On a machine shared with other work, wall-clock time mostly measures the
    queue for the CPU; the CPU time the work took, on both sides of the
    connection, does not depend on what else runs. The backend's is read from
    /proc (PostgreSQL on this machine, as ``make bench`` sets it up); where
    it cannot be read, the clock falls back to wall-clock time and says so.
    ``wall()`` is always the wall clock, reported beside it."""

    def __init__(self, cr):
        cr.execute("SELECT pg_backend_pid()")
        pid = cr.fetchone()[0]
        self._schedstat = f"/proc/{pid}/schedstat"
        self.kind = "cpu"
        try:
            self._backend()
        except (OSError, ValueError, IndexError):
            self.kind = "wall"

    def _backend(self):
        with open(self._schedstat, encoding="ascii") as stat:
            return int(stat.read().split()[0]) / 1e9

    def __call__(self):
        if self.kind == "wall":
            return time.perf_counter()
        return time.process_time() + self._backend()

    @staticmethod
    def wall():
        return time.perf_counter()


def median(values):
    return statistics.median(values)


def iqr(values):
    """Interquartile range (Q3 - Q1, inclusive method): the spread of ``values``."""
    values = sorted(values)
    if len(values) < 2:
        return 0.0
    q1, _q2, q3 = statistics.quantiles(values, n=4, method="inclusive")
    return q3 - q1


def paired_order(pair_index, labels):
    """The order the sides run in for block ``pair_index``: rotated from one
    block to the next and reversed every other round (ABBA with two sides),
    so that a drift of the machine's load weighs on every side alike."""
    labels = list(labels)
    shift = pair_index % len(labels)
    order = labels[shift:] + labels[:shift]
    return list(reversed(order)) if (pair_index // len(labels)) % 2 else order


def paired_ratios(tag, sides, run, subject, reference, pairs, block, warmup):
    """``run(side, count, record=True)`` -> (seconds on the clock, wall-clock
    seconds) on each of ``sides`` (a dict of objects with ``close()``): first
    ``warmup`` orders each, not recorded, then ``pairs`` blocks of ``block``
    orders on every side in turn (paired_order). Returns {label: (ratios,
    wall ratios)} of subject / label for every other side, ``reference``
    first in the progress lines; the sides are closed (rolled back) in any
    case."""
    others = [label for label in sides if label != subject]
    # a full collection before every block, outside the clock: the cyclic
    # garbage of one block (Odoo's environments: every new one is compared
    # with all those alive) is not charged to the block that follows
    ratios = {label: ([], []) for label in others}
    try:
        for side in sides.values():
            run(side, warmup, record=False)
        for pair in range(pairs):
            times = {}
            for label in paired_order(pair, sides):
                gc.collect()
                times[label] = run(sides[label], block)
            for label in others:
                ratios[label][0].append(times[subject][0] / times[label][0])
                ratios[label][1].append(times[subject][1] / times[label][1])
            if (pair + 1) % max(pairs // 5, 1) == 0 or pair + 1 == pairs:
                progress(
                    f"{tag}: {pair + 1}/{pairs} blocks of {block} orders, "
                    f"running median ratio {median(ratios[reference][0]):.3f}"
                )
    finally:
        for side in sides.values():
            side.close()
    return ratios


def clock_line(clock, subject_wall_ms, reference_wall_ms, wall_ratios):
    """The line that says which clock the figures are on, and the wall clock."""
    return (
        f"  clock: {clock.kind} (Odoo process + its PostgreSQL backend); wall clock: "
        f"{subject_wall_ms:.1f} / {reference_wall_ms:.1f} ms per order, median ratio "
        f"{median(wall_ratios):.3f} (IQR {iqr(wall_ratios):.3f})"
    )


class Report:
    """The result lines of one script and the verdict of its budgets."""

    def __init__(self):
        self.lines = []
        self.missed = []

    def result(self, line):
        self.lines.append(line)

    def budget(self, name, ok, detail):
        verdict = "ok" if ok else "MISSED"
        self.lines.append(f"budget {verdict:<6} {name}: {detail}")
        if not ok:
            self.missed.append(name)

    def target(self, name, ok, detail):
        """A budget reported but not failing the run (a stricter measure
        than the one the budget is defined on)."""
        verdict = "ok" if ok else "MISSED"
        self.lines.append(f"target {verdict:<6} {name}: {detail}")

    def finish(self):
        """Print the lines (and append them to $BENCH_RESULTS); the exit code."""
        print()
        for line in self.lines:
            print(line, flush=True)
        path = os.environ.get("BENCH_RESULTS")
        if path:
            with open(path, "a", encoding="utf-8") as results:
                for line in self.lines:
                    results.write(line + "\n")
        return 1 if self.missed else 0


def fmt(value, digits=3):
    """A number for a result line: fixed digits, no thousands separator."""
    return f"{value:.{digits}f}"


def run(main):
    """Run ``main()`` as a script: its exit code, 2 on an unexpected error."""
    try:
        code = main()
    except KeyboardInterrupt:
        code = 130
    except Exception:  # a benchmark that cannot measure says so and fails
        import traceback

        traceback.print_exc()
        code = 2
    sys.exit(code)
