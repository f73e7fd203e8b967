{
    "name": "Order Tracking",
    "summary": "Sale order status nodes computed from real facts, "
    "with an immutable, hash-chained history, SLA deadlines, "
    "customer sign-off and stock reservation hooks",
    "version": "18.0.1.1.0",
    "category": "Sales/Sales",
    "website": "https://github.com/order-tracking/order-tracking",
    "author": "Order Tracking Team",
    "license": "LGPL-3",
    "depends": ["sale_management", "sale_stock", "mail", "portal", "resource"],
    "data": [
        "security/order_tracking_security.xml",
        "security/order_change_request_security.xml",
        "security/ir.model.access.csv",
        "data/mail_template_data.xml",
        "data/ir_cron_data.xml",
        "data/order_tracking_stage_data.xml",
        "data/ir_sequence_data.xml",
        "views/order_tracking_event_views.xml",
        "views/order_tracking_promise_views.xml",
        "views/sale_order_views.xml",
        "views/order_tracking_stage_views.xml",
        "views/res_config_settings_views.xml",
        "views/sale_portal_templates.xml",
        "views/order_change_request_views.xml",
        "views/order_tracking_department_views.xml",
        "views/order_tracking_menus.xml",
        "report/order_status_report.xml",
    ],
    "assets": {
        "web.assets_backend": [
            "order_tracking/static/src/**/*",
        ],
        "web.assets_tests": [
            "order_tracking/static/tests/tours/**/*",
        ],
    },
    "demo": ["demo/order_tracking_demo.xml"],
    "post_init_hook": "post_init_hook",
    "uninstall_hook": "uninstall_hook",
    "installable": True,
    "application": False,
}
