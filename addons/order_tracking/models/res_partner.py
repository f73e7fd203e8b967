from odoo import fields, models
from odoo.exceptions import UserError


class ResPartner(models.Model):
    _inherit = "res.partner"

    def get_customer_statement(self, date_from, date_to, company_id=False):
        """The customer statement (对账单) of each partner for the period, as
        plain values (docs/api.md): what the printed statement shows —
        balance brought forward, the period's entries with the running
        balance, the closing balance, payments in process and the period's
        orders — in the company's currency. Billing users and sales managers
        only; the same refusals as the printed statement."""
        start, end = (self._tracking_statement_date(value) for value in (date_from, date_to))
        Report = self.env["report.order_tracking.report_customer_statement"]
        company = self.env["res.company"].browse(company_id) if company_id else self.env.company
        Report._check_statement_request(self, company, start, end)
        return [
            Report._statement_as_values(
                Report._statement_of(partner, company, start, end), company, start, end
            )
            for partner in self
        ]

    def _tracking_statement_date(self, value):
        try:
            day = fields.Date.to_date(value)
        except (TypeError, ValueError):
            day = None
        if not day:
            raise UserError(
                self.env._("%(value)r is not a date: give it as YYYY-MM-DD.", value=value)
            )
        return day
