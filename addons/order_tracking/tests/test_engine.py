from odoo.tests import BaseCase, tagged

from ..tools.engine import BLOCKING, PROGRESS, resolve


@tagged("post_install", "-at_install")
class TestEngine(BaseCase):
    def test_stops_at_first_unmet_progress_node(self):
        steps = [
            ("a", PROGRESS, True),
            ("b", PROGRESS, True),
            ("c", PROGRESS, False),
            ("d", PROGRESS, True),
        ]
        self.assertEqual(resolve(steps), ("b", "c"))

    def test_blocking_node_holds_when_true_and_is_skipped_otherwise(self):
        steps = [
            ("a", PROGRESS, True),
            ("x", BLOCKING, False),
            ("b", PROGRESS, True),
            ("c", PROGRESS, False),
        ]
        self.assertEqual(resolve(steps), ("b", "c"))
        steps[1] = ("x", BLOCKING, True)
        self.assertEqual(resolve(steps), ("x", "x"))

    def test_not_applicable_nodes_are_skipped(self):
        steps = [
            ("a", PROGRESS, True),
            ("b", PROGRESS, None),
            ("c", PROGRESS, True),
            ("d", PROGRESS, False),
        ]
        self.assertEqual(resolve(steps), ("c", "d"))

    def test_all_met_reaches_the_last_node(self):
        self.assertEqual(resolve([("a", PROGRESS, True), ("z", PROGRESS, True)]), ("z", None))
