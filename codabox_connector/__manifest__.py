# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
{
    "name": "CodaBox connector",
    "summary": "CODA bank statements in and sales invoices out through CodaBox",
    "version": "18.0.1.0.0",
    "category": "Accounting/Localizations/EDI",
    "website": "https://github.com/einvoice-be-nl/einvoice-be-nl",
    "author": "BE/NL e-invoicing contributors",
    "license": "LGPL-3",
    "depends": ["l10n_be_nl_einvoice"],
    "external_dependencies": {"python": ["requests"]},
    "data": [
        "security/ir.model.access.csv",
        "security/codabox_security.xml",
        "data/ir_cron.xml",
        "views/codabox_set_aside_views.xml",
        "views/codabox_connection_views.xml",
        "wizards/codabox_connect_wizard_views.xml",
        "wizards/codabox_send_wizard_views.xml",
        "views/res_config_settings_views.xml",
        "views/menus.xml",
    ],
    "installable": True,
}
