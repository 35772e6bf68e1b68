# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import models


class AccountEdiXmlUblBis3(models.AbstractModel):
    _inherit = "account.edi.xml.ubl_bis3"

    def _get_partner_party_legal_entity_vals_list(self, partner):
        # EXTENDS account_edi_ubl_cii: Odoo writes a Dutch party's Peppol address as its
        # legal registration. Peppol's VAT-based schemes (99xx: 9944 NL VAT, 9925 BE
        # VAT) are addresses, not registrations.
        # [BR-CL-11] the registration's scheme must be an ISO 6523 ICD: without KvK
        # (0106) or OIN (0190) the registration is left out (it is optional, BT-47).
        vals_list = super()._get_partner_party_legal_entity_vals_list(partner)
        for vals in vals_list:
            scheme = (vals.get("company_id_attrs") or {}).get("schemeID") or ""
            if scheme.startswith("99"):
                vals["company_id"] = None
                vals["company_id_attrs"] = {}
        return vals_list

    def _einvoice_credit_note_reference(self, invoice, vals):
        # Odoo refers a credit note to its invoice only for Dutch suppliers, and by the
        # credit note's free reference. Belgian law (Royal Decree no. 1, art. 5) and
        # Dutch practice want the corrected invoice's number:
        # [BT-25/BT-26] BillingReference = the reversed invoice's number and date.
        origin = invoice.reversed_entry_id
        if invoice.move_type in ("out_refund", "in_refund") and origin.name:
            vals["vals"]["billing_reference_vals"] = {
                "id": origin.name,
                "issue_date": origin.invoice_date,
            }
        return vals

    def _export_invoice_vals(self, invoice):
        # EXTENDS account_edi_ubl_cii. An invoice in a foreign currency states its VAT
        # in the company's currency too, as booked (Belgian VAT Code art. 53 and Royal
        # Decree no. 1 art. 5: the VAT due in euro). Odoo leaves it out.
        # [BT-6] TaxCurrencyCode and [BT-111] a TaxTotal without breakdown (BR-53).
        vals = super()._export_invoice_vals(invoice)
        vals = self._einvoice_credit_note_reference(invoice, vals)
        company_currency = invoice.company_id.currency_id
        if invoice.currency_id != company_currency:
            sign = -1 if invoice.is_inbound() else 1
            booked = sign * sum(
                invoice.line_ids.filtered("tax_line_id").mapped("balance")
            )
            vals["vals"]["tax_currency_code"] = company_currency.name
            vals["vals"]["tax_total_vals"].append(
                {
                    "currency": company_currency,
                    "currency_dp": company_currency.decimal_places,
                    "tax_amount": company_currency.round(booked),
                    "tax_subtotal_vals": [],
                }
            )
        return vals
