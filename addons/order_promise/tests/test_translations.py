from odoo.tests import tagged

from odoo.addons.order_tracking.tests.common import TranslationCheckMixin

from .test_promise import PromiseCase


@tagged("post_install", "-at_install")
class TestTranslations(TranslationCheckMixin, PromiseCase):
    def test_every_term_has_a_chinese_translation(self):
        self.assertGreater(self.assert_fully_translated("order_promise"), 20)

    def test_a_chinese_salesperson_reads_why(self):
        self.env["res.lang"]._activate_lang("zh_CN")
        self.env["ir.module.module"]._load_module_terms(
            ["order_promise"], ["zh_CN"], overwrite=True
        )
        env = self.env(context=dict(self.env.context, lang="zh_CN"))
        description = env["sale.order"]._fields["promise_ship_date"].get_description(env)
        self.assertEqual(description["string"], "可发货日期")
        quote = self.quote((self.bolt, 2)).with_env(env)
        self.assertIn("没有库存、没有计划的供应", quote.promise_why)
