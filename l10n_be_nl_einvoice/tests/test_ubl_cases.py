# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The hard cases of e-invoicing, each exported, compared with its reviewed golden
file and checked with the official rules; and right in meaning, not only valid."""

from decimal import Decimal

from odoo import Command, fields
from odoo.tests import tagged

from ..lib import legal_mentions
from . import golden
from .common import DemoInvoicingCase, role_users


class UblCaseCommon(DemoInvoicingCase):
    """Export a case, compare it with its golden file, check it with the official
    rules, and read its VAT breakdown."""

    extra_replacements = ()

    # The Peppol rules embedded in UBL.BE advise against the VAT category names and
    # line VAT amounts that the UBL.BE rules require: warnings by design.
    UBLBE_WARNINGS = ("UBL-CR-504", "UBL-CR-561", "UBL-CR-597")

    def check(self, case, move, profile, allowed_warnings=()):
        """Export, compare with the golden file, validate; the XML."""
        if profile == "ublbe":
            allowed_warnings = (*allowed_warnings, *self.UBLBE_WARNINGS)
        xml = move.einvoice_ubl(profile)
        replacements = [(move.name, "{NUMBER}"), *self.extra_replacements]
        if move.reversed_entry_id:
            replacements.append((move.reversed_entry_id.name, "{INVOICE NUMBER}"))
        if move.payment_reference and move.payment_reference != move.name:
            replacements.append((move.payment_reference, "{PAYMENT REFERENCE}"))
        expected, actual = golden.compare(f"{case}.{profile}", xml, replacements)
        self.assertIsNotNone(
            expected, f"no golden file {case}.{profile}.xml (EINVOICE_UPDATE_GOLDEN=1)"
        )
        self.assertEqual(actual, expected, f"{case}.{profile} differs")
        [result] = move.einvoice_check(profile)
        self.assertEqual(
            [p for p in result["problems"] if p["rule"] not in allowed_warnings],
            [],
            f"{case}.{profile}",
        )
        self.assertTrue(result["valid"])
        return xml

    def breakdown(self, xml):
        """(category, rate, VATEX code, taxable, tax) per VAT breakdown line."""
        return [
            (
                sub.findtext("cac:TaxCategory/cbc:ID", None, golden.NS),
                sub.findtext("cac:TaxCategory/cbc:Percent", None, golden.NS),
                sub.findtext(
                    "cac:TaxCategory/cbc:TaxExemptionReasonCode", None, golden.NS
                ),
                sub.findtext("cbc:TaxableAmount", None, golden.NS),
                sub.findtext("cbc:TaxAmount", None, golden.NS),
            )
            for sub in golden.etree.fromstring(xml.encode()).iterfind(
                "cac:TaxTotal/cac:TaxSubtotal", golden.NS
            )
        ]

    def booked_vat(self, move):
        return -sum(move.line_ids.filtered("tax_line_id").mapped("amount_currency"))

    def assert_vat_as_booked(self, move, xml):
        [total] = golden.values(
            xml, f"cac:TaxTotal/cbc:TaxAmount[@currencyID='{move.currency_id.name}']"
        )
        self.assertEqual(Decimal(total), Decimal(f"{self.booked_vat(move):.2f}"))


@tagged("post_install", "-at_install")
class TestUblCases(UblCaseCommon):
    def test_mixed_rates_and_two_different_21_percent_taxes(self):
        # BR-S-08: the 21 % on goods and the 21 % on services are one breakdown.
        move = self.invoice(
            self.be_customer,
            [
                self.line(self.table, 640.0, self.tax("attn_VAT-OUT-21-L")),
                self.line(self.hour, 85.0, self.tax("attn_VAT-OUT-21-S"), 3.5),
                self.line(self.table, 19.99, self.tax("attn_VAT-OUT-06-L"), 3),
                self.line(self.hour, 42.5, self.tax("attn_VAT-OUT-12-S")),
            ],
        )
        for profile in ("peppol_bis3", "ublbe"):
            xml = self.check("mixed_rates", move, profile)
            self.assert_vat_as_booked(move, xml)
        self.assertEqual(
            sorted(b[:2] for b in self.breakdown(xml)),
            [("S", "12.0"), ("S", "21.0"), ("S", "6.0")],
        )
        self.assertEqual(
            sorted(golden.values(xml, "//cac:ClassifiedTaxCategory/cbc:Name")),
            ["01", "02", "03", "03"],
        )

    def test_line_discounts_negative_lines_and_four_decimal_unit_prices(self):
        self.env.ref("product.decimal_price").digits = 4
        move = self.invoice(
            self.be_customer,
            [
                self.line(self.hour, 12.3456, self.tax("attn_VAT-OUT-21-S"), 7),
                self.line(
                    self.table, 640.0, self.tax("attn_VAT-OUT-21-L"), 2, discount=15.0
                ),
                self.line(
                    self.table,
                    -25.0,
                    self.tax("attn_VAT-OUT-21-L"),
                    name="Global discount",
                ),
            ],
        )
        xml = self.check("discounts", move, "peppol_bis3")
        self.assertIn("12.3456", golden.values(xml, "//cac:Price/cbc:PriceAmount"))
        self.assert_vat_as_booked(move, xml)

    def test_a_line_with_a_negative_quantity(self):
        # Returned goods on the invoice that sold them: a line with a negative quantity
        # that is no down payment deduction. Exported as such in each profile, valid,
        # and checked by a billing user as from the invoice's E-invoice tab.
        move = self.invoice(
            self.be_customer,
            [
                self.line(self.table, 640.0, self.tax("attn_VAT-OUT-21-L"), 3),
                self.line(
                    self.table,
                    640.0,
                    self.tax("attn_VAT-OUT-21-L"),
                    -1,
                    name="Returned: Oak side table",
                ),
            ],
        )
        for profile in ("peppol_bis3", "ublbe"):
            xml = self.check("negative_quantity", move, profile)
            self.assertEqual(
                golden.values(xml, "//cac:InvoiceLine/cbc:LineExtensionAmount"),
                ["1920.00", "-640.00"],
            )
            self.assertFalse(golden.values(xml, "//cac:BillingReference"))
        billing = role_users(self.env, self.company, prefix="negative")["billing"]
        action = move.with_user(billing).action_einvoice_check()
        self.assertEqual(action["params"]["type"], "success", action["params"])

    def test_early_payment_discount(self):
        term = self.env["account.payment.term"].create(
            {
                "name": "30 days, 2 % within 10 days",
                "company_id": self.company.id,
                "early_discount": True,
                "discount_percentage": 2.0,
                "discount_days": 10,
                "early_pay_discount_computation": "mixed",
                "line_ids": [
                    Command.create(
                        {"value": "percent", "value_amount": 100, "nb_days": 30}
                    )
                ],
            }
        )
        move = self.invoice(
            self.be_customer,
            [
                self.line(self.table, 640.0, self.tax("attn_VAT-OUT-21-L")),
                self.line(self.hour, 85.0, self.tax("attn_VAT-OUT-06-S"), 2),
            ],
            invoice_payment_term_id=term.id,
            invoice_date_due=False,
        )
        for profile in ("peppol_bis3", "ublbe"):
            xml = self.check("early_payment_discount", move, profile)
            self.assert_vat_as_booked(move, xml)
        self.assertIn("FD", golden.values(xml, "//cac:TaxCategory/cbc:Name"))

    def test_down_payment_and_final_invoice_from_a_sale_order(self):
        if "sale.order" not in self.env:
            self.skipTest("needs the sale module")
        order = self.env["sale.order"].create(
            {
                "partner_id": self.be_customer.id,
                "company_id": self.company.id,
                "order_line": [
                    Command.create(
                        {
                            "product_id": pid,
                            "product_uom_qty": qty,
                            "price_unit": price,
                            "tax_id": [Command.set(tax)],
                        }
                    )
                    for pid, qty, price, tax in (
                        (self.table.id, 2, 640.0, self.tax("attn_VAT-OUT-21-L").ids),
                        (self.hour.id, 6, 85.0, self.tax("attn_VAT-OUT-06-S").ids),
                    )
                ],
            }
        )
        order.action_confirm()
        order.order_line.qty_delivered = 0
        wizards = self.env["sale.advance.payment.inv"].with_context(
            active_model="sale.order", active_ids=order.ids
        )
        down = wizards.create(
            {"advance_payment_method": "percentage", "amount": 30}
        )._create_invoices(order)
        order.order_line.filtered("product_id").write({"qty_delivered": 0})
        for line in order.order_line.filtered(lambda l: not l.is_downpayment):
            line.qty_delivered = line.product_uom_qty
        final = wizards.create(
            {"advance_payment_method": "delivered"}
        )._create_invoices(order)
        self.extra_replacements = [(order.name, "{ORDER}")]
        for case, move in (("down_payment", down), ("final_invoice", final)):
            move.write(
                {
                    "invoice_date": fields.Date.to_date("2026-11-10"),
                    "invoice_date_due": fields.Date.to_date("2026-12-10"),
                }
            )
            move.action_post()
            xml = self.check(case, move, "peppol_bis3")
            self.assert_vat_as_booked(move, xml)
            self.extra_replacements.append((move.name, "{DOWN PAYMENT NUMBER}"))
        self.assertEqual(final.amount_total + down.amount_total, order.amount_total)
        self.assertEqual(
            golden.values(
                xml, "cac:BillingReference/cac:InvoiceDocumentReference/cbc:ID"
            ),
            [down.name],
        )
        self.assertIn(
            f"Down payment invoice {down.name}",
            golden.values(xml, "//cac:InvoiceLine/cac:Item/cbc:Name"),
        )

    def test_belgian_reverse_charge_with_its_legal_clause(self):
        move = self.invoice(
            self.be_customer,
            [self.line(self.hour, 85.0, self.tax("attn_VAT-OUT-00-CC"), 8)],
        )
        xml = self.check("reverse_charge_be", move, "peppol_bis3")
        self.assertEqual(
            self.breakdown(xml), [("AE", "0.0", "VATEX-EU-AE", "680.00", "0.00")]
        )
        # [BT-120] the legal mention of art. 20 of Royal Decree no. 1, in the
        # customer's language.
        self.assertEqual(
            golden.values(xml, "//cac:TaxSubtotal//cbc:TaxExemptionReason"),
            [legal_mentions.cases()["be_reverse_charge"].text(move.partner_id.lang)],
        )
        xml = self.check("reverse_charge_be", move, "ublbe")
        self.assertEqual(golden.values(xml, "//cac:TaxCategory/cbc:Name"), ["45"])

    def test_intra_eu_goods_and_services(self):
        move = self.invoice(
            self.de_customer,
            [
                self.line(self.table, 640.0, self.tax("attn_VAT-OUT-00-EU-L")),
                self.line(self.hour, 85.0, self.tax("attn_VAT-OUT-00-EU-S"), 4),
            ],
        )
        xml = self.check("intra_eu", move, "peppol_bis3")
        self.assertEqual(
            sorted(self.breakdown(xml)),
            [
                ("AE", "0.0", "VATEX-EU-AE", "340.00", "0.00"),
                ("K", "0.0", "VATEX-EU-IC", "640.00", "0.00"),
            ],
        )

    def test_export_outside_the_eu(self):
        move = self.invoice(
            self.us_customer,
            [self.line(self.table, 640.0, self.tax("attn_VAT-OUT-00-ROW"), 2)],
        )
        xml = self.check("export", move, "peppol_bis3")
        self.assertEqual(
            self.breakdown(xml), [("G", "0.0", "VATEX-EU-G", "1280.00", "0.00")]
        )

    def test_an_exemption_carries_its_vatex_code(self):
        # The Belgian chart's 0 % taxes are zero-rated (grid 00): a tax for sales
        # exempt under art. 44 is made so by hand.
        exempt = self.tax("attn_VAT-OUT-00-S")
        exempt.write({"einvoice_vat_kind": "exempt", "einvoice_vatex": "VATEX-EU-132"})
        move = self.invoice(self.be_customer, [self.line(self.hour, 85.0, exempt, 2)])
        xml = self.check("exempt", move, "peppol_bis3")
        self.assertEqual(
            self.breakdown(xml), [("E", "0.0", "VATEX-EU-132", "170.00", "0.00")]
        )

    def test_a_consumer_without_vat_number(self):
        # A consumer has no VAT number and no registration: the UBL says so (no VAT
        # identifier, UBL-SR-53), and the check names only what a business
        # receiver's profile needs and a consumer cannot have: a Peppol address
        # (PEPPOL-EN16931-R010), a KvK or OIN number for NLCIUS (BR-NL-10).
        consumer = self.env["res.partner"].create(
            {
                "name": "Marie Peeters",
                "street": "Veldstraat 7",
                "zip": "9000",
                "city": "Gent",
                "country_id": self.env.ref("base.be").id,
                "email": "marie.peeters@example.com",
            }
        )
        move = self.invoice(
            consumer, [self.line(self.table, 640.0, self.tax("attn_VAT-OUT-21-L"))]
        )
        xml = move.einvoice_ubl("peppol_bis3")
        self.assertEqual(
            golden.values(xml, "//cac:AccountingCustomerParty//cac:PartyTaxScheme"),
            [],
        )
        [result] = move.einvoice_check("peppol_bis3")
        self.assertEqual(
            [p["rule"] for p in result["problems"]], ["PEPPOL-EN16931-R010"]
        )
        self.assertIn("Peppol address", result["problems"][0]["text"])
        nl_consumer = consumer.copy(
            {
                "country_id": self.env.ref("base.nl").id,
                "zip": "3511 AE",
                "city": "Utrecht",
            }
        )
        move = self.invoice(
            nl_consumer,
            [self.line(self.table, 499.0, self.tax("btw_21", self.nl_company))],
            company=self.nl_company,
        )
        [result] = move.einvoice_check("nlcius")
        # Odoo's own check says it too.
        self.assertEqual({p["rule"] for p in result["problems"]}, {"ODOO", "BR-NL-10"})

    def test_credit_note_in_ublbe(self):
        invoice = self.invoice(
            self.be_customer,
            [self.line(self.table, 640.0, self.tax("attn_VAT-OUT-21-L"))],
        )
        reversal = (
            self.env["account.move.reversal"]
            .with_context(active_model="account.move", active_ids=invoice.ids)
            .create(
                {
                    "journal_id": invoice.journal_id.id,
                    "reason": "damaged",
                    "date": fields.Date.to_date("2026-11-12"),
                }
            )
        )
        credit_note = self.env["account.move"].browse(reversal.refund_moves()["res_id"])
        credit_note.invoice_date_due = fields.Date.to_date("2026-11-12")
        credit_note.action_post()
        xml = self.check("credit_note", credit_note, "ublbe")
        self.assertEqual(
            golden.values(xml, "//cac:BillingReference//cbc:ID"), [invoice.name]
        )
        self.assertIn(
            "CreditNote",
            golden.values(
                xml, "//cac:AdditionalDocumentReference/cbc:DocumentDescription"
            ),
        )

    def test_dutch_supplier_nlcius_with_kvk_and_government_oin(self):
        env = self.env(
            context=dict(self.env.context, allowed_company_ids=self.nl_company.ids)
        )
        customers = env["res.partner"].create(
            [
                {
                    "name": "Bouwbedrijf Visser B.V.",
                    "street": "Lange Voorhout 2",
                    "zip": "2514 EA",
                    "city": "Den Haag",
                    "country_id": self.env.ref("base.nl").id,
                    "is_company": True,
                    "vat": "NL200000007B01",
                    "company_registry": "87654321",
                },
                {
                    "name": "Gemeente Utrecht",
                    "street": "Stadsplateau 1",
                    "zip": "3521 AZ",
                    "city": "Utrecht",
                    "country_id": self.env.ref("base.nl").id,
                    "is_company": True,
                    "peppol_eas": "0190",
                    "peppol_endpoint": "00000001002220722000",
                    "company_registry": "00000001002220722000",
                },
            ]
        )
        self.assertEqual(customers[0].peppol_eas, "0106")
        for customer, case in zip(customers, ("nl_kvk", "nl_government"), strict=True):
            move = self.invoice(
                customer,
                [
                    self.line(self.table, 499.0, self.tax("btw_21", self.nl_company)),
                    self.line(self.hour, 65.0, self.tax("btw_9_d", self.nl_company), 2),
                ],
                company=self.nl_company,
            )
            xml = self.check(case, move, "nlcius")
            self.assert_vat_as_booked(move, xml)

    def test_dutch_reverse_charge_is_btw_verlegd(self):
        verlegd = self.tax("btw_verk_0", self.nl_company)
        self.assertEqual(verlegd.einvoice_vat_kind, "reverse_charge")
        contractor = self.nl_customer.copy({"name": "Aannemer Smit B.V."})
        self.assertEqual(contractor.peppol_eas, "9944")
        # A KvK number entered later replaces the address by VAT number.
        contractor.company_registry = "87654321"
        self.assertEqual(
            (contractor.peppol_eas, contractor.peppol_endpoint), ("0106", "87654321")
        )
        move = self.invoice(
            contractor,
            [self.line(self.hour, 65.0, verlegd, 10)],
            company=self.nl_company,
        )
        xml = self.check("nl_reverse_charge", move, "nlcius")
        # NLCIUS advises against the exemption code (BR-NL-35): the text says it.
        self.assertEqual(self.breakdown(xml), [("AE", "0.0", None, "650.00", "0.00")])
        self.assertEqual(
            golden.values(xml, "//cac:TaxSubtotal//cbc:TaxExemptionReason"),
            [legal_mentions.cases()["nl_reverse_charge"].text(move.partner_id.lang)],
        )

    def test_the_ogm_or_rf_reference_is_the_payment_id(self):
        # A Belgian structured communication (OGM, +++ddd/dddd/ddddd+++, mod 97) or
        # an ISO 11649 creditor reference (RF), whichever the journal gives.
        from stdnum import iso11649

        journal = self.env["account.journal"].search(
            [("company_id", "=", self.company.id), ("type", "=", "sale")], limit=1
        )
        for model in ("be", "euro"):
            journal.invoice_reference_model = model
            move = self.invoice(
                self.be_customer,
                [self.line(self.table, 640.0, self.tax("attn_VAT-OUT-21-L"))],
                journal_id=journal.id,
            )
            [payment_id] = golden.values(
                move.einvoice_ubl("peppol_bis3"), "//cac:PaymentMeans/cbc:PaymentID"
            )
            self.assertEqual(payment_id, move.payment_reference)
            if model == "be":
                digits = "".join(c for c in payment_id if c.isdigit())
                self.assertRegex(payment_id, r"^\+\+\+\d{3}/\d{4}/\d{5}\+\+\+$")
                self.assertEqual(int(digits[:10]) % 97 or 97, int(digits[10:]))
            else:
                self.assertTrue(iso11649.is_valid(payment_id), payment_id)
            self.assertTrue(move.einvoice_check("peppol_bis3")[0]["valid"])

    def test_special_characters_and_a_foreign_currency(self):
        usd = self.env.ref("base.USD")
        usd.active = True
        self.env["res.currency.rate"].create(
            {
                "currency_id": usd.id,
                "company_id": self.company.id,
                "name": "2026-11-01",
                "rate": 1.1,
            }
        )
        customer = self.be_customer.copy({"name": "Ωmega & Σία <AE> — 東京 “quotes”"})
        move = self.invoice(
            customer,
            [
                self.line(
                    self.hour, 99.99, self.tax("attn_VAT-OUT-21-S"), 3,
                    name="Réparation d'une chaise & <table> — 修理",
                )
            ],
            currency_id=usd.id,
        )  # fmt: skip
        xml = self.check("foreign_currency_special_characters", move, "peppol_bis3")
        self.assertIn("Ωmega &amp; Σία &lt;AE&gt; — 東京 “quotes”", xml)
        self.assertEqual(golden.values(xml, "cbc:TaxCurrencyCode"), ["EUR"])
        booked = -sum(move.line_ids.filtered("tax_line_id").mapped("balance"))
        self.assertEqual(
            golden.values(xml, "cac:TaxTotal/cbc:TaxAmount[@currencyID='EUR']"),
            [f"{booked:.2f}"],
        )

    def test_ublbe_embeds_the_rendered_pdf(self):
        move = self.invoice(
            self.be_customer,
            [self.line(self.table, 640.0, self.tax("attn_VAT-OUT-21-L"))],
        )
        documents = self.env["einvoice.document"].with_context(
            force_report_rendering=True
        )
        prepared = documents.prepare(move, "ublbe")[move.id]
        xml = prepared.ubl.raw
        [pdf] = golden.values(xml, "//cbc:EmbeddedDocumentBinaryObject")
        import base64

        self.assertTrue(base64.b64decode(pdf).startswith(b"%PDF"))
        self.assertEqual(base64.b64decode(pdf), prepared.pdf.raw)
        [reference] = golden.values(
            xml, "//cac:AdditionalDocumentReference[cac:Attachment]/cbc:ID"
        )
        self.assertEqual(reference, move.name)
