/** @odoo-module **/
// License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import { registry } from "@web/core/registry";

// A bookkeeper sets up the Yuki mailboxes from the settings, sees them listed, then
// opens Send to accountant for last month.
registry.category("web_tour.tours").add("billmail_connector_setup_mailboxes", {
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
            trigger: ".o_main_navbar [data-menu-xmlid='account.menu_finance_configuration']",
            run: "click",
        },
        {
            trigger: ".dropdown-item[data-menu-xmlid='l10n_be_nl_einvoice.menu_einvoice_settings']",
            run: "click",
        },
        {
            trigger: "#billmail_setting button:contains('Set up from accounting package')",
            run: "click",
        },
        {
            trigger: ".modal .o_field_widget[name='preset'] select",
            run: 'select "yuki"',
        },
        {
            trigger: ".modal .o_field_widget[name='name'] input",
            run: "edit atelier-lambrecht",
        },
        {
            // Leaving the field computes the addresses.
            trigger: ".modal .o_field_widget[name='subject'] input",
            run: "click",
        },
        {
            trigger: ".modal .o_field_widget[name='address_in_refund'] input:value(atelier-lambrecht@yukiworks.be)",
        },
        {
            trigger: ".modal button[name='action_save']",
            run: "click",
        },
        {
            trigger: ".o_list_view .o_data_row:contains('Yuki – Vendor bills'):contains('atelier-lambrecht@yukiworks.be')",
        },
        {
            trigger: ".o_main_navbar [data-menu-xmlid='account.menu_finance_receivables']",
            run: "click",
        },
        {
            trigger: ".dropdown-item[data-menu-xmlid='billmail_connector.menu_billmail_send']",
            run: "click",
        },
        {
            trigger: ".modal .o_field_widget[name='date_from'] input",
        },
        {
            trigger: ".modal .o_field_widget[name='move_count']",
        },
    ],
});
