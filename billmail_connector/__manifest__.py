# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
{
    "name": "Accountant mailboxes (BillMail)",
    "summary": "E-mail every invoice and credit note (UBL + PDF) to the accountant "
    "software's import mailboxes",
    "version": "18.0.1.0.0",
    "category": "Accounting/Localizations/EDI",
    "website": "https://github.com/einvoice-be-nl/einvoice-be-nl",
    "author": "BE/NL e-invoicing contributors",
    "license": "LGPL-3",
    "depends": ["l10n_be_nl_einvoice"],
    "data": [
        "security/ir.model.access.csv",
        "views/res_config_settings_views.xml",
    ],
    "installable": True,
}
