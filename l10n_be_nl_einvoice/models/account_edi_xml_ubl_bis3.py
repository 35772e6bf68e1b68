# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from decimal import Decimal

from lxml import etree

from odoo import models

from ..lib.identifiers import kbo_number

CBC = "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2"


class AccountEdiXmlUblBis3(models.AbstractModel):
    _inherit = "account.edi.xml.ubl_bis3"

    def _get_partner_party_tax_scheme_vals_list(self, partner, role):
        # EXTENDS account_edi_ubl_cii: without a VAT number Odoo writes the Peppol
        # address as a "tax scheme" registration, empty for a consumer (UBL-SR-53).
        # [BT-48/BT-31] a party without VAT number has no VAT identifier.
        vals_list = super()._get_partner_party_tax_scheme_vals_list(partner, role)
        if partner.vat:
            return vals_list
        return [
            vals
            for vals in vals_list
            if vals.get("company_id")
            and vals["tax_scheme_vals"].get("id") != (partner.peppol_eas or None)
        ]

    def _get_partner_party_legal_entity_vals_list(self, partner):
        # EXTENDS account_edi_ubl_cii: Odoo writes a Dutch party's Peppol address as its
        # legal registration. Peppol's VAT-based schemes (99xx: 9944 NL VAT, 9925 BE
        # VAT) are addresses, not registrations.
        # [BR-CL-11] the registration's scheme must be an ISO 6523 ICD: without KvK
        # (0106) or OIN (0190) the registration is left out (it is optional, BT-47).
        # [BT-30/BT-47] a Belgian party's legal registration is its enterprise
        # number (KBO/BCE, scheme 0208), which Odoo writes as the VAT number.
        vals_list = super()._get_partner_party_legal_entity_vals_list(partner)
        kbo = (
            kbo_number(partner.vat, partner.company_registry)
            if partner.country_code == "BE"
            else None
        )
        for vals in vals_list:
            scheme = (vals.get("company_id_attrs") or {}).get("schemeID") or ""
            if kbo:
                vals["company_id"] = kbo
                vals["company_id_attrs"] = {"schemeID": "0208"}
            elif scheme.startswith("99"):
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
        self._einvoice_rounded_vat(invoice, vals)
        self._einvoice_cash_rounding(invoice, vals)
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

    def _einvoice_booked_amount(self, line):
        """The line's amount without VAT as booked (its journal item, in the
        invoice's currency), when it differs from Odoo's line subtotal; else None.

        They differ when prices include VAT and VAT is rounded globally: Odoo books
        the document's VAT rounded once, and spreads the cents that this rounding
        moves over the lines' booked amounts (account.tax,
        _round_base_lines_tax_details), so that the lines add up to the untaxed
        total; each line's subtotal is rounded on its own, and the subtotals can
        miss that total by some cents (792.33 against 792.32)."""
        booked = line.move_id.direction_sign * line.amount_currency
        if line.currency_id.compare_amounts(booked, line.price_subtotal) == 0:
            return None
        return booked

    def _einvoice_gross_amount(self, line, net):
        """The line amount before its discount, of a line amount after it."""
        if line.discount == 100.0:
            return 0.0
        return net / (1.0 - (line.discount or 0.0) / 100.0)

    def _get_invoice_line_vals(self, line, line_id, taxes_vals):
        # EXTENDS account_edi_ubl_cii. [BT-131] A line's net amount is its amount as
        # booked, not its subtotal rounded alone: the lines then add up to the
        # booked total without VAT (BR-CO-10, BR-CO-13) and each VAT rate's taxable
        # amount to its lines (BR-S-08), where Odoo's lines miss them by some cents
        # when prices include VAT and VAT is rounded globally. The invoice is legal
        # and its books right; the e-invoice states the books' figures, line by
        # line, rather than an allowance or a charge that no one granted: the
        # receiver books what the seller booked. The unit price and the line's
        # discount follow the booked amount (PEPPOL-EN16931-R120); the figures on
        # the PDF differ from it by the spread cents, the totals not at all.
        vals = super()._get_invoice_line_vals(line, line_id, taxes_vals)
        booked = self._einvoice_booked_amount(line)
        if booked is not None:
            vals["line_extension_amount"] += booked - line.price_subtotal
        return vals

    def _get_invoice_line_allowance_vals_list(self, line, tax_values_list=None):
        # EXTENDS account_edi_ubl_cii: the discount of a line as booked
        # (_get_invoice_line_vals).
        vals_list = super()._get_invoice_line_allowance_vals_list(
            line, tax_values_list=tax_values_list
        )
        booked = self._einvoice_booked_amount(line)
        if booked is not None and line.discount:
            gross = line.currency_id.round(self._einvoice_gross_amount(line, booked))
            for vals in vals_list:
                if (
                    vals["charge_indicator"] == "false"
                    and vals["allowance_charge_reason_code"] == 95
                ):
                    vals["amount"] = gross - booked
        return vals_list

    def _get_invoice_line_price_vals(self, line):
        # EXTENDS account_edi_ubl_cii: Odoo derives the unit price back from the
        # rounded line total (7 x 12.3456 = 86.42 gives 12.3457142857). When prices
        # exclude VAT and the line total is the entered price times the quantity,
        # [BT-146] the item net price is the price as entered, at its precision.
        # A line booked at another amount than its subtotal has its price derived
        # from the booked amount (_get_invoice_line_vals).
        vals = super()._get_invoice_line_price_vals(line)
        booked = self._einvoice_booked_amount(line)
        if booked is not None and line.quantity:
            gross = self._einvoice_gross_amount(line, booked)
            vals["price_amount"] = round(gross / line.quantity, 10)
            return vals
        taxes = line.tax_ids.flatten_taxes_hierarchy()
        if (
            line.quantity
            and line.discount != 100
            and not any(taxes.mapped("price_include"))
        ):
            total = line.currency_id.round(
                line.quantity * line.price_unit * (1 - (line.discount or 0.0) / 100)
            )
            if line.currency_id.compare_amounts(total, line.price_subtotal) == 0:
                vals["price_amount"] = line.price_unit
        return vals

    def _einvoice_rounded_vat(self, invoice, vals):
        # Cash rounding by "modify tax amount" books the rounding on the biggest
        # tax: the VAT booked, and declared, is the rounded one (2.09 where the rate
        # gives 2.11). Odoo states the VAT before the rounding. [BT-110] The VAT
        # total and [BT-117] the breakdown of that tax are the VAT as booked; the
        # total with VAT is then the rounded total, without rounding amount
        # (BR-CO-15), and BR-CO-17 allows a breakdown's VAT to differ from its rate
        # by less than 1.00.
        roundings = invoice.line_ids.filtered(
            lambda l: l.display_type == "rounding" and l.tax_line_id
        )
        if not roundings:
            return
        tax_total = vals["vals"]["tax_total_vals"][0]
        customer = invoice.commercial_partner_id
        supplier = invoice.company_id.partner_id.commercial_partner_id
        for line in roundings:
            [category] = self._get_tax_category_list(
                customer, supplier, line.tax_line_id
            )
            subtotal = next(
                (
                    subtotal
                    for subtotal in tax_total["tax_subtotal_vals"]
                    if subtotal["tax_category_vals"]["id"] == category["id"]
                    and subtotal["tax_category_vals"]["percent"] == category["percent"]
                ),
                None,
            )
            if subtotal is None:
                continue  # left to the rounding amount (_einvoice_cash_rounding)
            amount = invoice.direction_sign * line.amount_currency
            subtotal["tax_amount"] += amount
            tax_total["tax_amount"] += amount

    def _einvoice_cash_rounding(self, invoice, vals):
        # Odoo states the rounded total as the total with VAT, which then differs
        # from the total without VAT plus VAT (BR-CO-15): the cash rounding is the
        # [BT-114] Rounding amount, and the total with VAT stays exact.
        currency = invoice.currency_id
        totals = vals["vals"]["monetary_total_vals"]
        exact = currency.round(
            totals["tax_exclusive_amount"]
            + vals["vals"]["tax_total_vals"][0]["tax_amount"]
        )
        rounding = currency.round(invoice.amount_total - exact)
        if not currency.is_zero(rounding):
            totals["tax_inclusive_amount"] = exact
            totals["einvoice_rounding_amount"] = rounding

    def _einvoice_down_payment_invoices(self, line):
        """The posted down payment invoices a final invoice's line deducts (invoices,
        never lines: a negative line that is no down payment deducts none)."""
        if "is_downpayment" not in line._fields or not line.is_downpayment:
            return self.env["account.move"]
        moves = line.sale_line_ids.invoice_lines.move_id
        return moves.filtered(
            lambda m: m != line.move_id and m.state == "posted"
        ).sorted("name")

    def _get_invoice_line_item_vals(self, line, taxes_vals):
        # A final invoice deducts its down payments: [BT-153] the deduction line
        # names the down payment invoice, not the date it was drafted on.
        vals = super()._get_invoice_line_item_vals(line, taxes_vals)
        down_payments = self._einvoice_down_payment_invoices(line)
        if down_payments and line.quantity < 0:
            name = self.env._(
                "Down payment invoice %(numbers)s",
                numbers=", ".join(down_payments.mapped("name")),
            )
            vals.update(name=name, description=name)
        return vals

    def _get_note_vals_list(self, invoice):
        # EXTENDS account_edi_ubl_cii: [BT-22] the invoice's legal mentions (reverse
        # charge, exemption, small-business scheme) in its language, after the
        # terms; one note, as Peppol BIS allows only one.
        vals_list = super()._get_note_vals_list(invoice)
        mentions = invoice._einvoice_legal_mentions()
        if not mentions:
            return vals_list
        notes = [vals["note"] for vals in vals_list if vals.get("note")]
        return [{"note": "\n".join([*notes, *mentions])}]

    def _export_invoice(self, invoice, convert_fixed_taxes=True):
        xml, errors = super()._export_invoice(invoice, convert_fixed_taxes)
        xml = self._einvoice_add_rounding_amount(xml)
        down_payments = self.env["account.move"]
        for line in invoice.invoice_line_ids.filtered(lambda l: l.quantity < 0):
            down_payments |= self._einvoice_down_payment_invoices(line)
        if down_payments:
            xml = self._einvoice_add_preceding_invoices(xml, down_payments)
        return xml, errors

    def _einvoice_add_preceding_invoices(self, xml, invoices):
        """[BG-3] A final invoice refers to the down payment invoices it deducts
        (EN 16931: preceding pre-payment invoices), after any reference Odoo wrote."""
        tree = etree.fromstring(xml)
        cac = "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2"
        follows = (
            "DespatchDocumentReference", "ReceiptDocumentReference",
            "StatementDocumentReference", "OriginatorDocumentReference",
            "ContractDocumentReference", "AdditionalDocumentReference",
            "ProjectReference", "Signature", "AccountingSupplierParty",
        )  # fmt: skip
        anchor = next(
            child
            for child in tree
            if isinstance(child.tag, str) and etree.QName(child).localname in follows
        )
        for invoice in invoices:
            reference = etree.Element(f"{{{cac}}}BillingReference")
            document = etree.SubElement(reference, f"{{{cac}}}InvoiceDocumentReference")
            etree.SubElement(document, f"{{{CBC}}}ID").text = invoice.name
            etree.SubElement(document, f"{{{CBC}}}IssueDate").text = str(
                invoice.invoice_date
            )
            anchor.addprevious(reference)
        return etree.tostring(tree, xml_declaration=True, encoding="UTF-8")

    def _einvoice_add_rounding_amount(self, xml):
        """[BT-114] PayableRoundingAmount = amount due + paid - total with VAT, when
        not zero (the template of Odoo has no place for it)."""
        tree = etree.fromstring(xml)
        [totals] = tree.findall("{*}LegalMonetaryTotal") or [None]
        if totals is None:
            return xml

        def amount(tag):
            node = totals.find(f"{{{CBC}}}{tag}")
            return (Decimal(node.text) if node is not None else Decimal(0)), node

        payable, payable_node = amount("PayableAmount")
        prepaid, _node = amount("PrepaidAmount")
        inclusive, _node = amount("TaxInclusiveAmount")
        rounding = payable + prepaid - inclusive
        if not rounding or payable_node is None:
            return xml
        node = etree.Element(f"{{{CBC}}}PayableRoundingAmount", payable_node.attrib)
        node.text = f"{rounding:.2f}"
        payable_node.addprevious(node)
        return etree.tostring(tree, xml_declaration=True, encoding="UTF-8")
