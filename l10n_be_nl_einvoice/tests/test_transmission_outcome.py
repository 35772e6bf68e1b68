# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""What the transmission ledger, the invoice's chatter and a background batch say
when the mail server (a real one on loopback) refuses, is down, drops the
connection, or when the mail queue gives up or the process stops: never "sent" for
an e-mail that failed, never "sending" for good, each invoice delivered once."""

from datetime import timedelta
from unittest.mock import patch

import odoo
from odoo import SUPERUSER_ID, api, fields
from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from .common import mail_server_down, role_users
from .test_email_send import EmailSendCase

PERMANENT = "554 5.7.1 Refused by the receiver's policy"


class ProcessStopped(BaseException):
    """The Odoo process killed: not an error any code catches."""


@tagged("post_install", "-at_install")
class TestTransmissionOutcome(EmailSendCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # Test-mode HTML reports: the PDF itself is checked in test_email_send.
        cls.env = cls.env(context=dict(cls.env.context, force_report_rendering=False))
        cls.users = role_users(cls.env, cls.company, prefix="outcome")
        cls.billing, cls.manager = cls.users["billing"], cls.users["manager"]

    def setUp(self):
        super().setUp()
        self.inbox.reset()

    # -- helpers -------------------------------------------------------------------

    def invoice(self, partner=None, post=True):
        move = super().invoice(partner, post)
        # The accounting manager is the invoice's salesperson.
        move.invoice_user_id = self.manager
        return move

    def send(self, moves, user=None):
        """The billing user (or `user`) e-mails `moves`; their ledger records."""
        (moves.with_user(user) if user else moves).einvoice_send_email()
        return moves.einvoice_transmission_ids

    def run_queue(self, transmissions):
        """Odoo's mail queue, as its scheduled job runs it, for these e-mails."""
        with patch.object(odoo.modules.module, "current_test", False):
            self.env["mail.mail"].process_email_queue(ids=transmissions.mail_id.ids)

    def age(self, transmissions, minutes):
        """Make these records and their e-mails last written `minutes` ago."""
        self.env.flush_all()
        then = fields.Datetime.now() - timedelta(minutes=minutes)
        for table, ids in (
            ("einvoice_transmission", transmissions.ids),
            ("mail_mail", transmissions.mail_id.ids),
        ):
            self.env.cr.execute(
                f"UPDATE {table} SET write_date = %s WHERE id = ANY(%s)", [then, ids]
            )
        self.env.invalidate_all()

    def retry(self, transmissions):
        """The retry job (as the system), after the longest wait."""
        self.age(transmissions, minutes=3 * 60)
        return self.env["einvoice.transmission"]._cron_retry_email()

    def delivered(self):
        """The e-mails the customer's addresses received (not the notifications of
        activities and messages to the users, which also go out)."""
        return [
            message
            for to, message in self.inbox.messages
            if "fin@bakkerij-janssens.be" in to
        ]

    def failure_notes(self, move):
        return move.message_ids.filtered(lambda m: "Sending failed" in (m.body or ""))

    def failure_activities(self, move):
        return move.activity_ids.filtered(lambda a: a.summary == "Sending failed")

    # -- the mail server's answers -------------------------------------------------

    def test_a_refusal_for_good_fails_with_the_answer_on_the_chatter_and_is_not_retried(
        self,
    ):
        move = self.invoice()
        with self.assertRaises(AccessError):
            move.with_user(self.users["internal"]).einvoice_send_email()
        transmission = self.send(move, self.billing)
        self.assertEqual(transmission.user_id, self.billing)
        self.inbox.refuse, self.inbox.answer = 1, PERMANENT
        self.run_queue(transmission)
        self.assertEqual(transmission.state, "failed")
        self.assertIn("554", transmission.last_error)
        self.assertEqual(self.delivered(), [])
        # Odoo's chatter shows an envelope (sent, or failed in red) only for a
        # message with mail notifications: the e-mail's message has none, so it
        # never shows as sent; the failure is a note of its own, with the answer.
        self.assertFalse(transmission.mail_id.mail_message_id.notification_ids)
        note = self.failure_notes(move)
        self.assertEqual(len(note), 1)
        self.assertIn("554", note.body)
        self.assertIn("fin@bakkerij-janssens.be", note.body)
        activity = self.failure_activities(move)
        self.assertEqual(activity.user_id, self.billing, "the user who sent it")
        # Refused for good: the retries leave it for a person.
        self.assertNotIn(transmission, self.retry(transmission))
        self.assertEqual((transmission.state, transmission.attempts), ("failed", 1))
        # The accounting manager sends it again, with the reason; a user without
        # accounting rights may not.
        resend = self.env["einvoice.transmission.resend"]
        values = {"transmission_id": transmission.id, "reason": "Address corrected"}
        with self.assertRaises(AccessError):
            resend.with_user(self.users["internal"]).create(values)
        again = self.env["einvoice.transmission"].browse(
            resend.with_user(self.manager).create(values).action_resend()["res_id"]
        )
        self.run_queue(again)
        self.assertEqual(again.state, "sent")
        self.assertEqual(len(self.delivered()), 1)

    def test_a_temporary_refusal_is_reported_once_retried_and_its_activity_done(self):
        move = self.invoice()
        transmission = self.send(move, self.billing)
        self.inbox.refuse = 2
        self.run_queue(transmission)
        self.assertEqual(transmission.state, "failed")
        self.assertIn("451", transmission.last_error)
        self.assertIn(transmission, self.retry(transmission))
        self.assertEqual((transmission.state, transmission.attempts), ("sending", 2))
        self.run_queue(transmission)
        self.assertEqual(transmission.state, "failed")
        # One failure, two attempts: one note, one activity.
        self.assertEqual(len(self.failure_notes(move)), 1)
        self.assertEqual(len(self.failure_activities(move)), 1)
        self.assertIn(transmission, self.retry(transmission))
        self.run_queue(transmission)
        self.assertEqual((transmission.state, transmission.attempts), ("sent", 3))
        self.assertFalse(transmission.last_error)
        self.assertEqual(len(self.delivered()), 1)
        self.assertFalse(self.failure_activities(move), "marked done")
        self.assertTrue(
            move.message_ids.filtered(
                lambda m: "Sent on a later attempt" in (m.body or "")
            )
        )

    def test_a_connection_dropped_mid_message_fails_it_and_the_rest_go_later(self):
        moves = self.invoice() | self.invoice()
        transmissions = self.send(moves, self.billing).sorted("id")
        self.inbox.drop = 1
        self.run_queue(transmissions)
        dropped, waiting = transmissions
        self.assertEqual(dropped.state, "failed")
        self.assertIn("ended the connection", dropped.last_error)
        self.assertEqual(len(self.failure_notes(dropped.move_id)), 1)
        # Odoo's queue stopped there: the other one is still queued, not lost.
        self.assertEqual(
            (waiting.state, waiting.mail_id.state), ("sending", "outgoing")
        )
        self.run_queue(waiting)
        self.assertEqual(waiting.state, "sent")
        self.assertIn(dropped, self.retry(dropped))
        self.run_queue(dropped)
        self.assertEqual((dropped.state, dropped.attempts), ("sent", 2))
        subjects = sorted(message["Subject"] for message in self.delivered())
        self.assertEqual(
            subjects, sorted(f"{m.name} – Atelier Lambrecht BV" for m in moves)
        )

    def test_a_mail_server_that_is_down_fails_with_the_reason_then_delivers_once(self):
        move = self.invoice()
        transmission = self.send(move, self.billing)
        down = mail_server_down(self.env)
        self.run_queue(transmission)
        self.assertEqual(transmission.state, "failed")
        self.assertIn("refused", transmission.last_error.lower())
        down.active = False
        self.assertIn(transmission, self.retry(transmission))
        self.run_queue(transmission)
        self.assertEqual((transmission.state, transmission.attempts), ("sent", 2))
        self.assertEqual(len(self.delivered()), 1)

    # -- never "sending" for good --------------------------------------------------

    def test_an_e_mail_the_queue_gave_up_on_cancelled_or_removed_fails(self):
        # Sent by the system (as a recurring plan's job): its activity goes to the
        # invoice's salesperson.
        moves = self.invoice() | self.invoice() | self.invoice()
        gave_up, cancelled, removed = self.send(moves).sorted("id")
        self.env.flush_all()
        # Odoo's queue stopped with the e-mail in exception, its result unwritten.
        self.env.cr.execute(
            "UPDATE mail_mail SET state = 'exception', failure_reason = 'lost' "
            "WHERE id = %s",
            [gave_up.mail_id.id],
        )
        self.env.invalidate_all()
        cancelled.mail_id.cancel()
        removed.mail_id.unlink()
        with self.assertRaises(UserError):
            gave_up._resend("The customer lost it")  # still being sent: wait
        self.env["einvoice.transmission"]._conclude_stale_sending()
        self.assertEqual(
            [t.state for t in (gave_up, cancelled, removed)], ["failed"] * 3
        )
        self.assertIn("gave up on the e-mail: lost", gave_up.last_error)
        self.assertIn("cancelled", cancelled.last_error)
        self.assertIn("removed from the mail queue", removed.last_error)
        for transmission in (gave_up, cancelled, removed):
            self.assertEqual(len(self.failure_notes(transmission.move_id)), 1)
            activity = self.failure_activities(transmission.move_id)
            self.assertEqual(activity.user_id, self.manager)
        # Failed, they take the normal way: retried, or sent again by a person.
        retried = self.retry(gave_up | cancelled | removed)
        self.assertEqual(retried & (gave_up | cancelled | removed), gave_up | cancelled)
        self.run_queue(gave_up | cancelled)
        self.assertEqual({gave_up.state, cancelled.state}, {"sent"})
        self.assertEqual(len(self.delivered()), 2)
        self.assertTrue(removed._resend("The customer lost it"))

    def test_an_e_mail_outgoing_past_the_timeout_fails_and_is_taken_out_of_the_queue(
        self,
    ):
        self.env["ir.config_parameter"].set_param(
            "l10n_be_nl_einvoice.sending_timeout_minutes", "30"
        )
        moves = self.invoice() | self.invoice()
        stuck, recent = self.send(moves, self.billing).sorted("id")
        ledger = self.env["einvoice.transmission"]
        self.age(stuck, minutes=20)
        ledger._conclude_stale_sending()
        self.assertEqual(stuck.state, "sending", "not past the timeout yet")
        self.age(stuck, minutes=31)
        # Only the ledger record is old: its e-mail went back to the queue just now.
        self.age(recent, minutes=31)
        recent.mail_id.mark_outgoing()
        ledger._conclude_stale_sending()
        self.assertEqual(recent.state, "sending")
        self.assertEqual(stuck.state, "failed")
        self.assertIn("within 30 minutes", stuck.last_error)
        self.assertEqual(stuck.mail_id.state, "cancel", "it does not go as failed")
        self.run_queue(stuck | recent)
        self.assertEqual(len(self.delivered()), 1)
        self.assertEqual(recent.state, "sent")
        self.assertIn(stuck, self.retry(stuck))
        self.run_queue(stuck)
        self.assertEqual((stuck.state, stuck.attempts), ("sent", 2))
        self.assertEqual(len(self.delivered()), 2)

    # -- the process stopped between the server's acceptance and the commit --------

    def test_a_process_stopped_after_the_server_accepted_counts_a_second_attempt(self):
        move = self.invoice()
        transmission = self.send(move, self.billing)
        mail = transmission.mail_id
        self.env.flush_all()
        # Each queue run on a cursor of its own that commits as the mail queue's job
        # does (a savepoint of the test's transaction); closed without commit, it
        # rolls back to its last commit, as a killed process's transaction.
        self.registry.enter_test_mode(self.cr)
        self.addCleanup(self.registry.leave_test_mode)

        def queue_run():
            with patch.object(odoo.modules.module, "current_test", False):
                try:
                    with self.registry.cursor() as cr:
                        env = api.Environment(cr, SUPERUSER_ID, {})
                        env["mail.mail"].browse(mail.id).send(auto_commit=True)
                finally:
                    self.env.invalidate_all()

        # Not Odoo's assertRaises: it would roll back what the run committed.
        stopped = False
        with patch.object(
            type(self.env["mail.mail"]),
            "_postprocess_sent_message",
            side_effect=ProcessStopped,
        ):
            try:
                queue_run()
            except ProcessStopped:
                stopped = True
        self.assertTrue(stopped)
        self.assertEqual(len(self.delivered()), 1, "the server accepted it")
        self.assertEqual(mail.state, "outgoing")
        self.assertEqual((transmission.state, transmission.attempts), ("sending", 1))
        self.assertTrue(transmission.handed_over_at, "committed before it went")
        queue_run()
        self.assertEqual(len(self.delivered()), 2)
        first, second = self.delivered()
        self.assertEqual(first["Message-Id"], second["Message-Id"])
        self.assertEqual(first["Message-Id"], transmission.external_id)
        self.assertEqual((transmission.state, transmission.attempts), ("sent", 2))
        self.assertIn("Attempt 1", transmission.unknown_outcome)
        self.assertIn("never recorded", transmission.unknown_outcome)
        self.assertFalse(transmission.handed_over_at)
        self.run_queue(transmission)
        self.assertEqual(len(self.delivered()), 2, "not more than that one")

    # -- a background batch says what the mail server did --------------------------

    def test_a_batch_summary_waits_for_the_server_and_changes_when_a_retry_delivers(
        self,
    ):
        moves = self.invoice() | self.invoice() | self.invoice()
        result = moves.with_user(self.billing).einvoice_send_email(background=True)
        batch = self.env["einvoice.send.batch"].browse(result["batch_id"])
        cron = self.env.ref("account.ir_cron_account_move_send")
        self.env["account.move"]._cron_account_move_send()
        self.assertEqual(batch.state, "waiting")
        self.assertEqual((batch.queued_count, batch.sent_count), (3, 0))
        self.assertFalse(batch.summary)
        self.inbox.refuse = 1
        triggers = self.env["ir.cron.trigger"].search_count([("cron_id", "=", cron.id)])
        self.run_queue(batch.transmission_ids)
        self.assertGreater(
            self.env["ir.cron.trigger"].search_count([("cron_id", "=", cron.id)]),
            triggers,
            "the batch is looked at again once its e-mails concluded",
        )
        failed = batch.transmission_ids.filtered(lambda t: t.state == "failed")
        self.assertEqual(
            (batch.queued_count, batch.sent_count, batch.failed_count), (0, 2, 1)
        )
        self.env["account.move"]._cron_account_move_send()
        self.assertEqual(batch.state, "done")
        self.assertIn("2 invoice(s) delivered, 1 failed.", batch.summary)
        self.assertIn(f"{failed.document_name}: ", batch.summary)
        notes = batch.message_ids.filtered(lambda m: m.subject)
        self.assertEqual(len(notes), 1)
        self.assertIn(self.billing.partner_id, notes.partner_ids)
        self.env["account.move"]._cron_account_move_send()
        self.assertEqual(len(batch.message_ids.filtered(lambda m: m.subject)), 1)
        self.assertIn(failed, self.retry(failed))
        self.env["account.move"]._cron_account_move_send()
        self.assertEqual(batch.queued_count, 1)
        self.assertIn("1 failed", batch.summary, "not concluded again yet")
        self.run_queue(failed)
        self.env["account.move"]._cron_account_move_send()
        self.assertIn("3 invoice(s) delivered, 0 failed.", batch.summary)
        notes = batch.message_ids.filtered(lambda m: m.subject)
        self.assertEqual(len(notes), 2)
        self.assertIn("outcome changed", notes[0].subject)
        self.env["account.move"]._cron_account_move_send()
        self.assertEqual(len(batch.message_ids.filtered(lambda m: m.subject)), 2)
        self.assertEqual(len(self.delivered()), 3)
