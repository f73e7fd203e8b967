from odoo import fields, models
from odoo.tools import SQL

from ..tools import links
from .sale_order import PURCHASING

KINDS = [("receipt_late", "Purchase receipt late")]
ONDELETE = {kind: "cascade" for kind, _label in KINDS}
# a purchase whose goods are expected: confirmed (locked or not)
CONFIRMED_STATES = ("purchase", "done")


class OrderAlertRule(models.Model):
    """The alert kind ``receipt_late`` (SPEC PRD-3): a confirmed purchase
    line that covers a customer order is not fully received at its expected
    arrival (plus the rule's hours); one alert per customer order and purchase
    line, naming the purchase, the vendor and the order it delays. "The
    order's purchase lines" are those of its procurement group, those
    created for its deliveries (Odoo's links, as sale_purchase_stock reads
    them) and those of the purchase Odoo's forecast assigns to it
    (``tools/links.py``), while the order waits for a purchase; everything
    about the kind is here (see order_alerts/models/order_alert_rule_kinds.py)."""

    _inherit = "order.alert.rule"

    kind = fields.Selection(selection_add=KINDS, ondelete=ONDELETE)

    def _receipt_late_conditions(self):
        return SQL(
            "pol.state IN %s AND pol.qty_received < pol.product_qty"
            " AND pol.date_planned IS NOT NULL",
            CONFIRMED_STATES,
        )

    def _receipt_key(self):
        return SQL(
            "'receipt:' || pol.id || ':' || to_char(pol.date_planned, 'YYYY-MM-DD HH24:MI:SS')"
        )

    def _scan_source_receipt_late(self, bound, now):
        return SQL(
            """SELECT so.id AS order_id, so.company_id AS company_id,
                      %(key)s AS entry_key,
                      so.tracking_last_event_id AS entry_id,
                      pol.date_planned AS start_at,
                      NULL::integer AS picking_id
                 FROM sale_order so
                 JOIN (%(links)s) link ON link.order_id = so.id
                 JOIN purchase_order_line pol ON pol.id = link.line_id
                WHERE so.state = 'sale' AND so.tracking_supply = %(node)s
                  AND pol.date_planned <= %(bound)s
                  AND %(conditions)s
                  AND %(scope)s""",
            key=self._receipt_key(),
            links=links.order_covering_purchase_lines(),
            node=PURCHASING,
            bound=bound,
            conditions=self._receipt_late_conditions(),
            scope=SQL(" AND ").join(self._scan_scope()),
        )

    def _still_holds_sql_receipt_late(self):
        return SQL(
            """so.state = 'sale' AND so.tracking_supply = %(node)s
               AND EXISTS (SELECT 1 FROM (%(links)s) link
                             JOIN purchase_order_line pol ON pol.id = link.line_id
                            WHERE link.order_id = so.id AND %(conditions)s
                              AND a.stage_entry_key = %(key)s)""",
            node=PURCHASING,
            links=links.order_covering_purchase_lines(),
            conditions=self._receipt_late_conditions(),
            key=self._receipt_key(),
        )

    def _receipt_lines_of(self, order):
        """The purchase lines that cover ``order`` (as ``tools/links.py``
        reads them in SQL)."""
        moves = order.picking_ids.move_ids
        lines = (
            order.procurement_group_id.purchase_line_ids
            | moves.created_purchase_line_ids
            | moves.move_orig_ids.purchase_line_id
        )
        covering = order._tracking_supply_record(order.tracking_supply)
        if covering is not None and covering._name == "purchase.order":
            products = order.order_line.product_id
            lines |= covering.order_line.filtered(lambda line: line.product_id in products)
        return lines

    def _holds_receipt_late(self, alert, order, risks):
        if order.state != "sale" or order.tracking_supply != PURCHASING:
            return False
        for line in self._receipt_lines_of(order.sudo()):
            if (
                line.state in CONFIRMED_STATES
                and line.date_planned
                and line.qty_received < line.product_qty
                and alert.stage_entry_key
                == f"receipt:{line.id}:{fields.Datetime.to_string(line.date_planned)}"
            ):
                return True
        return False

    def _describe_receipt_late(self, alert):
        line = (
            self.env["purchase.order.line"].sudo().browse(int(alert.stage_entry_key.split(":")[1]))
        )
        return self.env._(
            "%(purchase)s from %(vendor)s was expected on %(expected)s and %(product)s is not "
            "all received: it delays %(order)s of %(customer)s.",
            purchase=line.order_id.name or "",
            vendor=line.partner_id.display_name or "",
            expected=alert._fmt(alert.start_at),
            product=line.product_id.display_name or "",
            order=alert.order_id.name or "",
            customer=alert.order_id.partner_id.display_name or "",
        )


class OrderAlert(models.Model):
    _inherit = "order.alert"

    kind = fields.Selection(selection_add=KINDS, ondelete=ONDELETE)
