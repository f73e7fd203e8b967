from .tools import schema


def post_init_hook(env):
    """The facts of the orders that existed before installation (order
    tracking back-filled their history): built at once, so that a company
    sees last year's on-time delivery, cycle times and node times on day one."""
    env["order.kpi.report"]._kpi_rebuild_if_changed()


def uninstall_hook(env):
    """Drop the triggers on the documents' tables and their functions, and
    the fingerprint of the fact definition: Odoo leaves the parameters an
    add-on set behind, and nothing of an uninstalled add-on may stay (REL-4)."""
    schema.uninstall(env.cr)
    env["ir.config_parameter"].sudo().search([("key", "=", "order_kpi.definition")]).unlink()
