from odoo import fields, models
from odoo.exceptions import AccessError, UserError

from ..tools import engine


# One concern of the model per file (Odoo's way: sale_stock, account): see
# docs/architecture.md.
# pylint: disable=consider-merging-classes-inherited
class SaleOrder(models.Model):
    """Manual checkpoints (TRK-2): who may pass one on an order and when, passing
    it (button, RPC), and the facts a checkpoint not passed yet holds (a
    delivery's validation, an invoice's posting).

    ``sale.order`` inherits it; ``self`` is a recordset of orders."""

    _inherit = "sale.order"

    def _tracking_holding_checkpoints(self, fact):
        """The manual checkpoints not passed yet that hold ``fact``
        ('delivery', 'invoice') on this order."""
        self.ensure_one()
        if self.state == "cancel":
            return self.env["order.tracking.stage"]
        stages = self.env["order.tracking.stage"]._get_company_stages(self.company_id)
        return stages.filtered(
            lambda s: (
                s.hold_fact == fact
                and s.trigger_mode == "manual"
                and s not in self.tracking_passed_stage_ids
            )
        )

    def _tracking_check_fact_allowed(self, fact):
        """Raise a UserError naming the checkpoint and who may pass it when a
        checkpoint not passed yet holds ``fact`` on one of the orders."""
        for order in self:
            stage = order._tracking_holding_checkpoints(fact)[:1]
            if not stage:
                continue
            if stage.group_id and stage.manager_override:
                who = self.env._(
                    "Members of “%(group)s” or an Order Tracking manager can pass it.",
                    group=stage.group_id.display_name,
                )
            elif stage.group_id:
                who = self.env._(
                    "Members of “%(group)s” can pass it.", group=stage.group_id.display_name
                )
            else:
                who = self.env._("Any Order Tracking user can pass it.")
            if fact == "invoice":
                message = self.env._(
                    "The invoice of %(order)s cannot be posted yet: the order must first "
                    "pass the checkpoint “%(node)s”. %(who)s",
                    order=order.name,
                    node=stage.name,
                    who=who,
                )
            else:
                message = self.env._(
                    "The delivery of %(order)s cannot be validated yet: the order must "
                    "first pass the checkpoint “%(node)s”. %(who)s",
                    order=order.name,
                    node=stage.name,
                    who=who,
                )
            raise UserError(message)

    def _tracking_outside_department(self, stage):
        """Whether the current user passes ``stage`` from outside the
        department that owns it (the server's own code never is)."""
        return bool(
            stage.group_id and not self.env.su and stage.group_id not in self.env.user.groups_id
        )

    def _tracking_is_override(self, stage):
        """Whether the current user passes ``stage`` as a manager overriding
        its department (allowed only where the node says so)."""
        return (
            self._tracking_outside_department(stage)
            and stage.manager_override
            and self.env.user.has_group("order_tracking.order_tracking_group_manager")
        )

    def _tracking_check_checkpoint(self, stage):
        """Raise unless the current user may pass ``stage`` on this order now:
        its department decides (the server's own code too); an Order Tracking
        manager only where the node allows an override."""
        self.ensure_one()
        user = self.env.user
        if not self.env.su and not user.has_group("order_tracking.order_tracking_group_user"):
            raise AccessError(
                self.env._(
                    "Only Order Tracking users may pass the checkpoint “%(node)s”.",
                    node=stage.name,
                )
            )
        if self._tracking_outside_department(stage) and not self._tracking_is_override(stage):
            raise AccessError(
                self.env._(
                    "Only members of “%(group)s” may pass the checkpoint “%(node)s”.",
                    group=stage.group_id.display_name,
                    node=stage.name,
                )
            )
        # the facts are the documents', whoever asks: read them as the system
        system = self.sudo()
        stages = self.env["order.tracking.stage"]._get_company_stages(self.company_id)
        current, pending = system._tracking_resolve(stages)
        if pending != stage:
            raise UserError(
                self.env._(
                    "%(order)s is not waiting at “%(node)s”: it is at “%(current)s”.",
                    order=self.name,
                    node=stage.name,
                    current=current.name,
                )
            )
        kind, milestone = self._tracking_milestones().get(
            stage.code, (engine.PROGRESS, lambda o: True)
        )
        if not milestone(system):
            raise UserError(
                self.env._(
                    "%(order)s has not reached “%(node)s” yet: its documents do not show it.",
                    order=self.name,
                    node=stage.name,
                )
            )

    def action_pass_checkpoint(self, stage_code, note=None):
        """Pass a manual node (e.g. quality inspection) on every order."""
        if not isinstance(stage_code, str) or not stage_code:
            raise UserError(self.env._("Give the code of the checkpoint to pass."))
        self.check_access("read")
        Stage = self.env["order.tracking.stage"]
        orders_by_stage = {}
        for order in self:
            stage = Stage._get_by_code(stage_code, order.company_id)
            if not stage:
                raise UserError(
                    self.env._(
                        "There is no active status node with the code “%(code)s”.",
                        code=stage_code,
                    )
                )
            if stage.trigger_mode != "manual":
                raise UserError(
                    self.env._(
                        "“%(node)s” is not a manual checkpoint: it follows the order's documents.",
                        node=stage.name,
                    )
                )
            order._tracking_check_checkpoint(stage)
            orders_by_stage.setdefault(stage, self.browse())
            orders_by_stage[stage] |= order
        notes = {}
        for stage, orders in orders_by_stage.items():
            orders.sudo().write({"tracking_passed_stage_ids": [fields.Command.link(stage.id)]})
            override = self._tracking_is_override(stage)
            for order in orders:
                text = note or ""
                if override:
                    text = self.env._(
                        "Passed by a manager, overriding “%(group)s”. %(note)s",
                        group=stage.group_id.display_name,
                        note=text,
                    ).strip()
                if text:
                    notes[order.id] = text
        self._tracking_sync(notes=notes)
        return True

    def action_pass_current_checkpoint(self):
        self.ensure_one()
        if not self.tracking_checkpoint_id:
            raise UserError(self.env._("%(order)s waits at no manual checkpoint.", order=self.name))
        return self.action_pass_checkpoint(self.tracking_checkpoint_id.code)
