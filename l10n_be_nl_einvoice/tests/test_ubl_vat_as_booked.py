# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The VAT of an e-invoice is the VAT in the books: cash rounding, prices with VAT
included rounded globally, zero-rated supplies; each case exported, compared with
its golden file and checked with the official rules."""

from decimal import Decimal
from html import unescape

from odoo.tests import tagged

from ..lib import legal_mentions
from . import golden
from .test_ubl_cases import UblCaseCommon


@tagged("post_install", "-at_install")
class TestUblVatAsBooked(UblCaseCommon):
    def cash_rounding(self, strategy):
        """A cash rounding to 0.05, half up, by `strategy`."""
        accounts = self.env["account.account"].with_company(self.company)

        def account(kind):
            return accounts.search(
                [("company_ids", "in", self.company.ids), ("account_type", "=", kind)],
                limit=1,
            )

        return self.env["account.cash.rounding"].create(
            {
                "name": f"0.05 ({strategy})",
                "rounding": 0.05,
                "strategy": strategy,
                "rounding_method": "HALF-UP",
                "profit_account_id": account("income").id,
                "loss_account_id": account("expense").id,
            }
        )

    def test_cash_rounding(self):
        move = self.invoice(
            self.be_customer,
            [self.line(self.hour, 10.01, self.tax("attn_VAT-OUT-21-S"), 3)],
            invoice_cash_rounding_id=self.cash_rounding("add_invoice_line").id,
        )
        self.assertNotEqual(move.amount_total, 36.34)
        xml = self.check("cash_rounding", move, "peppol_bis3")
        [payable] = golden.values(xml, "//cac:LegalMonetaryTotal/cbc:PayableAmount")
        self.assertEqual(Decimal(payable), Decimal(f"{move.amount_total:.2f}"))

    def test_cash_rounding_by_modifying_the_vat_states_the_vat_booked(self):
        # "Modify tax amount": 10.06 at 21 % is 2.11 VAT and 12.17 in all, paid 12.15;
        # Odoo books the 0.02 on the VAT, which is 2.09 in the books and in the VAT
        # return. The e-invoice states 2.09 (BR-CO-17 allows it), and no rounding.
        move = self.invoice(
            self.be_customer,
            [self.line(self.hour, 10.06, self.tax("attn_VAT-OUT-21-S"))],
            invoice_cash_rounding_id=self.cash_rounding("biggest_tax").id,
        )
        self.assertEqual((move.amount_tax, move.amount_total), (2.09, 12.15))
        self.assertEqual(self.booked_vat(move), 2.09)
        for profile in ("peppol_bis3", "ublbe"):
            xml = self.check("cash_rounding_vat", move, profile)
            self.assert_vat_as_booked(move, xml)
            self.assertEqual(
                self.breakdown(xml), [("S", "21.0", None, "10.06", "2.09")], profile
            )
            self.assertEqual(golden.values(xml, "//cbc:PayableRoundingAmount"), [])
            self.assertEqual(
                golden.values(xml, "cac:LegalMonetaryTotal/cbc:TaxInclusiveAmount"),
                ["12.15"],
            )

    def test_prices_with_vat_rounded_globally_state_the_lines_as_booked(self):
        # Prices with VAT included, VAT rounded globally: Odoo rounds the VAT once and
        # spreads the cents this moves over the lines' booked amounts, which add up
        # to the untaxed total (568.12); each line's subtotal, rounded alone, does
        # not (568.14: BR-CO-10/13 would fail, as in stock Odoo). The e-invoice
        # states each line as booked, its unit price and discount following it.
        self.company.tax_calculation_rounding_method = "round_globally"
        included = self.tax("attn_VAT-OUT-21-L").copy(
            {"name": "21% (VAT included)", "price_include_override": "tax_included"}
        )
        move = self.invoice(
            self.be_customer,
            [
                self.line(self.table, 649.99, included, discount=5.0),
                *(self.line(self.hour, 9.99, included) for _i in range(7)),
            ],
        )
        subtotals = move.invoice_line_ids.mapped("price_subtotal")
        self.assertEqual(
            (f"{sum(subtotals):.2f}", move.amount_untaxed), ("568.14", 568.12)
        )
        booked = [f"{-line.balance:.2f}" for line in move.invoice_line_ids]
        self.assertEqual((booked[0], f"{subtotals[0]:.2f}"), ("510.30", "510.32"))
        for profile in ("peppol_bis3", "ublbe"):
            xml = self.check("vat_included_rounded_globally", move, profile)
            self.assertEqual(
                golden.values(xml, "//cac:InvoiceLine/cbc:LineExtensionAmount"),
                booked,
            )
            self.assertEqual(
                golden.values(xml, "cac:LegalMonetaryTotal/cbc:TaxExclusiveAmount"),
                [f"{move.amount_untaxed:.2f}"],
            )
            self.assert_vat_as_booked(move, xml)

    def test_a_zero_rated_supply_is_z_without_an_exemption(self):
        # Newspapers at the Belgian 0 % rate (the chart's "0%" tax, grid 00) are taxed
        # at a nil rate, not exempt: category Z, no exemption reason (BR-Z-10), and
        # no art. 44 mention on the invoice.
        zero = self.tax("attn_VAT-OUT-00-L")
        self.assertEqual(zero.einvoice_vat_kind, "zero")
        move = self.invoice(
            self.be_customer,
            [self.line(self.table, 2.5, zero, 40, name="Daily newspaper, November")],
        )
        self.assertEqual(move._einvoice_legal_cases(), [])
        for profile in ("peppol_bis3", "ublbe"):
            xml = self.check("zero_rated", move, profile)
            self.assertEqual(
                self.breakdown(xml), [("Z", "0.0", None, "100.00", "0.00")], profile
            )
            self.assertEqual(golden.values(xml, "//cbc:TaxExemptionReason"), [])
            self.assertEqual(golden.values(xml, "/*/cbc:Note"), [])
        self.assertEqual(golden.values(xml, "//cac:TaxCategory/cbc:Name"), ["00"])
        html, _type = self.env["ir.actions.report"]._render_qweb_html(
            "account.account_invoices", move.ids
        )
        for case in legal_mentions.cases().values():
            self.assertNotIn(case.text(move.partner_id.lang), unescape(html.decode()))
        # The Dutch 0 % (grid 1e) is zero-rated too.
        nl_zero = self.tax("btw_0", self.nl_company)
        self.assertEqual(nl_zero.einvoice_vat_kind, "zero")
        kiosk = self.nl_customer.copy({"name": "Kiosk Jansen B.V."})
        kiosk.company_registry = "87654321"
        move = self.invoice(
            kiosk, [self.line(self.table, 2.5, nl_zero, 40)], company=self.nl_company
        )
        self.assertEqual(move._einvoice_legal_cases(), [])
        xml = move.einvoice_ubl("nlcius")
        self.assertEqual(self.breakdown(xml), [("Z", "0.0", None, "100.00", "0.00")])
        self.assertEqual(golden.values(xml, "//cbc:TaxExemptionReason"), [])
        [result] = move.einvoice_check("nlcius")
        self.assertTrue(result["valid"], result["problems"])
