{
    "name": "Order Tracking: Purchasing",
    "summary": "The order's story through purchasing: short goods covered by a request "
    "for quotation or a purchase order put the order in Purchasing (采购中) until they are "
    "received, with the purchase as the source of the step",
    "version": "18.0.1.0.0",
    "category": "Inventory/Purchase",
    "website": "https://github.com/order-tracking/order-tracking",
    "author": "Order Tracking Team",
    "license": "LGPL-3",
    "depends": ["order_tracking", "order_alerts", "order_kpi", "sale_purchase_stock"],
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
            "order_tracking_purchase/static/tests/tours/**/*",
        ],
    },
    "post_init_hook": "post_init_hook",
    "auto_install": True,
    "installable": True,
}
