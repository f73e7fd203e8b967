"""Client actions the add-ons' buttons return; no ORM."""


def notification(message, kind="success", sticky=False, close=False):
    """A web client notification of ``kind`` (success, info, warning, danger);
    ``close`` also closes the dialog the button was in."""
    params = {"message": message, "type": kind, "sticky": sticky}
    if close:
        params["next"] = {"type": "ir.actions.act_window_close"}
    return {"type": "ir.actions.client", "tag": "display_notification", "params": params}
