from odoo.exceptions import UserError
from odoo.tests import tagged

from odoo.addons.order_tracking.tests.common import TranslationCheckMixin

from .common import ApprovalCase


@tagged("post_install", "-at_install")
class TestTranslations(TranslationCheckMixin, ApprovalCase):
    def test_every_term_has_a_chinese_translation(self):
        count = self.assert_fully_translated("order_approval_rules")
        self.assertGreater(count, 250)

    def test_a_chinese_user_sees_chinese(self):
        self.env["res.lang"]._activate_lang("zh_CN")
        self.env["ir.module.module"]._load_module_terms(
            ["order_approval_rules"], ["zh_CN"], overwrite=True
        )
        env = self.env(context=dict(self.env.context, lang="zh_CN"))
        self.assertEqual(
            env.ref("order_approval_rules.mail_activity_type_approval").name, "审批订单"
        )
        description = env["sale.order"]._fields["approval_state"].get_description(env)
        self.assertEqual(description["string"], "审批")
        self.assertIn(("pending", "等待审批"), description["selection"])
        self.create_rule("Every order")
        order = self.submit(self.quote(100))
        with self.assertRaises(UserError) as error:
            order.with_user(self.director).with_context(lang="zh_CN").action_reject("")
        self.assertEqual(str(error.exception), "请填写驳回原因。")
        with self.assertRaises(UserError) as error:
            order.with_user(self.salesman).with_context(lang="zh_CN").action_confirm()
        self.assertIn("正在等待", str(error.exception))
