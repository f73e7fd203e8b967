from odoo import fields, models


class OrderApprovalSimulationLoad(models.TransientModel):
    _name = "order.approval.simulation.load"
    _description = "Rule Simulation: Load per Approver"
    _order = "request_count desc, id"

    simulation_id = fields.Many2one("order.approval.simulation", required=True, ondelete="cascade")
    user_id = fields.Many2one("res.users", string="Approver", readonly=True)
    request_count = fields.Integer(string="Requests", readonly=True)
    per_week = fields.Float(string="Requests per Week", readonly=True, digits=(16, 1))
