"""18.0.1.1.0: "At Risk" of a node deadline is called "Due Soon" (``at risk`` is the
promise's word). The field ``tracking_at_risk`` and the filters ``tracking_at_risk`` /
``tracking_late_or_risk`` are now ``tracking_due_soon`` / ``tracking_late_or_due_soon``:
the users' saved filters and favourites follow."""

from odoo.addons.order_tracking.tools.upgrade import rename_in_filters

RENAMED = (
    ("tracking_late_or_risk", "tracking_late_or_due_soon"),
    ("tracking_at_risk", "tracking_due_soon"),
)


def migrate(cr, version):
    if not version:
        return
    rename_in_filters(cr, "sale.order", RENAMED)
