# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.tests import HttpCase, tagged


@tagged("post_install", "-at_install")
class TestDataQualityOverXmlrpc(HttpCase):
    """An integrator reads the data-quality list, fixes a number and sets a company's
    VAT scheme over XML-RPC."""

    def test_the_data_quality_list_over_xmlrpc(self):
        company = self.env["res.company"].search(
            [("name", "=", "Atelier Lambrecht BV")]
        )
        if not company:
            self.skipTest("needs the demo data of setup/demo_data.py")
        customer = self.env["res.partner"].search(
            [("name", "=", "Bakkerij Janssens BV")]
        )
        wrong = customer.with_context(no_vat_validation=True).copy(
            {"name": "Slagerij Peeters BV", "vat": "BE0555444369", "customer_rank": 1}
        )
        db = self.env.cr.dbname
        uid = self.xmlrpc_common.authenticate(db, "admin", "admin", {})

        def call(model, method, *args, **kwargs):
            return self.xmlrpc_object.execute_kw(
                db, uid, "admin", model, method, list(args), kwargs
            )

        rows = call("res.partner", "einvoice_data_quality", company.id)
        [row] = [row for row in rows if row["id"] == wrong.id]
        [problem] = row["problems"]
        self.assertEqual(
            (problem["model"], problem["res_id"], problem["field"], problem["code"]),
            ("res.partner", wrong.id, "vat", "vat_invalid"),
        )
        self.assertTrue(problem["blocking"])
        call("res.partner", "write", [wrong.id], {"vat": "BE0555444368"})
        rows = call("res.partner", "einvoice_data_quality", company.id)
        self.assertNotIn(wrong.id, [row["id"] for row in rows])
        call(
            "res.company",
            "write",
            [company.id],
            {"einvoice_vat_scheme": "be_franchise"},
        )
        self.assertTrue(company.einvoice_hide_vat)
