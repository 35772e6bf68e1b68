# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The README's accountant-mailbox methods over XML-RPC, each called by a user
allowed to and by one who must be refused (an access error, nothing sent).

Who may: the accounting manager sets mailboxes up and sends their test message;
billing users send documents to them."""

from datetime import date
from unittest.mock import patch

import odoo
from odoo import Command
from odoo.tests import tagged

from odoo.addons.l10n_be_nl_einvoice.tests.common import (
    DemoXmlrpcCase,
    own_sales_journal,
    start_loopback_smtp,
)

YUKI = "atelier-lambrecht@yukiworks.be"


@tagged("post_install", "-at_install")
class TestOverXmlrpc(DemoXmlrpcCase):
    users_prefix = "billmail"

    @classmethod
    def setUpClass(cls):  # pylint: disable=invalid-name
        super().setUpClass()
        cls.inbox = start_loopback_smtp(cls)
        cls.mailbox_values = {
            "preset": "yuki",
            "document_type": "out_invoice",
            "email": YUKI,
            "ubl_profile": False,
            "attach_pdf": True,
            "date_start": "2026-01-01",
        }

    def setUp(self):  # pylint: disable=invalid-name
        super().setUp()
        self.inbox.messages.clear()

    def invoice(self):
        env = self.env(
            context=dict(self.env.context, allowed_company_ids=self.company.ids)
        )
        invoice = env["account.move"].create(
            {
                "move_type": "out_invoice",
                "partner_id": env["res.partner"]
                .search([("name", "=", "Bakkerij Janssens BV")])
                .id,
                # A fixed date: in a sales journal of the test's own.
                "journal_id": own_sales_journal(env, self.company).id,
                "invoice_date": date(2026, 11, 2),
                "invoice_line_ids": [
                    Command.create({"name": "Repair", "price_unit": 80})
                ],
            }
        )
        invoice.action_post()
        return invoice

    def test_the_manager_sets_a_mailbox_up_and_sends_it_a_test_message(self):
        for role in ("billing", "internal"):
            self.assertRpcRefused(
                self.users[role], "billmail.mailbox", "create", self.mailbox_values
            )
        mailbox_id = self.rpc(
            self.users["manager"], "billmail.mailbox", "create", self.mailbox_values
        )
        mailbox = self.env["billmail.mailbox"].browse(mailbox_id)
        self.assertEqual(mailbox.company_id, self.company)
        # Odoo's test mode fakes sending: let the test message reach the loopback
        # server, so that a refused one is seen not to go.
        with patch.object(odoo.modules.module, "current_test", False):
            for role in ("billing", "internal"):
                self.assertRpcRefused(
                    self.users[role],
                    "billmail.mailbox",
                    "action_send_test",
                    [mailbox_id],
                )
            self.assertFalse(self.inbox.messages)
            self.assertFalse(mailbox.last_test_at)
            result = self.rpc(
                self.users["manager"],
                "billmail.mailbox",
                "action_send_test",
                [mailbox_id],
            )
        self.assertEqual(result["params"]["type"], "success")
        ((recipients, message),) = self.inbox.messages
        self.assertEqual(recipients, [YUKI])
        self.assertIn("Test", message["Subject"])
        self.assertIn("Accepted by the mail server", mailbox.last_test_result)

    def test_billing_users_send_documents_to_the_mailboxes(self):
        mailbox = self.env["billmail.mailbox"].create(
            dict(self.mailbox_values, company_id=self.company.id)
        )
        invoice = self.invoice()
        self.assertRpcRefused(
            self.users["internal"], "account.move", "billmail_send", [invoice.id]
        )
        self.assertFalse(
            self.env["einvoice.transmission"].search(
                [("billmail_mailbox_id", "=", mailbox.id)]
            )
        )
        billing = self.users["billing"]
        result = self.rpc(
            billing, "account.move", "billmail_send", [invoice.id], remark="November"
        )
        self.assertEqual(len(result["queued"]), 1)
        self.assertEqual(result["skipped"], [])
        self.assertFalse(result["background"])
        (transmission,) = self.rpc(
            billing,
            "einvoice.transmission",
            "read",
            result["queued"],
            ["state", "recipients", "formats", "billmail_mailbox_id"],
        )
        self.assertEqual(transmission["state"], "sending")
        self.assertEqual(transmission["recipients"], YUKI)
        self.assertEqual(transmission["formats"], "PDF")
        self.assertEqual(transmission["billmail_mailbox_id"][0], mailbox.id)
        again = self.rpc(billing, "account.move", "billmail_send", [invoice.id])
        self.assertIn("already on its way", again["skipped"][0]["reason"])
