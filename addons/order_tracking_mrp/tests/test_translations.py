from odoo.tests import TransactionCase, tagged

from odoo.addons.order_tracking.tests.common import TranslationCheckMixin


@tagged("post_install", "-at_install")
class TestTranslations(TranslationCheckMixin, TransactionCase):
    def test_every_term_has_a_chinese_translation(self):
        self.assertGreater(self.assert_fully_translated("order_tracking_mrp"), 8)

    def test_a_chinese_user_sees_the_nodes_in_chinese(self):
        self.env["res.lang"]._activate_lang("zh_CN")
        self.env["ir.module.module"]._load_module_terms(
            ["order_tracking_mrp"], ["zh_CN"], overwrite=True
        )
        env = self.env(context=dict(self.env.context, lang="zh_CN"))
        self.assertEqual(env.ref("order_tracking_mrp.stage_in_production").name, "生产中")
        self.assertEqual(env.ref("order_tracking_mrp.stage_production_planned").name, "排产中")
