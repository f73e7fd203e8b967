"""Constants shared by the alert rule, its scan engine and its kinds."""

from datetime import datetime

from odoo import fields

MAX_HOURS = 24 * 365
OPEN_STATES = ("open", "acknowledged")
# fulfilment values of a confirmed order whose goods have not all left
OPEN_FULFILMENT = ("to_ship", "short", "ready", "partial")
# the node of these orders never changes any more
CLOSED_CODES = ("done", "cancelled")
# pg_try_advisory_xact_lock(namespace, rule id): one scanner per rule
LOCK_NAMESPACE = 1868655730
KINDS = [
    ("stage_sla", "Node SLA exceeded"),
    ("ship_date", "Planned ship date passed"),
    ("stock_shortage", "Stock shortage"),
    ("approval_overdue", "Approval overdue"),
    ("delivery_exception", "Delivery exception"),
    ("payment_overdue", "Payment overdue"),
    ("custom", "Custom: domain + date + delay"),
]


def date_key(value):
    """The entry key of a clock started by a date or datetime value (as the
    SQL of the scan writes it)."""
    if isinstance(value, datetime):
        return f"date:{fields.Datetime.to_string(value)}"
    return f"date:{fields.Date.to_string(value)}"
