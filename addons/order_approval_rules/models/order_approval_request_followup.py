import logging
from collections import defaultdict

import psycopg2
from markupsafe import Markup

from odoo import api, fields, models
from odoo.service.model import PG_CONCURRENCY_EXCEPTIONS_TO_RETRY
from odoo.tools import SQL

_logger = logging.getLogger(__name__)


class GatheredSubscriptions(list):
    """Follower subscriptions gathered while approval activities are created
    (a list no RPC context can carry: it does not come from JSON)."""


# One concern of the model per file (Odoo's way: sale_stock, account): see
# docs/architecture.md.
# pylint: disable=consider-merging-classes-inherited
class OrderApprovalRequest(models.Model):
    """How open approval requests are followed up: the approvers' mail
    activities (opened with the level, closed with the decision) and the
    escalation of overdue requests on the company's working calendar (the
    scheduled action). ``order.approval.request`` inherits it."""

    _inherit = "order.approval.request"

    def _schedule_activities(self, users, note=None):
        """One approval activity per order and user, linked to every request
        of that order the user has to decide (an existing one is extended)."""
        wanted = defaultdict(lambda: self.browse())
        for request in self:
            excluded = request.order_id.user_id | request.requested_by_id
            deciders = request.approver_ids | request.delegate_ids | request.escalation_user_ids
            for user in (users & deciders) - excluded:
                wanted[request.order_id.id, user.id] |= request
        if not wanted:
            return
        Activity = self.env["mail.activity"].sudo()
        activity_type = self.env.ref("order_approval_rules.mail_activity_type_approval")
        existing = Activity.search(
            [
                ("activity_type_id", "=", activity_type.id),
                ("res_model", "=", "sale.order"),
                ("res_id", "in", [order_id for order_id, _user_id in wanted]),
            ]
        )
        by_key = {(a.res_id, a.user_id.id): a for a in existing}
        model_id = self.env["ir.model"]._get_id("sale.order")
        vals_list = []
        for (order_id, user_id), requests in wanted.items():
            activity = by_key.get((order_id, user_id))
            if activity:
                new = requests - activity.approval_request_ids
                if new:
                    activity.approval_request_ids = [fields.Command.link(r.id) for r in new]
                continue
            deadlines = [fields.Date.to_date(r.deadline) for r in requests if r.deadline]
            vals_list.append(
                {
                    "activity_type_id": activity_type.id,
                    "res_model_id": model_id,
                    "res_id": order_id,
                    "user_id": user_id,
                    "date_deadline": min(deadlines) if deadlines else fields.Date.today(),
                    "automated": True,
                    "summary": self.env._(
                        "Approve %(order)s: %(rules)s",
                        order=requests[0].order_id.name,
                        rules=", ".join(requests.rule_id.mapped("name")),
                    ),
                    "note": note or Markup("").join(r.evaluation_html or "" for r in requests),
                    "approval_request_ids": [fields.Command.set(requests.ids)],
                }
            )
        if vals_list:
            # Odoo subscribes each assignee to the order in a call of its own
            # (5 queries per approver): gathered here and subscribed together
            subscriptions = GatheredSubscriptions()
            Activity.with_context(
                mail_activity_quick_update=True, approval_gather_subscriptions=subscriptions
            ).create(vals_list)
            self._subscribe_gathered(subscriptions)

    def _subscribe_gathered(self, subscriptions):
        """Subscribe what activity creation asked for, one call per order."""
        partners_by_order = defaultdict(set)
        for order_ids, partner_ids in subscriptions:
            for order_id in order_ids:
                partners_by_order[order_id].update(partner_ids)
        Order = self.env["sale.order"].sudo()
        for order_id, partner_ids in partners_by_order.items():
            Order.browse(order_id).message_subscribe(partner_ids=sorted(partner_ids))

    def _close_activities(self, users=None):
        """These requests need no more decision (from ``users``): unlink them
        from the approval activities; an activity left with nothing pending
        is done (archived, as Odoo keeps done activities: deleting a record
        would empty the whole cache of the transaction)."""
        domain = [("approval_request_ids", "in", self.ids)]
        if users is not None:
            domain.append(("user_id", "in", users.ids))
        activities = self.env["mail.activity"].sudo().search(domain)
        finished = activities.browse()
        for activity in activities:
            rest = (activity.approval_request_ids - self).filtered(lambda r: r.state == "pending")
            if rest:
                activity.approval_request_ids = [
                    fields.Command.unlink(r.id) for r in activity.approval_request_ids & self
                ]
            else:
                finished |= activity
        if finished:
            finished._approval_archive()

    @api.model
    def _cron_escalate(self, limit=500):
        """Escalate pending requests past their SLA; idempotent and safe when
        two workers run it at once (rows already taken are skipped)."""
        now = fields.Datetime.now()
        candidates = self.sudo().search(
            [("state", "=", "pending"), ("escalated", "=", False), ("deadline", "<", now)],
            limit=limit,
            order="deadline, id",
        )
        if not candidates:
            return 0
        self.env.cr.execute(
            SQL(
                """SELECT id FROM order_approval_request
                    WHERE id = ANY(%s) AND escalated IS NOT TRUE AND state = 'pending'
                 ORDER BY id FOR NO KEY UPDATE SKIP LOCKED""",
                candidates.ids,
            )
        )
        locked = self.sudo().browse([row[0] for row in self.env.cr.fetchall()])
        for request in locked:
            try:
                with self.env.cr.savepoint():
                    request._escalate()
            except (psycopg2.InterfaceError, *PG_CONCURRENCY_EXCEPTIONS_TO_RETRY):
                raise  # not the request's fault: the scheduled action runs again
            except Exception as error:  # noqa: BLE001 - one request never stops the others
                _logger.exception("Escalating approval request %s failed", request.id)
                request.write(
                    {
                        "escalation_error": self.env._(
                            "Escalation failed (%(when)s UTC), tried again at the next run: "
                            "%(error)s",
                            when=fields.Datetime.to_string(now),
                            error=str(error) or type(error).__name__,
                        )
                    }
                )
        return len(locked)

    def _escalate(self):
        self.ensure_one()
        targets = self.rule_id._escalation_users(self.company_id) - (
            self.order_id.user_id | self.requested_by_id
        )
        self.write(
            {
                "escalated": True,
                "escalated_at": fields.Datetime.now(),
                "escalation_error": False,
                "escalation_user_ids": [fields.Command.link(u.id) for u in targets],
            }
        )
        if targets:
            self._schedule_activities(
                targets,
                note=Markup("<p>%s</p>")
                % self.env._(
                    "Escalated: %(rule)s has waited longer than its SLA of %(hours)s "
                    "working hours.",
                    rule=self.rule_id.name,
                    hours=self.sla_hours,
                ),
            )
        self.order_id.message_post(
            body=self.env._(
                "Approval “%(rule)s” is overdue (SLA %(hours)s working hours) and was "
                "escalated to %(targets)s.",
                rule=self.rule_id.name,
                hours=self.sla_hours,
                targets=", ".join(targets.mapped("name")) or self.env._("nobody (no target set)"),
            ),
            subtype_xmlid="mail.mt_note",
            partner_ids=targets.partner_id.ids,
        )
