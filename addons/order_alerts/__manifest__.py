{
    "name": "Order Alerts",
    "summary": "SLA timers and alerts on sale orders: warnings before breaches, "
    "escalations, shortage to-dos, delivery exceptions and webhooks, "
    "run by scheduled actions",
    "version": "18.0.1.1.0",
    "category": "Sales/Sales",
    "website": "https://github.com/order-tracking/order-tracking",
    "author": "Order Tracking Team",
    "license": "LGPL-3",
    "depends": ["order_tracking"],
    "data": [
        "security/ir.model.access.csv",
        "security/order_alerts_security.xml",
        "data/mail_template_data.xml",
        "data/ir_cron_data.xml",
        "views/order_alert_views.xml",
        "views/order_alert_rule_views.xml",
        "views/order_alert_webhook_log_views.xml",
        "views/order_alert_shortage_views.xml",
        "views/sale_order_views.xml",
        "views/stock_picking_views.xml",
        "views/order_alerts_menus.xml",
    ],
    "demo": ["demo/order_alert_rule_demo.xml"],
    "uninstall_hook": "uninstall_hook",
    "assets": {
        "web.assets_tests": [
            "order_alerts/static/tests/tours/**/*",
        ],
    },
    "installable": True,
    "application": False,
}
