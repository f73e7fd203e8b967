{
    "name": "Order KPIs",
    "summary": "The managers' cockpit: on-time delivery against the original and the latest "
    "promise, OTIF, cycle times, time per node, exceptions, approval automation and sales "
    "figures, right at every grouping and fast on millions of lines",
    "version": "18.0.1.1.0",
    "category": "Sales/Sales",
    "website": "https://github.com/order-tracking/order-tracking",
    "author": "Order Tracking Team",
    "license": "LGPL-3",
    "depends": ["order_tracking", "order_approval_rules", "order_alerts", "digest"],
    "data": [
        "security/order_kpi_security.xml",
        "security/ir.model.access.csv",
        "data/ir_cron_data.xml",
        "data/digest_data.xml",
        "report/order_kpi_report_views.xml",
        "report/order_kpi_stage_report_views.xml",
        "report/order_kpi_line_report_views.xml",
        "views/order_kpi_dashboard_views.xml",
        "views/res_config_settings_views.xml",
        "views/digest_digest_views.xml",
        "views/order_kpi_menus.xml",
    ],
    "assets": {
        "web.assets_backend": [
            "order_kpi/static/src/dashboard/*",
        ],
    },
    "post_init_hook": "post_init_hook",
    "uninstall_hook": "uninstall_hook",
    "installable": True,
    "application": False,
}
