"""Counting the SQL queries the project's add-ons add to an Odoo operation.

``assertQueryCount`` counts every query of an operation, Odoo's own included,
and Odoo's own count for confirming ten orders is not its count for one. What
the add-ons must keep fixed (PERF-4) is what *they* add. A query is theirs
when the innermost add-on frame on the Python stack issued it — except the
queries of an Odoo method the add-on frame merely extends (``super()`` of the
same method, on a model the add-ons did not create). What the ORM flushes is
the add-ons' when it writes their fields only (a stored field of theirs that
changed on its own), Odoo's otherwise, whoever asked for the flush: Odoo would
have flushed it anyway. Likewise computing a stored field of Odoo's that is due
(a delivered quantity after a delivery) is Odoo's, whoever reads it first.

make bench measures the same thing the other way round, with two databases
(plain Odoo and the add-ons) and a diff of their queries: both methods give
the same counts for the life cycle of an order (docs/performance.md).
"""

import os
import re
import sys
from contextlib import contextmanager

from odoo.sql_db import Cursor

ADDONS_DIR = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
PROJECT_MODULES = frozenset(
    name
    for name in os.listdir(ADDONS_DIR)
    if os.path.isfile(os.path.join(ADDONS_DIR, name, "__manifest__.py"))
)
_WRITE = re.compile(
    r'^\s*(UPDATE|INSERT INTO)\s+"?(\w+)"?\s*(?:SET\s+(.*?)\s+FROM|\((.*?)\))', re.S
)
_BOOKKEEPING = {"id", "write_date", "write_uid", "create_date", "create_uid"}
# the ORM methods that write pending values (a flush)
_FLUSHING = {"_flush", "flush_all", "flush_model", "flush_recordset"}
ODOO_DIR = os.path.dirname(os.path.abspath(sys.modules["odoo"].__file__))


def _project_frame(frame):
    path = frame.f_code.co_filename
    if not path.startswith(ADDONS_DIR + os.sep):
        return False
    module, *rest = os.path.relpath(path, ADDONS_DIR).split(os.sep)
    return module in PROJECT_MODULES and "tests" not in rest


class ExtraQueryCounter:
    def __init__(self, env):
        self.env = env
        self.count = 0
        self.queries = []
        self._own_models = {
            name
            for name, model in env.registry.items()
            if model._original_module in PROJECT_MODULES
        }
        self._own_columns = {}

    def _columns_of(self, table):
        if table not in self._own_columns:
            own = set()
            for model in self.env.registry.values():
                if model._table != table or model._abstract:
                    continue
                for name, field in model._fields.items():
                    if field.store and getattr(field, "_module", None) in PROJECT_MODULES:
                        own.add(name)
            self._own_columns[table] = own
        return self._own_columns[table]

    def _only_own_columns(self, query):
        match = _WRITE.match(query)
        if not match:
            return False
        table, assignments, columns = match.group(2), match.group(3), match.group(4)
        if assignments is not None:
            names = set(re.findall(r'"(\w+)"\s*=', assignments))
        else:
            names = set(re.findall(r'"(\w+)"', columns or ""))
        names -= _BOOKKEEPING
        if not names:
            return False
        if table in {self.env[model]._table for model in self._own_models if model in self.env}:
            return True
        return names <= self._columns_of(table)

    def is_extra(self, query, frame):
        callee = None
        while frame is not None:
            if frame.f_code.co_name in _FLUSHING and frame.f_code.co_filename.startswith(ODOO_DIR):
                # the ORM writing what is pending, whoever asked for the flush:
                # the add-ons' only when it writes their fields only
                return self._only_own_columns(query)
            if self._computing_odoo_stored_field(frame):
                # the ORM computing a stored field of Odoo's that is due, whoever
                # read it first: Odoo computes it anyway, before it writes it
                return False
            if _project_frame(frame):
                if (
                    callee is not None
                    and callee.f_code.co_name == frame.f_code.co_name
                    and not _project_frame(callee)
                ):
                    # super() of an Odoo method the add-on extends: Odoo's own
                    # work, unless the model is the add-ons' own
                    records = frame.f_locals.get("self")
                    return getattr(records, "_name", None) in self._own_models
                return True
            callee, frame = frame, frame.f_back
        return self._only_own_columns(query)

    @staticmethod
    def _computing_odoo_stored_field(frame):
        if (
            frame.f_code.co_name != "_compute_field_value"
            or not frame.f_code.co_filename.startswith(ODOO_DIR)
        ):
            return False
        field = frame.f_locals.get("field")
        return (
            field is not None
            and field.store
            and getattr(field, "_module", None) not in PROJECT_MODULES
        )

    @contextmanager
    def watching(self):
        counter = self
        origin = Cursor.execute

        def execute(cursor, query, params=None, log_exceptions=True):
            text = str(getattr(query, "code", query))
            if counter.is_extra(text, sys._getframe(1)):
                counter.count += 1
                counter.queries.append(text)
            return origin(cursor, query, params, log_exceptions)

        Cursor.execute = execute
        try:
            yield self
        finally:
            Cursor.execute = origin


@contextmanager
def extra_queries(env):
    """``with extra_queries(env) as counted: ...``; then ``counted.count``."""
    env.flush_all()
    counter = ExtraQueryCounter(env)
    with counter.watching():
        yield counter
        env.flush_all()
