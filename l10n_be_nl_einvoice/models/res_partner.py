# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

from ..lib import email_addresses
from ..lib.identifiers import peppol_address
from .res_company import UBL_PROFILES


def check_addresses(records, field_name, message):
    """Refuse a list of e-mail addresses with a part that is not one; `message`
    (record, the wrong parts) says which, in the user's language."""
    for record in records:
        wrong = email_addresses.problems(record[field_name])
        if wrong:
            raise ValidationError(message(record, ", ".join(wrong)))


class ResPartner(models.Model):
    _inherit = "res.partner"

    invoice_edi_format = fields.Selection(
        selection_add=[("ublbe", "UBL.BE")],
        ondelete={"ublbe": "set null"},
    )
    einvoice_ubl_profile = fields.Selection(
        UBL_PROFILES,
        string="UBL profile",
        company_dependent=True,
        help="The UBL flavour this customer receives; empty: the company's default.",
    )

    einvoice_invoice_email = fields.Char(
        string="Invoice e-mail",
        help="Where this customer's invoices are e-mailed; several addresses "
        "separated by ';'. Empty: the contact's e-mail.",
    )

    @api.constrains("einvoice_invoice_email")
    def _einvoice_check_invoice_email(self):
        check_addresses(
            self,
            "einvoice_invoice_email",
            lambda partner, wrong: _(
                "%(partner)s, invoice e-mail: %(wrong)s is not an e-mail address.",
                partner=partner.display_name,
                wrong=wrong,
            ),
        )

    def _einvoice_invoice_recipients(self):
        """The addresses this customer's invoices go to."""
        self.ensure_one()
        partner = (
            self.commercial_partner_id if not self.einvoice_invoice_email else self
        )
        return email_addresses.normalise(
            self.einvoice_invoice_email
            or partner.einvoice_invoice_email
            or self.email
            or ""
        )

    def _einvoice_fill_peppol_address(self):
        # Odoo fills the Belgian address from the company registry only and has no
        # automatic Dutch one; a Belgian VAT number gives the KBO number (0208), a Dutch
        # party without KvK or OIN is reached by its VAT number (9944).
        # A Dutch registration entered later (KvK, OIN) replaces an address by VAT
        # number (9944); a company's own address (its Peppol registration) is left
        # alone.
        own = self.env["res.company"].sudo().search([]).partner_id
        for partner in self:
            address = peppol_address(
                partner._deduce_country_code(), partner.vat, partner.company_registry
            )
            vat = (partner.vat or "").replace(" ", "").upper()
            by_vat = partner.peppol_eas == "9944" or (
                vat.startswith("NL") and partner.peppol_endpoint == vat
            )
            if address and (
                not partner.peppol_endpoint
                or (by_vat and address[0] in ("0106", "0190") and partner not in own)
            ):
                partner.peppol_eas, partner.peppol_endpoint = address

    @api.depends(lambda self: self._peppol_eas_endpoint_depends() + ["peppol_eas"])
    def _compute_peppol_endpoint(self):
        result = super()._compute_peppol_endpoint()
        self._einvoice_fill_peppol_address()
        return result

    def _get_edi_builder(self, invoice_edi_format):
        if invoice_edi_format == "ublbe":
            # Its PDF is put inside once rendered (account.move.send).
            return self.env["account.edi.xml.ubl_be"]
        return super()._get_edi_builder(invoice_edi_format)

    @api.model
    def _get_ubl_cii_formats_info(self):
        formats = super()._get_ubl_cii_formats_info()
        # Chosen per customer, never suggested from the country: Belgian receivers
        # on Peppol get BIS 3.0; UBL.BE is for accounting software.
        formats["ublbe"] = {"countries": [], "on_peppol": False}
        return formats
