import importlib.util
from pathlib import Path

from odoo.modules.module import get_module_path
from odoo.tests import TransactionCase, tagged


def load_migration(version, name, addon="order_tracking"):
    """The migration script ``name`` (pre-migrate, post-migrate) of
    ``addon``'s ``version``, as Odoo runs it at an upgrade."""
    path = Path(get_module_path(addon)) / "migrations" / version / f"{name}.py"
    spec = importlib.util.spec_from_file_location(f"{addon}_{version}_{name}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@tagged("post_install", "-at_install")
class TestMigrations(TransactionCase):
    def test_saved_filters_follow_the_due_soon_rename(self):
        """18.0.1.1.0: a favourite saved on "At Risk" / "Late or At Risk"
        still filters the same orders after the upgrade."""
        Filter = self.env["ir.filters"]
        saved = Filter.create(
            {
                "name": "My risky orders",
                "model_id": "sale.order",
                "domain": "[('tracking_at_risk', '=', True)]",
                "context": "{'search_default_tracking_late_or_risk': 1}",
            }
        )
        other = Filter.create(
            {
                "name": "Partners at risk",
                "model_id": "res.partner",
                "domain": "[('name', 'ilike', 'tracking_at_risk')]",
            }
        )
        self.env.flush_all()
        load_migration("18.0.1.1.0", "post-migrate").migrate(self.env.cr, "18.0.1.0.0")
        self.env.invalidate_all()
        self.assertEqual(saved.domain, "[('tracking_due_soon', '=', True)]")
        self.assertEqual(saved.context, "{'search_default_tracking_late_or_due_soon': 1}")
        self.assertEqual(other.domain, "[('name', 'ilike', 'tracking_at_risk')]")
        # the migrated favourite is a domain the orders understand, meaning what it meant
        Order = self.env["sale.order"]
        self.assertEqual(
            Order.search(saved._get_eval_domain()), Order.search([("tracking_due_soon", "=", True)])
        )
