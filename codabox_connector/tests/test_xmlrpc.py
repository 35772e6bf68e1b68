# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The README's CodaBox methods over XML-RPC, each called by a user allowed to and
by one who must be refused (an access error, nothing done), against the local
stand-in of CodaBox.

Who may: billing users open and read the connection and send invoices; the
accounting manager of the company connects, checks, imports and disconnects;
the credentials are readable by system administrators only."""

from odoo import Command, fields
from odoo.tests import HttpCase, tagged

from odoo.addons.l10n_be_nl_einvoice.tests.common import XmlrpcAsUsers

from .common import KBO, codabox_users, reset_fake_codabox, start_fake_codabox


@tagged("post_install", "-at_install")
class TestOverXmlrpc(XmlrpcAsUsers, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.env["res.company"].search(
            [("name", "=", "Atelier Lambrecht BV")]
        )
        if not cls.company:
            cls.skipTest(cls, "needs the demo data of setup/demo_data.py")
        cls.fake = start_fake_codabox(cls)
        codabox_users(cls)
        cls.connection = cls.env["codabox.connection"]._for_company(cls.company)

    def setUp(self):
        super().setUp()
        reset_fake_codabox(self.fake)

    def connect(self):
        """Connected as if a manager had done it (the token dance is tested on its
        own)."""
        username, password = self.fake.connect(KBO)
        self.connection.sudo().write(
            {"username": username, "password": password, "vat": KBO}
        )
        self.connection.state = "connected"

    def invoice(self):
        env = self.env(
            context=dict(self.env.context, allowed_company_ids=self.company.ids)
        )
        move = env["account.move"].create(
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
        move.action_post()
        return move

    def test_the_company_s_connection_opens_for_billing_users_not_internal_ones(self):
        for role in ("billing", "manager", "admin"):
            action = self.rpc(
                self.users[role], "codabox.connection", "action_open_company_connection"
            )
            self.assertEqual(action["res_id"], self.connection.id, role)
        self.assertRpcRefused(
            self.users["internal"],
            "codabox.connection",
            "action_open_company_connection",
        )

    def test_a_manager_connects_the_company_with_the_emailed_token(self):
        manager = self.users["manager"]
        self.assertRpcRefused(
            self.users["billing"],
            "codabox.connect.wizard",
            "create",
            {"connection_id": self.connection.id},
        )
        wizard_id = self.rpc(
            manager,
            "codabox.connect.wizard",
            "create",
            {"connection_id": self.connection.id},
        )
        # Neither someone without accounting rights nor the manager of another
        # company gets CodaBox to e-mail a token for this company.
        for user in (self.users["internal"], self.other_manager):
            self.assertRpcRefused(
                user, "codabox.connect.wizard", "action_request_token", [wizard_id]
            )
        foreign = self.rpc(
            self.other_manager,
            "codabox.connect.wizard",
            "create",
            {"connection_id": self.connection.id},
        )
        self.assertRpcRefused(
            self.other_manager,
            "codabox.connect.wizard",
            "action_request_token",
            [foreign],
        )
        self.assertFalse(self.fake.emailed_tokens)
        self.rpc(manager, "codabox.connect.wizard", "action_request_token", [wizard_id])
        ((_vat, token),) = self.fake.emailed_tokens
        self.assertRpcRefused(
            self.users["billing"],
            "codabox.connect.wizard",
            "write",
            [wizard_id],
            {"token": token},
        )
        self.rpc(
            manager, "codabox.connect.wizard", "write", [wizard_id], {"token": token}
        )
        # The token works once: refused before it reaches CodaBox, it still works.
        self.rpc(
            self.other_manager,
            "codabox.connect.wizard",
            "write",
            [foreign],
            {"token": token, "step": "token"},
        )
        self.assertRpcRefused(
            self.other_manager, "codabox.connect.wizard", "action_confirm", [foreign]
        )
        self.rpc(manager, "codabox.connect.wizard", "action_confirm", [wizard_id])
        (connection,) = self.rpc(
            self.users["billing"],
            "codabox.connection",
            "read",
            [self.connection.id],
            ["state", "vat", "client_name", "last_error"],
        )
        self.assertEqual(connection["state"], "connected")
        self.assertEqual(connection["vat"], KBO)
        self.assertEqual(connection["client_name"], f"Client {KBO}")

    def test_checking_and_importing_are_the_manager_s(self):
        self.connect()
        for role in ("manager", "admin"):
            self.assertTrue(
                self.rpc(
                    self.users[role],
                    "codabox.connection",
                    "action_check",
                    [self.connection.id],
                )
            )
        checks = len(self.fake.requests)
        for role in ("billing", "internal"):
            self.assertRpcRefused(
                self.users[role],
                "codabox.connection",
                "action_check",
                [self.connection.id],
            )
            self.assertRpcRefused(
                self.users[role],
                "codabox.connection",
                "action_fetch_now",
                [self.connection.id],
            )
        self.assertEqual(len(self.fake.requests), checks, "CodaBox not asked")
        cron = self.env.ref("codabox_connector.ir_cron_codabox_fetch")
        triggers = self.env["ir.cron.trigger"].search_count([("cron_id", "=", cron.id)])
        action = self.rpc(
            self.users["manager"],
            "codabox.connection",
            "action_fetch_now",
            [self.connection.id],
        )
        self.assertEqual(action["tag"], "display_notification")
        self.assertEqual(
            self.env["ir.cron.trigger"].search_count([("cron_id", "=", cron.id)]),
            triggers + 1,
        )

    def test_billing_users_read_the_state_and_only_administrators_the_credentials(self):
        self.connect()
        state_fields = [
            "state",
            "vat",
            "vat_changed",
            "last_contact",
            "last_fetch",
            "last_fetch_summary",
            "last_error",
        ]
        for role in ("billing", "manager", "admin"):
            (connection,) = self.rpc(
                self.users[role],
                "codabox.connection",
                "read",
                [self.connection.id],
                state_fields,
            )
            self.assertEqual(connection["state"], "connected", role)
        self.assertRpcRefused(
            self.users["internal"],
            "codabox.connection",
            "read",
            [self.connection.id],
            state_fields,
        )
        for role in ("billing", "manager"):
            self.assertRpcRefused(
                self.users[role],
                "codabox.connection",
                "read",
                [self.connection.id],
                ["password"],
            )
        (secret,) = self.rpc(
            self.users["admin"],
            "codabox.connection",
            "read",
            [self.connection.id],
            ["username", "password"],
        )
        self.assertEqual(secret["username"], f"user-{KBO}")

    def test_only_the_manager_disconnects(self):
        self.connect()
        # The case: a user who cannot even read the connection wiped its
        # credentials; nor may a billing user.
        for role in ("internal", "billing"):
            self.assertRpcRefused(
                self.users[role],
                "codabox.connection",
                "action_disconnect",
                [self.connection.id],
            )
        self.assertEqual(self.connection.state, "connected")
        self.assertEqual(self.connection.sudo().username, f"user-{KBO}")
        self.rpc(
            self.users["manager"],
            "codabox.connection",
            "action_disconnect",
            [self.connection.id],
        )
        self.assertEqual(self.connection.state, "draft")
        self.assertFalse(self.connection.sudo().password)

    def test_billing_users_send_invoices_through_codabox(self):
        self.connect()
        invoice = self.invoice()
        self.assertRpcRefused(
            self.users["internal"], "account.move", "codabox_send", [invoice.id]
        )
        self.assertFalse(self.fake.uploads)
        result = self.rpc(
            self.users["billing"], "account.move", "codabox_send", [invoice.id]
        )
        self.assertEqual(result["sent"], [invoice.id])
        self.assertEqual(len(self.fake.uploads), 1)
