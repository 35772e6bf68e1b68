# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Invoice dates in number order by default (Belgian and Dutch practice): a company
still on the former default, posting an invoice dated before the last one of its
series, refuses it from now on. New installations take the new default."""


def migrate(cr, version):
    if not version:
        return
    cr.execute(
        "UPDATE res_company SET einvoice_backdating = 'refuse' "
        "WHERE einvoice_backdating = 'allow'"
    )
