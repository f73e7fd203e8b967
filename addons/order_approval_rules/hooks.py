from odoo.tools import SQL

from odoo.addons.order_tracking.hooks import drop_foreign_xmlids


def uninstall_hook(env):
    """Remove what would block the removal of this module's data; sale
    orders stay. Approval activities keep their activity type from being
    deleted; requests keep their rules (ondelete restrict). The tables go
    with the module anyway."""
    activity_type = env.ref(
        "order_approval_rules.mail_activity_type_approval", raise_if_not_found=False
    )
    if activity_type:
        env["mail.activity"].sudo().with_context(active_test=False).search(
            [("activity_type_id", "=", activity_type.id)]
        ).unlink()
    # decisions and links to activities follow by ON DELETE CASCADE
    env.cr.execute(SQL("DELETE FROM order_approval_request"))
    drop_foreign_xmlids(env, "order_approval_rules")
