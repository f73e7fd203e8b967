from odoo import api, fields, models

from odoo.addons.order_tracking.tools.engine import PROGRESS
from odoo.addons.order_tracking.tools.nodes import Node


class SaleOrder(models.Model):
    """The node ``certified`` (质检合格): an order whose goods need a quality
    certificate waits at Ready until one is issued; orders without a
    certificate skip it. Everything about the node is declared here; its
    record (name, sequence, SLA) is data/order_tracking_stage_data.xml.

    The fact reads a stored field of the order (``test_certification``), as
    a bridge's node should: recomputing an order's node then reads no other
    table."""

    _inherit = "sale.order"

    test_certificate_ids = fields.One2many("order.tracking.test.certificate", "order_id")
    test_certification = fields.Selection(
        [("pending", "Pending"), ("issued", "Issued")],
        compute="_compute_test_certification",
        store=True,
    )

    @api.depends("test_certificate_ids.state")
    def _compute_test_certification(self):
        for order in self:
            states = set(order.test_certificate_ids.mapped("state"))
            order.test_certification = (
                "issued" if "issued" in states else ("pending" if states else False)
            )

    def _tracking_nodes(self):
        return (
            super()
            ._tracking_nodes()
            .after(
                "ready",
                Node(
                    "certified",
                    PROGRESS,
                    lambda o: o.test_certification == "issued" if o.test_certification else None,
                    depends=("test_certification",),
                    source=lambda o: o._test_issued_certificates()[-1:],
                    backfill=lambda o, chatter: o._test_backfill_certified(),
                    roles={"warehouse"},
                ),
            )
        )

    def _tracking_source_labels(self):
        return {**super()._tracking_source_labels(), "order.tracking.test.certificate": "quality"}

    def _test_issued_certificates(self):
        return self.test_certificate_ids.filtered(lambda c: c.state == "issued").sorted(
            lambda c: (c.issued_at, c.id)
        )

    def _test_backfill_certified(self):
        issued = self._test_issued_certificates()[-1:]
        return (issued.issued_at, issued) if issued else None
