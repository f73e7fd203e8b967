from odoo import api, fields, models
from odoo.exceptions import ValidationError


class OrderTrackingStatementWizard(models.TransientModel):
    """Choose the customer, the company and the period of a customer
    statement (对账单), then print it in the customer's language."""

    _name = "order.tracking.statement.wizard"
    _description = "Customer Statement"
    _check_company_auto = True

    partner_id = fields.Many2one(
        "res.partner",
        string="Customer",
        required=True,
        check_company=True,
        domain="[('parent_id', '=', False)]",
    )
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company
    )
    date_from = fields.Date(
        string="From", required=True, default=lambda self: self._default_date_from()
    )
    date_to = fields.Date(
        string="To", required=True, default=lambda self: fields.Date.context_today(self)
    )

    @api.model
    def _default_date_from(self):
        # the month so far: the statement of 月底对账
        return fields.Date.context_today(self).replace(day=1)

    @api.constrains("date_from", "date_to")
    def _check_period(self):
        for wizard in self:
            if wizard.date_to < wizard.date_from:
                raise ValidationError(
                    self.env._(
                        "The statement's period ends (%(end)s) before it starts (%(start)s).",
                        end=wizard.date_to,
                        start=wizard.date_from,
                    )
                )

    def action_print(self):
        self.ensure_one()
        return self.env.ref("order_tracking.action_report_customer_statement").report_action(
            self.partner_id.commercial_partner_id,
            data=self._report_data(),
        )

    def _report_data(self):
        return {
            "company_id": self.company_id.id,
            "date_from": fields.Date.to_string(self.date_from),
            "date_to": fields.Date.to_string(self.date_to),
        }
