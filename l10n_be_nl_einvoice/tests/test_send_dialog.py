# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Odoo's Send dialog e-mails a customer document through the transmission ledger:
to the invoice's Recipient, with the company's template, once per click, a second
sending recorded as a resend; what the mail server did is what the ledger says."""

from odoo.exceptions import AccessError
from odoo.tests import tagged

from .common import deliver_mails, overseas_customer, role_users
from .test_email_send import EmailSendCase


@tagged("post_install", "-at_install")
class TestSendDialog(EmailSendCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.users = role_users(cls.env, cls.company, prefix="send_dialog")
        cls.customer.email = "info@bakkerij-janssens.be"

    def dialog(self, moves, user):
        """Odoo's Send dialog of `moves` as `user` opens it from the invoice."""
        action = moves.with_user(user).action_send_and_print()
        return (
            self.env[action["res_model"]]
            .with_user(user)
            .with_context(**action["context"], allowed_company_ids=self.company.ids)
            .create({})
        )

    def email_ledger(self, move):
        return move.einvoice_transmission_ids.filtered(lambda t: t.channel == "email")

    def test_send_goes_to_the_recipient_through_the_ledger(self):
        move = self.invoice()
        for role in ("billing", "manager", "admin"):
            with self.subTest(role=role):
                self.assertEqual(
                    self.dialog(move, self.users[role]).mail_partner_ids.mapped(
                        "email"
                    ),
                    ["fin@bakkerij-janssens.be", "bh@janssens.be"],
                )
        wizard = self.dialog(move, self.users["billing"])
        self.assertEqual(wizard.mail_subject, f"{move.name} – {self.company.name}")
        self.assertEqual(wizard.sending_methods, ["email"])
        wizard.action_send_and_print()
        transmission = self.email_ledger(move)
        self.assertEqual(len(transmission), 1)
        self.assertEqual(transmission.state, "sending")
        self.assertEqual(transmission.user_id, self.users["billing"])
        self.assertEqual(
            transmission.recipients, "fin@bakkerij-janssens.be; bh@janssens.be"
        )
        self.assertEqual(
            transmission.attachment_ids,
            move.invoice_pdf_report_id | move.ubl_cii_xml_id,
        )
        self.assertIn("PDF", transmission.formats)
        self.deliver(transmission)
        self.assertEqual(transmission.state, "sent", transmission.last_error)
        self.assertEqual(len(self.inbox.messages), 1)
        rcpt, message = self.inbox.messages[0]
        self.assertEqual(sorted(rcpt), ["bh@janssens.be", "fin@bakkerij-janssens.be"])
        self.assertNotIn("info@bakkerij-janssens.be", rcpt, "not the general address")
        self.assertEqual(message["Subject"], wizard.mail_subject)
        files = {part.get_filename() for part in message.iter_attachments()}
        self.assertEqual(files, set(transmission.attachment_ids.mapped("name")))
        self.assertTrue(move.einvoice_sent_on)
        self.assertTrue(self.env["einvoice.transmission"]._was_sent(move))

    def test_an_address_is_sent_as_typed(self):
        move = self.invoice()
        move.einvoice_email_to = "Verkoop.Tray-0712345630@Inbox.Example.com"
        self.dialog(move, self.users["billing"]).action_send_and_print()
        self.deliver(self.email_ledger(move))
        self.assertEqual(
            self.inbox.messages[0][0], ["Verkoop.Tray-0712345630@Inbox.Example.com"]
        )

    def test_a_second_click_sends_nothing_and_sending_again_is_a_resend(self):
        move = self.invoice()
        self.dialog(move, self.users["billing"]).action_send_and_print()
        # A double click, or a second user, while it is being sent.
        self.dialog(move, self.users["manager"]).action_send_and_print()
        transmission = self.email_ledger(move)
        self.assertEqual(len(transmission), 1)
        self.assertEqual(len(transmission.mail_id), 1)
        self.deliver(transmission)
        # Sent: the dialog says so, and sending again is a resend with its reason.
        wizard = self.dialog(move, self.users["billing"])
        self.assertIn("l10n_be_nl_einvoice_sent_before", wizard.alerts)
        wizard.action_send_and_print()
        both = self.email_ledger(move).sorted("resend_number")
        self.assertEqual(both.mapped("resend_number"), [0, 1])
        self.assertIn("Send dialog", both[1].resend_reason)
        self.deliver(both[1])
        self.assertEqual(len(self.inbox.messages), 2)

    def test_many_invoices_go_from_the_list_in_the_background(self):
        moves = self.invoice() | self.invoice()
        wizard = self.dialog(moves, self.users["billing"])
        wizard.action_send_and_print()
        # Queued in the ledger, as one batch; a second click starts no other.
        ledger = moves.einvoice_transmission_ids
        self.assertEqual(ledger.mapped("state"), ["pending", "pending"])
        batch = self.env["einvoice.send.batch"].search(
            [("transmission_ids", "in", ledger.ids)]
        )
        self.assertEqual(batch.total, 2)
        self.dialog(moves, self.users["billing"]).action_send_and_print()
        self.assertEqual(moves.einvoice_transmission_ids, ledger)
        self.assertEqual(
            self.env["einvoice.send.batch"].search_count(
                [("transmission_ids", "in", ledger.ids)]
            ),
            1,
        )
        self.env["account.move"]._cron_account_move_send()
        # Handed to the mail queue: the batch waits for the mail server.
        self.assertEqual(batch.state, "waiting")
        self.assertEqual(sorted(ledger.move_id.ids), sorted(moves.ids))
        self.assertEqual(set(ledger.mapped("user_id")), {self.users["billing"]})
        deliver_mails(ledger.mail_id)
        self.assertEqual(set(ledger.mapped("state")), {"sent"})
        self.env["account.move"]._cron_account_move_send()
        self.assertEqual(batch.state, "done")
        to_customer = [
            message["Subject"]
            for rcpt, message in self.inbox.messages
            if "fin@bakkerij-janssens.be" in rcpt
        ]
        self.assertEqual(
            sorted(to_customer),
            sorted(moves.mapped(lambda move: f"{move.name} – {self.company.name}")),
        )
        # The sender is told the outcome.
        self.assertIn("2 invoice(s) delivered, 0 failed.", batch.summary)

    def test_by_e_mail_an_e_invoice_that_fails_the_rules_is_left_out(self):
        overseas = overseas_customer(
            self.env, email="ap@overseas.example", invoice_edi_format="ubl_bis3"
        )
        move = self.invoice(overseas)
        self.dialog(move, self.users["billing"]).action_send_and_print()
        transmission = self.email_ledger(move)
        self.assertEqual(transmission.state, "sending")
        self.assertEqual(transmission.formats, "PDF")
        self.assertEqual(transmission.attachment_ids, move.invoice_pdf_report_id)
        note = move.message_ids.filtered(
            lambda m: "Sent without its e-invoice" in (m.body or "")
        )
        self.assertIn("PEPPOL-EN16931-R010", note.body)

    def test_a_user_without_invoicing_rights_cannot_send(self):
        move = self.invoice()
        with self.assertRaises(AccessError):
            self.dialog(move, self.users["internal"]).action_send_and_print()
        self.assertFalse(move.einvoice_transmission_ids)
