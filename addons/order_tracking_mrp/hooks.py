from odoo.addons.order_tracking.hooks import installed_with_demo

from .demo.generator import ProductionDemo


def post_init_hook(env):
    """With demo data, a manufacturer's week (demo/generator.py)."""
    if installed_with_demo(env, "order_tracking_mrp"):
        ProductionDemo(env)._generate()
