/** @odoo-module **/
// License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import { registry } from "@web/core/registry";

// A bookkeeper opens "Data quality": a customer whose VAT number has a wrong check
// digit is listed with the problem; the number is corrected in the row itself and
// the problem is gone.
registry.category("web_tour.tours").add("l10n_be_nl_einvoice_data_quality", {
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
            trigger: ".dropdown-item[data-menu-xmlid='l10n_be_nl_einvoice.menu_einvoice_data_quality']",
            run: "click",
        },
        {
            trigger: ".o_data_row:contains('Slagerij Peeters BV') td[name='einvoice_data_problems']:contains('BE0555444369')",
        },
        {
            trigger: ".o_data_row:contains('Slagerij Peeters BV') td[name='vat']",
            run: "click",
        },
        {
            trigger: ".o_data_row.o_selected_row .o_field_widget[name='vat'] input",
            run: "edit BE0555444368",
        },
        {
            trigger: ".o_list_button_save",
            run: "click",
        },
        {
            trigger: ".o_data_row:contains('Slagerij Peeters BV'):not(.o_selected_row)",
        },
        {
            trigger: ".o_data_row:contains('Slagerij Peeters BV') td[name='einvoice_data_problems']:not(:contains('BE0555444369'))",
        },
    ],
});
