# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Documents e-mailed to the accountant's mailboxes through Odoo's mail queue to a real
SMTP server on loopback: on each schedule, once per document and mailbox."""

from freezegun import freeze_time

from odoo.exceptions import UserError
from odoo.tests import tagged

from odoo.addons.l10n_be_nl_einvoice.lib.ubl_validate import get_validator

from .common import PURCHASE_BOX, SALES_BOX, SUPPLIER_PDF, BillmailCase


@tagged("post_install", "-at_install")
class TestSchedules(BillmailCase):
    def test_an_invoice_goes_once_its_delay_has_passed_with_valid_ubl_and_pdf(self):
        with freeze_time("2030-03-10 09:00:00"):
            move = self.invoice()
        with freeze_time("2030-03-10 09:09:00"):
            self.run_cron()
        self.assertFalse(self.ledger(move), "still within its 10 minutes")
        with freeze_time("2030-03-10 09:10:30"):
            self.run_cron()
        transmission = self.ledger(move)
        self.assertEqual(transmission.billmail_mailbox_id, self.sales_box)
        self.assertEqual(transmission.state, "sending")
        self.assertEqual(
            transmission.formats, "UBL.BE (Belgian accounting software), PDF"
        )
        self.deliver(transmission)
        self.assertEqual(transmission.state, "sent")
        (message,) = self.received(SALES_BOX)
        self.assertEqual(len(self.inbox.messages), 1)
        self.assertEqual(message["From"], "facturen@atelier-lambrecht.example")
        self.assertIn(move.name, message["Subject"])
        files = self.files(message)
        pdf = files[move._get_invoice_report_filename()]
        self.assertTrue(pdf.startswith(b"%PDF"))
        xml = files[move._get_invoice_report_filename(extension="xml")]
        report = get_validator(move._einvoice_rules_dir()).validate(xml, "ublbe")
        self.assertTrue(report.valid, report.fatal)
        # Later runs find nothing more to send.
        with freeze_time("2030-03-11 09:00:00"):
            self.run_cron()
        self.assertEqual(self.ledger(move), transmission)

    def test_a_document_reset_to_draft_within_its_delay_waits_for_its_new_posting(self):
        with freeze_time("2030-03-10 09:00:00"):
            move = self.invoice()
        with freeze_time("2030-03-10 09:05:00"):
            move.button_draft()
            move.invoice_line_ids.quantity = 3
        with freeze_time("2030-03-10 09:30:00"):
            self.run_cron()
            self.assertFalse(self.ledger(move), "a draft does not go")
            move.action_post()
        with freeze_time("2030-03-10 09:35:00"):
            self.run_cron()
        self.assertFalse(self.ledger(move), "the delay starts again at posting")
        with freeze_time("2030-03-10 09:41:00"):
            self.run_cron()
        self.assertEqual(self.ledger(move).state, "sending")

    def test_a_document_deleted_within_its_delay_never_goes(self):
        with freeze_time("2030-03-10 09:00:00"):
            move = self.invoice()
            move.button_draft()
            move.with_user(self.billing).unlink()
        with freeze_time("2030-03-10 10:00:00"):
            self.run_cron()
        self.assertFalse(
            self.env["einvoice.transmission"].search([("channel", "=", "billmail")])
        )

    def test_documents_dated_before_the_mailbox_start_do_not_go_on_their_own(self):
        with freeze_time("2030-03-10 09:00:00"):
            old = self.invoice(day="2030-02-27")
        with freeze_time("2030-03-10 10:00:00"):
            self.run_cron()
        self.assertFalse(self.ledger(old))

    def test_month_schedule_sends_a_month_once_it_is_over(self):
        self.company.billmail_schedule = "month"
        with freeze_time("2030-03-10 09:00:00"):
            move = self.invoice()
            bill = self.bill()
        with freeze_time("2030-03-31 20:00:00"):
            self.run_cron()
        self.assertFalse(self.ledger(move | bill))
        with freeze_time("2030-04-01 06:00:00"):
            self.run_cron()
        self.assertEqual(self.ledger(move).billmail_mailbox_id, self.sales_box)
        self.assertEqual(self.ledger(bill).billmail_mailbox_id, self.purchase_box)
        # An April invoice waits for May.
        with freeze_time("2030-04-02 09:00:00"):
            april = self.invoice(day="2030-04-02")
        with freeze_time("2030-04-30 09:00:00"):
            self.run_cron()
        self.assertFalse(self.ledger(april))

    def test_manual_schedule_sends_nothing_on_its_own(self):
        self.company.billmail_schedule = "manual"
        with freeze_time("2030-03-10 09:00:00"):
            move = self.invoice()
        with freeze_time("2030-04-05 09:00:00"):
            self.run_cron()
        self.assertFalse(self.ledger(move))


@tagged("post_install", "-at_install")
class TestSendByHand(BillmailCase):
    def test_a_period_lists_what_was_not_sent_and_sends_it_with_the_remark(self):
        self.company.billmail_schedule = "manual"
        with freeze_time("2030-03-10 09:00:00"):
            invoice = self.invoice()
            credit_note = self.invoice(move_type="out_refund")
            bill = self.bill()
        wizard = (
            self.env["billmail.send.wizard"]
            .with_user(self.billing)
            .create(
                {
                    "date_from": "2030-03-01",
                    "date_to": "2030-03-31",
                    "remark": "Maart: twee facturen en een creditnota",
                }
            )
        )
        self.assertEqual(wizard.move_ids, invoice | credit_note | bill)
        wizard.in_invoice = False
        self.assertEqual(wizard.move_ids, invoice | credit_note)
        wizard.in_invoice = True
        wizard.action_send()
        transmissions = self.ledger(invoice | credit_note | bill)
        self.assertEqual(transmissions.mapped("state"), ["sending"] * 3)
        self.deliver(transmissions)
        self.assertEqual(len(self.received(SALES_BOX)), 2)
        (to_purchases,) = self.received(PURCHASE_BOX)
        self.assertIn("RE-2030-0042", to_purchases["Subject"])
        self.assertIn(
            "Maart: twee facturen en een creditnota",
            to_purchases.get_body(("html", "plain")).get_content(),
        )
        # Asked again: nothing left, nothing sent twice.
        again = (
            self.env["billmail.send.wizard"]
            .with_user(self.billing)
            .create({"date_from": "2030-03-01", "date_to": "2030-03-31"})
        )
        self.assertFalse(again.move_ids)
        self.assertEqual(again.sent_count, 3)
        result = (invoice | bill).with_user(self.billing).billmail_send()
        self.assertFalse(result["queued"])
        self.assertEqual(len(result["skipped"]), 2)
        self.assertIn("already sent", result["skipped"][0]["reason"])

    def test_the_selected_documents_only(self):
        with freeze_time("2030-03-10 09:00:00"):
            first, second = self.invoice(), self.invoice()
            draft = self.invoice(post=False)
        action = (first | draft).with_user(self.billing).action_billmail_send()
        wizard = (
            self.env["billmail.send.wizard"]
            .with_user(self.billing)
            .browse(action["res_id"])
        )
        self.assertEqual(wizard.move_ids, first)
        wizard.action_send()
        self.assertTrue(self.ledger(first))
        self.assertFalse(self.ledger(second | draft))

    def test_a_document_without_a_mailbox_for_its_type_is_reported(self):
        self.mailboxes.filtered(
            lambda b: b.document_type == "out_refund"
        ).active = False
        with freeze_time("2030-03-10 09:00:00"):
            credit_note = self.invoice(move_type="out_refund")
        result = credit_note.with_user(self.billing).billmail_send()
        self.assertIn("no accountant mailbox", result["skipped"][0]["reason"])
        wizard = (
            self.env["billmail.send.wizard"]
            .with_user(self.billing)
            .create({"date_from": "2030-03-01", "date_to": "2030-03-31"})
        )
        self.assertIn("Customer credit notes", wizard.no_mailbox)


@tagged("post_install", "-at_install")
class TestVendorBills(BillmailCase):
    def test_a_bill_goes_with_the_suppliers_own_file(self):
        with freeze_time("2030-03-12 09:00:00"):
            bill = self.bill()
            bill.with_user(self.billing).billmail_send()
        transmission = self.ledger(bill)
        self.assertEqual(transmission.billmail_mailbox_id, self.purchase_box)
        self.deliver(transmission)
        (message,) = self.received(PURCHASE_BOX)
        self.assertEqual(self.files(message), {"RE-2030-0042.pdf": SUPPLIER_PDF})
        self.assertFalse(bill.invoice_pdf_report_id, "no rendering of ours")

    def test_a_bill_without_a_file_fails_visibly_and_goes_once_it_has_one(self):
        with freeze_time("2030-03-12 09:00:00"):
            bill = self.bill(with_pdf=False)
            bill.with_user(self.billing).billmail_send()
        transmission = self.ledger(bill)
        self.assertEqual(transmission.state, "failed")
        self.assertIn("no file from the supplier", transmission.last_error)
        self.attach_supplier_pdf(bill)
        sender = self.env["billmail.sender"]
        self.assertFalse(sender._retry_failed(), "not before its wait")
        self.env.flush_all()
        self.env.cr.execute(
            "UPDATE einvoice_transmission SET write_date = write_date - "
            "interval '6 minutes' WHERE id = %s",
            [transmission.id],
        )
        self.env.invalidate_all()
        self.run_cron()
        self.assertEqual(transmission.state, "sending")
        self.assertEqual(transmission.attempts, 2)
        self.deliver(transmission)
        self.assertEqual(len(self.received(PURCHASE_BOX)), 1)

    def test_a_bill_that_failed_for_want_of_a_file_goes_when_sent_again_by_hand(self):
        with freeze_time("2030-03-12 09:00:00"):
            bill = self.bill(with_pdf=False)
            bill.with_user(self.billing).billmail_send()
            self.attach_supplier_pdf(bill)
            result = bill.with_user(self.billing).billmail_send()
        transmission = self.ledger(bill)
        self.assertEqual(result["queued"], transmission.ids)
        self.assertEqual(transmission.state, "sending")


@tagged("post_install", "-at_install")
class TestExactlyOnce(BillmailCase):
    def test_a_mail_server_that_is_down_leaves_it_failed_then_the_retry_sends_it_once(
        self,
    ):
        with freeze_time("2030-03-10 09:00:00"):
            move = self.invoice()
            move.with_user(self.billing).billmail_send()
        transmission = self.ledger(move)
        self.inbox.refuse = 1
        self.deliver(transmission)
        self.assertEqual(transmission.state, "failed")
        self.assertIn("Try again later", transmission.last_error)
        self.assertFalse(self.inbox.messages)
        ledger = self.env["einvoice.transmission"]
        self.env.flush_all()
        self.env.cr.execute(
            "UPDATE einvoice_transmission SET write_date = write_date - "
            "interval '6 minutes' WHERE id = %s",
            [transmission.id],
        )
        self.env.invalidate_all()
        self.assertEqual(ledger._cron_retry_email(), transmission)
        self.assertEqual(transmission.state, "sending")
        self.deliver(transmission)
        self.assertEqual(transmission.state, "sent")
        self.assertEqual(len(self.received(SALES_BOX)), 1)
        self.assertEqual(len(self.ledger(move)), 1)

    def test_a_resend_needs_a_reason_and_is_a_record_of_its_own(self):
        with freeze_time("2030-03-10 09:00:00"):
            move = self.invoice()
            move.with_user(self.billing).billmail_send()
        first = self.ledger(move)
        self.deliver(first)
        with self.assertRaises(UserError):
            first._resend("  ")
        wizard = (
            self.env["einvoice.transmission.resend"]
            .with_user(self.billing)
            .create({"transmission_id": first.id, "reason": "The accountant lost it"})
        )
        wizard.action_resend()
        second = self.ledger(move) - first
        self.assertEqual(second.resend_number, 1)
        self.assertEqual(second.billmail_mailbox_id, self.sales_box)
        self.assertEqual(second.state, "sending")
        self.deliver(second)
        self.assertEqual(len(self.received(SALES_BOX)), 2)

    def test_a_sent_document_cannot_be_deleted(self):
        with freeze_time("2030-03-12 09:00:00"):
            bill = self.bill()
            bill.with_user(self.billing).billmail_send()
        self.deliver(self.ledger(bill))
        bill.with_user(self.billing).button_draft()
        with self.assertRaises(UserError):
            bill.with_user(self.billing).unlink()

    def test_an_invoice_reset_to_draft_after_it_was_queued_is_cancelled(self):
        self.env["ir.config_parameter"].set_param(
            "l10n_be_nl_einvoice.send_background_count", 0
        )
        with freeze_time("2030-03-10 09:00:00"):
            move = self.invoice()
            result = move.with_user(self.billing).billmail_send()
        self.assertTrue(result["background"])
        transmission = self.ledger(move)
        self.assertEqual(transmission.state, "pending")
        move.button_draft()
        self.run_cron()
        self.assertEqual(transmission.state, "cancelled")
        move.action_post()
        move.with_user(self.billing).billmail_send()
        self.run_cron()
        self.assertEqual(transmission.state, "sending", "taken up again")
