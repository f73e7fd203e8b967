from odoo import fields, models
from odoo.tools import SQL

from ..tools import links
from .sale_order import PLANNED, PLANNED_STATES, STARTED, STARTED_STATES

KINDS = [
    ("production_late", "Manufacturing order late"),
    ("components_short", "Components short for production"),
]
ONDELETE = {kind: "cascade" for kind, _label in KINDS}
OPEN_STATES = PLANNED_STATES + STARTED_STATES
# the states in which a manufacturing order should be consuming its components
RUNNING_STATES = ("confirmed", "progress")
WAITING_COMPONENTS = ("confirmed", "waiting")


def _stamp(column):
    return SQL("COALESCE(to_char(%s, 'YYYY-MM-DD HH24:MI:SS'), '')", column)


class OrderAlertRule(models.Model):
    """The production alert kinds (SPEC PRD-3), each on the customer orders a
    manufacturing order delays: ``production_late`` (the order's manufacturing
    order is not done at its planned end, plus the rule's hours) and
    ``components_short`` (its components are not all reserved at its planned
    start, plus the rule's hours). "The order's manufacturing orders" are
    those its procurement created, those chained to its deliveries and the
    one Odoo's forecast assigns to it (``tools/links.py``), while the order
    waits for production; everything about both kinds is here
    (see order_alerts/models/order_alert_rule_kinds.py)."""

    _inherit = "order.alert.rule"

    kind = fields.Selection(selection_add=KINDS, ondelete=ONDELETE)

    # -- shared --

    def _production_rows(self, key, start, conditions, bound):
        return SQL(
            """SELECT so.id AS order_id, so.company_id AS company_id,
                      %(key)s || mp.id || ':' || %(stamp)s AS entry_key,
                      so.tracking_last_event_id AS entry_id,
                      %(start)s AS start_at,
                      NULL::integer AS picking_id
                 FROM sale_order so
                 JOIN (%(links)s) link ON link.order_id = so.id
                 JOIN mrp_production mp ON mp.id = link.production_id
                WHERE so.state = 'sale'
                  AND so.tracking_supply IN %(nodes)s
                  AND %(start)s <= %(bound)s
                  AND %(conditions)s
                  AND %(scope)s""",
            key=key,
            links=links.order_productions(),
            stamp=_stamp(start),
            start=start,
            nodes=(PLANNED, STARTED),
            bound=bound,
            conditions=SQL(" AND ").join(conditions),
            scope=SQL(" AND ").join(self._scan_scope()),
        )

    def _production_still_holds_sql(self, key, start, conditions):
        return SQL(
            """so.state = 'sale' AND so.tracking_supply IN %(nodes)s
               AND EXISTS (SELECT 1 FROM (%(links)s) link
                             JOIN mrp_production mp ON mp.id = link.production_id
                            WHERE link.order_id = so.id AND %(conditions)s
                              AND a.stage_entry_key = %(key)s || mp.id || ':' || %(stamp)s)""",
            nodes=(PLANNED, STARTED),
            links=links.order_productions(),
            conditions=SQL(" AND ").join(conditions),
            key=key,
            stamp=_stamp(start),
        )

    def _production_of_alert(self, alert, order, prefix, check, date_field):
        """The order's manufacturing order ``alert`` is about, while it
        still matches its clock entry and ``check``; else None."""
        if order.state != "sale" or order.tracking_supply not in (PLANNED, STARTED):
            return None
        for production in self._productions_of(order.sudo()):
            date = production[date_field]
            stamp = fields.Datetime.to_string(date) if date else ""
            if alert.stage_entry_key == f"{prefix}{production.id}:{stamp}" and check(production):
                return production
        return None

    def _productions_of(self, order):
        """The manufacturing orders that cover ``order`` (as
        ``tools/links.py`` reads them in SQL)."""
        productions = (
            order.tracking_procurement_group_ids.mrp_production_ids
            | order.picking_ids.move_ids.move_orig_ids.production_id
        )
        covering = order._tracking_supply_record(order.tracking_supply)
        if covering is not None and covering._name == "mrp.production":
            productions |= covering
        return productions

    def _production_alert_words(self, alert):
        """What an alert on a manufacturing order says: the manufacturing
        order, its planned date (the clock's start), the order it delays."""
        production_id = int(alert.stage_entry_key.split(":")[1])
        production = self.env["mrp.production"].sudo().browse(production_id)
        return {
            "production": production.name or "",
            "planned": alert._fmt(alert.start_at),
            "order": alert.order_id.name or "",
            "customer": alert.order_id.partner_id.display_name or "",
        }

    # -- a manufacturing order late against its planned end --

    def _scan_source_production_late(self, bound, now):
        return self._production_rows(
            SQL("'production:'"),
            SQL("mp.date_finished"),
            [SQL("mp.state IN %s", OPEN_STATES)],
            bound,
        )

    def _still_holds_sql_production_late(self):
        return self._production_still_holds_sql(
            SQL("'production:'"), SQL("mp.date_finished"), [SQL("mp.state IN %s", OPEN_STATES)]
        )

    def _holds_production_late(self, alert, order, risks):
        return bool(
            self._production_of_alert(
                alert,
                order,
                "production:",
                lambda production: production.state in OPEN_STATES,
                "date_finished",
            )
        )

    def _describe_production_late(self, alert):
        return self.env._(
            "%(production)s was planned to end on %(planned)s and is not done: it delays "
            "%(order)s of %(customer)s.",
            **self._production_alert_words(alert),
        )

    # -- components short on a manufacturing order that covers an order --

    def _components_conditions(self):
        return [
            SQL("mp.state IN %s", RUNNING_STATES),
            SQL("mp.reservation_state IN %s", WAITING_COMPONENTS),
        ]

    def _scan_source_components_short(self, bound, now):
        return self._production_rows(
            SQL("'components:'"), SQL("mp.date_start"), self._components_conditions(), bound
        )

    def _still_holds_sql_components_short(self):
        return self._production_still_holds_sql(
            SQL("'components:'"), SQL("mp.date_start"), self._components_conditions()
        )

    def _holds_components_short(self, alert, order, risks):
        return bool(
            self._production_of_alert(
                alert,
                order,
                "components:",
                lambda production: (
                    production.state in RUNNING_STATES
                    and production.reservation_state in WAITING_COMPONENTS
                ),
                "date_start",
            )
        )

    def _describe_components_short(self, alert):
        return self.env._(
            "%(production)s, planned to start on %(planned)s, still misses components: it "
            "delays %(order)s of %(customer)s.",
            **self._production_alert_words(alert),
        )


class OrderAlert(models.Model):
    _inherit = "order.alert"

    kind = fields.Selection(selection_add=KINDS, ondelete=ONDELETE)
