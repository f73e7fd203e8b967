from unittest.mock import patch

from odoo.tests import tagged

from .common import AlertCase


@tagged("post_install", "-at_install")
class TestApprovalOverdue(AlertCase):
    """Approval overdue runs on the To Approve node entry; it needs no
    approval module (order_approval_rules is not a dependency)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # stand-in for order_approval_rules: a sent quotation awaits approval
        SaleOrder = type(cls.env["sale.order"])
        original = SaleOrder._tracking_nodes

        def nodes(self):
            return original(self).replace("to_approve", fact=lambda o: o.state == "sent")

        cls.startClassPatcher(patch.object(SaleOrder, "_tracking_nodes", nodes))
        # the node registry is cached per registry: read the patched one
        cls.env.registry.clear_cache()
        cls.addClassCleanup(cls.env.registry.clear_cache)
        cls.rule = cls.make_rule(
            name="Approval over 2 h",
            kind="approval_overdue",
            hours=2,
            responsible_type="group",
            group_id=cls.env.ref("sales_team.group_sale_manager").id,
            user_ids=[(5, 0, 0)],
        )

    def submit(self, when):
        with self.at(when):
            order = self.create_order(user_id=self.salesman.id)
            order.write({"state": "sent"})
            self.env.flush_all()
        self.assertEqual(order.tracking_stage_code, "to_approve")
        return order

    def test_overdue_after_two_working_hours_then_cleared_when_it_leaves(self):
        order = self.submit("2037-11-30 11:00:00")
        # Mon 11-12 (1 h) + lunch + 13-14 (1 h)
        self.assertEqual(self.scan(self.rule, "2037-11-30 13:55:00"), 0)
        self.assertEqual(self.scan(self.rule, "2037-11-30 14:05:00"), 1)
        alert = self.alerts(self.rule, order)
        self.assertEqual(alert.group_id, self.env.ref("sales_team.group_sale_manager"))
        self.assertIn(alert.user_id, alert.group_id.users)
        self.assertEqual(self.scan(self.rule, "2037-11-30 16:00:00"), 0)
        with self.at("2037-11-30 16:00:00"):
            order.write({"state": "draft"})  # rejected back to quotation
            self.env.flush_all()
        self.assertEqual(order.tracking_stage_code, "draft")
        self.assertEqual(alert.state, "resolved")
        self.assertEqual(alert.resolution, "cleared")

    def test_hours_zero_uses_the_node_sla_and_works_without_approval_module(self):
        rule = self.make_rule(name="Approval SLA", kind="approval_overdue", hours=0)
        self.assertEqual(self.stage("to_approve").sla_hours, 8)
        order = self.submit("2037-11-30 09:00:00")
        # Mon 9-12, 13-17 (7 h) + Tue 8-9
        self.assertEqual(self.scan(rule, "2037-12-01 08:55:00"), 0)
        self.assertEqual(self.scan(rule, "2037-12-01 09:05:00"), 1)
        self.assertEqual(self.alerts(rule, order).due_at, order.tracking_deadline)

    def test_warning_at_eighty_percent(self):
        self.rule.warning_ratio = 0.5
        order = self.submit("2037-11-30 09:00:00")
        self.assertEqual(self.scan(self.rule, "2037-11-30 10:05:00"), 1)
        self.assertEqual(self.alerts(self.rule, order).level, "warning")

    def test_sql_and_python_conditions_agree(self):
        waiting = self.submit("2037-11-30 09:00:00")
        rejected = self.submit("2037-11-30 09:00:00")
        self.assertEqual(self.scan(self.rule, "2037-11-30 14:05:00"), 2)
        with self.at("2037-11-30 15:00:00"):
            rejected.write({"state": "draft"})
            self.env.flush_all()
        holding, cleared = self.assert_conditions_agree(
            self.rule, "2037-11-30 15:30:00", self.alerts(self.rule)
        )
        self.assertEqual(holding.order_id, waiting)
        self.assertEqual(cleared.order_id, rejected)
