{
    "name": "Order Approval Rules",
    "summary": "Rule-driven multi-level approval of sale orders that no "
    "confirmation path can bypass: co-sign / any-one sign, delegation, "
    "escalation, fingerprinted decisions and a rule simulator",
    "version": "18.0.1.0.0",
    "category": "Sales/Sales",
    "website": "https://github.com/order-tracking/order-tracking",
    "author": "Order Tracking Team",
    "license": "LGPL-3",
    "depends": ["order_tracking"],
    "data": [
        "security/order_approval_rules_security.xml",
        "security/ir.model.access.csv",
        "data/mail_activity_type_data.xml",
        "data/ir_cron_data.xml",
        "wizard/order_approval_reject_views.xml",
        "wizard/order_approval_simulation_views.xml",
        "views/order_approval_rule_views.xml",
        "views/order_approval_request_views.xml",
        "views/order_approval_delegation_views.xml",
        "views/sale_order_views.xml",
        "views/res_config_settings_views.xml",
        "views/order_approval_rules_menus.xml",
    ],
    "demo": ["demo/order_approval_demo.xml"],
    "uninstall_hook": "uninstall_hook",
    "assets": {
        "web.assets_tests": [
            "order_approval_rules/static/tests/tours/**/*",
        ],
    },
    "installable": True,
    "application": False,
}
