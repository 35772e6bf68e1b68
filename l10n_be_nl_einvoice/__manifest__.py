# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
{
    "name": "Belgian and Dutch e-invoicing",
    "summary": "Gap-free numbering, OGM/RF references, validated UBL (Peppol BIS 3, "
    "NLCIUS, UBL.BE), bulk sending with proof, bank statement import, reminders",
    "version": "18.0.1.0.0",
    "category": "Accounting/Localizations/EDI",
    "website": "https://github.com/einvoice-be-nl/einvoice-be-nl",
    "author": "BE/NL e-invoicing contributors",
    "license": "LGPL-3",
    "depends": ["account", "account_edi_ubl_cii", "mail"],
    "external_dependencies": {"python": ["lxml", "stdnum", "schwifty"]},
    "data": [
        "security/ir.model.access.csv",
        "security/einvoice_security.xml",
        "views/menus.xml",
        "views/res_config_settings_views.xml",
        "views/account_journal_views.xml",
        "views/account_move_views.xml",
        "views/res_partner_views.xml",
        "views/account_tax_views.xml",
        "wizards/einvoice_numbering_audit_views.xml",
        "wizards/einvoice_statement_import_views.xml",
        "report/numbering_audit_report.xml",
        "data/ir_cron.xml",
    ],
    "post_init_hook": "post_init_hook",
    "assets": {
        "web.assets_tests": ["l10n_be_nl_einvoice/static/tests/tours/*.js"],
    },
    "installable": True,
    "application": False,
}
