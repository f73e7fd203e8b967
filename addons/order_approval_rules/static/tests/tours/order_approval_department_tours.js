import { registry } from "@web/core/registry";
import {
    checkOrderHeader,
    openOrderOf,
} from "@order_tracking/../tests/tours/order_tracking_tour_utils";

registry.category("web_tour.tours").add("order_tracking_tour_sales", {
    steps: () => [
        ...openOrderOf("Sales Tour"),
        ...checkOrderHeader(),
        {
            content: "a banner says the order waits for approval",
            trigger: ".o_form_view .o_approval_pending_banner",
        },
        {
            content: "open the Approvals tab: why does this order wait?",
            trigger: ".o_notebook a[name=order_approval]",
            run: "click",
        },
        {
            content: "the evaluated conditions, with their values",
            trigger: ".o_field_widget[name=approval_evaluation_html] table, .o_field_widget[name=approval_evaluation_html] ul",
            run() {
                if (window.innerWidth < 768) {
                    // on a phone, end with the tab in view (the screenshot)
                    document.querySelector(".o_notebook").scrollIntoView({ block: "start" });
                }
            },
        },
    ],
});

registry.category("web_tour.tours").add("order_tracking_tour_approver", {
    steps: () => [
        {
            content: "open the request to decide",
            trigger: ".o_data_row:contains('Approval Tour') td.o_data_cell:first, .o_kanban_record:contains('Approval Tour')",
            run: "click",
        },
        {
            content: "why approval? the facts",
            trigger: ".o_form_view .o_field_widget[name=evaluation_html]",
        },
        {
            content: "approve",
            trigger: ".o_form_view .o_statusbar_buttons button.btn-primary",
            isActive: ["desktop"],
            run: "click",
        },
        {
            content: "back to the inbox (phone)",
            trigger: "button.o_back_button",
            isActive: ["mobile"],
            run: "click",
        },
        {
            content: "approve from the card (phone)",
            trigger: ".o_kanban_record:contains('Approval Tour') button[name=action_approve]",
            isActive: ["mobile"],
            run: "click",
        },
        {
            content: "decided: the order left the inbox (phone)",
            trigger: ".o_view_nocontent, .o_kanban_renderer:not(:has(.o_kanban_record:contains('Approval Tour')))",
            isActive: ["mobile"],
        },
        {
            content: "confirm the approval",
            trigger: ".modal .modal-footer .btn-primary",
            isActive: ["desktop"],
            run: "click",
        },
        {
            content: "the request is approved",
            trigger: ".o_form_view .o_statusbar_status [data-value=approved][aria-checked=true]",
            isActive: ["desktop"],
        },
    ],
});
