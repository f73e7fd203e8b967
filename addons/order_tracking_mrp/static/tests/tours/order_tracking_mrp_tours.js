import { registry } from "@web/core/registry";
import {
    checkOrderHeader,
    openOrderOf,
    openSupply,
} from "@order_tracking/../tests/tours/order_tracking_tour_utils";

// The production department's queue, at desktop and phone width, in English and
// Chinese. The Python test (tests/test_tour_supply.py) creates the orders.

registry.category("web_tour.tours").add("order_tracking_mrp_tour_production", {
    steps: () => [
        {
            content: "the queue shows the orders waiting for production, by supply",
            trigger: ".o_kanban_renderer .o_kanban_group .o_kanban_record",
        },
        ...openOrderOf("Production Tour"),
        ...checkOrderHeader(),
        ...openSupply("/MO/"),
    ],
});
