# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
{
    "name": "Accountant mailboxes (BillMail)",
    "summary": "E-mail every invoice, credit note and bill (UBL + PDF) to the "
    "accountant software's import mailboxes, once each",
    "version": "18.0.1.0.0",
    "category": "Accounting/Localizations/EDI",
    "website": "https://github.com/einvoice-be-nl/einvoice-be-nl",
    "author": "BE/NL e-invoicing contributors",
    "license": "LGPL-3",
    "depends": ["l10n_be_nl_einvoice"],
    "data": [
        "security/ir.model.access.csv",
        "security/billmail_security.xml",
        "data/ir_cron.xml",
        "views/billmail_mailbox_views.xml",
        "wizards/billmail_setup_views.xml",
        "wizards/billmail_send_wizard_views.xml",
        "views/res_config_settings_views.xml",
        "views/menus.xml",
    ],
    "assets": {
        "web.assets_tests": ["billmail_connector/static/tests/tours/*.js"],
    },
    "installable": True,
}
