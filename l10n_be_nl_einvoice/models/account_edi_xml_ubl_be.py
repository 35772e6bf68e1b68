# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import base64

from lxml import etree

from odoo import models, release

from ..lib.vat_categories import UBLBE_FINANCIAL_DISCOUNT, meaning_of, ublbe_name

UBLBE_CUSTOMIZATION = "urn:cen.eu:en16931:2017#conformant#urn:UBL.BE:1.0.0.20180214"
NS = {
    "cac": "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2",
    "cbc": "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2",
}


class AccountEdiXmlUblBe(models.AbstractModel):
    """UBL.BE: Peppol BIS 3.0 as Belgian accounting software imports it, with the
    invoice's PDF inside, the UBL.BE document references and the Belgian names of
    the VAT categories (the VAT return grids)."""

    _name = "account.edi.xml.ubl_be"
    _inherit = "account.edi.xml.ubl_bis3"
    _description = "UBL.BE"

    def _export_invoice_filename(self, invoice):
        return f"{invoice.name.replace('/', '_')}_ublbe.xml"

    def _get_tax_category_list(self, customer, supplier, taxes):
        # [ubl-BE-10/15] each tax category has its UBL.BE name (BTCC list);
        # [ubl-BE-11/12] exemption reasons come from the UBL.BE lists (BVERC).
        vals_list = super()._get_tax_category_list(customer, supplier, taxes)
        for vals, tax in zip(vals_list, taxes, strict=True):
            kind = vals.get("einvoice_vat_kind")
            vals["name"] = ublbe_name(kind, tax.amount)
            meaning = meaning_of(kind)
            if meaning and meaning.ublbe_code:
                vals["tax_exemption_reason_code"] = meaning.ublbe_code
                vals["tax_exemption_reason"] = meaning.ublbe_reason
        return vals_list

    def _get_invoice_tax_totals_vals_list(self, invoice, taxes_vals):
        vals_list = super()._get_invoice_tax_totals_vals_list(invoice, taxes_vals)
        for vals in vals_list:
            for subtotal in vals["tax_subtotal_vals"]:
                category = subtotal["tax_category_vals"]
                if "name" not in category and category.get("id") == "E":
                    # Odoo's breakdown of an early-payment (financial) discount.
                    subtotal["tax_category_vals"] = {
                        **category,
                        "name": UBLBE_FINANCIAL_DISCOUNT,
                        "tax_exemption_reason_code": "BETE-FD",
                        "tax_exemption_reason": "Financial discount",
                    }
        return vals_list

    def _get_invoice_line_vals(self, line, line_id, taxes_vals):
        # [ubl-BE-14] each line states its VAT amount (Peppol BIS leaves it out).
        vals = super()._get_invoice_line_vals(line, line_id, taxes_vals)
        vals["tax_total_vals"] = [
            {
                "currency": line.currency_id,
                "currency_dp": 2,
                "tax_amount": taxes_vals["tax_amount_currency"],
                "tax_subtotal_vals": [],
            }
        ]
        return vals

    def _export_invoice_vals(self, invoice):
        vals = super()._export_invoice_vals(invoice)
        refund = invoice.move_type in ("out_refund", "in_refund")
        # [ubl-BE-01..04] the UBL.BE marker and the document's own reference (which
        # carries the PDF, added once the XML is built).
        vals["vals"]["customization_id"] = UBLBE_CUSTOMIZATION
        vals["vals"]["additional_document_reference_list"] = [
            {
                "id": "UBL.BE",
                "document_description": f"Odoo {release.major_version} "
                "l10n_be_nl_einvoice",
            },
            {
                "id": invoice.name,
                "document_description": "CreditNote" if refund else "CommercialInvoice",
            },
            *vals["vals"].get("additional_document_reference_list", []),
        ]
        return vals

    def _einvoice_embed_pdf(self, xml, filename, content):
        """Put the PDF in the document's own reference (UBL.BE) as an attachment:
        the builder leaves it out, its callers give it (`_einvoice_export`, Odoo's
        Send once the PDF is rendered)."""
        tree = etree.fromstring(xml)
        references = tree.xpath(
            "cac:AdditionalDocumentReference[cbc:DocumentDescription="
            "'CommercialInvoice' or cbc:DocumentDescription='CreditNote']",
            namespaces=NS,
        )
        for old in references[0].xpath("cac:Attachment", namespaces=NS):
            references[0].remove(old)
        attachment = etree.SubElement(references[0], f"{{{NS['cac']}}}Attachment")
        binary = etree.SubElement(
            attachment,
            f"{{{NS['cbc']}}}EmbeddedDocumentBinaryObject",
            mimeCode="application/pdf",
            filename=filename,
        )
        binary.text = base64.b64encode(content).decode()
        return etree.tostring(tree, xml_declaration=True, encoding="UTF-8")
