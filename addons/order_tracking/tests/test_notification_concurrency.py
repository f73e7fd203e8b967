"""A customer e-mail whose order another transaction changed meanwhile.

Making the e-mail writes the order (its portal token); when another
transaction committed a change of the same order after the scheduled action's
snapshot, PostgreSQL refuses the write. That is no fault of the template: the
notification stays pending for the next run, and no attempt is counted (three
attempts mark it failed for good).

Two real connections: the rows are committed and removed afterwards."""

from odoo import SUPERUSER_ID, api
from odoo.tests import tagged

from .common import CommittedRowsCase


@tagged("post_install", "-at_install")
class TestNotificationOfAnOrderChangedMeanwhile(CommittedRowsCase):
    def commit_rows(self, env):
        stage = env.ref("order_tracking.stage_draft")
        self.stage_before = (stage.notify_customer, stage.mail_template_id.id)
        stage.write(
            {
                "notify_customer": True,
                "mail_template_id": env.ref("order_tracking.mail_template_order_stage").id,
            }
        )
        partner = self.keep(
            env["res.partner"].create(
                {"name": "Notified 通知测试", "email": "notified@example.com"}
            )
        )
        order = self.keep(env["sale.order"].create({"partner_id": partner.id}))
        env.flush_all()
        notification = self.keep(
            env["order.tracking.notification"].search([("order_id", "=", order.id)])
        )
        self.assertEqual(notification.state, "pending")
        self.assertFalse(order.access_token)
        self.ids = {
            "partner": partner.id,
            "order": order.id,
            "stage": stage.id,
            "notification": notification.id,
        }

    def before_removal(self, env):
        notify, template = self.stage_before
        env["order.tracking.stage"].browse(self.ids["stage"]).write(
            {"notify_customer": notify, "mail_template_id": template}
        )
        env["mail.message"].search(
            [("model", "=", "sale.order"), ("res_id", "=", self.ids["order"])]
        ).unlink()

    def notification_row(self):
        with self.registry.cursor() as cr:
            cr.execute(
                "SELECT state, attempts FROM order_tracking_notification WHERE id = %s",
                [self.ids["notification"]],
            )
            return cr.fetchone()

    def test_it_waits_for_the_next_run_without_counting_an_attempt(self):
        cron_cr, other_cr = self.registry.cursor(), self.registry.cursor()
        try:
            cron_cr.execute("SELECT 1")  # the scheduled action's snapshot
            other_cr.execute(
                "UPDATE sale_order SET client_order_ref = 'changed meanwhile' WHERE id = %s",
                [self.ids["order"]],
            )
            other_cr.commit()
            env = api.Environment(cron_cr, SUPERUSER_ID, {})
            env["order.tracking.notification"]._cron_send_pending()
            env.flush_all()
            cron_cr.commit()
            state, attempts = self.notification_row()
            self.assertEqual(state, "pending")
            self.assertFalse(attempts, "no attempt counted")
            # the next run, in a transaction that sees the change, sends it
            env = api.Environment(cron_cr, SUPERUSER_ID, {})
            env["order.tracking.notification"]._cron_send_pending()
            env.flush_all()
            cron_cr.commit()
        finally:
            cron_cr.close()
            other_cr.close()
        self.assertEqual(self.notification_row(), ("sent", 1))
