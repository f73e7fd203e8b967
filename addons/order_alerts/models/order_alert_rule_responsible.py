from odoo import models


# One concern of the model per file (Odoo's way: sale_stock, account): see
# docs/architecture.md.
# pylint: disable=consider-merging-classes-inherited
class OrderAlertRule(models.Model):
    """Who an alert goes to: the rule's responsible for the order (given users in
    turn, a group, the salesperson, the team leader, the node's department) and
    the escalation targets of the later steps."""

    _inherit = "order.alert.rule"

    def _group_members(self, group, company, cache):
        key = (group.id, company.id)
        if key not in cache:
            cache[key] = group.users.filtered(
                lambda u: u.active and not u.share and company in u.company_ids
            ).sorted("id")
        return cache[key]

    def _alert_responsible(self, order, step, cache):
        """(user, group) receiving the alert of ``order`` at ``step``."""
        user = self.env["res.users"]
        group = self.env["res.groups"]
        kind = self.responsible_type
        if kind == "users":
            users = self.user_ids.filtered("active").sorted("id")
            user = users[order.id % len(users)] if users else user
        elif kind == "group":
            group = self.group_id
        elif kind == "salesperson":
            user = order.user_id
        elif kind == "team_leader":
            user = order.team_id.user_id or order.user_id
        elif kind == "stage_group":
            watched = self._kind_hook("watched_stage")
            stage = watched(order.company_id) if watched else order.tracking_stage_id
            group = stage.group_id
        if group and not user:
            users = self._group_members(group, order.company_id, cache)
            user = users[order.id % len(users)] if users else user
        user = user or order.user_id
        if step >= 2:
            targets = self._escalation_targets(order, user)
            if targets:
                user = targets[min(step - 2, len(targets) - 1)]
                group = self.env["res.groups"]
        return user, group

    def _escalation_targets(self, order, user):
        """Who escalation 1, 2, … go to: the sales team leader of the order,
        then the rule's escalation user (the last target takes the rest)."""
        targets = []
        for target in (order.team_id.user_id, self.escalation_user_id):
            if target and target != user and target not in targets:
                targets.append(target)
        return targets
