from odoo.addons.order_tracking.hooks import installed_with_demo

from .demo.generator import KpiDemo
from .tools import schema


def post_init_hook(env):
    """With demo data, six months of two sales teams (demo/generator.py).
    Then the facts of the orders that existed before installation (order
    tracking back-filled their history): built at once, so that a company
    sees last year's on-time delivery, cycle times and node times on day one."""
    if installed_with_demo(env, "order_kpi"):
        KpiDemo(env)._generate()
    env["order.kpi.report"]._kpi_rebuild_if_changed()


def uninstall_hook(env):
    """Drop the triggers on the documents' tables and their functions, and
    the system parameters the add-on set (the digest of the fact definition)."""
    schema.uninstall(env.cr)
    env["ir.config_parameter"].sudo().search([("key", "=like", "order_kpi.%")]).unlink()
