"""18.0.1.1.0: the pivot's measures take the names of the KPIs they are
(``otd_original_rate`` -> ``otd_rate_original``, ``exception_rate`` ->
``exception_ratio``): the users' saved favourites on the KPI analysis (their
pivot and graph measures, their domains) follow."""

from odoo.addons.order_tracking.tools.upgrade import rename_in_filters

RENAMED = (
    ("otd_original_rate", "otd_rate_original"),
    ("exception_rate", "exception_ratio"),
)


def migrate(cr, version):
    if not version:
        return
    rename_in_filters(cr, "order.kpi.report", RENAMED)
