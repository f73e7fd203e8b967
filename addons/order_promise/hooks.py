from odoo.addons.order_tracking.hooks import installed_with_demo

from .demo.generator import PromiseDemo


def post_init_hook(env):
    """With demo data, a quotation whose promise is later than Odoo's own
    date, and why (demo/generator.py); then the open orders' promises
    allocated and the history measured, as the nightly pass does."""
    if installed_with_demo(env, "order_promise"):
        PromiseDemo(env)._generate()
    env["sale.order"]._cron_promise_reallocate()
