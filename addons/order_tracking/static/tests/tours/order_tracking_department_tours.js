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
