/** @odoo-module **/
// License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import { formatDate } from "@web/core/l10n/dates";
import { registry } from "@web/core/registry";

// A bookkeeper opens the reminders screen and looks ahead three weeks and a half: the
// demo customers, whose invoices are dated up to two days before the demo was made, are
// then more than a week late and get a friendly reminder; nothing is sent.
registry.category("web_tour.tours").add("l10n_be_nl_einvoice_reminders", {
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
            trigger: ".dropdown-item[data-menu-xmlid='l10n_be_nl_einvoice.menu_einvoice_reminder_run']",
            run: "click",
        },
        {
            trigger: ".modal .o_field_widget[name='date'] input",
            run: `edit ${formatDate(luxon.DateTime.now().plus({ days: 24 }))}`,
        },
        {
            trigger: ".modal .o_field_widget[name='company_id'], .modal .modal-title",
            run: "click",
        },
        {
            trigger: ".modal .o_field_widget[name='line_ids'] .o_data_row:contains('Friendly reminder')",
        },
        {
            trigger: ".modal button[name='action_send']",
        },
        {
            trigger: ".modal .modal-footer button:contains('Cancel')",
            run: "click",
        },
        {
            trigger: ".o_main_navbar [data-menu-xmlid='account.menu_finance_receivables']",
            run: "click",
        },
        {
            trigger: ".dropdown-item[data-menu-xmlid='l10n_be_nl_einvoice.menu_einvoice_reminders']",
            run: "click",
        },
        {
            trigger: ".o_view_nocontent:contains('No reminder sent yet')",
        },
    ],
});
