from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL

from ..tools import facts, schema

MISS_REASONS = [
    ("credit_hold", "Credit hold"),
    ("approval_wait", "Approval wait"),
    ("production_delay", "Production delay"),
    ("supplier_delay", "Supplier delay"),
    ("stock_shortage", "Stock shortage"),
    ("warehouse", "Warehouse delay"),
    ("carrier", "Carrier / delivery exception"),
    ("other", "Other"),
]
OTD_STATUSES = [
    ("early", "Early"),
    ("on_time", "On time"),
    ("late", "Late"),
    ("overdue", "Overdue, not delivered"),
    ("open", "Open, promise ahead"),
    ("none", "Not measured"),
]
SALE_STATES = [
    ("draft", "Quotation"),
    ("sent", "Quotation Sent"),
    ("sale", "Sales Order"),
    ("cancel", "Cancelled"),
]


class OrderKpiReport(models.Model):
    """The order fact: one row per sale order, kept current with its documents.

    Ratios are stored per order as numerator and denominator columns and
    aggregated as ``SUM(numerator) / SUM(denominator)`` in
    :meth:`_read_group_select`, so a pivot's group rows are as right as its
    total. Measures whose denominator depends on *now* (an open order becomes
    a miss once its promised day has passed) are computed at read time with
    the Python clock.
    """

    _name = "order.kpi.report"
    _description = "Order KPI Analysis"
    _inherit = "order.kpi.fact"
    _auto = False
    _order = "date desc, id desc"
    _rec_name = "name"
    _kpi_indexes = (
        ("order_kpi_report_company_date_idx", "(company_id, date)"),
        ("order_kpi_report_partner_idx", "(partner_id, company_id)"),
        # a customer's first order in one probe (tools/customers.py customer_first)
        (
            "order_kpi_report_customer_first_idx",
            "(partner_id, company_id, date_order, id) WHERE confirmed",
        ),
        ("order_kpi_report_deadline_idx", "(company_id, deadline) WHERE open_promised = 1"),
    )

    # -- dimensions --
    order_id = fields.Many2one("sale.order", readonly=True)
    name = fields.Char(string="Order Reference", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    company_currency_id = fields.Many2one("res.currency", readonly=True)
    currency_id = fields.Many2one("res.currency", compute="_compute_currency_id")
    team_id = fields.Many2one("crm.team", string="Sales Team", readonly=True)
    user_id = fields.Many2one("res.users", string="Salesperson", readonly=True)
    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    country_id = fields.Many2one("res.country", string="Customer Country", readonly=True)
    state_id = fields.Many2one("res.country.state", string="Customer Region", readonly=True)
    state = fields.Selection(SALE_STATES, string="Status", readonly=True)
    confirmed = fields.Boolean(readonly=True)
    stage_id = fields.Many2one("order.tracking.stage", string="Status Node", readonly=True)
    date_order = fields.Datetime(string="Confirmed On", readonly=True)
    date = fields.Date(
        string="Order Date",
        readonly=True,
        help="The day of the confirmation (of the quotation, for quotations) in the "
        "timezone of the company's working calendar.",
    )
    has_goods = fields.Boolean(string="Ships Goods", readonly=True)
    promise_original = fields.Datetime(string="Original Promise", readonly=True)
    promise_latest = fields.Datetime(string="Latest Promise", readonly=True)
    deadline = fields.Datetime(
        string="On-Time Deadline",
        readonly=True,
        help="End of the latest promised day (company timezone) plus the tolerance: "
        "a delivery before it is on time.",
    )
    deadline_original = fields.Datetime(string="On-Time Deadline (Original)", readonly=True)
    first_delivery_at = fields.Datetime(string="First Delivery", readonly=True)
    delivered_at = fields.Datetime(
        string="Delivered On",
        readonly=True,
        help="The last delivery to the customer, once every product is delivered.",
    )
    date_delivered = fields.Date(string="Delivery Date", readonly=True)
    signed_at = fields.Datetime(string="Signed On", readonly=True)
    node_deadline = fields.Datetime(readonly=True)
    short = fields.Boolean(string="Short of Stock", readonly=True)
    miss_reason = fields.Selection(
        MISS_REASONS,
        string="Delay Reason",
        readonly=True,
        help="The first problem in the flow that held the order: credit hold, approval "
        "past its SLA, production (it waited for a manufacturing order), supplier (it "
        "waited for a purchase), stock shortage, warehouse node past its SLA, carrier or "
        "delivery exception (flagged delivery, return, delivery alert), else other.",
    )
    cohort_date = fields.Date(
        string="First Order Date", readonly=True, help="The customer's first confirmed order."
    )
    cohort_age = fields.Integer(string="Months Since First Order", readonly=True, aggregator=None)
    # -- measures (sums) --
    amount = fields.Monetary(
        string="Untaxed Amount", readonly=True, currency_field="company_currency_id"
    )
    line_count = fields.Integer(string="Order Lines", readonly=True)
    order_count = fields.Integer(string="Orders", readonly=True, help="Confirmed orders.")
    repromised = fields.Integer(string="Re-promised Orders", readonly=True)
    delivery_count = fields.Integer(string="Deliveries", readonly=True)
    delivered = fields.Integer(string="Delivered Orders", readonly=True)
    delivered_original = fields.Integer(string="Delivered Orders (Original Promise)", readonly=True)
    open_promised = fields.Integer(string="Open Promised Orders", readonly=True)
    on_time = fields.Integer(string="On-Time Orders", readonly=True)
    on_time_original = fields.Integer(string="On-Time Orders (Original Promise)", readonly=True)
    early = fields.Integer(string="Early Orders", readonly=True)
    in_full = fields.Integer(string="In-Full Orders", readonly=True)
    otif = fields.Integer(string="OTIF Orders", readonly=True)
    returned = fields.Integer(string="Returned Orders", readonly=True)
    otd_due = fields.Integer(
        string="Orders Due",
        readonly=True,
        help="Delivered orders plus open orders whose promised day has passed "
        "(counted when aggregated).",
    )
    missed = fields.Integer(
        string="Missed Orders",
        readonly=True,
        help="Orders delivered late plus open orders past their promised day "
        "(counted when aggregated).",
    )
    overdue = fields.Integer(
        string="Overdue Open Orders",
        readonly=True,
        help="Open orders past their promised day (counted when aggregated).",
    )
    at_risk = fields.Integer(
        string="At-Risk Orders",
        readonly=True,
        help="Open orders still within their promise but short of stock, with an open "
        "alert or late in their node (counted when aggregated).",
    )
    done = fields.Integer(string="Completed Orders", readonly=True)
    alert_count = fields.Integer(string="Alerts", readonly=True)
    open_alert_count = fields.Integer(string="Open Alerts", readonly=True)
    exception = fields.Integer(string="Exception Orders", readonly=True)
    approval_needed = fields.Integer(string="Orders Approved", readonly=True)
    auto_approved = fields.Integer(string="Orders Approved Automatically", readonly=True)
    first_order = fields.Integer(string="New Customers", readonly=True)
    repeat_order = fields.Integer(string="Repeat Orders", readonly=True)
    # -- measures (averages of the orders that have a value) --
    cycle_ship_hours = fields.Float(string="Confirm → Shipped (h)", readonly=True, aggregator="avg")
    cycle_sign_hours = fields.Float(string="Confirm → Signed (h)", readonly=True, aggregator="avg")
    approval_hours = fields.Float(string="Approval Wait (h)", readonly=True, aggregator="avg")
    purchase_hours = fields.Float(
        string="Time in Purchasing (h)",
        readonly=True,
        aggregator="avg",
        help="Hours the order spent waiting for a purchase (nodes of the purchase role).",
    )
    production_hours = fields.Float(
        string="Time in Production (h)",
        readonly=True,
        aggregator="avg",
        help="Hours the order spent waiting for manufacturing, planned and started "
        "(nodes of the production role).",
    )
    promise_drift_days = fields.Float(
        string="Promise Drift (days)",
        readonly=True,
        aggregator="avg",
        help="Latest minus original promise, for re-promised orders.",
    )
    late_days = fields.Float(
        string="Days Late",
        readonly=True,
        aggregator="avg",
        help="Delivery day minus promised day (negative: early).",
    )
    # -- ratios: SUM(numerator) / SUM(denominator) at every grouping --
    aov = fields.Monetary(
        string="Average Order Value",
        readonly=True,
        aggregator="avg",
        currency_field="company_currency_id",
    )
    otd_rate = fields.Float(string="On-Time Delivery", readonly=True, aggregator="avg")
    otd_rate_original = fields.Float(
        string="On-Time vs Original Promise", readonly=True, aggregator="avg"
    )
    otif_rate = fields.Float(string="OTIF", readonly=True, aggregator="avg")
    exception_ratio = fields.Float(readonly=True, aggregator="avg")
    automation_rate = fields.Float(string="Approval Automation", readonly=True, aggregator="avg")
    completion_rate = fields.Float(readonly=True, aggregator="avg")
    repurchase_rate = fields.Float(readonly=True, aggregator="avg")
    # -- per order, for the list --
    otd_status = fields.Selection(
        OTD_STATUSES, string="Delivery vs Promise", compute="_compute_otd_status"
    )
    otd_missed = fields.Boolean(
        string="Missed Promise", compute="_compute_otd_status", search="_search_otd_missed"
    )

    def init(self):
        result = super().init()
        self._kpi_follow_nodes()
        return result

    @api.depends_context("allowed_company_ids")
    def _compute_currency_id(self):
        self.currency_id = self.env.company.currency_id

    def _compute_otd_status(self):
        now = fields.Datetime.now()
        for fact in self:
            if fact.delivered:
                status = "early" if fact.early else ("on_time" if fact.on_time else "late")
            elif fact.open_promised:
                status = "overdue" if fact.deadline and fact.deadline < now else "open"
            else:
                status = "none"
            fact.otd_status = status
            fact.otd_missed = status in ("late", "overdue")

    def _search_otd_missed(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise UserError(self.env._("Missed Promise can only be searched as true or false."))
        missed = [
            "|",
            "&",
            ("delivered", "=", 1),
            ("on_time", "=", 0),
            "&",
            ("open_promised", "=", 1),
            ("deadline", "<", fields.Datetime.now()),
        ]
        if (operator == "=") == value:
            return missed
        return ["!", *missed]

    # ------------------------------------------------------------------
    # Aggregation: ratios divided last, amounts in one currency
    # ------------------------------------------------------------------

    def _kpi_column(self, fname, query):
        return self._field_to_sql(self._table, fname, query)

    @api.model
    def _kpi_amount_sql(self, expression, table=None):
        """``expression`` (company currency) in the current company's
        currency when the companies read have several currencies (today's
        rate, as ``sale.report`` does); ``table`` holds the company column."""
        companies = self.env.companies
        target = self.env.company.currency_id
        if set(companies.currency_id.ids) <= {target.id}:
            return expression
        today = fields.Date.context_today(self)
        cases = [
            SQL(
                "WHEN %s THEN %s",
                company.id,
                company.currency_id._get_conversion_rate(
                    company.currency_id, target, company, today
                ),
            )
            for company in companies
        ]
        company_col = SQL.identifier(table or self._table, "company_id")
        return SQL("(%s * CASE %s %s ELSE 1 END)", expression, company_col, SQL(" ").join(cases))

    def _kpi_now_measures(self, query):
        """SQL of the measures that depend on the time of reading."""
        now = fields.Datetime.now()

        def col(name):
            return self._kpi_column(name, query)

        overdue = SQL("(%s = 1 AND %s < %s)", col("open_promised"), col("deadline"), now)
        overdue_original = SQL(
            "(%s = 1 AND %s < %s)", col("open_promised"), col("deadline_original"), now
        )
        due = SQL("SUM(CASE WHEN %s = 1 OR %s THEN 1 ELSE 0 END)", col("delivered"), overdue)
        due_original = SQL(
            "SUM(CASE WHEN %s = 1 OR %s THEN 1 ELSE 0 END)",
            col("delivered_original"),
            overdue_original,
        )
        at_risk = SQL(
            "SUM(CASE WHEN %(open)s = 1 AND %(deadline)s >= %(now)s AND (%(signal)s = 1 "
            "OR %(node_deadline)s < %(now)s) THEN 1 ELSE 0 END)",
            open=col("open_promised"),
            deadline=col("deadline"),
            now=now,
            signal=col("at_risk"),
            node_deadline=col("node_deadline"),
        )
        return {
            "otd_due": due,
            "overdue": SQL("SUM(CASE WHEN %s THEN 1 ELSE 0 END)", overdue),
            "missed": SQL("SUM(CASE WHEN %s THEN 1 ELSE 0 END)", self._kpi_missed(query)),
            "at_risk": at_risk,
            "otd_rate": SQL("SUM(%s)::float / NULLIF(%s, 0)", col("on_time"), due),
            "otd_rate_original": SQL(
                "SUM(%s)::float / NULLIF(%s, 0)", col("on_time_original"), due_original
            ),
            "otif_rate": SQL("SUM(%s)::float / NULLIF(%s, 0)", col("otif"), due),
        }

    def _kpi_missed(self, query):
        """SQL: the order missed its promise (delivered late, or not
        delivered and its promised day has passed)."""

        def col(name):
            return self._kpi_column(name, query)

        return SQL(
            "((%s = 1 AND %s = 0) OR (%s = 1 AND %s < %s))",
            col("delivered"),
            col("on_time"),
            col("open_promised"),
            col("deadline"),
            fields.Datetime.now(),
        )

    def _kpi_missed_for(self, reason, query):
        """SQL: how many orders missed their promise with the delay reason
        ``reason`` (``miss_reason``): a KPI of its own for an add-on's reason."""
        return SQL(
            "SUM(CASE WHEN %s AND %s = %s THEN 1 ELSE 0 END)",
            self._kpi_missed(query),
            self._kpi_column("miss_reason", query),
            reason,
        )

    def _kpi_ratio_measures(self, query):
        """SQL of the ratios that do not depend on the time of reading."""

        def col(name):
            return self._kpi_column(name, query)

        orders = SQL("NULLIF(SUM(%s), 0)", col("order_count"))
        amount = self._kpi_amount_sql(col("amount"))
        return {
            "amount": SQL("SUM(%s)", amount),
            "aov": SQL("SUM(CASE WHEN %s THEN %s END) / %s", col("confirmed"), amount, orders),
            "exception_ratio": SQL("SUM(%s)::float / %s", col("exception"), orders),
            "completion_rate": SQL("SUM(%s)::float / %s", col("done"), orders),
            "automation_rate": SQL(
                "SUM(%s)::float / NULLIF(SUM(%s), 0)", col("auto_approved"), col("approval_needed")
            ),
            "repurchase_rate": SQL(
                "COUNT(DISTINCT CASE WHEN %s = 1 THEN %s END)::float"
                " / NULLIF(COUNT(DISTINCT CASE WHEN %s THEN %s END), 0)",
                col("repeat_order"),
                col("partner_id"),
                col("confirmed"),
                col("partner_id"),
            ),
        }

    def _read_group_select(self, aggregate_spec, query):
        if aggregate_spec != "__count":
            fname, _sep, func = aggregate_spec.partition(":")
            if func not in ("count", "count_distinct", "array_agg", "recordset"):
                measures = {**self._kpi_ratio_measures(query), **self._kpi_now_measures(query)}
                if fname in measures:
                    return measures[fname]
        return super()._read_group_select(aggregate_spec, query)

    # ------------------------------------------------------------------
    # Keeping the facts current
    # ------------------------------------------------------------------

    @api.model
    def _kpi_flush(self):
        """Refresh now the facts of the orders this transaction touched, so
        that a read sees them (the rest is done at commit). Nothing to do on a
        read-only cursor: a read-only transaction touched nothing."""
        cr = self.env.cr
        if cr.readonly:
            return 0
        self.env.flush_all()
        cr.execute(SQL("SELECT order_kpi_flush()"))
        count = cr.fetchone()[0]
        if count:
            self._kpi_invalidate()
        return count

    @api.model
    def _kpi_refresh_companies(self, companies):
        """Refresh every fact of ``companies`` now (a setting they depend on changed)."""
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                "SELECT order_kpi_refresh(ARRAY(SELECT id FROM sale_order "
                "WHERE company_id = ANY(%s) ORDER BY id))",
                companies.ids,
            )
        )
        self._kpi_invalidate()

    @api.model
    def _kpi_invalidate(self):
        for model in ("order.kpi.report", "order.kpi.stage.report", "order.kpi.line.report"):
            self.env[model].invalidate_model()

    @api.model
    def _kpi_rebuild(self, truncate=False):
        """Rebuild every fact from the documents (repairs any drift)."""
        self.env.flush_all()
        roles = self._kpi_node_roles()
        count = schema.rebuild(self.env.cr, roles, truncate=truncate)
        self.env["ir.config_parameter"].sudo().set_param(
            "order_kpi.definition", schema.definition_digest(roles)
        )
        self._kpi_invalidate()
        return count

    @api.model
    def _kpi_node_roles(self):
        """{role: [node codes]} the facts read the history by (node registry)."""
        return facts.node_roles(self.env["sale.order"]._tracking_nodes())

    @api.model
    def _kpi_follow_nodes(self):
        """An add-on changed the node registry (installed or upgraded): the
        refresh functions follow the nodes' roles, and the facts are rebuilt
        once the registry is ready if their definition changed."""
        schema.install(self.env.cr, self._kpi_node_roles())
        self.pool.post_init(self._kpi_rebuild_if_changed)

    @api.model
    def _kpi_rebuild_if_changed(self):
        """At installation and upgrade: rebuild when the fact definition changed."""
        stored = self.env["ir.config_parameter"].sudo().get_param("order_kpi.definition")
        self.env.cr.execute(SQL("SELECT NOT EXISTS (SELECT 1 FROM order_kpi_report)"))
        empty = self.env.cr.fetchone()[0]
        if stored != schema.definition_digest(self._kpi_node_roles()) or empty:
            self._kpi_rebuild(truncate=True)

    @api.model
    def _cron_refresh(self):
        """Scheduled action: refresh what a failed commit-time refresh left."""
        self.env.cr.execute(SQL("SELECT order_kpi_flush_stale()"))
        return self.env.cr.fetchone()[0]

    @api.model
    def _cron_rebuild(self):
        """Scheduled action (nightly): rebuild every fact."""
        return self._kpi_rebuild()
