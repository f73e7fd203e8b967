"""Chatter without noise: the approval's first value is no news, its changes are."""

from odoo.tests import tagged

from .common import ApprovalCase


@tagged("post_install", "-at_install")
class TestChatterNoise(ApprovalCase):
    def setUp(self):
        super().setUp()
        # the builders disable tracking; the chatter is what is tested here
        self.env = self.env(context=dict(self.env.context, tracking_disable=False))

    def approval_lines(self, order):
        self.env.cr.precommit.run()  # mail writes tracking lines at commit
        return order.message_ids.tracking_value_ids.filtered(
            lambda t: t.field_id.name == "approval_state"
        )

    def test_value_computed_at_installation_is_not_logged(self):
        order = self.quote(500.0).with_env(self.env)
        self.env.flush_all()
        self.env.cr.precommit.run()
        # what installing the add-on on a live database does: a new, empty column
        # that the ORM computes for every existing order
        self.env.cr.execute("UPDATE sale_order SET approval_state = NULL WHERE id = %s", [order.id])
        order.invalidate_recordset(["approval_state"])
        self.env.add_to_compute(order._fields["approval_state"], order)
        self.env.flush_all()
        self.assertEqual(order.approval_state, "not_required")
        self.assertFalse(self.approval_lines(order), "None → Not Required is noise")

    def test_new_order_logs_no_approval_line(self):
        order = self.quote(500.0).with_env(self.env)
        self.assertFalse(self.approval_lines(order))

    def test_real_changes_are_logged(self):
        self.create_rule(min_amount=1000)
        order = self.quote(5000.0).with_env(self.env)
        self.env.cr.precommit.run()
        self.submit(order)
        self.env.flush_all()
        self.assertEqual(order.approval_state, "pending")
        lines = self.approval_lines(order)
        self.assertEqual(
            [(line.old_value_char, line.new_value_char) for line in lines],
            [("Not Required", "Waiting for Approval")],
        )
