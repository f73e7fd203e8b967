"""18.0.1.1.0, before the add-on loads: the views of order_tracking stored in the
database name the field ``tracking_at_risk``, which is gone (now ``tracking_due_soon``).
Odoo checks each view it loads together with the views that inherit it, the stored ones
included: rename the field in the stored views first, or the upgrade stops at the first
view that another one extends."""

from odoo.tools import SQL

from odoo.addons.order_tracking.tools.upgrade import rename_in_views

RENAMED = (
    ("tracking_late_or_risk", "tracking_late_or_due_soon"),
    ("tracking_at_risk", "tracking_due_soon"),
)


def migrate(cr, version):
    if not version:
        return
    rename_in_views(
        cr,
        RENAMED,
        SQL(
            "id IN (SELECT res_id FROM ir_model_data"
            " WHERE module = 'order_tracking' AND model = 'ir.ui.view')"
        ),
    )
