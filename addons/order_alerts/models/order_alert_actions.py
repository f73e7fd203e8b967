from markupsafe import Markup

from odoo import fields, models
from odoo.tools import SQL


# One concern of the model per file (Odoo's way: sale_stock, account): see
# docs/architecture.md.
# pylint: disable=consider-merging-classes-inherited
class OrderAlert(models.Model):
    """What a new alert does, as its rule says: a mail activity for the
    responsible (shortage alerts: one to-do per product and warehouse), a note in
    the order's chatter, an e-mail, a webhook (queued, see
    ``order.alert.webhook.log``). ``order.alert`` inherits it."""

    _inherit = "order.alert"

    def _run_actions(self):
        """Activities, chatter notes, e-mails and webhooks of new alerts."""
        for rule in self.rule_id:
            alerts = self.filtered(lambda a, r=rule: a.rule_id == r)
            if rule.action_activity:
                schedule = rule._kind_hook("schedule")
                if schedule:
                    schedule(alerts)
                else:
                    alerts._schedule_activities()
            if rule.action_post:
                alerts._post_on_orders()
            if rule.action_email and rule.mail_template_id:
                rule.mail_template_id.sudo().send_mail_batch(alerts.ids)
            if rule.webhook_url:
                self.env["order.alert.webhook.log"].sudo()._enqueue(alerts)

    def _schedule_activities(self):
        model_id = self.env["ir.model"]._get_id("sale.order")
        today = fields.Date.context_today(self)
        todo = self.filtered("user_id")
        vals_list = []
        for alert in todo:
            localized = alert.with_context(lang=alert.user_id.lang or self.env.lang)
            vals_list.append(
                {
                    "res_model_id": model_id,
                    "res_id": alert.order_id.id,
                    "activity_type_id": alert.rule_id.activity_type_id.id
                    or self.env.ref("mail.mail_activity_data_todo").id,
                    "summary": localized._title(),
                    "note": localized._describe(),
                    "user_id": alert.user_id.id,
                    "date_deadline": today,
                }
            )
        # the alert is the notification: no activity e-mail per order
        activities = (
            self.env["mail.activity"]
            .sudo()
            .with_context(mail_activity_quick_update=True)
            .create(vals_list)
        )
        if activities:
            self.env.cr.execute(
                SQL(
                    """UPDATE order_alert SET activity_id = v.activity_id
                         FROM (VALUES %s) AS v(id, activity_id)
                        WHERE order_alert.id = v.id""",
                    SQL(", ").join(
                        SQL("(%s, %s)", alert.id, activity.id)
                        for alert, activity in zip(todo, activities, strict=True)
                    ),
                )
            )
            todo.invalidate_recordset(["activity_id"])

    def _post_on_orders(self):
        for alert in self:
            localized = alert.with_context(lang=alert.user_id.lang or self.env.lang)
            alert.order_id.sudo().message_post(
                body=Markup("<b>%s</b><br/>%s") % (localized._title(), localized._describe()),
                subtype_xmlid="mail.mt_note",
                partner_ids=alert.user_id.partner_id.ids,
            )

    def _webhook_payload(self):
        self.ensure_one()
        base_url = self.get_base_url()
        return {
            "event": "order.alert",
            "alert_id": self.id,
            "rule_id": self.rule_id.id,
            "rule": self.rule_id.name,
            "kind": self.kind,
            "level": self.level,
            "escalation_level": self.escalation_level,
            "severity": self.severity,
            "state": self.state,
            "order_id": self.order_id.id,
            "order": self.order_id.name,
            "customer": self.order_id.partner_id.display_name or "",
            "node": self.stage_id.code or "",
            "assignee": self.user_id.name or "",
            "raised_at": fields.Datetime.to_string(self.raised_at),
            "due_at": fields.Datetime.to_string(self.due_at) if self.due_at else "",
            "message": self._describe(),
            "url": f"{base_url}/odoo/sales/{self.order_id.id}",
        }
