"""Type checks of values received over RPC, before the ORM converts them.

The ORM turns a wrong type (text for a quantity, a list for an id) into a
Python traceback; an integrator should read a sentence that names the field.
Each checker returns what the field expects, in words, or None when the value
is fine.
"""

import datetime

from odoo import models
from odoo.exceptions import UserError


def _boolean(model, field, value):
    return None if isinstance(value, bool) or value in (0, 1) else model.env._("true or false")


def _integer(model, field, value):
    ok = isinstance(value, int) and not isinstance(value, bool)
    return None if ok else model.env._("a whole number")


def _number(model, field, value):
    ok = isinstance(value, (int, float)) and not isinstance(value, bool)
    return None if ok else model.env._("a number")


def _text(model, field, value):
    return None if isinstance(value, str) else model.env._("text")


def _selection(model, field, value):
    allowed = field.get_values(model.env)
    return None if value in allowed else model.env._("one of %(values)s", values=", ".join(allowed))


def _many2one(model, field, value):
    if isinstance(value, models.BaseModel):
        return None
    comodel = model.env[field.comodel_name]
    expected = model.env._("the id of an existing %(model)s", model=comodel._description)
    if not isinstance(value, int) or isinstance(value, bool):
        return expected
    return None if comodel.sudo().browse(value).exists() else expected


def _moment(model, field, value):
    if isinstance(value, (datetime.date, datetime.datetime)):
        return None
    expected = (
        model.env._("a date and time (YYYY-MM-DD HH:MM:SS, UTC)")
        if field.type == "datetime"
        else model.env._("a date (YYYY-MM-DD)")
    )
    if not isinstance(value, str):
        return expected
    try:
        field.convert_to_cache(value, model)
    except ValueError:
        return expected
    return None


def _commands(model, field, value):
    expected = model.env._("a list of commands")
    if not isinstance(value, (list, tuple)):
        return expected
    comodel = model.env[field.comodel_name]
    for command in value:
        if not isinstance(command, (list, tuple)) or not command:
            return expected
        # create and update carry values: check them now, the ORM converts
        # them (precomputed fields) before the comodel's create is called
        if command[0] in (0, 1) and len(command) > 2 and isinstance(command[2], dict):
            check_vals(comodel, command[2])
    return None


CHECKERS = {
    "boolean": _boolean,
    "integer": _integer,
    "float": _number,
    "monetary": _number,
    "char": _text,
    "text": _text,
    "html": _text,
    "selection": _selection,
    "many2one": _many2one,
    "datetime": _moment,
    "date": _moment,
    "one2many": _commands,
    "many2many": _commands,
}


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
        checker = CHECKERS.get(field.type)
        expected = checker(model, field, value) if checker and value not in (False, None) else None
        if expected:
            raise UserError(
                model.env._(
                    "“%(field)s” expects %(expected)s, not %(value)s.",
                    field=field._description_string(model.env),
                    expected=expected,
                    value=repr(value)[:80],
                )
            )
