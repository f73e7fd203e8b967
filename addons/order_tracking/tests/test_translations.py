from odoo.exceptions import UserError
from odoo.tests import TransactionCase, tagged

from .common import TranslationCheckMixin


@tagged("post_install", "-at_install")
class TestTranslations(TranslationCheckMixin, TransactionCase):
    def test_every_term_has_a_chinese_translation(self):
        count = self.assert_fully_translated("order_tracking")
        self.assertGreater(count, 150)

    def test_a_chinese_user_sees_chinese(self):
        self.env["res.lang"]._activate_lang("zh_CN")
        self.env["ir.module.module"]._load_module_terms(
            ["order_tracking"], ["zh_CN"], overwrite=True
        )
        env = self.env(context=dict(self.env.context, lang="zh_CN"))
        stage = env.ref("order_tracking.stage_waiting_stock")
        self.assertEqual(stage.name, "缺货待产")
        self.assertEqual(env.ref("order_tracking.stage_delivered").name, "已签收")
        description = env["sale.order"]._fields["tracking_stage_id"].get_description(env)
        self.assertNotEqual(description["string"], "Status Node")
        order = env["sale.order"].create({"partner_id": env.user.partner_id.id})
        with self.assertRaises(UserError) as error:
            order.action_pass_checkpoint("no_such_node")
        self.assertIn("no_such_node", str(error.exception))
        self.assertNotIn("There is no active status node", str(error.exception))
