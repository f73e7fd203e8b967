from collections import Counter
from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import UserError

BATCH_SIZE = 500
SCOPES = {
    "all": ("draft", "sent", "sale"),
    "quotations": ("draft", "sent"),
    "confirmed": ("sale",),
}


class OrderApprovalSimulation(models.TransientModel):
    """Dry run of approval rules over existing orders: what they would have
    asked, and of whom. Reads only; nothing is submitted."""

    _name = "order.approval.simulation"
    _description = "Approval Rule Simulator"

    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company
    )
    rule_ids = fields.Many2many(
        "order.approval.rule",
        string="Rules",
        default=lambda self: self.env["order.approval.rule"].search(
            [("company_id", "=", self.env.company.id)]
        ),
        help="Leave empty to simulate every active rule of the company.",
    )
    date_from = fields.Date(
        required=True, default=lambda self: fields.Date.context_today(self) - timedelta(days=30)
    )
    date_to = fields.Date(required=True, default=fields.Date.context_today)
    scope = fields.Selection(
        [
            ("all", "Quotations and confirmed orders"),
            ("quotations", "Quotations"),
            ("confirmed", "Confirmed orders"),
        ],
        required=True,
        default="all",
    )
    state = fields.Selection([("draft", "Draft"), ("done", "Done")], default="draft")
    order_count = fields.Integer(string="Orders", readonly=True)
    hit_count = fields.Integer(string="Orders Needing Approval", readonly=True)
    hit_rate = fields.Float(string="Approval Rate (%)", readonly=True, digits=(16, 1))
    auto_count = fields.Integer(string="Orders Approved Automatically", readonly=True)
    line_ids = fields.One2many("order.approval.simulation.line", "simulation_id", readonly=True)
    load_ids = fields.One2many("order.approval.simulation.load", "simulation_id", readonly=True)

    @api.model
    def simulate(self, rules, date_from, date_to, scope="all", company=None):
        """Evaluate ``rules`` over the company's orders dated in the range.

        Returns {"orders", "hits" (orders needing a human approval), "hit_rate",
        "auto" (orders only routine rules matched), "rules": {rule id: {"hits",
        "rate"}}, "load": {user id: requests}}; rates are fractions.
        """
        company = company or self.env.company
        if date_to < date_from:
            raise UserError(self.env._("The period ends before it starts."))
        rules = rules.sudo().filtered(lambda r: r.active and r.company_id == company)
        if not rules:
            raise UserError(
                self.env._("Choose at least one active rule of %(company)s.", company=company.name)
            )
        domain = [
            ("company_id", "=", company.id),
            ("state", "in", SCOPES[scope]),
            ("date_order", ">=", fields.Datetime.to_datetime(date_from)),
            ("date_order", "<", fields.Datetime.to_datetime(date_to + timedelta(days=1))),
        ]
        orders = self.env["sale.order"].sudo().search(domain, order="id")
        hits = auto = 0
        rule_hits = Counter()
        load = Counter()
        for start in range(0, len(orders), BATCH_SIZE):
            batch = orders[start : start + BATCH_SIZE]
            results, _facts = rules._evaluate_orders(batch)
            for order in batch:
                matched = [ev for ev in results[order.id] if ev["matched"]]
                human = [ev for ev in matched if not rules.browse(ev["rule_id"]).auto_approve]
                hits += bool(human)
                auto += bool(matched) and not human
                for evaluation in matched:
                    rule_hits[evaluation["rule_id"]] += 1
                for evaluation in human:
                    rule = rules.browse(evaluation["rule_id"])
                    for user in rule._resolve_approvers(order, order.user_id):
                        load[user.id] += 1
            batch.invalidate_recordset()
        count = len(orders)
        return {
            "orders": count,
            "hits": hits,
            "hit_rate": hits / count if count else False,
            "auto": auto,
            "rules": {
                rule.id: {
                    "hits": rule_hits[rule.id],
                    "rate": rule_hits[rule.id] / count if count else False,
                }
                for rule in rules
            },
            "load": dict(load),
        }

    def action_run(self):
        self.ensure_one()
        rules = self.rule_ids or self.env["order.approval.rule"].search(
            [("company_id", "=", self.company_id.id)]
        )
        result = self.simulate(rules, self.date_from, self.date_to, self.scope, self.company_id)
        weeks = max(((self.date_to - self.date_from).days + 1) / 7.0, 1 / 7.0)
        Rule = self.env["order.approval.rule"].sudo()
        self.line_ids.unlink()
        self.load_ids.unlink()
        self.write(
            {
                "state": "done",
                "order_count": result["orders"],
                "hit_count": result["hits"],
                "hit_rate": 100.0 * (result["hit_rate"] or 0.0),
                "auto_count": result["auto"],
                "line_ids": [
                    fields.Command.create(
                        {
                            "rule_id": rule_id,
                            "level": Rule.browse(rule_id).level,
                            "hit_count": values["hits"],
                            "hit_rate": 100.0 * (values["rate"] or 0.0),
                        }
                    )
                    for rule_id, values in result["rules"].items()
                ],
                "load_ids": [
                    fields.Command.create(
                        {"user_id": user_id, "request_count": count, "per_week": count / weeks}
                    )
                    for user_id, count in result["load"].items()
                ],
            }
        )
        return {
            "type": "ir.actions.act_window",
            "res_model": self._name,
            "res_id": self.id,
            "view_mode": "form",
            "target": "new",
            "name": self.env._("Rule Simulator"),
        }
