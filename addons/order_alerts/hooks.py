from odoo.tools import SQL

from odoo.addons.order_tracking.hooks import drop_foreign_xmlids

# indexes order_alerts adds to sale_order (see sale.order.init())
SALE_ORDER_INDEXES = ("sale_order_alert_stage_entered_idx", "sale_order_alert_promise_idx")


def uninstall_hook(env):
    for name in SALE_ORDER_INDEXES:
        env.cr.execute(SQL("DROP INDEX IF EXISTS %s", SQL.identifier(name)))
    drop_foreign_xmlids(env, "order_alerts")
