# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import _, models

# Odoo's e-invoice formats that the official rules can check, and their profile.
CHECKED_FORMATS = {"ubl_bis3": "peppol_bis3", "nlcius": "nlcius", "ublbe": "ublbe"}


class AccountMoveSend(models.AbstractModel):
    _inherit = "account.move.send"

    def _hook_invoice_document_before_pdf_report_render(self, invoice, invoice_data):
        # EXTENDS account_edi_ubl_cii: the UBL just built is checked with the official
        # rules before anything leaves; a fatal failure stops this invoice's sending
        # (no XML, no e-mail) and says why, the others go on.
        # The master data Peppol needs is checked first: nothing is built for an
        # invoice that cannot go.
        if "peppol" in (invoice_data.get("sending_methods") or ()):
            reason = invoice._einvoice_gate("peppol")
            if reason:
                invoice_data["error"] = {
                    "error_title": _(
                        "%(name)s was not sent: its master data is incomplete.",
                        name=invoice.display_name,
                    ),
                    "errors": [reason],
                }
                return
        super()._hook_invoice_document_before_pdf_report_render(invoice, invoice_data)
        profile = CHECKED_FORMATS.get(invoice_data.get("invoice_edi_format"))
        xml_values = invoice_data.get("ubl_cii_xml_attachment_values")
        if not profile or not xml_values:
            return
        problems = invoice._einvoice_problems(xml_values["raw"], profile)
        fatal = [p for p in problems if p["flag"] == "fatal"]
        if fatal:
            invoice_data.pop("ubl_cii_xml_attachment_values")
            invoice_data.pop("ubl_cii_xml_options", None)
            invoice_data["error"] = {
                "error_title": _(
                    "%(name)s was not sent: its e-invoice does not pass the official "
                    "rules.",
                    name=invoice.display_name,
                ),
                "errors": [f"[{p['rule']}] {p['where']}: {p['text']}" for p in fatal],
            }

    def _postprocess_invoice_ubl_xml(self, invoice, invoice_data):
        # EXTENDS account_edi_ubl_cii: UBL.BE carries the PDF in the document's own
        # reference (ubl-BE-02), not in an extra one.
        if invoice_data.get("invoice_edi_format") != "ublbe":
            return super()._postprocess_invoice_ubl_xml(invoice, invoice_data)
        pdf = (
            invoice.invoice_pdf_report_id
            or invoice_data.get("pdf_attachment_values")
            or invoice_data["proforma_pdf_attachment_values"]
        )
        xml_values = invoice_data["ubl_cii_xml_attachment_values"]
        xml_values["raw"] = self.env["account.edi.xml.ubl_be"]._einvoice_embed_pdf(
            xml_values["raw"], pdf["name"], pdf["raw"]
        )
