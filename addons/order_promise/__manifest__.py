{
    "name": "Order Promise",
    "summary": "Promise a delivery date you can keep: available-to-promise with look-ahead "
    "over every warehouse's supply and demand, split and capable-to-promise dates, on the "
    "warehouse's working days, the delivery time measured from the order history",
    "version": "18.0.1.2.0",
    "category": "Sales/Sales",
    "website": "https://github.com/order-tracking/order-tracking",
    "author": "Order Tracking Team",
    "license": "LGPL-3",
    "depends": ["order_tracking", "order_alerts"],
    "data": [
        "security/ir.model.access.csv",
        "data/ir_cron_data.xml",
        "views/res_company_views.xml",
        "views/sale_order_views.xml",
    ],
    "demo": [
        "demo/order_alert_rule_demo.xml",
    ],
    "post_init_hook": "post_init_hook",
    "installable": True,
    "application": False,
}
