from odoo.tests import BaseCase, tagged

from ..tools.engine import BLOCKING, CHECKPOINT, PROGRESS, resolve


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

    def test_checkpoint_holds_the_order_at_it_once_reached(self):
        steps = [
            ("a", PROGRESS, True),
            ("qc", CHECKPOINT, True),
            ("b", PROGRESS, True),
        ]
        # the later fact already holds: the order still waits at the checkpoint
        self.assertEqual(resolve(steps), ("qc", "qc"))

    def test_checkpoint_not_reached_yet_is_the_pending_node(self):
        steps = [
            ("a", PROGRESS, True),
            ("qc", CHECKPOINT, False),
            ("b", PROGRESS, True),
        ]
        self.assertEqual(resolve(steps), ("a", "qc"))
        steps[1] = ("qc", CHECKPOINT, None)
        self.assertEqual(resolve(steps), ("b", None))

    def test_walk_stops_before_a_checkpoint_it_does_not_reach(self):
        steps = [
            ("a", PROGRESS, True),
            ("b", PROGRESS, False),
            ("qc", CHECKPOINT, True),
        ]
        self.assertEqual(resolve(steps), ("a", "b"))
