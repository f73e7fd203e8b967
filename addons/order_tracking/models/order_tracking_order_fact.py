from odoo import models


class OrderTrackingOrderFact(models.AbstractModel):
    """A record that carries an order's facts (its history, promises, alerts,
    change requests, KPI rows): read by those who may read the order — the
    record rules of each model (security/) — and exported likewise.

    Odoo's ``export_data`` writes the external id of records it never reads
    when only their ``id`` is exported; models that carry an order's facts
    check read access first, so that a colleague's records are refused."""

    _name = "order.tracking.order.fact"
    _description = "Order Fact"

    def export_data(self, fields_to_export):
        self.check_access("read")
        return super().export_data(fields_to_export)
