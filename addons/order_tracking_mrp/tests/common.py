from odoo import Command


class MadeToOrderMixin:
    """A control cabinet made to order (manufacture + replenish on order)
    from a bill of materials of one frame component, deliveries reserved at
    confirmation: on an ``OrderTrackingCase``."""

    @classmethod
    def setup_made_to_order(cls, component_qty=1.0):
        cls.warehouse.out_type_id.reservation_method = "at_confirm"
        warehouse = cls.warehouse
        routes = warehouse.manufacture_pull_id.route_id | warehouse.mto_pull_id.route_id
        routes.active = True
        warehouse.mto_pull_id.active = True
        cls.made = cls._create_product("Control Cabinet 控制柜", price=900.0)
        cls.made.route_ids = [Command.set(routes.ids)]
        cls.component = cls._create_product("Cabinet Frame 柜体框架", price=200.0)
        cls.env["mrp.bom"].create(
            {
                "product_tmpl_id": cls.made.product_tmpl_id.id,
                "bom_line_ids": [
                    Command.create({"product_id": cls.component.id, "product_qty": component_qty})
                ],
            }
        )

    @staticmethod
    def produce(production):
        """Produce all of ``production`` and mark it done, as the shop floor
        does from its form."""
        production.qty_producing = production.product_qty
        production._set_qty_producing()
        production.button_mark_done()
