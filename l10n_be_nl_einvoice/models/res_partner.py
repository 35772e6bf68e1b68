# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models

from ..lib.identifiers import peppol_address
from .res_company import UBL_PROFILES


class ResPartner(models.Model):
    _inherit = "res.partner"

    einvoice_ubl_profile = fields.Selection(
        UBL_PROFILES,
        string="UBL profile",
        company_dependent=True,
        help="The UBL flavour this customer receives; empty: the company's default.",
    )

    def _einvoice_fill_peppol_address(self):
        # Odoo fills the Belgian address from the company registry only and has no
        # automatic Dutch one; a Belgian VAT number gives the KBO number (0208), a Dutch
        # party without KvK or OIN is reached by its VAT number (9944).
        for partner in self.filtered(lambda p: not p.peppol_endpoint):
            address = peppol_address(
                partner._deduce_country_code(), partner.vat, partner.company_registry
            )
            if address:
                partner.peppol_eas, partner.peppol_endpoint = address

    @api.depends(lambda self: self._peppol_eas_endpoint_depends() + ["peppol_eas"])
    def _compute_peppol_endpoint(self):
        result = super()._compute_peppol_endpoint()
        self._einvoice_fill_peppol_address()
        return result
