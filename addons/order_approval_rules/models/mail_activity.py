from odoo import fields, models


class MailActivity(models.Model):
    _inherit = "mail.activity"

    approval_request_ids = fields.Many2many(
        "order.approval.request",
        "mail_activity_approval_request_rel",
        "activity_id",
        "request_id",
        string="Approval Requests",
        readonly=True,
    )

    def _action_done(self, feedback=False, attachment_ids=None):
        """Marking one's approval activity done approves what it asks, the
        feedback being the comment (approve from the activity / mobile app)."""
        for activity in self.filtered("approval_request_ids"):
            pending = activity.approval_request_ids.filtered(lambda r: r.state == "pending")
            if pending:
                pending.action_approve(comment=feedback or None)
        remaining = self.exists().filtered("active")
        return super(MailActivity, remaining)._action_done(
            feedback=feedback, attachment_ids=attachment_ids
        )

    def _approval_archive(self):
        """Approval activities with nothing left to decide: archived (their
        done date set), and gone from their users' activity counters."""
        due = self.filtered(lambda activity: activity.date_deadline <= fields.Date.today())
        self.write({"active": False})
        if due:
            due.user_id._bus_send("mail.activity/updated", {"activity_deleted": True})
