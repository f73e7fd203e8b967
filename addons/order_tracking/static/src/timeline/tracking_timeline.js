import { Component, onWillStart, onWillUpdateProps, useState } from "@odoo/owl";
import { formatDuration, formatDateTime, deserializeDateTime } from "@web/core/l10n/dates";
import { _t } from "@web/core/l10n/translation";
import { registry } from "@web/core/registry";
import { useService } from "@web/core/utils/hooks";
import { standardWidgetProps } from "@web/views/widgets/standard_widget_props";

const { DateTime } = luxon;

/** Icon of a status node code; custom checkpoints get a flag. */
const ICONS = {
    draft: "fa-pencil",
    to_approve: "fa-gavel",
    to_ship: "fa-inbox",
    waiting_stock: "fa-hourglass-half",
    ready: "fa-cubes",
    partially_shipped: "fa-truck",
    shipped: "fa-truck",
    delivered: "fa-handshake-o",
    invoiced: "fa-file-text-o",
    paid: "fa-money",
    done: "fa-check",
    cancelled: "fa-ban",
};

/**
 * The order's status history as a vertical timeline, newest first: node,
 * when, who, source document (a link), time spent in the node (wall clock and
 * working hours). Reads ``sale.order.get_tracking_timeline`` (docs/api.md).
 */
export class TrackingTimeline extends Component {
    static template = "order_tracking.TrackingTimeline";
    static props = { ...standardWidgetProps };

    setup() {
        this.orm = useService("orm");
        this.action = useService("action");
        this.state = useState({ entries: [], loaded: false });
        onWillStart(() => this.load(this.props.record));
        onWillUpdateProps((next) => {
            if (this.key(next.record) !== this.key(this.props.record)) {
                return this.load(next.record);
            }
        });
    }

    key(record) {
        return `${record.resId}:${record.data.tracking_last_event_id?.[0] || ""}`;
    }

    async load(record) {
        if (!record.resId) {
            this.state.entries = [];
            this.state.loaded = true;
            return;
        }
        const [events] = await this.orm.call("sale.order", "get_tracking_timeline", [
            [record.resId],
        ]);
        this.state.entries = this.toEntries(events || []);
        this.state.loaded = true;
    }

    toEntries(events) {
        const now = DateTime.now();
        const entries = events.map((event, index) => {
            const next = events[index + 1];
            const date = deserializeDateTime(event.date);
            const current = !next;
            const hours = current ? now.diff(date, "hours").hours : next.hours_in_previous;
            return {
                key: `${index}`,
                code: event.to_code,
                icon: ICONS[event.to_code] || "fa-flag",
                name: event.to_name || event.to_code,
                from: event.from_name,
                when: formatDateTime(date),
                user: event.user,
                note: event.note,
                sourceModel: event.source_model,
                sourceId: event.source_id,
                sourceName: event.source_name,
                current,
                duration: this.formatHours(hours),
                workDuration:
                    !current && next.work_hours_in_previous
                        ? this.formatHours(next.work_hours_in_previous)
                        : "",
            };
        });
        return entries.reverse();
    }

    formatHours(hours) {
        if (!hours || hours < 0) {
            return _t("less than a minute");
        }
        return formatDuration(hours * 3600, true);
    }

    get lateBadge() {
        return this.props.record.data.tracking_late;
    }

    async openSource(entry) {
        if (!entry.sourceModel || !entry.sourceId || !entry.sourceModel.includes(".")) {
            return;
        }
        await this.action.doAction({
            type: "ir.actions.act_window",
            res_model: entry.sourceModel,
            res_id: entry.sourceId,
            views: [[false, "form"]],
            target: "current",
        });
    }
}

export const trackingTimeline = {
    component: TrackingTimeline,
    fieldDependencies: [
        { name: "tracking_last_event_id", type: "many2one", relation: "order.tracking.event" },
        { name: "tracking_late", type: "boolean" },
    ],
};

registry.category("view_widgets").add("order_tracking_timeline", trackingTimeline);
