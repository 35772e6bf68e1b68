# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import Command, fields
from odoo.exceptions import UserError
from odoo.tests import tagged

from .common import (
    DemoCompanyCase,
    overseas_customer,
    own_sales_journal,
    role_users,
)


@tagged("post_install", "-at_install")
class TestUblCheck(DemoCompanyCase):
    """The pre-flight check on the Belgian demo company's invoices."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # Invoices at a fixed date: in a sales journal of the tests' own.
        cls.journal = own_sales_journal(cls.env, cls.company)
        products = cls.env["product.product"]
        cls.hour = products.search([("name", "=", "Workshop hour")], limit=1)
        cls.table = products.search([("name", "=", "Oak side table")], limit=1)

    def _invoice(self, partner=None):
        move = self.env["account.move"].create(
            {
                "move_type": "out_invoice",
                "partner_id": (partner or self.customer).id,
                "journal_id": self.journal.id,
                "invoice_date": fields.Date.to_date("2026-11-10"),
                "invoice_line_ids": [
                    Command.create({"product_id": self.hour.id, "quantity": 3}),
                    Command.create(
                        {"product_id": self.table.id, "name": "Oak & <walnut> table"}
                    ),
                ],
            }
        )
        move.action_post()
        return move

    def test_the_xml_of_a_profile_is_available_over_rpc(self):
        move = self._invoice()
        xml = move.einvoice_ubl("peppol_bis3")
        self.assertIn("urn:fdc:peppol.eu:2017:poacc:billing:3.0", xml)
        self.assertIn("Oak &amp; &lt;walnut&gt; table", xml)
        self.assertIn(move.name, xml)
        with self.assertRaisesRegex(UserError, "cannot be produced yet"):
            move.einvoice_ubl("xrechnung")

    def test_the_check_stores_what_the_official_rules_say(self):
        move = self._invoice()
        [result] = move.einvoice_check("peppol_bis3")
        self.assertEqual(result["profile"], "peppol_bis3")
        self.assertEqual(
            move.einvoice_check_state, "ok" if result["valid"] else "error"
        )
        for problem in result["problems"]:
            self.assertTrue(problem["rule"] and problem["text"] and problem["where"])
            self.assertIn(f"[{problem['rule']}]", move.einvoice_check_messages)

    def test_a_customer_without_country_is_an_error_a_bookkeeper_can_act_on(self):
        # Posting needs the customer's country (the master-data gate); a country
        # removed afterwards is caught by the check before sending.
        customer = self.customer.copy({"name": "No country", "vat": False})
        move = self._invoice(customer)
        customer.country_id = False
        [result] = move.einvoice_check("peppol_bis3")
        self.assertFalse(result["valid"])
        self.assertEqual(move.einvoice_check_state, "error")
        self.assertIn("the customer", move.einvoice_check_messages)
        action = move.action_einvoice_check()
        self.assertEqual(action["params"]["type"], "danger")

    def test_checking_an_e_invoice_is_not_sending_it(self):
        # UBL.BE carries the invoice's PDF: Check e-invoice renders it, and that PDF
        # stays in Odoo. The invoice is not marked printed, and the last invoice of
        # the series can still be deleted. The UBL.BE handed out (einvoice_ubl) is
        # a download like the PDF's.
        billing = role_users(self.env, self.company, prefix="check")["billing"]
        self.customer.with_company(self.company).einvoice_ubl_profile = "ublbe"
        handed_out, checked = self._invoice(), self._invoice()
        action = (
            checked.with_user(billing)
            .with_context(force_report_rendering=True)
            .action_einvoice_check()
        )
        self.assertEqual(
            action["params"]["type"], "success", checked.einvoice_check_messages
        )
        self.assertEqual(checked.einvoice_check_state, "ok")
        self.assertFalse(checked.einvoice_sent)
        handed_out.with_user(billing).einvoice_ubl("ublbe")
        self.assertTrue(handed_out.einvoice_sent)
        checked.with_user(billing).button_draft()
        checked.with_user(billing).unlink()
        self.assertFalse(checked.exists())
        handed_out.with_user(billing).button_draft()
        with self.assertRaisesRegex(UserError, "already sent, printed or downloaded"):
            handed_out.with_user(billing).unlink()

    def test_draft_invoices_have_no_e_invoice(self):
        move = self.env["account.move"].create(
            {"move_type": "out_invoice", "partner_id": self.customer.id}
        )
        with self.assertRaisesRegex(UserError, "only posted customer invoices"):
            move.einvoice_check()

    def test_belgian_and_dutch_customers_get_their_peppol_address(self):
        partners = self.env["res.partner"].create(
            [
                {"name": "BE by VAT", "country_id": self.env.ref("base.be").id,
                 "vat": "BE0876543270", "is_company": True},
                {"name": "NL by VAT", "country_id": self.env.ref("base.nl").id,
                 "vat": "NL200000007B01", "is_company": True},
                {"name": "NL by KvK", "country_id": self.env.ref("base.nl").id,
                 "vat": "NL200000007B01", "company_registry": "87654321",
                 "is_company": True},
            ]
        )  # fmt: skip
        self.assertEqual(
            [(p.peppol_eas, p.peppol_endpoint) for p in partners],
            [("0208", "0876543270"), ("9944", "NL200000007B01"), ("0106", "87654321")],
        )

    def test_a_dutch_customer_known_by_vat_only_passes_peppol(self):
        # Odoo wrote the 9944 VAT address as the legal registration scheme
        # (BR-CL-11).
        customer = self.env["res.partner"].search(
            [("name", "=", "Groenteboer Bakker B.V.")]
        )
        move = self._invoice(customer)
        [result] = move.einvoice_check("peppol_bis3")
        self.assertEqual(result["problems"], [])
        self.assertNotIn(
            'schemeID="9944"', move.einvoice_ubl().split("PartyLegalEntity")[1]
        )

    def test_a_credit_note_refers_to_its_invoice_and_passes(self):
        invoice = self._invoice()
        reversal = (
            self.env["account.move.reversal"]
            .with_context(active_model="account.move", active_ids=invoice.ids)
            .create({"journal_id": invoice.journal_id.id, "reason": "returned table"})
        )
        credit_note = self.env["account.move"].browse(reversal.refund_moves()["res_id"])
        credit_note.action_post()
        xml = credit_note.einvoice_ubl("peppol_bis3")
        self.assertIn("<CreditNote", xml)
        self.assertIn(
            f"<cbc:ID>{invoice.name}</cbc:ID>", xml.split("BillingReference")[1]
        )
        [result] = credit_note.einvoice_check("peppol_bis3")
        self.assertEqual(result["problems"], [])

    def test_special_characters_and_non_latin_names_pass(self):
        customer = self.customer.copy({"name": "Ωmega & Σία <AE> — 東京"})
        move = self._invoice(customer)
        xml = move.einvoice_ubl("peppol_bis3")
        self.assertIn("Ωmega &amp; Σία &lt;AE&gt; — 東京", xml)
        [result] = move.einvoice_check("peppol_bis3")
        self.assertEqual(result["problems"], [])

    def test_sending_stops_an_e_invoice_that_fails_the_official_rules(self):
        sender = self.env["account.move.send"]
        good = self._invoice()
        data = {"invoice_edi_format": "ubl_bis3"}
        sender._hook_invoice_document_before_pdf_report_render(good, data)
        # The rules run while the PDFs render; the sending waits for them.
        sender._einvoice_check_ubls({good: data})()
        self.assertNotIn("error", data)
        self.assertIn(b"<Invoice", data["ubl_cii_xml_attachment_values"]["raw"])

        export = overseas_customer(self.env)
        bad = self._invoice(export)
        data = {"invoice_edi_format": "ubl_bis3"}
        sender._hook_invoice_document_before_pdf_report_render(bad, data)
        sender._einvoice_check_ubls({bad: data})()
        self.assertNotIn("ubl_cii_xml_attachment_values", data)
        self.assertIn("was not sent", data["error"]["error_title"])
        self.assertTrue(
            any("PEPPOL-EN16931-R010" in e for e in data["error"]["errors"])
        )
        self.assertEqual(bad.einvoice_check_state, "error")

    def test_the_profile_is_the_customers_else_the_companys(self):
        move = self._invoice()
        self.assertEqual(move._einvoice_profile(), self.company.einvoice_ubl_profile)
        self.customer.with_company(self.company).einvoice_ubl_profile = "nlcius"
        self.assertEqual(move._einvoice_profile(), "nlcius")
        self.assertEqual(move._einvoice_profile("peppol_bis3"), "peppol_bis3")
        self.assertIn("urn:fdc:nen.nl:nlcius", move.einvoice_ubl())
        arch = self.env["res.partner"].get_views([(False, "form")])["views"]["form"][
            "arch"
        ]
        self.assertIn('name="einvoice_ubl_profile"', arch)

    def test_the_profile_follows_the_channel(self):
        move = self._invoice()
        self.customer.invoice_edi_format = "nlcius"
        self.company.einvoice_accountant_profile = "ublbe"
        self.assertEqual(move._einvoice_profile(channel="peppol"), "nlcius")
        self.assertEqual(move._einvoice_profile(channel="email"), "nlcius")
        self.assertEqual(move._einvoice_profile(channel="accountant"), "ublbe")
        self.customer.invoice_edi_format = "ublbe"
        self.assertEqual(move._einvoice_profile(channel="peppol"), "peppol_bis3")
        self.assertEqual(move._einvoice_profile(channel="email"), "ublbe")
        self.assertIn(
            "urn:UBL.BE", move.with_context(einvoice_pdf=False).einvoice_ubl(
                channel="email")
        )  # fmt: skip
        with self.assertRaisesRegex(UserError, "Unknown channel"):
            move._einvoice_profile(channel="fax")

    def test_the_tax_form_and_settings_show_the_e_invoice_choices(self):
        tax_arch = self.env["account.tax"].get_views([(False, "form")])["views"][
            "form"
        ]["arch"]
        self.assertIn('name="einvoice_vat_kind"', tax_arch)
        self.assertIn('name="einvoice_vatex"', tax_arch)
        settings_arch = self.env["res.config.settings"].get_views([(False, "form")])[
            "views"
        ]["form"]["arch"]
        self.assertIn('name="einvoice_accountant_profile"', settings_arch)

    def test_sending_as_ublbe_puts_the_pdf_in_the_invoice_reference(self):
        self.customer.invoice_edi_format = "ublbe"
        move = self._invoice()
        sender = self.env["account.move.send"]
        data = {"invoice_edi_format": "ublbe"}
        sender._hook_invoice_document_before_pdf_report_render(move, data)
        self.assertNotIn("error", data)
        data["pdf_attachment_values"] = {"name": "INV.pdf", "raw": b"%PDF-1.4"}
        sender._postprocess_invoice_ubl_xml(move, data)
        xml = data["ubl_cii_xml_attachment_values"]["raw"].decode()
        self.assertEqual(xml.count("<cac:AdditionalDocumentReference>"), 2)
        self.assertEqual(xml.count("EmbeddedDocumentBinaryObject "), 1)
        self.assertIn('filename="INV.pdf"', xml)

    def test_a_foreign_currency_invoice_states_its_vat_in_euro_as_booked(self):
        usd = self.env.ref("base.USD")
        usd.active = True
        self.env["res.currency.rate"].create(
            {"currency_id": usd.id, "company_id": self.company.id, "name": "2026-11-01",
             "rate": 1.1}
        )  # fmt: skip
        move = self.env["account.move"].create(
            {
                "move_type": "out_invoice",
                "partner_id": self.customer.id,
                "currency_id": usd.id,
                "journal_id": self.journal.id,
                "invoice_date": fields.Date.to_date("2026-11-10"),
                "invoice_line_ids": [
                    Command.create(
                        {"product_id": self.hour.id, "quantity": 3, "price_unit": 99.99}
                    )
                ],
            }
        )
        move.action_post()
        booked = -sum(move.line_ids.filtered("tax_line_id").mapped("balance"))
        xml = move.einvoice_ubl("peppol_bis3")
        self.assertIn("<cbc:TaxCurrencyCode>EUR</cbc:TaxCurrencyCode>", xml)
        self.assertIn(
            f'<cbc:TaxAmount currencyID="EUR">{booked:.2f}</cbc:TaxAmount>', xml
        )
        [result] = move.einvoice_check("peppol_bis3")
        self.assertEqual(result["problems"], [])
