# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Invoices sent over Peppol with Odoo's own Send, by a billing user, to a stand-in of
Odoo's Peppol access point on loopback: what the transmission ledger, the invoice and
the dashboard say, from the hand-over to delivery, rejection, refusal and a lost
answer."""

from unittest.mock import patch

from odoo import Command, fields
from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from .common import DemoCompanyCase, own_sales_journal, role_users
from .peppol_access_point import register_company

ACTIVITY_TYPE = "l10n_be_nl_einvoice.mail_activity_type_peppol_failed"


@tagged("post_install", "-at_install")
class TestPeppolLedger(DemoCompanyCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        if "peppol_move_state" not in cls.env["account.move"]._fields:
            cls.skipTest(cls, "needs account_peppol")
        cls.access_point = register_company(cls)
        # Who is on the network: a stand-in of the SML/SMP look-up.
        cls.on_network = {"0208:0555444368"}
        cls.startClassPatcher(
            patch.object(
                type(cls.env["res.partner"]),
                "_get_peppol_verification_state",
                lambda self, endpoint, eas, edi_format: (
                    "valid" if f"{eas}:{endpoint}" in cls.on_network else "not_valid"
                ),
            )
        )
        cls.customer.button_account_peppol_check_partner_endpoint(company=cls.company)
        cls.users = role_users(cls.env, cls.company, prefix="peppol")
        cls.journal = own_sales_journal(cls.env, cls.company, code="PEP")
        cls.hour = cls.env["product.product"].search(
            [("name", "=", "Workshop hour")], limit=1
        )

    def setUp(self):
        super().setUp()
        self.access_point.reset()

    def invoice(self, salesperson="manager"):
        """An invoice of today, made and posted by the billing user."""
        move = (
            self.env["account.move"]
            .with_user(self.users["billing"])
            .create(
                {
                    "move_type": "out_invoice",
                    "partner_id": self.customer.id,
                    "journal_id": self.journal.id,
                    "invoice_date": fields.Date.context_today(self.env.user),
                    "invoice_user_id": (
                        self.users[salesperson].id if salesperson else False
                    ),
                    "invoice_line_ids": [
                        Command.create({"product_id": self.hour.id, "quantity": 2})
                    ],
                }
            )
        )
        move.action_post()
        self.assertEqual(move.peppol_move_state, "ready")
        return move.with_env(self.env)

    def send(self, moves, user="billing"):
        """Odoo's Send as the user clicks it: the dialog the invoice's button opens
        (one invoice; several go to the background), Peppol ticked by default."""
        moves = moves.with_user(self.users[user])
        action = moves.action_send_and_print()
        wizard = (
            self.env[action["res_model"]]
            .with_user(self.users[user])
            .with_context(**action["context"])
            .create({})
        )
        if len(moves) == 1:
            self.assertEqual(wizard.sending_methods, ["peppol"])
        return wizard.action_send_and_print()

    def status_update(self):
        """Odoo's scheduled action that asks the access point how its messages
        went."""
        self.env["account_edi_proxy_client.user"]._cron_peppol_get_message_status()

    def ledger(self, move):
        return self.env["einvoice.transmission"].search(
            [("move_id", "=", move.id), ("channel", "=", "peppol")],
            order="resend_number",
        )

    def activities(self, move):
        return move.activity_ids.filtered(
            lambda a: a.activity_type_id == self.env.ref(ACTIVITY_TYPE)
        )

    def chatter(self, move, text):
        return move.message_ids.filtered(lambda m: text in (m.body or ""))

    def sent_this_month(self):
        figures = (
            self.env["einvoice.dashboard"]
            .with_user(self.users["billing"])
            .figures(self.company.id, months=1)
        )
        return figures, figures["months"][-1]["sent"].get("peppol", 0)

    def test_a_delivered_invoice_is_sent_on_the_ledger_and_the_dashboard(self):
        move = self.invoice()
        figures, before = self.sent_this_month()
        self.assertIn({"key": "peppol", "label": "Peppol"}, figures["channels"])
        unsent = figures["todo"]["unsent_count"]

        self.send(move)
        transmission = self.ledger(move)
        [(message_uuid, document)] = self.access_point.documents.items()
        self.assertEqual(move.peppol_move_state, "processing")
        self.assertRecordValues(
            transmission,
            [
                {
                    "state": "sending",
                    "external_id": message_uuid,
                    "attempts": 1,
                    "recipients": "0208:0555444368",
                    "formats": "UBL (Peppol BIS Billing 3.0)",
                    "target": "customer",
                    "kind": "document",
                    "resend_number": 0,
                    "user_id": self.users["billing"].id,
                }
            ],
        )
        # The file on the ledger is the one the access point received.
        self.assertEqual(transmission.attachment_ids, move.ubl_cii_xml_id)
        self.assertEqual(transmission.attachment_ids.raw, document["ubl"])
        self.assertEqual(document["receiver"], "0208:0555444368")
        ledger = self.env["einvoice.transmission"]
        self.assertTrue(ledger._was_sent(move))
        # Being delivered: no longer on the "posted, not sent" to-do.
        figures, _count = self.sent_this_month()
        self.assertEqual(figures["todo"]["unsent_count"], unsent - 1)

        self.status_update()  # still travelling
        self.assertEqual(transmission.state, "sending")
        self.assertEqual(transmission.attempts, 1)
        self.access_point.settle(message_uuid, "done")
        self.status_update()
        self.assertEqual(move.peppol_move_state, "done")
        self.assertEqual(transmission.state, "sent")
        self.assertTrue(transmission.sent_at)
        self.assertFalse(transmission.last_error)
        self.assertIn(message_uuid, self.access_point.acked)
        self.assertTrue(ledger._was_sent(move))
        self.assertEqual(len(self.ledger(move)), 1)
        self.assertFalse(self.activities(move))
        _figures, after = self.sent_this_month()
        self.assertEqual(after, before + 1)
        # On the network once: the ledger's Send again is refused.
        resend = (
            self.env["einvoice.transmission.resend"]
            .with_user(self.users["billing"])
            .create({"transmission_id": transmission.id, "reason": "Lost it"})
        )
        with self.assertRaises(UserError):
            resend.action_resend()
        self.assertEqual(len(self.ledger(move)), 1)

    def test_an_error_at_sending_fails_the_transmission_with_its_reason(self):
        first, second = self.invoice(), self.invoice()
        refusal = "The receiver's access point is not ready for this document type"
        # The Send dialog shows the access point's refusal and undoes the sending:
        # nothing left, nothing recorded.
        self.access_point.fault = ("error", refusal)
        with self.assertRaises(UserError) as refused:
            self.send(first)
        self.assertIn(refusal, str(refused.exception))
        self.assertFalse(self.ledger(first))
        self.assertEqual(first.peppol_move_state, "ready")

        # In the background, the refusal stays on each invoice and on the ledger.
        self.access_point.fault = ("error", refusal)
        self.send(first | second)
        for move in first | second:
            self.assertEqual(self.ledger(move).state, "pending")
        self.env["account.move"]._cron_account_move_send()
        for move in first | second:
            transmission = self.ledger(move)
            self.assertEqual(move.peppol_move_state, "error")
            self.assertEqual(transmission.state, "failed")
            self.assertEqual(transmission.attempts, 1)
            self.assertIn("the access point refused it", transmission.last_error)
            self.assertIn(refusal, transmission.last_error)
            self.assertIn(move.id, [r["id"] for r in self.failed_on_dashboard()])
            # Odoo posts the error on the invoice; nothing posts it twice.
            self.assertEqual(len(self.chatter(move, refusal)), 1)
            activity = self.activities(move)
            self.assertEqual(activity.user_id, self.users["manager"])
            self.assertIn(refusal, activity.note)

        # Sent again in the background and refused again: a failed resend, the
        # first failure kept as it was; still one to-do, saying the latest reason.
        # A third one, queued with it, is cancelled before it leaves.
        self.access_point.fault = ("error", "Still not ready")
        third = self.invoice()
        self.send(second | third)
        third.with_user(self.users["billing"]).action_cancel_peppol_documents()
        self.assertEqual(self.ledger(third).state, "cancelled")
        self.env["account.move"]._cron_account_move_send()
        before, again = self.ledger(second)
        self.assertIn(refusal, before.last_error)
        self.assertEqual(again.state, "failed")
        self.assertIn("Still not ready", again.last_error)
        self.assertEqual(
            again.resend_reason, f"Sent again over Peppol after: {before.last_error}"
        )
        self.assertIn("Still not ready", self.activities(second).note)

        # Sent again from the ledger, with a reason: through Odoo's Peppol sending.
        failed = self.ledger(first)
        resend = (
            self.env["einvoice.transmission.resend"]
            .with_user(self.users["billing"])
            .create({"transmission_id": failed.id, "reason": "Receiver ready now"})
        )
        resend.action_resend()
        failed, again = self.ledger(first)
        self.assertEqual(failed.state, "failed")
        self.assertRecordValues(
            again,
            [
                {
                    "state": "sending",
                    "resend_number": 1,
                    "resend_reason": "Receiver ready now",
                    "external_id": first.peppol_message_uuid,
                    "attempts": 1,
                }
            ],
        )
        self.assertEqual(first.peppol_move_state, "processing")

    def failed_on_dashboard(self):
        figures = (
            self.env["einvoice.dashboard"]
            .with_user(self.users["billing"])
            .figures(self.company.id, months=1)
        )
        transmissions = self.env["einvoice.transmission"].browse(
            [row["id"] for row in figures["todo"]["failed"]]
        )
        return [{"id": t.move_id.id} for t in transmissions]

    def test_a_rejection_on_status_update_fails_the_transmission(self):
        move, other = self.invoice(), self.invoice()
        self.send(move)
        self.send(other)
        transmission = self.ledger(move)
        rejection = "Rejected by the receiver: no purchase order with this reference"
        self.access_point.settle(transmission.external_id, "error", error=rejection)
        # An error without a message: the ledger says what Odoo logged.
        self.access_point.settle(self.ledger(other).external_id, "error")
        self.status_update()
        self.assertEqual(self.ledger(other).state, "failed")
        self.assertIn("error", self.ledger(other).last_error)
        self.assertEqual(move.peppol_move_state, "error")
        self.assertEqual(transmission.state, "failed")
        self.assertIn(rejection, transmission.last_error)
        self.assertFalse(self.env["einvoice.transmission"]._was_sent(move))
        # Odoo logs the access point's message; the ledger does not log it again.
        self.assertEqual(len(self.chatter(move, rejection)), 1)
        self.assertFalse(self.chatter(move, "Peppol delivery failed"))
        activity = self.activities(move)
        self.assertEqual(activity.user_id, self.users["manager"])
        self.assertIn(rejection, activity.note)

    def test_a_lost_answer_leaves_the_outcome_unknown_until_sent_again(self):
        move = self.invoice(salesperson=None)
        self.access_point.fault = "lost"
        self.send(move)  # the dialog closes: what happened is on the invoice
        [(_uuid, document)] = self.access_point.documents.items()
        transmission = self.ledger(move)
        self.assertEqual(move.peppol_move_state, "error")
        self.assertEqual(transmission.state, "failed")
        self.assertEqual(transmission.attempts, 1)
        self.assertEqual(transmission.recipients, "0208:0555444368")
        self.assertFalse(transmission.external_id)
        self.assertIn("No answer from the Peppol access point", transmission.last_error)
        self.assertIn("may have been delivered", transmission.last_error)
        self.assertEqual(transmission.attachment_ids.raw, document["ubl"])
        self.assertEqual(len(self.chatter(move, "Peppol delivery failed")), 1)
        # No salesperson: the activity is for the user who sent it.
        self.assertEqual(self.activities(move).user_id, self.users["billing"])

        # Sent again with Odoo's Send: a resend, which says after what.
        self.send(move)
        first, again = self.ledger(move)
        self.assertEqual(first.state, "failed")
        self.assertEqual(again.resend_number, 1)
        self.assertEqual(again.state, "sending")
        self.assertEqual(
            again.resend_reason, f"Sent again over Peppol after: {first.last_error}"
        )
        self.assertEqual(again.external_id, move.peppol_message_uuid)
        self.assertEqual(len(self.access_point.documents), 2)
        self.access_point.settle(again.external_id, "done")
        self.status_update()
        self.assertEqual(again.state, "sent")
        # Delivered: the to-do is done.
        self.assertFalse(self.activities(move))

    def test_a_queued_invoice_reset_to_draft_is_no_longer_pending(self):
        move, other = self.invoice(), self.invoice()
        self.send(move | other)  # queued for the background sending
        self.assertEqual(self.ledger(move).state, "pending")
        move.with_user(self.users["billing"]).button_draft()
        self.assertFalse(move.peppol_move_state)
        self.assertEqual(self.ledger(move).state, "cancelled")
        self.assertEqual(self.ledger(other).state, "pending")

    def test_an_internal_user_without_accounting_rights_cannot_send(self):
        move = self.invoice()
        with self.assertRaises(AccessError):
            self.send(move, user="internal")
        self.assertFalse(self.ledger(move))
        self.assertEqual(move.peppol_move_state, "ready")
        self.assertFalse(self.access_point.documents)
