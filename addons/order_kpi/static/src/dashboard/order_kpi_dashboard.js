/** @odoo-module **/

import {
    Component,
    onMounted,
    onPatched,
    onWillStart,
    onWillUnmount,
    useRef,
    useState,
} from "@odoo/owl";
import { loadBundle } from "@web/core/assets";
import { formatCurrency } from "@web/core/currency";
import { deserializeDate, formatDate, serializeDate, today } from "@web/core/l10n/dates";
import { _t } from "@web/core/l10n/translation";
import { registry } from "@web/core/registry";
import { useService } from "@web/core/utils/hooks";
import { formatFloat, formatInteger, formatPercentage } from "@web/views/fields/formatters";

const COLORS = {
    primary: "#1f77b4",
    good: "#2ca02c",
    bad: "#d62728",
    muted: "#7f7f7f",
    accent: "#ff7f0e",
};

/**
 * The Order Cockpit: a period, a company, the KPI cards compared with the
 * previous period of the same length, charts and rankings. One read-only
 * call (order.kpi.dashboard.get_dashboard_data) feeds everything.
 */
export class OrderKpiDashboard extends Component {
    static template = "order_kpi.Dashboard";
    static props = ["*"];

    setup() {
        this.orm = useService("orm");
        this.actionService = useService("action");
        const range = this.periodRange("last_90_days");
        this.state = useState({
            period: "last_90_days",
            dateFrom: range[0],
            dateTo: range[1],
            companyId: false,
            data: null,
            loading: true,
            error: false,
        });
        this.trendRef = useRef("trend");
        this.stagesRef = useRef("stages");
        this.reasonsRef = useRef("reasons");
        this.charts = [];
        this.chartedData = null;
        onWillStart(async () => {
            await loadBundle("web.chartjs_lib");
            await this.load();
        });
        onMounted(() => this.renderCharts());
        onPatched(() => this.renderCharts());
        onWillUnmount(() => this.destroyCharts());
    }

    // ------------------------------------------------------------------
    // Period and company
    // ------------------------------------------------------------------

    get periods() {
        return [
            ["this_month", _t("This month")],
            ["last_month", _t("Last month")],
            ["last_30_days", _t("Last 30 days")],
            ["last_90_days", _t("Last 90 days")],
            ["this_quarter", _t("This quarter")],
            ["this_year", _t("This year")],
            ["last_12_months", _t("Last 12 months")],
            ["custom", _t("Custom")],
        ];
    }

    periodRange(period) {
        const now = today();
        switch (period) {
            case "last_month": {
                const start = now.minus({ months: 1 }).startOf("month");
                return [serializeDate(start), serializeDate(start.endOf("month"))];
            }
            case "last_30_days":
                return [serializeDate(now.minus({ days: 29 })), serializeDate(now)];
            case "last_90_days":
                return [serializeDate(now.minus({ days: 89 })), serializeDate(now)];
            case "this_quarter":
                return [serializeDate(now.startOf("quarter")), serializeDate(now)];
            case "this_year":
                return [serializeDate(now.startOf("year")), serializeDate(now)];
            case "last_12_months":
                return [serializeDate(now.minus({ years: 1 }).plus({ days: 1 })), serializeDate(now)];
            default:
                return [serializeDate(now.startOf("month")), serializeDate(now)];
        }
    }

    async onPeriodChange(ev) {
        this.state.period = ev.target.value;
        if (this.state.period !== "custom") {
            [this.state.dateFrom, this.state.dateTo] = this.periodRange(this.state.period);
            await this.load();
        }
    }

    async onDateChange(field, ev) {
        if (!ev.target.value) {
            return;
        }
        this.state.period = "custom";
        this.state[field] = ev.target.value;
        if (this.state.dateFrom <= this.state.dateTo) {
            await this.load();
        }
    }

    async onCompanyChange(ev) {
        this.state.companyId = parseInt(ev.target.value) || false;
        await this.load();
    }

    async load() {
        this.state.loading = true;
        try {
            this.state.data = await this.orm.call(
                "order.kpi.dashboard",
                "get_dashboard_data",
                [this.state.dateFrom, this.state.dateTo],
                { company_id: this.state.companyId }
            );
            this.state.error = false;
        } catch (error) {
            this.state.error = error.data?.message || error.message || String(error);
            throw error;
        } finally {
            this.state.loading = false;
        }
    }

    // ------------------------------------------------------------------
    // Formatting
    // ------------------------------------------------------------------

    /** The cards: the server's KPI definitions (order.kpi.report._kpi_definitions). */
    get cards() {
        return this.state.data.cards;
    }

    format(value, kind) {
        if (value === false || value === null || value === undefined) {
            return "—";
        }
        switch (kind) {
            case "money":
                return formatCurrency(value, this.state.data.currency_id, { humanReadable: true });
            case "rate":
                return formatPercentage(value, { digits: [16, 1] });
            case "hours":
                return value >= 48
                    ? _t("%(days)s d", { days: formatFloat(value / 24, { digits: [16, 1] }) })
                    : _t("%(hours)s h", { hours: formatFloat(value, { digits: [16, 1] }) });
            case "days":
                return _t("%(days)s d", { days: formatFloat(value, { digits: [16, 1] }) });
            case "number":
                return formatFloat(value, { digits: [16, 2] });
            default:
                return formatInteger(value);
        }
    }

    /** Change against the previous period: points for rates, % otherwise. */
    delta(card) {
        const data = this.state.data;
        const value = data.current[card.key];
        const previous = data.previous[card.key];
        if (typeof value !== "number" || typeof previous !== "number") {
            return null;
        }
        let diff;
        let text;
        if (card.kind === "rate") {
            diff = value - previous;
            text = _t("%(points)s pts", {
                points: formatFloat(diff * 100, { digits: [16, 1] }),
            });
        } else if (previous) {
            diff = (value - previous) / Math.abs(previous);
            text = formatPercentage(diff, { digits: [16, 0] });
        } else {
            return null;
        }
        const improved = card.better === "up" ? diff > 0 : diff < 0;
        return {
            text: (diff > 0 ? "+" : "") + text,
            arrow: diff > 0 ? "fa-arrow-up" : diff < 0 ? "fa-arrow-down" : "fa-minus",
            css: diff === 0 ? "text-muted" : improved ? "text-success" : "text-danger",
        };
    }

    get periodLabel() {
        const data = this.state.data;
        return _t("%(from)s – %(to)s, compared with %(pfrom)s – %(pto)s", {
            from: formatDate(deserializeDate(data.date_from)),
            to: formatDate(deserializeDate(data.date_to)),
            pfrom: formatDate(deserializeDate(data.previous_from)),
            pto: formatDate(deserializeDate(data.previous_to)),
        });
    }

    get rankingHint() {
        return _t("(ranked from %(count)s orders due)", { count: this.state.data.min_sample });
    }

    monthLabel(month) {
        return deserializeDate(month).toLocaleString({ month: "short", year: "2-digit" });
    }

    // ------------------------------------------------------------------
    // Drill-down
    // ------------------------------------------------------------------

    periodDomain() {
        const data = this.state.data;
        return [
            ["date", ">=", data.date_from],
            ["date", "<=", data.date_to],
            ["company_id", "in", data.company_ids],
        ];
    }

    openOrders(extraDomain = [], name = _t("Order Analysis")) {
        this.actionService.doAction({
            type: "ir.actions.act_window",
            name,
            res_model: "order.kpi.report",
            views: [
                [false, "pivot"],
                [false, "list"],
                [false, "graph"],
            ],
            domain: [["confirmed", "=", true], ...this.periodDomain(), ...extraDomain],
            context: { group_by: [] },
        });
    }

    openCard(card) {
        this.openOrders(card.drill || [], card.label);
    }

    openSaleOrder(orderId) {
        this.actionService.doAction({
            type: "ir.actions.act_window",
            res_model: "sale.order",
            res_id: orderId,
            views: [[false, "form"]],
        });
    }

    openTeam(team) {
        this.openOrders([["team_id", "=", team.team_id]], team.name);
    }

    openCustomer(customer) {
        this.openOrders([["partner_id", "=", customer.partner_id]], customer.name);
    }

    openReason(reason) {
        this.openOrders(
            [
                ["otd_missed", "=", true],
                ["miss_reason", "=", reason.reason],
            ],
            reason.name
        );
    }

    openStages() {
        this.actionService.doAction("order_kpi.order_kpi_stage_report_action");
    }

    // ------------------------------------------------------------------
    // Charts
    // ------------------------------------------------------------------

    destroyCharts() {
        for (const chart of this.charts) {
            chart.destroy();
        }
        this.charts = [];
    }

    renderCharts() {
        const data = this.state.data;
        if (!data || data === this.chartedData || !this.trendRef.el) {
            return;
        }
        this.destroyCharts();
        this.chartedData = data;
        const Chart = window.Chart;
        const common = { responsive: true, maintainAspectRatio: false, animation: false };
        this.charts.push(
            new Chart(this.trendRef.el, {
                data: {
                    labels: data.trend.map((row) => this.monthLabel(row.month)),
                    datasets: [
                        {
                            type: "bar",
                            label: _t("Orders"),
                            data: data.trend.map((row) => row.orders),
                            backgroundColor: COLORS.primary,
                            yAxisID: "y",
                            order: 2,
                        },
                        {
                            type: "line",
                            label: _t("On-time delivery %"),
                            data: data.trend.map((row) =>
                                row.otd_rate === false ? null : Math.round(row.otd_rate * 1000) / 10
                            ),
                            borderColor: COLORS.good,
                            backgroundColor: COLORS.good,
                            spanGaps: true,
                            yAxisID: "y1",
                            order: 1,
                        },
                    ],
                },
                options: {
                    ...common,
                    scales: {
                        y: { beginAtZero: true, position: "left" },
                        y1: {
                            min: 0,
                            max: 100,
                            position: "right",
                            grid: { drawOnChartArea: false },
                        },
                    },
                },
            })
        );
        this.charts.push(
            new Chart(this.stagesRef.el, {
                type: "bar",
                data: {
                    labels: data.stages.map((row) => row.name),
                    datasets: [
                        {
                            label: _t("Mean hours in node"),
                            data: data.stages.map((row) => Math.round(row.hours * 10) / 10),
                            backgroundColor: data.stages.map((row) =>
                                row.over_sla ? COLORS.accent : COLORS.primary
                            ),
                        },
                    ],
                },
                options: {
                    ...common,
                    indexAxis: "y",
                    plugins: { legend: { display: false } },
                    onClick: () => this.openStages(),
                },
            })
        );
        this.charts.push(
            new Chart(this.reasonsRef.el, {
                data: {
                    labels: data.reasons.map((row) => row.name),
                    datasets: [
                        {
                            type: "bar",
                            label: _t("Missed promises"),
                            data: data.reasons.map((row) => row.count),
                            backgroundColor: COLORS.bad,
                            yAxisID: "y",
                            order: 2,
                        },
                        {
                            type: "line",
                            label: _t("Cumulative %"),
                            data: data.reasons.map((row) => Math.round(row.cumulative * 1000) / 10),
                            borderColor: COLORS.muted,
                            backgroundColor: COLORS.muted,
                            yAxisID: "y1",
                            order: 1,
                        },
                    ],
                },
                options: {
                    ...common,
                    scales: {
                        y: { beginAtZero: true, ticks: { precision: 0 } },
                        y1: {
                            min: 0,
                            max: 100,
                            position: "right",
                            grid: { drawOnChartArea: false },
                        },
                    },
                    onClick: (event, elements) => {
                        if (elements.length) {
                            this.openReason(data.reasons[elements[0].index]);
                        }
                    },
                },
            })
        );
    }
}

registry.category("actions").add("order_kpi.dashboard", OrderKpiDashboard);
