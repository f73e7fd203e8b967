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
    key: str
    label: object  # a LazyGettext (_lt): translated in the reader's language
    kind: str
    better: str = "up"
    hint: object = None
    drill: tuple = ()
    select: Callable = None
    card: bool = True

    def __post_init__(self):
        if self.kind not in KINDS:
            raise ValueError(f"KPI {self.key!r}: kind {self.kind!r} is not one of {KINDS}")
        if self.better not in ("up", "down"):
            raise ValueError(f"KPI {self.key!r}: better is 'up' or 'down'")


MISSED = (("otd_missed", "=", True),)

COCKPIT = (
    Kpi("orders", _lt("Orders"), "count"),
    Kpi("amount", _lt("Sales (untaxed)"), "money"),
    Kpi("aov", _lt("Average order value"), "money"),
    Kpi("otd_rate", _lt("On-time delivery"), "rate", drill=MISSED),
    Kpi("otd_rate_original", _lt("On time vs original promise"), "rate", drill=MISSED),
    Kpi("otif_rate", _lt("OTIF"), "rate", drill=MISSED),
    Kpi(
        "otd_forecast",
        _lt("On-time forecast"),
        "rate",
        hint=_lt("If every order at risk misses"),
    ),
    Kpi("at_risk", _lt("Orders at risk"), "count", "down", drill=(("open_promised", "=", 1),)),
    Kpi(
        "overdue",
        _lt("Overdue, not delivered"),
        "count",
        "down",
        drill=(("open_promised", "=", 1), ("otd_missed", "=", True)),
    ),
    Kpi("cycle_hours_median", _lt("Confirm → shipped, median"), "hours", "down"),
    Kpi("cycle_hours_p90", _lt("Confirm → shipped, p90"), "hours", "down"),
    Kpi("cycle_sign_hours_median", _lt("Confirm → signed, median"), "hours", "down"),
    Kpi("promise_drift_days", _lt("Promise drift"), "days", "down"),
    Kpi(
        "exception_ratio",
        _lt("Exception orders"),
        "rate",
        "down",
        drill=(("exception", "=", 1),),
    ),
    Kpi("automation_rate", _lt("Approval automation"), "rate"),
    Kpi("completion_rate", _lt("Completion rate"), "rate"),
    Kpi("new_customers", _lt("New customers"), "count", drill=(("first_order", "=", 1),)),
    Kpi("repurchase_rate", _lt("Repurchase rate"), "rate"),
    Kpi("inventory_turnover", _lt("Inventory turnover"), "number"),
)
