{
    "name": "Order Tracking: Extension Test",
    "summary": "Loaded by the tests only: a node, a KPI and an alert kind added "
    "the way a bridge add-on adds them, each in one file.",
    "version": "18.0.1.0.0",
    "category": "Hidden/Tests",
    "license": "LGPL-3",
    "author": "Order Tracking",
    "depends": ["order_tracking", "order_alerts", "order_kpi"],
    "data": [
        "security/ir.model.access.csv",
        "data/order_tracking_stage_data.xml",
    ],
    "installable": True,
}
