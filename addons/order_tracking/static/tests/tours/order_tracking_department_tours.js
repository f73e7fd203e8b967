import { registry } from "@web/core/registry";
import { checkOrderHeader, openOrderOf, openTimeline } from "./order_tracking_tour_utils";

// Each department's main task, at desktop and phone width, in English and Chinese.
// The Python test (tests/test_tour_departments.py) creates the orders.

registry.category("web_tour.tours").add("order_tracking_tour_warehouse", {
    steps: () => [
        {
            content: "the board opens on the orders to ship, grouped by node",
            trigger: ".o_kanban_renderer .o_kanban_group .o_kanban_record",
        },
        {
            content: "a late order waiting for stock carries its badges once",
            trigger: ".o_kanban_record:contains('Warehouse Tour') .o_tracking_card_badges",
        },
        ...openOrderOf("Warehouse Tour"),
        ...checkOrderHeader(),
        {
            content: "the late badge stands beside the node",
            trigger: ".o_form_view .o_tracking_badge_late",
        },
    ],
});

registry.category("web_tour.tours").add("order_tracking_tour_finance", {
    steps: () => [
        ...openOrderOf("Finance Tour"),
        ...checkOrderHeader(),
        ...openTimeline(),
        {
            content: "the invoice that moved the order is a link",
            trigger: ".o_tracking_timeline_current .o_tracking_timeline_source",
        },
    ],
});

registry.category("web_tour.tours").add("order_tracking_tour_service", {
    steps: () => [
        {
            content: "open the search on a phone",
            trigger: ".o_control_panel button:has(.fa-search)",
            isActive: ["mobile"],
            run: "click",
        },
        {
            content: "type the customer's name",
            trigger: ".o_searchview_input",
            run: "edit Service Tour",
        },
        {
            content: "search",
            trigger: ".o_searchview_input",
            run: "press Enter",
        },
        ...openOrderOf("Service Tour"),
        ...checkOrderHeader(),
        ...openTimeline(),
        {
            content: "the whole story: quotation, reserved, shipped",
            trigger: ".o_tracking_timeline:has(.o_tracking_timeline_item:eq(2))",
        },
    ],
});

registry.category("web_tour.tours").add("order_tracking_tour_management", {
    steps: () => [
        {
            content: "open the first node group (desktop list)",
            trigger: ".o_list_renderer .o_group_header:first",
            isActive: ["desktop"],
            run: "click",
        },
        ...openOrderOf("Warehouse Tour"),
        ...checkOrderHeader(),
        {
            content: "late",
            trigger: ".o_form_view .o_tracking_badge_late",
        },
        ...openTimeline(),
    ],
});

registry.category("web_tour.tours").add("order_tracking_tour_pass_checkpoint", {
    steps: () => [
        {
            content: "the checkpoint the order waits at is the one clickable node",
            trigger: ".o_field_order_tracking_statusbar button.o_tracking_statusbar_passable:enabled",
            run: "click",
        },
        {
            content: "passed: nothing is clickable any more",
            trigger: ".o_field_order_tracking_statusbar:not(:has(.o_tracking_statusbar_passable))",
        },
    ],
});

// Finance's receivables (tests/test_tour_receivables.py creates the invoices).
registry.category("web_tour.tours").add("order_tracking_tour_aging", {
    steps: () => [
        {
            content: "the aging pivot has a row per customer",
            trigger: ".o_pivot th.o_pivot_header_cell_opened, .o_pivot th.o_pivot_header_cell_closed",
        },
        {
            content: "a customer over 90 days late is in it",
            trigger: ".o_pivot th:contains('Xiamen Trading')",
        },
        {
            content: "with what it owes",
            trigger: ".o_pivot td.o_pivot_cell_value:contains('3,000.00')",
        },
    ],
});

registry.category("web_tour.tours").add("order_tracking_tour_statement", {
    steps: () => [
        {
            content: "the customer's form has a Statement button",
            trigger: ".o_form_view .oe_stat_button:has(.fa-file-text-o)",
            run: "click",
        },
        {
            content: "the statement's period is asked for the customer",
            trigger: ".modal .o_field_widget[name=partner_id] input:value(Dongguan Plastics 东莞塑胶)",
        },
        {
            content: "from the first of the month to today, ready to print",
            trigger: ".modal .o_field_widget[name=date_to] input, .modal button[name=action_print]",
        },
    ],
});
