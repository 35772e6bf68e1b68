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
