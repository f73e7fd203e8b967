"""Renames for the add-ons' migration scripts (``migrations/<version>/``): a
field or filter renamed by an upgrade, followed in what the database keeps of
it — the stored views (before the add-on loads: Odoo checks each view with the
views that inherit it) and the users' saved filters and favourites (after)."""

from odoo.tools import SQL


def rename_in_views(cr, renamed, where):
    """Replace each ``(old, new)`` of ``renamed`` in the stored views that
    ``where`` (SQL on ``ir_ui_view``) selects."""
    for old, new in renamed:
        cr.execute(
            SQL(
                """UPDATE ir_ui_view
                      SET arch_db = replace(arch_db::text, %(old)s, %(new)s)::jsonb
                    WHERE %(where)s AND arch_db::text LIKE %(like)s""",
                old=old,
                new=new,
                where=where,
                like=f"%{old}%",
            )
        )


def rename_in_filters(cr, model, renamed):
    """Replace each ``(old, new)`` of ``renamed`` in the saved filters of
    ``model``: their domain, context (pivot and graph measures, default
    filters) and sort."""
    for old, new in renamed:
        cr.execute(
            SQL(
                """UPDATE ir_filters
                      SET domain = replace(domain, %(old)s, %(new)s),
                          context = replace(context, %(old)s, %(new)s),
                          sort = replace(sort, %(old)s, %(new)s)
                    WHERE model_id = %(model)s
                      AND (domain LIKE %(like)s OR context LIKE %(like)s
                           OR sort LIKE %(like)s)""",
                old=old,
                new=new,
                model=model,
                like=f"%{old}%",
            )
        )
