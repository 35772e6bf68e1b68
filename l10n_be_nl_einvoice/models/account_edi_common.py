# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import models

from ..lib.vat_categories import MEANINGS

# Reason texts (EN 16931 BT-120) in the invoice's language. Belgian reverse charge
# carries the mention of Royal Decree no. 1, art. 5, § 1, 9°; Dutch "btw verlegd"
# that of art. 35a Wet OB.
REASONS = {
    "exempt": lambda env: env._("Exempt from VAT"),
    "reverse_charge_BE": lambda env: env._(
        "Tax payable by the co-contractor - VAT Code, article 51, § 2"
    ),
    "reverse_charge": lambda env: env._("VAT reverse charged"),
    "intra_eu_goods": lambda env: env._("Intra-Community supply"),
    "intra_eu_triangle": lambda env: env._("Intra-Community supply"),
    "intra_eu_services": lambda env: env._("Reverse charge"),
    "export": lambda env: env._("Export outside the EU"),
    "outside_scope": lambda env: env._("Not subject to VAT"),
}


class AccountEdiCommon(models.AbstractModel):
    _inherit = "account.edi.common"

    def _get_tax_unece_codes(self, customer, supplier, tax):
        # EXTENDS account_edi_ubl_cii: Odoo guesses the VAT category from the two
        # countries only, so a Belgian co-contractor sale (reverse charge, AE) comes
        # out as exempt (E) and an intra-EU service as an intra-EU supply of goods
        # (K). The kind of the tax (from its VAT return grid) says what it is.
        kind = tax.einvoice_vat_kind if tax else False
        if not kind or kind == "standard":
            return super()._get_tax_unece_codes(customer, supplier, tax)
        meaning = MEANINGS[kind]
        reason = REASONS.get(f"{kind}_{supplier.country_id.code}") or REASONS.get(kind)
        return {
            "tax_category_code": meaning.category,
            "tax_exemption_reason_code": tax.einvoice_vatex or meaning.vatex,
            "tax_exemption_reason": reason and reason(customer.env),
            "einvoice_vat_kind": kind,
        }
