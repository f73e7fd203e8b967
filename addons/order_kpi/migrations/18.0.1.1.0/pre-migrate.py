"""18.0.1.1.0, before the add-on loads: the pivot's measures take the names of
the KPIs they are (``get_kpis``' keys): ``otd_original_rate`` is now
``otd_rate_original``, ``exception_rate`` is now ``exception_ratio``. Odoo checks
each view it loads together with the views that inherit it, the stored ones
included: rename the fields in the stored views first (order_kpi's own, and the
ones users or other add-ons made on the KPI analysis), or the upgrade stops at
the first view that another one extends."""

from odoo.tools import SQL

from odoo.addons.order_tracking.tools.upgrade import rename_in_views

RENAMED = (
    ("otd_original_rate", "otd_rate_original"),
    ("exception_rate", "exception_ratio"),
)


def migrate(cr, version):
    if not version:
        return
    rename_in_views(cr, RENAMED, SQL("model = 'order.kpi.report'"))
