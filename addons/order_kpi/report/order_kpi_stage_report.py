from odoo import fields, models


class OrderKpiStageReport(models.Model):
    """The node-time fact: one row per stay of an order in a status node
    (the status event that ended it), with the wall-clock and working hours
    spent there. Kept current with the history (see tools/schema.py)."""

    _name = "order.kpi.stage.report"
    _description = "Order Node Time Analysis"
    _inherit = "order.kpi.fact"
    _auto = False
    _order = "date_left desc, id desc"
    _rec_name = "stage_code"
    _kpi_indexes = (
        ("order_kpi_stage_report_company_date_idx", "(company_id, date)"),
        ("order_kpi_stage_report_order_idx", "(order_id)"),
    )

    event_id = fields.Many2one("order.tracking.event", string="Status Event", readonly=True)
    order_id = fields.Many2one("sale.order", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    team_id = fields.Many2one("crm.team", string="Sales Team", readonly=True)
    user_id = fields.Many2one("res.users", string="Salesperson", readonly=True)
    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    stage_id = fields.Many2one("order.tracking.stage", string="Node", readonly=True)
    next_stage_id = fields.Many2one("order.tracking.stage", string="Next Node", readonly=True)
    stage_code = fields.Char(string="Node Code", readonly=True)
    date_entered = fields.Datetime(string="Entered", readonly=True)
    date_left = fields.Datetime(string="Left", readonly=True)
    date = fields.Date(
        string="Date Left",
        readonly=True,
        help="The day the order left the node, in the timezone of the company's calendar.",
    )
    hours = fields.Float(string="Hours in Node", readonly=True, aggregator="avg")
    work_hours = fields.Float(string="Working Hours in Node", readonly=True, aggregator="avg")
    sla_hours = fields.Float(string="SLA (working hours)", readonly=True, aggregator=None)
    over_sla = fields.Integer(string="Stays over SLA", readonly=True)
    backfilled = fields.Boolean(
        string="Reconstructed",
        readonly=True,
        help="Reconstructed from the documents when order tracking was installed.",
    )
    confirmed = fields.Boolean(string="Confirmed Order", readonly=True)
