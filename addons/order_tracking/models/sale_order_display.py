"""What the order's screens show: who may pass the checkpoint from the status
bar, which orders are due soon in their node (deadline near). Display only:
nothing here changes the node or its history."""

from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import UserError

# An order is due soon when its node deadline falls within this many hours. ("At
# risk" is the promise's word: the KPIs, the ship-date alert's prediction.)
DUE_SOON_HOURS = 24


# A separate file on purpose (UI and chatter concerns, kept out of the engine).
# pylint: disable=consider-merging-classes-inherited
class SaleOrder(models.Model):
    _inherit = "sale.order"

    tracking_can_pass = fields.Boolean(
        string="May Pass Checkpoint",
        compute="_compute_tracking_can_pass",
        help="The order waits at a manual checkpoint that the current user may pass.",
    )
    tracking_due_soon = fields.Boolean(
        string="Due Soon",
        compute="_compute_tracking_due_soon",
        search="_search_tracking_due_soon",
        help="Not late yet, but the node deadline falls within the next 24 hours.",
    )

    @api.depends_context("uid")
    @api.depends("tracking_checkpoint_id")
    def _compute_tracking_can_pass(self):
        user = self.env.user
        is_user = user.has_group("order_tracking.order_tracking_group_user")
        is_manager = user.has_group("order_tracking.order_tracking_group_manager")
        for order in self:
            stage = order.tracking_checkpoint_id
            order.tracking_can_pass = bool(
                stage
                and is_user
                and (is_manager or not stage.group_id or stage.group_id in user.groups_id)
            )

    def _tracking_due_soon_window(self):
        now = fields.Datetime.now()
        return now, now + timedelta(hours=DUE_SOON_HOURS)

    def _compute_tracking_due_soon(self):
        now, limit = self._tracking_due_soon_window()
        for order in self:
            deadline = order.tracking_deadline
            order.tracking_due_soon = bool(deadline and now <= deadline < limit)

    def _search_tracking_due_soon(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise UserError(self.env._("Due Soon can only be searched as true or false."))
        now, limit = self._tracking_due_soon_window()
        domain = [("tracking_deadline", ">=", now), ("tracking_deadline", "<", limit)]
        if (operator == "=") == value:
            return domain
        return [
            "|",
            ("tracking_deadline", "=", False),
            "|",
            ("tracking_deadline", "<", now),
            ("tracking_deadline", ">=", limit),
        ]

    # ------------------------------------------------------------------
    # Chatter without noise
    # ------------------------------------------------------------------

    def _tracking_quiet_initial_fields(self):
        """Tracked fields whose first value is no news: a change from empty is
        not logged in the chatter (e.g. a stored computed field that an add-on
        installed on a live database fills in for every existing order, or that
        gets its default right after creation). Extend with super()."""
        return set()

    def _mail_track(self, tracked_fields, initial_values):
        quiet = [
            name
            for name in self._tracking_quiet_initial_fields()
            if name in tracked_fields and not initial_values.get(name)
        ]
        if quiet:
            tracked_fields = {
                name: info for name, info in tracked_fields.items() if name not in quiet
            }
        return super()._mail_track(tracked_fields, initial_values)
