{
    "name": "Order Tracking: Manufacturing",
    "summary": "The order's story through production: short goods covered by a "
    "manufacturing order put the order in Production Planned (排产中), then In Production "
    "(生产中), with the manufacturing order as the source of each step",
    "version": "18.0.1.0.0",
    "category": "Manufacturing/Manufacturing",
    "website": "https://github.com/order-tracking/order-tracking",
    "author": "Order Tracking Team",
    "license": "LGPL-3",
    "depends": ["order_tracking", "order_alerts", "order_kpi", "sale_mrp"],
    "data": [
        "data/order_tracking_stage_data.xml",
        "views/sale_order_views.xml",
        "views/order_alert_shortage_views.xml",
    ],
    "demo": [
        "demo/order_alert_rule_demo.xml",
    ],
    "assets": {
        "web.assets_tests": [
            "order_tracking_mrp/static/tests/tours/**/*",
        ],
    },
    "post_init_hook": "post_init_hook",
    "auto_install": True,
    "installable": True,
}
