from . import evaluator
