/** @odoo-module **/
// License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import { registry } from "@web/core/registry";

// A bookkeeper opens "Invoices sent": the figures, both graphs and the to-do list
// (the demo's posted invoices were never sent, so they are listed there).
registry.category("web_tour.tours").add("l10n_be_nl_einvoice_dashboard", {
    url: "/odoo",
    steps: () => [
        {
            trigger: ".o_navbar_apps_menu button",
            run: "click",
        },
        {
            trigger: ".o_app[data-menu-xmlid='account.menu_finance']",
            run: "click",
        },
        {
            trigger: ".o_main_navbar [data-menu-xmlid='l10n_be_nl_einvoice.menu_einvoice_dashboard']",
            run: "click",
        },
        {
            trigger: ".o_einvoice_dashboard .o_einvoice_sent_month",
        },
        {
            trigger: ".o_einvoice_dashboard canvas.o_einvoice_sent_chart",
        },
        {
            trigger: ".o_einvoice_todo_unsent tr:contains('Bakkerij Janssens BV')",
        },
        {
            trigger: ".o_einvoice_months",
            run: "select 24",
        },
        {
            trigger: ".o_einvoice_dashboard .o_einvoice_unsent_count",
        },
    ],
});
