/** @odoo-module **/
// License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import { registry } from "@web/core/registry";

// A bookkeeper opens Invoicing, finds the demo invoices, then our settings section and
// from there the sales journal's number series.
registry.category("web_tour.tours").add("l10n_be_nl_einvoice_open_invoicing", {
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
            trigger: ".o_main_navbar [data-menu-xmlid='account.menu_finance_receivables']",
            run: "click",
        },
        {
            trigger: ".dropdown-item[data-menu-xmlid='account.menu_action_move_out_invoice_type']",
            run: "click",
        },
        {
            trigger: ".o_list_view .o_data_row td:contains('Bakkerij Janssens')",
        },
        {
            trigger: ".o_main_navbar [data-menu-xmlid='account.menu_finance_configuration']",
            run: "click",
        },
        {
            trigger: ".dropdown-item[data-menu-xmlid='l10n_be_nl_einvoice.menu_einvoice_settings']",
            run: "click",
        },
        {
            trigger: "#einvoice_ubl_profile_setting:contains('Default UBL profile')",
        },
        {
            trigger: "#einvoice_numbering_setting button[name='action_open_einvoice_numbering']",
            run: "click",
        },
        {
            trigger: ".o_form_view .nav-link:contains('Invoice Numbering')",
            run: "click",
        },
        {
            trigger: ".o_field_widget[name='einvoice_next_number']:contains('FA-')",
        },
    ],
});
