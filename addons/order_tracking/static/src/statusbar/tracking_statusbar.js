import { _t } from "@web/core/l10n/translation";
import { registry } from "@web/core/registry";
import { useService } from "@web/core/utils/hooks";
import { StatusBarField, statusBarField } from "@web/views/fields/statusbar/statusbar_field";

/**
 * The order's status node as a status bar. The node is computed from the
 * order's documents and is never typed: the only node that reacts to a click
 * is the manual checkpoint the order waits at, when the current user may pass
 * it (``tracking_can_pass``); the click calls ``action_pass_current_checkpoint``.
 */
export class TrackingStatusBarField extends StatusBarField {
    static template = "order_tracking.TrackingStatusBarField";

    setup() {
        super.setup();
        this.action = useService("action");
    }

    get checkpointId() {
        const { record } = this.props;
        return record.data.tracking_can_pass ? record.data.tracking_checkpoint_id?.[0] : false;
    }

    isPassable(item) {
        return Boolean(this.checkpointId) && item.value === this.checkpointId;
    }

    getAllItems() {
        return super.getAllItems().map((item) => ({
            ...item,
            // a checkpoint to pass is never folded away
            isFolded: item.isFolded && !this.isPassable(item),
        }));
    }

    getDropdownItemClassNames(item) {
        const classNames = [];
        if (item.isSelected) {
            classNames.push("active");
        }
        if (!this.isPassable(item)) {
            classNames.push("disabled");
        }
        return classNames.join(" ");
    }

    getItemTooltip(item) {
        if (item.isSelected) {
            return _t("Current status node");
        }
        if (this.isPassable(item)) {
            return _t("Click to pass this checkpoint");
        }
        return _t("Reached from the order's documents");
    }

    async selectItem(item) {
        if (!this.isPassable(item)) {
            return;
        }
        const { record } = this.props;
        if (!(await record.save())) {
            return;
        }
        await this.action.doActionButton({
            type: "object",
            name: "action_pass_current_checkpoint",
            resModel: record.resModel,
            resId: record.resId,
            resIds: [record.resId],
            context: record.context,
            onClose: () => record.load(),
        });
        await record.load();
    }
}

export const trackingStatusBarField = {
    ...statusBarField,
    component: TrackingStatusBarField,
    fieldDependencies: [
        { name: "tracking_checkpoint_id", type: "many2one", relation: "order.tracking.stage" },
        { name: "tracking_can_pass", type: "boolean" },
    ],
    extractProps(fieldInfo, dynamicInfo) {
        return {
            ...statusBarField.extractProps(fieldInfo, dynamicInfo),
            isDisabled: false,
            withCommand: false,
            foldField: fieldInfo.options.fold_field || "fold",
        };
    },
};

registry.category("fields").add("order_tracking_statusbar", trackingStatusBarField);
