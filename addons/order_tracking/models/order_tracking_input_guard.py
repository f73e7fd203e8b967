import math
from datetime import date

from odoo import api, fields, models
from odoo.exceptions import ValidationError

INT4_MAX = 2**31 - 1  # what PostgreSQL's integer holds
MAX_CHAR = 10_000  # a name, a code, a filter, an address
MAX_TEXT = 1_000_000  # a note


def input_problems(model, vals_list):
    """The values of ``vals_list`` (create / write values of ``model``) that the
    ORM or PostgreSQL would crash on, or silently turn into something else:
    [(field label, problem)]. What the add-ons refuse in words (REL-3) instead of
    a traceback over RPC."""
    problems = []
    for vals in vals_list:
        if not isinstance(vals, dict):
            problems.append(("", model.env._("values must be given as {field name: value}")))
            continue
        for name, value in vals.items():
            field = model._fields.get(name)
            if field is None:
                problems.append((name, model.env._("no such field")))
                continue
            problem = _problem(model, field, value)
            if problem:
                problems.append((field.string or name, problem))
    return problems


def _number(model, field, value):
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return model.env._("a number is expected, not %(value)r", value=value)
    if not math.isfinite(value):
        return model.env._("%(value)s is not a number it can store", value=value)
    return None


def _integer(model, field, value):
    if isinstance(value, bool) or not isinstance(value, int):
        return model.env._("a whole number is expected, not %(value)r", value=value)
    if abs(value) > INT4_MAX:
        return model.env._("%(value)s is out of range", value=value)
    return None


def _text(model, field, value):
    if not isinstance(value, str):
        return model.env._("text is expected, not %(value)r", value=value)
    limit = MAX_CHAR if field.type == "char" else MAX_TEXT
    if len(value) > limit:
        return model.env._(
            "%(length)s characters is too long (at most %(limit)s)", length=len(value), limit=limit
        )
    return None


def _selection(model, field, value):
    valid = [code for code, _label in field._description_selection(model.env)]
    if value not in valid:
        return model.env._(
            "%(value)r is not one of %(valid)s", value=value, valid=", ".join(map(str, valid))
        )
    return None


def _date(model, field, value):
    if isinstance(value, date):
        return None
    convert = fields.Date.to_date if field.type == "date" else fields.Datetime.to_datetime
    try:
        parsed = isinstance(value, str) and convert(value)
    except ValueError:
        parsed = None
    if parsed:
        return None
    expected = "YYYY-MM-DD" if field.type == "date" else "YYYY-MM-DD HH:MM:SS"
    return model.env._("%(value)r is not a date (%(format)s)", value=value, format=expected)


def _many2one(model, field, value):
    if isinstance(value, models.BaseModel) or (
        isinstance(value, int) and not isinstance(value, bool)
    ):
        return None
    return model.env._("the id of a record is expected, not %(value)r", value=value)


def _x2many(model, field, value):
    if isinstance(value, models.BaseModel) or (
        isinstance(value, (list, tuple)) and all(_is_command(item) for item in value)
    ):
        return None
    return model.env._(
        "a list of record ids or of commands is expected, not %(value)r", value=value
    )


CHECKS = {
    "float": _number,
    "monetary": _number,
    "integer": _integer,
    "char": _text,
    "text": _text,
    "html": _text,
    "selection": _selection,
    "date": _date,
    "datetime": _date,
    "many2one": _many2one,
    "one2many": _x2many,
    "many2many": _x2many,
}


def _problem(model, field, value):
    check = CHECKS.get(field.type)
    if value is None or value is False or not check:
        return None
    return check(model, field, value)


def _is_command(item):
    if isinstance(item, int) and not isinstance(item, bool):
        return True
    return (
        isinstance(item, (list, tuple)) and item and isinstance(item[0], int) and 0 <= item[0] <= 6
    )


def check_input(model, vals_list):
    """Raise a ValidationError naming every value ``input_problems`` finds."""
    problems = input_problems(model, vals_list)
    if problems:
        raise ValidationError(
            model.env._(
                "%(model)s: the values given are not valid: %(problems)s.",
                model=model._description,
                problems="; ".join(
                    f"{label}: {problem}" if label else problem for label, problem in problems[:5]
                ),
            )
        )


class OrderTrackingInputGuard(models.AbstractModel):
    """Create and write refuse, in words, values the ORM would crash on or
    silently change (``input_problems``). Inherited by the add-ons' own
    models; ``sale.order`` calls ``check_input`` itself for RPC callers."""

    _name = "order.tracking.input.guard"
    _description = "Order Tracking Input Checks"

    @api.model_create_multi
    def create(self, vals_list):
        check_input(self, vals_list)
        return super().create(vals_list)

    def write(self, vals):
        check_input(self, [vals])
        return super().write(vals)
