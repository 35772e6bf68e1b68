# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Invoices e-mailed to customers through Odoo's mail queue to a real SMTP server on
loopback: what arrives, once, and what the transmission ledger says."""

from datetime import timedelta

from psycopg2 import IntegrityError

from odoo import Command, fields
from odoo.exceptions import UserError, ValidationError
from odoo.tests import tagged

from ..lib.ubl_validate import get_validator
from .common import (
    DemoCompanyCase,
    deliver_mails,
    mail_server_down,
    own_sales_journal,
    start_loopback_smtp,
)


class EmailSendCase(DemoCompanyCase):
    """A loopback SMTP server, the mail queue pointed at it, a customer with two
    invoice addresses."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # Real PDFs from wkhtmltopdf (Odoo's tests render reports as HTML).
        cls.env = cls.env(context=dict(cls.env.context, force_report_rendering=True))
        cls.inbox = start_loopback_smtp(cls)
        # Invoices at a fixed date: in a sales journal of the tests' own.
        cls.journal = own_sales_journal(cls.env, cls.company)
        cls.customer.einvoice_invoice_email = (
            "fin@bakkerij-janssens.be; Boekhouding <bh@janssens.be>"
        )
        cls.hour = cls.env["product.product"].search(
            [("name", "=", "Workshop hour")], limit=1
        )

    def setUp(self):
        super().setUp()
        self.inbox.messages.clear()
        self.inbox.refuse = 0

    def invoice(self, partner=None, post=True):
        move = self.env["account.move"].create(
            {
                "move_type": "out_invoice",
                "partner_id": (partner or self.customer).id,
                "journal_id": self.journal.id,
                "invoice_date": fields.Date.to_date("2026-11-10"),
                "invoice_line_ids": [
                    Command.create({"product_id": self.hour.id, "quantity": 2})
                ],
            }
        )
        if post:
            move.action_post()
        return move

    def deliver(self, transmissions):
        """Let the mail queue send these transmissions' e-mails for real."""
        deliver_mails(transmissions.mail_id)


@tagged("post_install", "-at_install")
class TestEmailSend(EmailSendCase):
    def test_an_invoice_arrives_with_its_pdf_and_valid_ubl_once(self):
        move = self.invoice()
        self.assertEqual(
            move.einvoice_email_to, "fin@bakkerij-janssens.be; bh@janssens.be"
        )
        result = move.einvoice_send_email()
        self.assertEqual(result["sent"], move.ids)
        transmission = move.einvoice_transmission_ids
        self.assertEqual(transmission.state, "sending")
        self.deliver(transmission)
        self.assertEqual(transmission.state, "sent")
        self.assertTrue(transmission.sent_at)
        self.assertEqual(move.einvoice_sent_on, transmission.sent_at)
        self.assertEqual(len(self.inbox.messages), 1)
        recipients, message = self.inbox.messages[0]
        self.assertEqual(
            sorted(recipients), ["bh@janssens.be", "fin@bakkerij-janssens.be"]
        )
        self.assertIn(move.name, message["Subject"])
        self.assertNotIn("%n", message["Subject"])
        self.assertEqual(message["Message-Id"], transmission.external_id)
        files = {
            part.get_filename(): part.get_content()
            for part in message.iter_attachments()
        }
        pdf = files[move._get_invoice_report_filename()]
        self.assertTrue(pdf.startswith(b"%PDF"))
        # The e-invoice Odoo's Send made and keeps on the invoice.
        xml = files[move.ubl_cii_xml_id.name]
        profile = move._einvoice_profile(None, "email")
        report = get_validator(move._einvoice_rules_dir()).validate(xml, profile)
        self.assertTrue(report.valid, report.fatal)
        self.assertEqual(
            sorted(transmission.attachment_ids.mapped("name")), sorted(files)
        )
        # Sent once: asking again skips it, and the database refuses a second
        # first transmission.
        again = move.einvoice_send_email()
        self.assertEqual(again["sent"], [])
        self.assertIn("already sent", again["skipped"][0]["reason"])
        with self.assertRaises(IntegrityError), self.env.cr.savepoint():
            self.env["einvoice.transmission"].create(
                self.env["einvoice.transmission"]._values(
                    move, "email", "customer", "document", 0
                )
            )
            self.env.flush_all()
        # A sent invoice can no longer be deleted, even numbered last.
        with self.assertRaises(UserError):
            move.button_draft()
            move.unlink()

    def test_a_resend_needs_a_reason_and_is_its_own_record(self):
        move = self.invoice()
        move.einvoice_send_email()
        first = move.einvoice_transmission_ids
        self.deliver(first)
        with self.assertRaises(UserError):
            first._resend("  ")
        wizard = self.env["einvoice.transmission.resend"].create(
            {"transmission_id": first.id, "reason": "The customer lost it"}
        )
        second = self.env["einvoice.transmission"].browse(
            wizard.action_resend()["res_id"]
        )
        self.assertEqual(second.resend_number, 1)
        self.assertEqual(second.resend_reason, "The customer lost it")
        self.assertEqual(second.state, "sending")
        self.deliver(second)
        self.assertEqual(second.state, "sent")
        self.assertEqual(len(self.inbox.messages), 2)
        self.assertEqual(first.state, "sent")
        self.assertNotEqual(second.external_id, first.external_id)

    def test_no_or_a_wrong_address_skips_the_invoice_with_the_reason(self):
        nobody = self.customer.copy(
            {"name": "No address", "email": False, "einvoice_invoice_email": False}
        )
        move = self.invoice(nobody)
        result = move.einvoice_send_email()
        self.assertEqual(result["sent"], [])
        self.assertIn("no invoice e-mail address", result["skipped"][0]["reason"])
        self.assertFalse(move.einvoice_transmission_ids)
        with self.assertRaises(ValidationError):
            move.einvoice_email_to = "fin@bakkerij; x@y.be"
        with self.assertRaises(ValidationError):
            nobody.einvoice_invoice_email = "not an address"
        draft = self.invoice(post=False)
        self.assertIn("not posted", draft.einvoice_send_email()["skipped"][0]["reason"])
        self.assertEqual(self.inbox.messages, [])

    def test_a_refusing_server_fails_then_the_queue_retries_and_it_arrives_once(self):
        move = self.invoice()
        move.einvoice_send_email()
        transmission = move.einvoice_transmission_ids
        self.inbox.refuse = 1
        self.deliver(transmission)
        self.assertEqual(transmission.state, "failed")
        self.assertIn("451", transmission.last_error)
        self.assertEqual(self.inbox.messages, [])
        # Too early: nothing is retried.
        ledger = self.env["einvoice.transmission"]
        self.assertFalse(ledger._cron_retry_email())
        self.env.flush_all()
        self.env.cr.execute(
            "UPDATE einvoice_transmission SET write_date = %s WHERE id = %s",
            [fields.Datetime.now() - timedelta(hours=1), transmission.id],
        )
        transmission.invalidate_recordset()
        self.assertEqual(ledger._cron_retry_email(), transmission)
        self.assertEqual(transmission.state, "sending")
        self.assertEqual(transmission.attempts, 2)
        self.deliver(transmission)
        self.assertEqual(transmission.state, "sent")
        self.assertEqual(len(self.inbox.messages), 1)
        self.assertFalse(transmission.last_error)

    def test_a_mail_server_that_is_down_fails_then_the_retry_delivers_once(self):
        move = self.invoice()
        move.einvoice_send_email()
        transmission = move.einvoice_transmission_ids
        down = mail_server_down(self.env)
        self.deliver(transmission)
        self.assertEqual(transmission.state, "failed")
        self.assertTrue(transmission.last_error)
        self.assertEqual(self.inbox.messages, [])
        down.active = False
        self.env.flush_all()
        self.env.cr.execute(
            "UPDATE einvoice_transmission SET write_date = %s WHERE id = %s",
            [fields.Datetime.now() - timedelta(hours=1), transmission.id],
        )
        transmission.invalidate_recordset()
        self.assertEqual(
            self.env["einvoice.transmission"]._cron_retry_email(), transmission
        )
        self.deliver(transmission)
        self.assertEqual(transmission.state, "sent", transmission.last_error)
        self.assertEqual(len(self.inbox.messages), 1)

    def test_a_bounce_shows_on_the_ledger(self):
        move = self.invoice()
        move.einvoice_send_email()
        transmission = move.einvoice_transmission_ids
        self.deliver(transmission)
        self.env["mail.thread"]._routing_handle_bounce(
            None,
            {
                "bounced_email": "fin@bakkerij-janssens.be",
                "bounced_partner": self.env["res.partner"],
                "bounced_msg_ids": [transmission.external_id],
                "bounced_message": transmission.mail_id.mail_message_id,
                "email_from": "MAILER-DAEMON@example.com",
                "to": "bounce@example.com",
                "message_id": "<bounce-1@example.com>",
                "subject": "Undelivered Mail Returned to Sender",
                "body": "<p>550 5.1.1 fin@bakkerij-janssens.be: user unknown</p>",
            },
        )
        self.assertEqual(transmission.state, "failed")
        self.assertIn("user unknown", transmission.bounce_info)

    def test_a_batch_goes_in_the_background_with_progress_and_a_summary(self):
        moves = self.env["account.move"]
        for _i in range(4):
            moves |= self.invoice()
        nobody = self.customer.copy(
            {"name": "No address", "email": False, "einvoice_invoice_email": False}
        )
        moves |= self.invoice(nobody)
        result = moves.einvoice_send_email(background=True)
        batch = self.env["einvoice.send.batch"].browse(result["batch_id"])
        self.assertEqual(len(result["skipped"]), 1)
        self.assertEqual(
            (batch.total, batch.done_count, batch.state), (4, 0, "running")
        )
        self.env["account.move"]._cron_account_move_send()
        self.assertEqual(batch.done_count, 4)
        # Handed to the mail queue: the summary waits for the mail server.
        self.assertEqual((batch.state, batch.queued_count), ("waiting", 4))
        self.assertFalse(batch.summary)
        self.deliver(batch.transmission_ids)
        self.assertEqual(set(batch.transmission_ids.mapped("state")), {"sent"})
        self.assertEqual(len(self.inbox.messages), 4)
        self.env["account.move"]._cron_account_move_send()
        self.assertEqual(batch.state, "done")
        self.assertIn("4 invoice(s) delivered, 0 failed.", batch.summary)
        self.assertIn("No address", batch.summary)


@tagged("post_install", "-at_install")
class TestEmailSendBatch(EmailSendCase):
    """200 invoices in one background batch: every one arrives, once. (The reports
    are Odoo's test-mode HTML here; the PDF itself is checked above.)"""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, force_report_rendering=False))

    def test_a_batch_of_200(self):
        moves = self.env["account.move"].create(
            [
                {
                    "move_type": "out_invoice",
                    "partner_id": self.customer.id,
                    "journal_id": self.journal.id,
                    "invoice_date": fields.Date.to_date("2026-11-10"),
                    "invoice_line_ids": [
                        Command.create(
                            {"product_id": self.hour.id, "quantity": 1 + i % 7}
                        )
                    ],
                }
                for i in range(200)
            ]
        )
        moves.action_post()
        result = moves.einvoice_send_email()
        self.assertEqual(result["skipped"], [])
        batch = self.env["einvoice.send.batch"].browse(result["batch_id"])
        rounds = 0
        while batch.state == "running":
            self.env["account.move"]._cron_account_move_send()
            rounds += 1
            self.assertLessEqual(batch.done_count, 50 * rounds)
        self.assertEqual(rounds, 4)
        self.assertEqual(batch.queued_count, 200)
        self.deliver(batch.transmission_ids)
        self.assertEqual(set(batch.transmission_ids.mapped("state")), {"sent"})
        self.assertEqual(batch.sent_count, 200)
        subjects = sorted(message["Subject"] for _to, message in self.inbox.messages)
        self.assertEqual(len(subjects), 200)
        self.assertEqual(
            subjects,
            sorted(f"{name} – Atelier Lambrecht BV" for name in moves.mapped("name")),
        )

    def test_e_mailed_invoices_carry_the_chosen_letterhead(self):
        move = self.invoice()
        documents = self.env["einvoice.document"]
        self.company.external_report_layout_id = self.env.ref(
            "web.external_layout_standard"
        )
        html = documents.render_pdfs(move)[move.id].decode()
        self.assertIn("o_report_layout_standard", html)
        self.company.einvoice_email_layout_id = self.env.ref("web.report_layout_boxed")
        html = documents.render_pdfs(move)[move.id].decode()
        self.assertIn("o_report_layout_boxed", html)
        self.assertNotIn("o_report_layout_standard", html)
        self.assertIn(move.name, html)
