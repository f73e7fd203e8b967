"""Builders for real orders, stock, pickings, invoices and payments.

Other add-ons import these: ``from odoo.addons.order_tracking.tests.common
import OrderTrackingCase``.
"""

import inspect
from contextlib import contextmanager
from unittest.mock import patch

from odoo import SUPERUSER_ID, Command, api
from odoo.sql_db import Cursor
from odoo.tests import Form, TransactionCase, new_test_user


class OrderTrackingCase(TransactionCase):
    @contextmanager
    def statements(self, width=60):
        """The SQL statements run inside the block, each as its first
        ``width`` characters on one line."""
        seen = []
        execute = Cursor.execute

        def spy(cursor, query, params=None, log_exceptions=True):
            seen.append(" ".join(str(getattr(query, "code", query)).split())[:width])
            return execute(cursor, query, params, log_exceptions)

        with patch.object(Cursor, "execute", spy):
            yield seen

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=True))
        cls.company = cls.env.company
        cls.warehouse = cls.env["stock.warehouse"].search(
            [("company_id", "=", cls.company.id)], limit=1
        )
        cls.stock_location = cls.warehouse.lot_stock_id
        cls.customer = cls.env["res.partner"].create(
            {"name": "深圳华强电子有限公司 Huaqiang Electronics", "email": "buyer@huaqiang.example"}
        )
        cls.product = cls._create_product("Steel Bracket 钢支架")
        cls.product_b = cls._create_product("Copper Fitting 铜接头")
        cls.service = cls.env["product.product"].create(
            {
                "name": "Installation Service 安装服务",
                "type": "service",
                "invoice_policy": "order",
                "list_price": 300.0,
            }
        )
        cls.salesman = new_test_user(
            cls.env,
            login="ot_salesman",
            groups="sales_team.group_sale_salesman",
            name="Li Wei 李伟",
        )

    @classmethod
    def _create_product(cls, name, price=100.0, policy="order"):
        return cls.env["product.product"].create(
            {
                "name": name,
                "type": "consu",
                "is_storable": True,
                "invoice_policy": policy,
                "list_price": price,
                "standard_price": price / 2,
            }
        )

    @classmethod
    def stage(cls, code):
        return cls.env["order.tracking.stage"].search([("code", "=", code)], limit=1)

    # -- documents --------------------------------------------------------

    @classmethod
    def set_stock(cls, product, quantity, location=None):
        cls.env["stock.quant"]._update_available_quantity(
            product, location or cls.stock_location, quantity
        )

    @classmethod
    def create_order(cls, lines=None, partner=None, **vals):
        """lines: [(product, quantity)] or [(product, quantity, price)]."""
        lines = lines or [(cls.product, 5)]
        order_lines = []
        for line in lines:
            product, quantity = line[0], line[1]
            values = {"product_id": product.id, "product_uom_qty": quantity}
            if len(line) > 2:
                values["price_unit"] = line[2]
            order_lines.append(Command.create(values))
        return cls.env["sale.order"].create(
            {
                "partner_id": (partner or cls.customer).id,
                "order_line": order_lines,
                **vals,
            }
        )

    @staticmethod
    def outgoing(order):
        """Open pickings of the order, first operation of the chain first."""
        return order.picking_ids.filtered(lambda p: p.state not in ("done", "cancel")).sorted("id")

    @staticmethod
    def validate(picking, quantities=None, backorder=True):
        """Validate ``picking``; ``quantities`` {product: qty} ships less."""
        for move in picking.move_ids:
            quantity = move.product_uom_qty
            if quantities is not None:
                quantity = quantities.get(move.product_id, 0.0)
            move.quantity = quantity
            move.picked = True
        result = picking.button_validate()
        if isinstance(result, dict) and result.get("res_model") == "stock.backorder.confirmation":
            wizard = Form(picking.env[result["res_model"]].with_context(**result["context"])).save()
            if backorder:
                wizard.process()
            else:
                wizard.process_cancel_backorder()
        return picking

    def ship_all(self, order):
        """Validate every open operation of the order in chain order."""
        for _i in range(5):
            pickings = self.outgoing(order).filtered(lambda p: p.state == "assigned")
            if not pickings:
                break
            for picking in pickings:
                self.validate(picking)
        return order

    @classmethod
    def planned_receipt(cls, product, quantity, scheduled=None):
        """A receipt from a vendor, confirmed (planned on ``scheduled``, a
        naive UTC datetime, when given)."""
        picking_type = cls.warehouse.in_type_id
        vendor = cls.env["res.partner"].create({"name": "Vendor 供应商"})
        supplier = cls.env.ref("stock.stock_location_suppliers")
        picking = cls.env["stock.picking"].create(
            {
                "picking_type_id": picking_type.id,
                "partner_id": vendor.id,
                "location_id": supplier.id,
                "location_dest_id": picking_type.default_location_dest_id.id,
                "move_ids": [
                    Command.create(
                        {
                            "name": product.name,
                            "product_id": product.id,
                            "product_uom_qty": quantity,
                            "product_uom": product.uom_id.id,
                            "location_id": supplier.id,
                            "location_dest_id": picking_type.default_location_dest_id.id,
                        }
                    )
                ],
            }
        )
        picking.action_confirm()
        if scheduled:
            picking.scheduled_date = scheduled
            picking.move_ids.date = scheduled
        return picking

    @classmethod
    def receive(cls, product, quantity):
        """A real receipt from a vendor, validated."""
        picking = cls.planned_receipt(product, quantity)
        cls.validate(picking)
        return picking

    @staticmethod
    def invoice(order, post=True):
        invoice = order._create_invoices()
        if post:
            invoice.action_post()
        return invoice

    @staticmethod
    def pay(invoice, amount=None):
        wizard = (
            invoice.env["account.payment.register"]
            .with_context(active_model="account.move", active_ids=invoice.ids)
            .create({} if amount is None else {"amount": amount})
        )
        return wizard._create_payments()

    @staticmethod
    def codes(order):
        order.env.flush_all()
        return [event.to_code for event in order.tracking_event_ids.sorted("id")]


class CommittedRowsCase(TransactionCase):
    """For tests that need two real database connections: other cursors do
    not see a TransactionCase's uncommitted rows, so the test's own rows are
    created in a cursor of their own and committed (``commit_rows``), then
    removed, newest first, once the test's transaction is rolled back."""

    def setUp(self):
        self._committed = []
        # registered before super().setUp(): runs after the test's rollback
        self.addCleanup(self._remove_committed)
        with self.registry.cursor() as cr:
            self.commit_rows(api.Environment(cr, SUPERUSER_ID, {}))
        super().setUp()

    def commit_rows(self, env):
        """Create the rows the test needs in ``env`` (committed after);
        ``self.keep()`` each one to have it removed."""
        raise NotImplementedError

    def keep(self, records):
        """Remove ``records`` after the test (the last kept first)."""
        self._committed.append((records._name, records.ids))
        return records

    def before_removal(self, env):
        """Hook: put back what the test's rows changed, remove what was made
        of them, before the rows kept are removed."""

    def _remove_committed(self):
        if not self._committed:
            return
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            self.before_removal(env)
            for model, ids in reversed(self._committed):
                env[model].browse(ids).exists().unlink()


class TranslationCheckMixin:
    """Every translatable term of a module has a zh_CN translation."""

    def assert_fully_translated(self, module, lang="zh_CN"):
        import polib

        from odoo.tools.misc import file_path
        from odoo.tools.translate import TranslationModuleReader

        reader = TranslationModuleReader(self.env.cr, modules=[module])
        sources = {row[4] for row in reader if row[0] == module and (row[4] or "").strip()}
        path = file_path(f"{module}/i18n/{lang}.po")
        catalog = polib.pofile(path)
        translated = {
            entry.msgid
            for entry in catalog
            if entry.msgstr.strip() and not entry.obsolete and "fuzzy" not in entry.flags
        }
        missing = sorted(sources - translated)
        self.assertFalse(
            missing, f"{len(missing)} terms of {module} lack a {lang} translation: {missing[:20]}"
        )
        return len(sources)


class CoreContractMixin:
    """Guards for the private details of Odoo core the add-ons rely on: a
    core method's parameters, the core flow that calls it. They fail when an
    18.0 build changes such a detail underneath us."""

    def core_function(self, owner, name, module):
        """The function ``name`` as Odoo's ``module`` defines it on ``owner``
        (a model, or a class such as a controller)."""
        cls = owner if isinstance(owner, type) else type(owner)
        for klass in cls.__mro__:
            if name in vars(klass) and klass.__module__.startswith(f"odoo.addons.{module}."):
                return vars(klass)[name]
        self.fail(f"Odoo's {module} no longer defines {name}() on {cls.__name__}")

    def assert_core_parameters(self, owner, name, module, expected):
        """``name`` of ``module`` still takes exactly the ``expected`` parameters."""
        function = self.core_function(owner, name, module)
        signature = inspect.signature(function)
        self.assertEqual(
            list(signature.parameters),
            expected,
            f"Odoo's {module} changed {name}{signature}: check our override or call",
        )
        return function

    def assert_core_calls(self, owner, name, module, callee):
        """The core flow ``name`` (of ``module``) still calls ``callee``."""
        source = inspect.getsource(self.core_function(owner, name, module))
        self.assertIn(f"{callee}(", source, f"Odoo's {module} {name}() no longer calls {callee}()")
