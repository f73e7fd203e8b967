import { registry } from "@web/core/registry";
import {
    checkOrderHeader,
    openOrderOf,
    openSupply,
} from "@order_tracking/../tests/tours/order_tracking_tour_utils";

// Purchasing's queue of customer orders, at desktop and phone width, in English
// and Chinese. The Python test (tests/test_tour_supply.py) creates the orders.

registry.category("web_tour.tours").add("order_tracking_purchase_tour_purchasing", {
    steps: () => [
        ...openOrderOf("Purchase Tour"),
        ...checkOrderHeader(),
        ...openSupply("P0"),
    ],
});
