# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Statutory late-payment figures of an invoice, from the shipped rate table."""

from odoo import Command, fields
from odoo.exceptions import ValidationError
from odoo.tests import tagged

from .common import DemoCompanyCase


@tagged("post_install", "-at_install")
class TestLateInterest(DemoCompanyCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.hour = cls.env["product.product"].search(
            [("name", "=", "Workshop hour")], limit=1
        )

    def invoice(self, partner=None, day="2025-01-10", due="2025-02-09", company=None):
        env = self.env(
            context=dict(
                self.env.context, allowed_company_ids=(company or self.company).ids
            )
        )
        move = env["account.move"].create(
            {
                "move_type": "out_invoice",
                "partner_id": (partner or self.customer).id,
                "invoice_date": fields.Date.to_date(day),
                "invoice_date_due": fields.Date.to_date(due),
                "invoice_payment_term_id": False,
                "invoice_line_ids": [
                    Command.create(
                        {"product_id": self.hour.id, "quantity": 2, "price_unit": 85}
                    )
                ],
            }
        )
        move.action_post()
        return move

    def pay(self, move, amount, day):
        self.env["account.payment.register"].with_context(
            active_model="account.move", active_ids=move.ids
        ).create(
            {"amount": amount, "payment_date": fields.Date.to_date(day)}
        )._create_payments()

    def test_a_business_customer_owes_the_commercial_rate_and_the_fixed_compensation(
        self,
    ):
        move = self.invoice()
        self.assertEqual(move.amount_total, 205.70)
        (figures,) = move.einvoice_late_interest("2025-03-11")
        # 30 days at 11.5 % on 205.70
        self.assertEqual(figures["interest"], 1.94)
        self.assertEqual(figures["compensation"], 40.0)
        self.assertEqual(figures["days_late"], 30)
        self.assertEqual(figures["kind"], "commercial")
        self.assertFalse(figures["compound"])
        self.assertFalse(figures["problem"])

    def test_a_partial_payment_lowers_the_base_from_its_date_and_rates_change(self):
        move = self.invoice()
        self.pay(move, 100, "2025-02-20")
        (figures,) = move.einvoice_late_interest("2025-03-11")
        # 10 days on 205.70, 20 days on 105.70, at 11.5 %
        self.assertEqual(
            [(s["days"], s["base"]) for s in figures["stretches"]],
            [(10, 205.70), (20, 105.70)],
        )
        self.assertEqual(figures["interest"], 1.31)
        (later,) = move.einvoice_late_interest("2025-07-10")
        self.assertEqual([s["rate"] for s in later["stretches"]], [11.5, 11.5, 10.5])

    def test_a_paid_invoice_owes_nothing_more_and_a_missing_rate_is_named(self):
        move = self.invoice()
        (figures,) = move.einvoice_late_interest("2026-07-05")
        self.assertIn("2026-07-01", figures["problem"])
        self.assertIn("Legal interest rates", figures["problem"])
        self.pay(move, 205.70, "2025-02-09")
        (figures,) = move.einvoice_late_interest("2025-03-11")
        self.assertEqual(figures["interest"], 0.0)

    def test_a_consumer_owes_the_legal_rate_without_fixed_costs(self):
        person = self.env["res.partner"].create(
            {
                "name": "Jan Peeters",
                "is_company": False,
                "street": "Veldstraat 7",
                "zip": "9000",
                "city": "Gent",
                "country_id": self.env.ref("base.be").id,
            }
        )
        move = self.invoice(partner=person)
        (figures,) = move.einvoice_late_interest("2025-03-11")
        self.assertEqual(figures["kind"], "legal")
        # 30 days at 4.5 % on 205.70
        self.assertEqual(figures["interest"], 0.76)
        self.assertEqual(figures["compensation"], 0.0)

    def test_the_rate_table_is_sourced_and_checked(self):
        rates = self.env["einvoice.legal.rate"].search([])
        self.assertTrue(rates)
        self.assertTrue(all(rate.publication for rate in rates))
        official = self.env.ref("l10n_be_nl_einvoice.legal_rate_be_commercial_2023_1")
        self.assertEqual((official.rate, official.evidence), (10.5, "official"))
        with self.assertRaises(ValidationError):
            official.date_to = "2022-12-31"
