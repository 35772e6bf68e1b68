# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
{
    "name": "Recurring invoices from sale orders (BE/NL e-invoicing)",
    "summary": "Make a confirmed sale order recurring: a draft recurring invoice plan "
    "with its invoice address, payment terms and product lines",
    "version": "18.0.1.0.0",
    "category": "Hidden",
    "website": "https://github.com/einvoice-be-nl/einvoice-be-nl",
    "author": "BE/NL e-invoicing contributors",
    "license": "LGPL-3",
    "depends": ["l10n_be_nl_einvoice", "sale"],
    "data": [
        "views/einvoice_recurring_views.xml",
        "views/sale_order_views.xml",
    ],
    "installable": True,
    "auto_install": True,
}
