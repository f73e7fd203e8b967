from odoo import fields, models
from odoo.tools import SQL


class OrderKpiLineReport(models.Model):
    """The product fact: one row per product line of an order, quantity in
    the product's unit, untaxed amount in the company currency. Kept current
    with the orders (see tools/schema.py)."""

    _name = "order.kpi.line.report"
    _description = "Order Product KPI Analysis"
    _inherit = "order.kpi.fact"
    _auto = False
    _order = "date desc, id desc"
    _rec_name = "product_id"
    _kpi_indexes = (
        ("order_kpi_line_report_company_date_idx", "(company_id, date)"),
        ("order_kpi_line_report_order_idx", "(order_id)"),
    )

    line_id = fields.Many2one("sale.order.line", string="Order Line", readonly=True)
    order_id = fields.Many2one("sale.order", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    company_currency_id = fields.Many2one("res.currency", readonly=True)
    team_id = fields.Many2one("crm.team", string="Sales Team", readonly=True)
    user_id = fields.Many2one("res.users", string="Salesperson", readonly=True)
    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    date = fields.Date(string="Order Date", readonly=True)
    confirmed = fields.Boolean(string="Confirmed Order", readonly=True)
    product_id = fields.Many2one("product.product", string="Product Variant", readonly=True)
    product_tmpl_id = fields.Many2one("product.template", string="Product", readonly=True)
    categ_id = fields.Many2one("product.category", string="Product Category", readonly=True)
    product_uom_qty = fields.Float(string="Qty Ordered", readonly=True)
    qty_delivered = fields.Float(string="Quantity Delivered", readonly=True)
    amount = fields.Monetary(
        string="Untaxed Amount", readonly=True, currency_field="company_currency_id"
    )

    def _read_group_select(self, aggregate_spec, query):
        fname, _sep, func = aggregate_spec.partition(":")
        if fname == "amount" and func == "sum":
            amount = self._field_to_sql(self._table, "amount", query)
            report = self.env["order.kpi.report"]
            return SQL("SUM(%s)", report._kpi_amount_sql(amount, self._table))
        return super()._read_group_select(aggregate_spec, query)
