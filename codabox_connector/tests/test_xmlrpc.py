# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import Command, fields
from odoo.tests import HttpCase, tagged

from .fake_codabox import SOFTWARE_COMPANY, FakeCodaBox


@tagged("post_install", "-at_install")
class TestOverXmlrpc(HttpCase):
    """An integrator connects a company to CodaBox and sends an invoice, over
    XML-RPC, against the local stand-in of CodaBox."""

    def test_connect_and_send_an_invoice_over_xmlrpc(self):
        company = self.env["res.company"].search(
            [("name", "=", "Atelier Lambrecht BV")]
        )
        if not company:
            self.skipTest("needs the demo data of setup/demo_data.py")
        fake = FakeCodaBox().start()
        self.addCleanup(fake.stop)
        fake.add_office_client("0712345630")
        params = self.env["ir.config_parameter"].sudo()
        params.set_param("codabox_connector.api_url", fake.url)
        params.set_param("codabox_connector.software_company", SOFTWARE_COMPANY)
        env = self.env(context=dict(self.env.context, allowed_company_ids=company.ids))
        invoice = env["account.move"].create(
            {
                "move_type": "out_invoice",
                "partner_id": env["res.partner"]
                .search([("name", "=", "Bakkerij Janssens BV")])
                .id,
                "invoice_date": fields.Date.context_today(env.user),
                "invoice_line_ids": [
                    Command.create(
                        {
                            "product_id": env["product.product"]
                            .search([("name", "=", "Workshop hour")], limit=1)
                            .id,
                            "quantity": 2,
                        }
                    )
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

        connection_id = call("codabox.connection", "action_open_company_connection")[
            "res_id"
        ]
        wizard_id = call(
            "codabox.connect.wizard", "create", {"connection_id": connection_id}
        )
        call("codabox.connect.wizard", "action_request_token", [wizard_id])
        ((_vat, token),) = fake.emailed_tokens
        call("codabox.connect.wizard", "write", [wizard_id], {"token": token})
        call("codabox.connect.wizard", "action_confirm", [wizard_id])
        (connection,) = call(
            "codabox.connection",
            "read",
            [connection_id],
            fields=["state", "vat", "last_error"],
        )
        self.assertEqual(connection["state"], "connected")
        self.assertEqual(connection["vat"], "0712345630")
        result = call("account.move", "codabox_send", [invoice.id])
        self.assertEqual(result["sent"], [invoice.id])
        self.assertEqual(len(fake.uploads), 1)
