from odoo.addons.order_tracking.hooks import installed_with_demo

from .demo.generator import PurchasingDemo


def post_init_hook(env):
    """With demo data, a distributor's fortnight with a late supplier
    (demo/generator.py)."""
    if installed_with_demo(env, "order_tracking_purchase"):
        PurchasingDemo(env)._generate()
