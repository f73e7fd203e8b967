"""The KPI definitions: one declaration per KPI of the cockpit and ``get_kpis``.

A :class:`Kpi` names its key (in ``get_kpis``, in the dashboard data), its label
(translated where it is shown), how it is shown (``kind``: count, money, rate,
hours, days, number), which way is good (``better``), the orders behind its
card (``drill``: a domain on ``order.kpi.report``) and, for a KPI an add-on
adds, its aggregate over the period's facts (``select(report, query)`` -> SQL;
the KPIs of order_kpi are aggregated in ``_kpi_order_selects``).

``order.kpi.report._kpi_definitions()`` returns them in the cockpit's order; an
add-on extends it with ``super()`` — a new KPI is one file::

    def _kpi_definitions(self):
        return [*super()._kpi_definitions(), Kpi(
            "certified_orders", _lt("Certified orders"), "count",
            select=lambda report, query: SQL(...))]
"""

from collections.abc import Callable
from dataclasses import dataclass

from odoo.tools.translate import LazyTranslate

_lt = LazyTranslate(__name__)

KINDS = ("count", "money", "rate", "hours", "days", "number")


@dataclass(frozen=True)
class Kpi:
    """One KPI. Its value in ``get_kpis`` is, in this order: ``result(figures,
    period)`` when given (a KPI derived from others; ``period`` has
    ``report``, ``date_from``, ``date_to``, ``previous_orders``), else the SQL
    figure ``figure`` (default: the key; ``select`` adds it) as a number, or
    ``empty`` when there is none (0 for counts, False otherwise). ``card``:
    shown on the cockpit (``label`` and ``kind`` then say how)."""

    key: str
    label: object = None  # a LazyGettext (_lt): translated in the reader's language
    kind: str = "count"
    better: str = "up"
    hint: object = None
    drill: tuple = ()
    select: Callable = None
    card: bool = True
    figure: str = None
    result: Callable = None
    empty: object = None

    def __post_init__(self):
        if self.kind not in KINDS:
            raise ValueError(f"KPI {self.key!r}: kind {self.kind!r} is not one of {KINDS}")
        if self.better not in ("up", "down"):
            raise ValueError(f"KPI {self.key!r}: better is 'up' or 'down'")
        if self.card and self.label is None:
            raise ValueError(f"KPI {self.key!r}: a card needs a label")

    def value(self, figures, period):
        """What ``get_kpis`` returns for this KPI (XML-RPC friendly)."""
        if self.result:
            return self.result(figures, period)
        raw = figures[self.figure or self.key]
        if raw is None:
            return self.empty if self.empty is not None else (0 if self.kind == "count" else False)
        if isinstance(raw, bool | int):
            return raw
        return float(raw)


def _ahead(figures):
    """Open orders whose promised day is still ahead."""
    return (figures["open_promised"] or 0) - (figures["overdue"] or 0)


def _otd_forecast(figures, period):
    """This period's on-time delivery if every order at risk misses."""
    due, ahead, at_risk = figures["otd_due"] or 0, _ahead(figures), figures["at_risk"] or 0
    return (figures["on_time"] + ahead - at_risk) / (due + ahead) if due + ahead else False


def _growth(figures, period):
    previous = period["previous_orders"]
    return (figures["orders"] - previous) / previous if previous else False


def _inventory_turnover(figures, period):
    return period["report"]._kpi_inventory_turnover(period["date_from"], period["date_to"])


MISSED = (("otd_missed", "=", True),)


def counted(key, figure=None):
    """A count returned by get_kpis, not a card."""
    return Kpi(key, card=False, figure=figure)


def measured(key, kind, figure=None):
    """A measure returned by get_kpis, not a card."""
    return Kpi(key, kind=kind, card=False, figure=figure)


# get_kpis' keys in the order it has always listed them; the cards (card=True, the
# default) in the cockpit's order
COCKPIT = (
    Kpi("orders", _lt("Orders"), "count"),
    Kpi("amount", _lt("Sales (untaxed)"), "money", empty=0.0),
    Kpi("aov", _lt("Average order value"), "money"),
    Kpi("otd_rate", _lt("On-time delivery"), "rate", drill=MISSED),
    Kpi("otd_rate_original", _lt("On time vs original promise"), "rate", drill=MISSED),
    Kpi("otif_rate", _lt("OTIF"), "rate", drill=MISSED),
    counted("otd_due"),
    counted("on_time"),
    counted("on_time_original"),
    counted("early"),
    counted("delivered"),
    counted("otif"),
    counted("open_promised"),
    Kpi(
        "otd_forecast",
        _lt("On-time forecast"),
        "rate",
        hint=_lt("If every order at risk misses"),
        result=_otd_forecast,
    ),
    Kpi("at_risk", _lt("Orders at risk"), "count", "down", drill=(("open_promised", "=", 1),)),
    Kpi(
        "overdue",
        _lt("Overdue, not delivered"),
        "count",
        "down",
        drill=(("open_promised", "=", 1), ("otd_missed", "=", True)),
    ),
    counted("missed"),
    Kpi("open_ahead", card=False, result=lambda figures, period: _ahead(figures)),
    counted("returned"),
    counted("repromised"),
    Kpi("cycle_hours_median", _lt("Confirm → shipped, median"), "hours", "down"),
    Kpi("cycle_hours_p90", _lt("Confirm → shipped, p90"), "hours", "down"),
    measured("cycle_hours_mean", "hours"),
    Kpi("cycle_sign_hours_median", _lt("Confirm → signed, median"), "hours", "down"),
    measured("cycle_sign_hours_mean", "hours"),
    measured("cycle_sign_hours_p90", "hours"),
    measured("approval_hours_mean", "hours"),
    Kpi("promise_drift_days", _lt("Promise drift"), "days", "down"),
    Kpi(
        "exception_ratio",
        _lt("Exception orders"),
        "rate",
        "down",
        drill=(("exception", "=", 1),),
    ),
    counted("exception_orders", "exception"),
    Kpi("automation_rate", _lt("Approval automation"), "rate"),
    counted("approved_orders", "approval_needed"),
    counted("auto_approved_orders", "auto_approved"),
    Kpi("completion_rate", _lt("Completion rate"), "rate"),
    counted("completed_orders", "done"),
    Kpi(
        "previous_orders",
        card=False,
        result=lambda figures, period: period["previous_orders"],
    ),
    Kpi("growth_rate", kind="rate", card=False, result=_growth),
    counted("customers"),
    Kpi(
        "new_customers",
        _lt("New customers"),
        "count",
        drill=(("first_order", "=", 1),),
        figure="first_order",
    ),
    counted("repeat_customers"),
    Kpi("repurchase_rate", _lt("Repurchase rate"), "rate"),
    counted("alerts", "alert_count"),
    Kpi("inventory_turnover", _lt("Inventory turnover"), "number", result=_inventory_turnover),
)
