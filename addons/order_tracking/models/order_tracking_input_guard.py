"""Type checks of values received over RPC, before the ORM converts them: the
one place the add-ons refuse, in words (REL-3), what the ORM or PostgreSQL
would crash on (a traceback over RPC) or silently turn into something else.

Each checker returns, as a sentence naming the field and what it expects, the
problem of a value, or None when the value is fine."""

import math
from datetime import date

from odoo import api, fields, models
from odoo.exceptions import ValidationError

INT4_MAX = 2**31 - 1  # what PostgreSQL's integer holds
MAX_CHAR = 10_000  # a name, a code, a filter, an address
MAX_TEXT = 1_000_000  # a note
SHOWN = 80  # characters of a refused value quoted back


def _label(model, field):
    return field._description_string(model.env)


def _shown(value):
    text = repr(value)
    return text if len(text) <= SHOWN else text[: SHOWN - 1] + "…"


def _expects(model, field, expected, value):
    return model.env._(
        "“%(field)s” expects %(expected)s, not %(value)s",
        field=_label(model, field),
        expected=expected,
        value=_shown(value),
    )


def _boolean(model, field, value):
    if isinstance(value, bool) or value in (0, 1):
        return None
    return _expects(model, field, model.env._("true or false"), value)


def _number(model, field, value):
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return _expects(model, field, model.env._("a number"), value)
    if not math.isfinite(value):
        return model.env._(
            "“%(field)s” expects a finite number: %(value)s is not a number it can store",
            field=_label(model, field),
            value=value,
        )
    return None


def _integer(model, field, value):
    if isinstance(value, bool) or not isinstance(value, int):
        return _expects(model, field, model.env._("a whole number"), value)
    if abs(value) > INT4_MAX:
        expected = model.env._("a whole number between -%(max)s and %(max)s", max=INT4_MAX)
        return _expects(model, field, expected, value)
    return None


def _text(model, field, value):
    if not isinstance(value, str):
        return _expects(model, field, model.env._("text"), value)
    limit = MAX_CHAR if field.type == "char" else MAX_TEXT
    if len(value) > limit:
        return model.env._(
            "“%(field)s” is too long: %(length)s characters (at most %(limit)s)",
            field=_label(model, field),
            length=len(value),
            limit=limit,
        )
    return None


def _selection(model, field, value):
    valid = [code for code, _label in field._description_selection(model.env)]
    if value in valid:
        return None
    expected = model.env._("one of %(values)s", values=", ".join(map(str, valid)))
    return _expects(model, field, expected, value)


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
    expected = (
        model.env._("a date (YYYY-MM-DD)")
        if field.type == "date"
        else model.env._("a date and time (YYYY-MM-DD HH:MM:SS, UTC)")
    )
    return _expects(model, field, expected, value)


def _many2one_expected(model, field):
    comodel = model.env[field.comodel_name]
    return model.env._("the id of an existing %(model)s", model=comodel._description)


def _many2one(model, field, value):
    if isinstance(value, models.BaseModel) or (
        isinstance(value, int) and not isinstance(value, bool)
    ):
        return None  # whether the record exists: _missing_records, one query per model
    return _expects(model, field, _many2one_expected(model, field), value)


def _x2many(model, field, value):
    if isinstance(value, models.BaseModel) or (
        isinstance(value, (list, tuple)) and all(_is_command(item) for item in value)
    ):
        return None
    expected = model.env._("a list of record ids or of commands")
    return _expects(model, field, expected, value)


CHECKS = {
    "boolean": _boolean,
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
    if not (isinstance(item, (list, tuple)) and item and isinstance(item[0], int)):
        return False
    if item[0] in (0, 1):  # create, update: they carry the values
        return len(item) > 2 and isinstance(item[2], dict)
    return 0 <= item[0] <= 6


def _collect(model, vals, problems, references):
    """Add the problems of one ``vals`` of ``model`` to ``problems``, and its
    record ids to ``references`` ({(model, field): ids}) to look up later."""
    if not isinstance(vals, dict):
        problems.append(model.env._("values must be given as {field name: value}"))
        return
    for name, value in vals.items():
        field = model._fields.get(name)
        if field is None:
            problems.append(
                model.env._(
                    "%(model)s has no field “%(field)s”", model=model._description, field=name
                )
            )
            continue
        problem = _problem(model, field, value)
        if problem:
            problems.append(problem)
        elif field.type == "many2one" and isinstance(value, int) and value:
            references.setdefault((model, field), set()).add(value)
        elif field.type in ("one2many", "many2many") and isinstance(value, (list, tuple)):
            # create and update carry values: check them now, the ORM converts
            # them (precomputed fields) before the comodel's create is called
            comodel = model.env[field.comodel_name]
            for command in value:
                if isinstance(command, (list, tuple)) and command[0] in (0, 1):
                    _collect(comodel, command[2], problems, references)


def _missing_records(model, references):
    """The problems of ids that name no record: one query per comodel."""
    problems = []
    by_comodel = {}
    for (_owner, field), ids in references.items():
        by_comodel.setdefault(field.comodel_name, set()).update(ids)
    existing = {
        comodel: set(model.env[comodel].sudo().browse(ids).exists().ids)
        for comodel, ids in by_comodel.items()
    }
    for (owner, field), ids in references.items():
        for missing in sorted(ids - existing[field.comodel_name]):
            problems.append(_expects(owner, field, _many2one_expected(owner, field), missing))
    return problems


def input_problems(model, vals_list, lookup_ids=True):
    """The problems, in words, of ``vals_list`` (create / write values of
    ``model``, with the values of their create / update commands): values the
    ORM or PostgreSQL would crash on or silently change. With ``lookup_ids``,
    ids of records that do not exist are looked up (one query per comodel) for
    callers other than the add-ons' own code (superuser), whose ids come from
    the database."""
    problems, references = [], {}
    for vals in vals_list:
        _collect(model, vals, problems, references)
    if lookup_ids and references and not model.env.su:
        problems += _missing_records(model, references)
    return problems


def check_input(model, vals_list, lookup_ids=True):
    """Raise a ValidationError naming every value ``input_problems`` finds
    (the first five)."""
    problems = input_problems(model, vals_list, lookup_ids=lookup_ids)
    if problems:
        raise ValidationError(
            model.env._(
                "%(model)s: the values given are not valid: %(problems)s.",
                model=model._description,
                problems="; ".join(problems[:5]),
            )
        )


class OrderTrackingInputGuard(models.AbstractModel):
    """Create and write refuse, in words, values the ORM would crash on or
    silently change (``input_problems``). Inherited by the add-ons' own
    models; ``sale.order`` and the change requests call ``check_input``
    themselves, before their own code reads the values."""

    _name = "order.tracking.input.guard"
    _description = "Order Tracking Input Checks"

    @api.model_create_multi
    def create(self, vals_list):
        check_input(self, vals_list)
        return super().create(vals_list)

    def write(self, vals):
        check_input(self, [vals])
        return super().write(vals)
