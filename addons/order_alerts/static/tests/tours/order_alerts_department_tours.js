import { registry } from "@web/core/registry";

registry.category("web_tour.tours").add("order_tracking_tour_purchasing", {
    steps: () => [
        {
            content: "one to-do per short product",
            trigger: ".o_data_row:contains('Tour Bolt') td.o_data_cell:first, .o_kanban_record:contains('Tour Bolt')",
            run: "click",
        },
        {
            content: "every order waiting for the product",
            trigger: ".o_form_view .o_field_widget[name=order_ids] .o_data_row:contains('Purchasing Tour')",
            run() {
                if (window.innerWidth < 768) {
                    document
                        .querySelector(".o_field_widget[name=order_ids]")
                        .scrollIntoView({ block: "center" });
                }
            },
        },
    ],
});
