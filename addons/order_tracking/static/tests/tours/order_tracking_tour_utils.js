/**
 * Steps shared by the department tours: open the order of a customer from a list
 * (desktop) or a kanban (phone), check that the form tells the order's story.
 */
export function openOrderOf(customer) {
    return [
        {
            content: `open the order of ${customer}`,
            trigger: `.o_data_row:contains("${customer}") td.o_data_cell:first, .o_kanban_record:contains("${customer}")`,
            run: "click",
        },
    ];
}

export function checkOrderHeader() {
    return [
        {
            content: "the status node is the form's status bar",
            trigger: ".o_form_view .o_form_statusbar .o_field_order_tracking_statusbar .o_statusbar_status",
        },
        {
            content: "Odoo's own order state stays beside the reference",
            trigger: ".o_form_view .o_tracking_summary .o_field_badge[name=state]",
        },
    ];
}

export function openTimeline() {
    return [
        {
            content: "open the Tracking tab",
            trigger: ".o_notebook a[name=order_tracking]",
            run: "click",
        },
        {
            content: "the timeline shows the current node first",
            trigger: ".o_tracking_timeline .o_tracking_timeline_item.o_tracking_timeline_current",
            run() {
                if (window.innerWidth < 768) {
                    // on a phone, end with the tab in view (the screenshot)
                    document.querySelector(".o_notebook").scrollIntoView({ block: "start" });
                }
            },
        },
    ];
}

export function openSupply(documentName) {
    return [
        {
            content: "open the Supply tab",
            trigger: ".o_notebook a[name=order_tracking_supply]",
            run: "click",
        },
        {
            content: "the document that covers the short line, with its expected date",
            trigger: `.o_tracking_supply tbody tr td:contains('${documentName}')`,
            run() {
                if (window.innerWidth < 768) {
                    // on a phone, end with the tab in view (the screenshot)
                    document.querySelector(".o_notebook").scrollIntoView({ block: "start" });
                }
            },
        },
    ];
}
