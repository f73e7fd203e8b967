"""Type checks of values received over RPC, before the ORM converts them.

The ORM turns a wrong type (text for a quantity, a list for an id) into a
Python traceback; an integrator should read a sentence that names the field.
"""

import datetime

from odoo import models
from odoo.exceptions import UserError


def _is_number(value):
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _problem(model, field, value):
    """What is wrong with ``value`` for ``field``, in words, or None."""
    env = model.env
    if value is False or value is None:
        return None
    kind = field.type
    if kind == "boolean":
        return None if isinstance(value, bool) or value in (0, 1) else env._("true or false")
    if kind == "integer":
        return (
            None
            if isinstance(value, int) and not isinstance(value, bool)
            else env._("a whole number")
        )
    if kind in ("float", "monetary"):
        return None if _is_number(value) else env._("a number")
    if kind in ("char", "text", "html"):
        return None if isinstance(value, str) else env._("text")
    if kind == "selection":
        allowed = field.get_values(env)
        return None if value in allowed else env._("one of %(values)s", values=", ".join(allowed))
    if kind == "many2one":
        if isinstance(value, models.BaseModel):
            return None
        expected = env._(
            "the id of an existing %(model)s", model=env[field.comodel_name]._description
        )
        if not isinstance(value, int) or isinstance(value, bool):
            return expected
        return None if env[field.comodel_name].sudo().browse(value).exists() else expected
    if kind in ("datetime", "date"):
        if isinstance(value, (datetime.date, datetime.datetime)):
            return None
        expected = (
            env._("a date and time (YYYY-MM-DD HH:MM:SS, UTC)")
            if kind == "datetime"
            else env._("a date (YYYY-MM-DD)")
        )
        if not isinstance(value, str):
            return expected
        try:
            field.convert_to_cache(value, model)
        except ValueError:
            return expected
        return None
    if kind in ("one2many", "many2many"):
        return None if isinstance(value, (list, tuple)) else env._("a list of commands")
    return None


def check_vals(model, vals):
    """Raise a UserError naming the first field of ``vals`` whose value has the
    wrong type for ``model``; unknown fields are refused too."""
    for name, value in vals.items():
        field = model._fields.get(name)
        if field is None:
            raise UserError(
                model.env._(
                    "%(model)s has no field “%(field)s”.", model=model._description, field=name
                )
            )
        expected = _problem(model, field, value)
        if expected:
            raise UserError(
                model.env._(
                    "“%(field)s” expects %(expected)s, not %(value)s.",
                    field=field._description_string(model.env),
                    expected=expected,
                    value=repr(value)[:80],
                )
            )
