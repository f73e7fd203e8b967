from odoo import fields, models


class OrderApprovalSimulationLine(models.TransientModel):
    _name = "order.approval.simulation.line"
    _description = "Rule Simulation: Result per Rule"
    _order = "level, hit_count desc, id"

    simulation_id = fields.Many2one("order.approval.simulation", required=True, ondelete="cascade")
    rule_id = fields.Many2one("order.approval.rule", readonly=True)
    level = fields.Integer(readonly=True)
    auto_approve = fields.Boolean(related="rule_id.auto_approve")
    hit_count = fields.Integer(string="Orders Matched", readonly=True)
    hit_rate = fields.Float(string="Hit Rate (%)", readonly=True, digits=(16, 1))
