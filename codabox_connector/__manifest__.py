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
        "views/res_config_settings_views.xml",
    ],
    "installable": True,
}
