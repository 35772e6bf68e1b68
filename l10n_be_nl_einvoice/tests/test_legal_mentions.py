# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Every invoice carries the legal mentions of its case, in its customer's language,
on the printed invoice and in the UBL, valid against the official rules; a business
under a small-business exemption invoices without VAT."""

from html import unescape

from odoo.exceptions import UserError
from odoo.tests import tagged

from ..lib import legal_mentions
from . import golden
from .common import DemoInvoicingCase


@tagged("post_install", "-at_install")
class TestLegalMentions(DemoInvoicingCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        for code in ("nl_BE", "fr_BE", "de_DE", "nl_NL"):
            cls.env["res.lang"]._activate_lang(code)
        cls.fr_customer = cls.env["res.partner"].search(
            [("name", "=", "Brasserie du Parc SRL")]
        )
        cls.be_customer.lang = "nl_BE"
        cls.fr_customer.lang = "fr_BE"
        cls.de_customer.lang = "de_DE"
        cls.nl_customer.lang = "nl_NL"

    # -- helpers ----------------------------------------------------------------------

    def invoice(self, partner, lines, company=None, post=True):
        """`lines`: (product, price, taxes, quantity) each."""
        lines = [self.line(*line) for line in lines]
        return super().invoice(partner, lines, company=company, post=post)

    def html(self, move):
        report = self.env["ir.actions.report"].with_company(move.company_id)
        html, _type = report._render_qweb_html("account.account_invoices", move.ids)
        return unescape(html.decode())

    def text(self, key, partner):
        return legal_mentions.cases()[key].text(partner.lang)

    def assert_mention(self, move, key, profile="peppol_bis3", reason=True):
        """The mention of `key` in the customer's language is on the printed invoice,
        in the UBL's note and (for a VAT category) its exemption reason, and the
        UBL passes the official rules."""
        text = self.text(key, move.partner_id)
        self.assertEqual(move._einvoice_legal_cases(), [key])
        self.assertIn(text, self.html(move))
        xml = move.einvoice_ubl(profile)
        [note] = golden.values(xml, "/*/cbc:Note")
        self.assertIn(text, note)
        if reason:
            self.assertIn(
                text, golden.values(xml, "//cac:TaxSubtotal//cbc:TaxExemptionReason")
            )
        [result] = move.einvoice_check(profile)
        self.assertTrue(result["valid"], result["problems"])
        return xml

    # -- the cases --------------------------------------------------------------------

    def test_every_case_has_a_basis_a_source_and_four_languages(self):
        for case in legal_mentions.cases().values():
            self.assertTrue(case.basis, case.key)
            self.assertTrue(case.sources, case.key)
            self.assertEqual(set(case.texts), {"nl", "fr", "de", "en"}, case.key)
            for source in case.sources:
                self.assertIn(source["evidence"], ("official", "secondary", "derived"))

    def test_belgian_reverse_charge_in_dutch_and_in_french(self):
        cc = self.tax("attn_VAT-OUT-00-CC")
        move = self.invoice(self.be_customer, [(self.hour, 85.0, cc, 8)])
        self.assert_mention(move, "be_reverse_charge")
        self.assertIn("Verlegging", self.text("be_reverse_charge", self.be_customer))
        move = self.invoice(self.fr_customer, [(self.hour, 85.0, cc, 8)])
        self.assert_mention(move, "be_reverse_charge")
        self.assertIn(
            "autoliquidation",
            self.text("be_reverse_charge", self.fr_customer).lower(),
        )

    def test_belgian_intra_eu_goods_and_services_in_german(self):
        goods = self.tax("attn_VAT-OUT-00-EU-L")
        services = self.tax("attn_VAT-OUT-00-EU-S")
        move = self.invoice(
            self.de_customer,
            [(self.table, 640.0, goods, 1), (self.hour, 85.0, services, 4)],
        )
        self.assertEqual(
            move._einvoice_legal_cases(), ["be_intra_eu_goods", "be_intra_eu_services"]
        )
        html = self.html(move)
        xml = move.einvoice_ubl("peppol_bis3")
        [note] = golden.values(xml, "/*/cbc:Note")
        for key in ("be_intra_eu_goods", "be_intra_eu_services"):
            text = self.text(key, self.de_customer)
            self.assertIn(text, html)
            self.assertIn(text, note)
        [result] = move.einvoice_check("peppol_bis3")
        self.assertTrue(result["valid"], result["problems"])

    def test_belgian_export(self):
        move = self.invoice(
            self.us_customer, [(self.table, 640.0, self.tax("attn_VAT-OUT-00-ROW"), 2)]
        )
        self.assert_mention(move, "be_export")

    def test_belgian_exemption_names_its_article(self):
        exempt = self.tax("attn_VAT-OUT-00-S")
        exempt.write({"einvoice_vat_kind": "exempt", "einvoice_vatex": "VATEX-EU-132"})
        move = self.invoice(self.be_customer, [(self.hour, 85.0, exempt, 2)])
        key = move._einvoice_legal_cases()[0]
        self.assertTrue(key.startswith("be_exempt"))
        self.assert_mention(move, key)
        self.assertIn("44", legal_mentions.cases()[key].basis)

    def test_dutch_btw_verlegd_intra_eu_and_export(self):
        verlegd = self.tax("btw_verk_0", self.nl_company)
        contractor = self.nl_customer.copy({"name": "Aannemer Smit B.V."})
        contractor.company_registry = "87654321"
        move = self.invoice(
            contractor, [(self.hour, 65.0, verlegd, 10)], company=self.nl_company
        )
        self.assert_mention(move, "nl_reverse_charge", "nlcius")
        self.assertIn("verlegd", self.text("nl_reverse_charge", contractor).lower())
        goods = self.tax("btw_X0_producten", self.nl_company)
        move = self.invoice(
            self.de_customer, [(self.table, 499.0, goods, 1)], company=self.nl_company
        )
        self.assertEqual(move._einvoice_legal_cases(), ["nl_intra_eu_goods"])
        self.assertIn(self.text("nl_intra_eu_goods", self.de_customer), self.html(move))
        export = self.tax("btw_X1", self.nl_company)
        move = self.invoice(
            self.us_customer, [(self.table, 499.0, export, 1)], company=self.nl_company
        )
        self.assertEqual(move._einvoice_legal_cases(), ["nl_export"])

    def test_a_plain_invoice_has_no_mention_but_the_sellers_identity(self):
        move = self.invoice(
            self.be_customer, [(self.hour, 85.0, self.tax("attn_VAT-OUT-21-S"), 1)]
        )
        self.assertEqual(move._einvoice_legal_cases(), [])
        html = self.html(move)
        self.assertIn("0712.345.630", html)  # the enterprise number
        self.assertIn(self.company.vat, html)
        self.assertIn(self.be_customer.vat, html)
        xml = move.einvoice_ubl("peppol_bis3")
        self.assertEqual(golden.values(xml, "/*/cbc:Note"), [])
        # The register of legal entities, when the company gives it.
        self.company.einvoice_legal_register = "RPR Brussel"
        self.assertIn("0712.345.630 – RPR Brussel", self.html(move))

    def test_a_dutch_invoice_prints_the_kvk_number(self):
        move = self.invoice(
            self.nl_customer,
            [(self.table, 499.0, self.tax("btw_21", self.nl_company), 1)],
            company=self.nl_company,
            post=False,
        )
        self.assertIn(f"KvK {self.nl_company.company_registry}", self.html(move))

    def test_a_seller_without_its_registration_cannot_post(self):
        self.nl_company.company_registry = False
        move = self.invoice(
            self.nl_customer,
            [(self.table, 499.0, self.tax("btw_21", self.nl_company), 1)],
            company=self.nl_company,
            post=False,
        )
        with self.assertRaisesRegex(UserError, "KvK"):
            move.action_post()

    # -- hide VAT ----------------------------------------------------------------------

    def test_a_small_business_invoices_without_vat(self):
        self.company.einvoice_vat_scheme = "be_franchise"
        exempt = self.tax("attn_VAT-OUT-00-S")
        move = self.invoice(self.be_customer, [(self.hour, 85.0, exempt, 2)])
        html = self.html(move)
        text = self.text("be_franchise", self.be_customer)
        self.assertIn(text, html)
        self.assertNotIn('name="th_taxes"', html)
        self.assertNotIn("o_taxes", html)
        self.assertIn('name="einvoice_total_without_vat"', html)
        for profile in ("peppol_bis3", "ublbe"):
            xml = move.einvoice_ubl(profile)
            categories = set(golden.values(xml, "//cac:TaxCategory/cbc:ID"))
            categories |= set(golden.values(xml, "//cac:ClassifiedTaxCategory/cbc:ID"))
            self.assertEqual(categories, {"E"}, profile)
            self.assertEqual(
                golden.values(xml, "/*/cac:TaxTotal/cbc:TaxAmount"), ["0.00"], profile
            )
            [result] = move.einvoice_check(profile)
            self.assertTrue(result["valid"], (profile, result["problems"]))
        self.assertIn(
            text, golden.values(move.einvoice_ubl("peppol_bis3"), "/*/cbc:Note")[0]
        )
        # Charging VAT under the scheme is refused before a number is given.
        with self.assertRaisesRegex(UserError, "may not charge VAT"):
            self.invoice(
                self.be_customer, [(self.hour, 85.0, self.tax("attn_VAT-OUT-21-S"), 1)]
            )

    def test_the_dutch_kor(self):
        self.nl_company.einvoice_vat_scheme = "nl_kor"
        zero = self.tax("btw_0", self.nl_company)
        customer = self.nl_customer.copy({"name": "Kapsalon Visser B.V."})
        customer.company_registry = "76543210"
        move = self.invoice(
            customer, [(self.table, 499.0, zero, 1)], company=self.nl_company
        )
        self.assertEqual(move._einvoice_legal_cases(), ["nl_kor"])
        self.assertIn(self.text("nl_kor", customer), self.html(move))
        [result] = move.einvoice_check("nlcius")
        self.assertTrue(result["valid"], result["problems"])
