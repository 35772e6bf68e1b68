# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import models

from ..lib import legal_mentions
from ..lib.vat_categories import MEANINGS


class AccountEdiCommon(models.AbstractModel):
    _inherit = "account.edi.common"

    def _get_tax_unece_codes(self, customer, supplier, tax):
        # EXTENDS account_edi_ubl_cii: Odoo guesses the VAT category from the two
        # countries only, so a Belgian co-contractor sale (reverse charge, AE) comes
        # out as exempt (E) and an intra-EU service as an intra-EU supply of goods
        # (K). The kind of the tax (from its VAT return grid) says what it is, and
        # [BT-120] the exemption reason is the case's legal mention in the
        # customer's language. A seller under a small-business exemption charges no
        # VAT: every line is exempt (E) with the scheme's mention.
        company = self._einvoice_company_of(supplier, tax)
        scheme = company.einvoice_vat_scheme if company else "standard"
        lang = customer.lang
        if scheme in legal_mentions.SCHEMES:
            case = legal_mentions.cases()[legal_mentions.SCHEMES[scheme]]
            return {
                "tax_category_code": case.category,
                "tax_exemption_reason_code": case.vatex,
                "tax_exemption_reason": case.text(lang),
                "einvoice_vat_kind": "franchise",
            }
        kind = tax.einvoice_vat_kind if tax else False
        if not kind or kind == "standard":
            return super()._get_tax_unece_codes(customer, supplier, tax)
        meaning = MEANINGS[kind]
        key = legal_mentions.case_key(
            kind, supplier.country_id.code, tax.einvoice_vatex or None
        )
        return {
            "tax_category_code": meaning.category,
            "tax_exemption_reason_code": tax.einvoice_vatex or meaning.vatex,
            "tax_exemption_reason": (
                legal_mentions.cases()[key].text(lang) if key else meaning.reason
            ),
            "einvoice_vat_kind": kind,
        }

    def _einvoice_company_of(self, supplier, tax):
        """The company whose partner is `supplier` (the tax's, when given)."""
        if tax and tax.company_id.partner_id.commercial_partner_id == supplier:
            return tax.company_id
        return (
            self.env["res.company"]
            .sudo()
            .search([("partner_id", "=", supplier.id)], limit=1)
        )
