from datetime import timedelta

from odoo import api, fields, models

# digest field ``kpi_order_kpi_<name>`` -> the KPI definition (``get_kpis`` key)
# it shows; Odoo's digest needs a declared field per KPI
DIGEST_KPIS = {
    "orders": "orders",
    "otd": "otd_rate",
    "cycle": "cycle_hours_median",
    "exception": "exception_ratio",
}


class DigestDigest(models.Model):
    """The order KPIs in Odoo's periodic digest e-mail: each field shows one
    KPI definition (``DIGEST_KPIS``), a rate in percent."""

    _inherit = "digest.digest"

    kpi_order_kpi_orders = fields.Boolean(string="Confirmed Orders")
    kpi_order_kpi_orders_value = fields.Integer(
        string="Confirmed Orders (value)", compute="_compute_kpi_order_kpi_values"
    )
    kpi_order_kpi_otd = fields.Boolean(string="On-Time Delivery (%)")
    kpi_order_kpi_otd_value = fields.Float(
        string="On-Time Delivery (%) (value)", compute="_compute_kpi_order_kpi_values"
    )
    kpi_order_kpi_cycle = fields.Boolean(string="Order Cycle Time, Median (h)")
    kpi_order_kpi_cycle_value = fields.Float(
        string="Order Cycle Time, Median (h) (value)", compute="_compute_kpi_order_kpi_values"
    )
    kpi_order_kpi_exception = fields.Boolean(string="Exception Orders (%)")
    kpi_order_kpi_exception_value = fields.Float(
        string="Exception Orders (%) (value)", compute="_compute_kpi_order_kpi_values"
    )

    @api.depends_context("start_datetime", "end_datetime", "company")
    def _compute_kpi_order_kpi_values(self):
        start, end, companies = self._get_kpi_compute_parameters()
        if not start or not end:
            for digest in self:
                digest.update(dict.fromkeys(self._kpi_order_kpi_fields(), 0))
            return
        # rolling timeframes (the last 24 hours, 7 days, 30 days) read as
        # whole days: from the start's day to the day before the end
        date_from = fields.Datetime.to_datetime(start).date()
        date_to = max(fields.Datetime.to_datetime(end).date() - timedelta(days=1), date_from)
        report = (
            self.env["order.kpi.report"]
            .with_company(companies[:1])
            .with_context(allowed_company_ids=companies.ids)
        )
        kpis = report.get_kpis(date_from, date_to)
        kinds = {kpi.key: kpi.kind for kpi in report._kpi_definitions()}
        values = {}
        for name, key in DIGEST_KPIS.items():
            value = kpis[key] or 0
            values[f"kpi_order_kpi_{name}_value"] = value * 100.0 if kinds[key] == "rate" else value
        for digest in self:
            digest.update(values)

    @api.model
    def _kpi_order_kpi_fields(self):
        return [f"kpi_order_kpi_{name}_value" for name in DIGEST_KPIS]

    def _compute_kpis_actions(self, company, user):
        actions = super()._compute_kpis_actions(company, user)
        action = self.env.ref("order_kpi.order_kpi_dashboard_action", raise_if_not_found=False)
        if action:
            for name in DIGEST_KPIS:
                actions[f"kpi_order_kpi_{name}"] = f"{action.id}?menu_id=" + str(
                    self.env.ref("order_kpi.order_kpi_dashboard_menu").id
                )
        return actions
