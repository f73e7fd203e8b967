"""18.0.1.1.0: "At Risk" of a node deadline is called "Due Soon" (``at risk`` is the
promise's word). The field ``tracking_at_risk`` and the filters ``tracking_at_risk`` /
``tracking_late_or_risk`` are now ``tracking_due_soon`` / ``tracking_late_or_due_soon``:
the users' saved filters and favourites follow."""

RENAMED = (
    ("tracking_late_or_risk", "tracking_late_or_due_soon"),
    ("tracking_at_risk", "tracking_due_soon"),
)


def migrate(cr, version):
    if not version:
        return
    for old, new in RENAMED:
        cr.execute(
            """UPDATE ir_filters
                  SET domain = replace(domain, %(old)s, %(new)s),
                      context = replace(context, %(old)s, %(new)s)
                WHERE model_id = 'sale.order'
                  AND (domain LIKE %(like)s OR context LIKE %(like)s)""",
            {"old": old, "new": new, "like": f"%{old}%"},
        )
