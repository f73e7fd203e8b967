from odoo import Command


class BoughtToOrderMixin:
    """A cast housing bought to order (buy + replenish on order) from one
    vendor, deliveries reserved at confirmation: on an ``OrderTrackingCase``."""

    @classmethod
    def setup_bought_to_order(cls, delay=0):
        cls.warehouse.out_type_id.reservation_method = "at_confirm"
        warehouse = cls.warehouse
        warehouse.mto_pull_id.route_id.active = True
        routes = warehouse.buy_pull_id.route_id | warehouse.mto_pull_id.route_id
        cls.vendor = cls.env["res.partner"].create({"name": "宁波精密铸造 Ningbo Casting"})
        cls.bought = cls._create_product("Cast Housing 铸造外壳", price=400.0)
        cls.bought.write(
            {
                "route_ids": [Command.set(routes.ids)],
                "seller_ids": [
                    Command.create({"partner_id": cls.vendor.id, "price": 150.0, "delay": delay})
                ],
            }
        )
