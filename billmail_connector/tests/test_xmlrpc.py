# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import date

from odoo import Command
from odoo.tests import HttpCase, tagged


@tagged("post_install", "-at_install")
class TestOverXmlrpc(HttpCase):
    """An integrator sets up a mailbox and sends an invoice to it over XML-RPC."""

    def test_a_mailbox_and_a_send_over_xmlrpc(self):
        company = self.env["res.company"].search(
            [("name", "=", "Atelier Lambrecht BV")]
        )
        if not company:
            self.skipTest("needs the demo data of setup/demo_data.py")
        env = self.env(context=dict(self.env.context, allowed_company_ids=company.ids))
        invoice = env["account.move"].create(
            {
                "move_type": "out_invoice",
                "partner_id": env["res.partner"]
                .search([("name", "=", "Bakkerij Janssens BV")])
                .id,
                "invoice_date": date(2026, 11, 2),
                "invoice_line_ids": [
                    Command.create({"name": "Repair", "price_unit": 80})
                ],
            }
        )
        invoice.action_post()
        db = self.env.cr.dbname
        uid = self.xmlrpc_common.authenticate(db, "admin", "admin", {})
        context = {"context": {"allowed_company_ids": company.ids}}

        def call(model, method, *args, **kwargs):
            return self.xmlrpc_object.execute_kw(
                db, uid, "admin", model, method, list(args), dict(context, **kwargs)
            )

        mailbox_id = call(
            "billmail.mailbox",
            "create",
            {
                "preset": "yuki",
                "document_type": "out_invoice",
                "email": "atelier-lambrecht@yukiworks.be",
                "ubl_profile": False,
                "attach_pdf": True,
            },
        )
        result = call("account.move", "billmail_send", [invoice.id], remark="November")
        self.assertEqual(len(result["queued"]), 1)
        self.assertEqual(result["skipped"], [])
        self.assertFalse(result["background"])
        (transmission,) = call(
            "einvoice.transmission",
            "read",
            result["queued"],
            fields=["state", "recipients", "formats", "billmail_mailbox_id"],
        )
        self.assertEqual(transmission["state"], "sending")
        self.assertEqual(transmission["recipients"], "atelier-lambrecht@yukiworks.be")
        self.assertEqual(transmission["formats"], "PDF")
        self.assertEqual(transmission["billmail_mailbox_id"][0], mailbox_id)
        again = call("account.move", "billmail_send", [invoice.id])
        self.assertIn("already on its way", again["skipped"][0]["reason"])
