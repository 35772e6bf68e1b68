# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields
from odoo.exceptions import UserError
from odoo.tests import TransactionCase, tagged


@tagged("post_install", "-at_install")
class TestUblCheck(TransactionCase):
    """The pre-flight check on the Belgian demo company's invoices."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.env["res.company"].search(
            [("name", "=", "Atelier Lambrecht BV")]
        )
        if not cls.company:
            cls.skipTest(cls, "needs the demo data of setup/demo_data.py")
        cls.env = cls.env(
            context=dict(cls.env.context, allowed_company_ids=cls.company.ids)
        )
        cls.customer = cls.env["res.partner"].search(
            [("name", "=", "Bakkerij Janssens BV")]
        )

    def _invoice(self, partner=None):
        move = self.env["account.move"].create(
            {
                "move_type": "out_invoice",
                "partner_id": (partner or self.customer).id,
                "invoice_date": fields.Date.to_date("2026-11-10"),
                "invoice_line_ids": [
                    (
                        0,
                        0,
                        {"name": "Workshop hour", "quantity": 3, "price_unit": 85.0},
                    ),
                    (
                        0,
                        0,
                        {
                            "name": "Oak & <walnut> table",
                            "quantity": 1,
                            "price_unit": 640.0,
                        },
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
            move.einvoice_ubl("ublbe")

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
        customer = self.customer.copy(
            {"name": "No country", "country_id": False, "vat": False}
        )
        move = self._invoice(customer)
        [result] = move.einvoice_check("peppol_bis3")
        self.assertFalse(result["valid"])
        self.assertEqual(move.einvoice_check_state, "error")
        self.assertIn("the customer", move.einvoice_check_messages)
        action = move.action_einvoice_check()
        self.assertEqual(action["params"]["type"], "danger")

    def test_draft_invoices_have_no_e_invoice(self):
        move = self.env["account.move"].create(
            {"move_type": "out_invoice", "partner_id": self.customer.id}
        )
        with self.assertRaisesRegex(UserError, "only posted customer invoices"):
            move.einvoice_check()
