# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Mailboxes set up from an accounting package, checked, tested with a real message,
and kept to their company."""

from unittest.mock import patch

from freezegun import freeze_time
from psycopg2 import IntegrityError

import odoo
from odoo import Command
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.modules.neutralize import get_neutralization_queries
from odoo.tests import Form, new_test_user, tagged
from odoo.tools import mute_logger

from .common import SALES_BOX, BillmailCase


@tagged("post_install", "-at_install")
class TestSetup(BillmailCase):
    def setup_form(self, preset, **inputs):
        form = Form(self.env["billmail.setup"].with_user(self.manager))
        form.preset = preset
        for field, value in inputs.items():
            setattr(form, field, value)
        return form

    def test_clearfacts_addresses_come_from_the_enterprise_number(self):
        form = self.setup_form(
            "clearfacts", office="boekhouder-peeters", sales_tray="Verkoop"
        )
        self.assertEqual(
            form.address_out_invoice,
            "Verkoop0712345630@boekhouder-peeters.clearfacts.be",
        )
        self.assertEqual(
            form.address_in_refund, "0712345630@boekhouder-peeters.clearfacts.be"
        )
        self.assertEqual(form.ubl_profile, "ublbe")
        self.assertIn("Upper and lower case matter", form.conditions)
        action = form.save().action_save()
        mailboxes = self.env["billmail.mailbox"].search(action["domain"])
        self.assertEqual(len(mailboxes), 4)
        self.assertEqual(
            set(mailboxes.mapped("email")),
            {
                "Verkoop0712345630@boekhouder-peeters.clearfacts.be",
                "0712345630@boekhouder-peeters.clearfacts.be",
            },
        )
        self.assertEqual(
            mailboxes.filtered(lambda b: b.document_type == "out_invoice").name,
            "ClearFacts – Customer invoices",
        )
        # The earlier ClearFacts mailboxes for those types are archived, not lost.
        self.assertFalse(any(self.mailboxes.mapped("active")))

    def test_yuki_has_one_address_for_every_document(self):
        form = self.setup_form("yuki", name="atelier-lambrecht")
        self.assertEqual(form.domain, "yukiworks.be", "a Belgian company")
        for kind in ("out_invoice", "out_refund", "in_invoice", "in_refund"):
            self.assertEqual(form[f"address_{kind}"], "atelier-lambrecht@yukiworks.be")

    def test_winbooks_octopus_and_other_addresses(self):
        form = self.setup_form("winbooks", name="lambrecht", domain="mydocs.be")
        self.assertEqual(form.address_in_invoice, "lambrecht@mydocs.be")
        self.assertFalse(form.address_out_invoice)
        form = self.setup_form(
            "octopus",
            sales_address="verkoop.4711@docin.octopus.be",
            purchase_address="aankoop.4711@docin.octopus.be",
        )
        self.assertEqual(form.address_out_refund, "verkoop.4711@docin.octopus.be")
        self.assertEqual(form.address_in_refund, "aankoop.4711@docin.octopus.be")

    def test_billtobox_nl_needs_the_kvk_number(self):
        form = self.setup_form("billtobox_nl")
        self.assertIn("no 8-digit KvK number", form.problem)
        self.assertFalse(form.address_out_invoice)
        with self.assertRaises(UserError):
            form.save().action_save()
        self.company.company_registry = "12345678"
        form = self.setup_form("billtobox_nl", subject="Verkoop 12345678")
        self.assertFalse(form.problem)
        self.assertEqual(form.address_out_invoice, "12345678@out.nl.billtobox.com")
        self.assertEqual(form.ubl_profile, "nlcius")
        self.assertIn("trusted sender", form.conditions)
        action = form.save().action_save()
        mailboxes = self.env["billmail.mailbox"].search(action["domain"])
        self.assertEqual(mailboxes.mapped("subject"), ["Verkoop 12345678"] * 2)

    def test_a_missing_input_is_named(self):
        form = self.setup_form("clearfacts", office="peeters")
        self.assertEqual(form.problem, "Fill in Sales Tray.")

    def test_a_mailbox_address_is_checked_and_something_must_be_sent(self):
        mailbox = self.sales_box.with_user(self.manager)
        with self.assertRaises(ValidationError):
            mailbox.email = "verkoop at kantoor"
        with self.assertRaises(ValidationError):
            mailbox.write({"ubl_profile": False, "attach_pdf": False})
        with mute_logger("odoo.sql_db"), self.assertRaises(IntegrityError):
            mailbox.copy()
            self.env.flush_all()

    def test_the_test_button_sends_a_real_message(self):
        mailbox = self.sales_box.with_user(self.manager)
        with patch.object(odoo.modules.module, "current_test", False):
            result = mailbox.action_send_test()
        self.assertEqual(result["params"]["type"], "success")
        (message,) = self.received(SALES_BOX)
        self.assertEqual(message["From"], "facturen@atelier-lambrecht.example")
        self.assertIn("Test", message["Subject"])
        self.assertIn("Accepted by the mail server", self.sales_box.last_test_result)
        self.inbox.refuse = 1
        with patch.object(odoo.modules.module, "current_test", False):
            result = mailbox.action_send_test()
        self.assertEqual(result["params"]["type"], "danger")
        self.assertIn("Try again later", self.sales_box.last_test_result)

    def test_a_mailbox_that_received_documents_is_archived_not_deleted(self):
        with freeze_time("2030-03-10 09:00:00"):
            self.invoice().with_user(self.billing).billmail_send()
        mailbox = self.sales_box.with_user(self.manager)
        with self.assertRaises(UserError):
            mailbox.unlink()
        mailbox.action_archive()
        self.assertFalse(self.sales_box.active)

    def test_the_schedule_and_sender_are_set_in_the_settings(self):
        settings_model = self.env["res.config.settings"].with_user(self.users["admin"])
        with Form(settings_model) as settings:
            settings.billmail_schedule = "month"
            settings.billmail_email_from = "boekhouding@atelier-lambrecht.example"
        settings.save().execute()
        self.assertEqual(self.company.billmail_schedule, "month")
        with self.assertRaises(ValidationError):
            self.company.billmail_email_from = "not an address"

    def test_a_neutralized_copy_does_not_email_the_accountant(self):
        self.env.flush_all()
        for query in get_neutralization_queries(["billmail_connector"]):
            self.env.cr.execute(query)
        self.env.invalidate_all()
        self.assertEqual(self.company.billmail_schedule, "manual")
        self.assertFalse(self.env["billmail.mailbox"].search([]))


@tagged("post_install", "-at_install")
class TestAccess(BillmailCase):
    """Billing users read the mailboxes and send documents to them; the accounting
    manager sets them up and sends their test message; a refused user changes and
    sends nothing."""

    def test_billing_users_read_mailboxes_and_send_managers_set_them_up(self):
        billing = self.billing
        self.assertTrue(self.sales_box.with_user(billing).email)
        with self.assertRaises(AccessError):
            self.sales_box.with_user(billing).email = "elders@example.com"
        for user in (billing, self.users["internal"]):
            with self.assertRaises(AccessError):
                self.env["billmail.setup"].with_user(user).create({})
            with self.assertRaises(AccessError):
                self.env["billmail.mailbox"].with_user(user).create(
                    {
                        "document_type": "out_invoice",
                        "email": "elders@example.com",
                        "attach_pdf": True,
                    }
                )
        with freeze_time("2030-03-10 09:00:00"):
            move = self.invoice()
            result = move.with_user(billing).billmail_send()
        self.assertEqual(len(result["queued"]), 1)

    def test_a_test_message_is_refused_before_it_is_sent(self):
        with patch.object(odoo.modules.module, "current_test", False):
            for user in (self.billing, self.users["internal"]):
                with self.assertRaises(AccessError):
                    self.sales_box.with_user(user).action_send_test()
        self.assertFalse(self.inbox.messages)
        self.assertFalse(
            self.env["mail.mail"].search([("email_to", "=", SALES_BOX)]),
            "no e-mail queued either",
        )
        self.assertFalse(self.sales_box.last_test_at)

    def test_users_without_accounting_rights_send_nothing(self):
        internal = self.users["internal"]
        with freeze_time("2030-03-10 09:00:00"):
            move = self.invoice()
        with self.assertRaises(AccessError):
            move.with_user(internal).billmail_send()
        with self.assertRaises(AccessError):
            self.env["billmail.send.wizard"].with_user(internal).create({})
        self.assertFalse(self.ledger(move))
        # The billing user's wizard sends it.
        wizard = (
            self.env["billmail.send.wizard"]
            .with_user(self.billing)
            .create({"selected_ids": [Command.set(move.ids)]})
        )
        wizard.action_send()
        self.assertEqual(self.ledger(move).state, "sending")

    def test_another_companys_mailboxes_are_out_of_sight(self):
        other = self.env["res.company"].search(
            [("name", "=", "Fietsenmakerij De Vries B.V.")]
        )
        user = new_test_user(
            self.env,
            login="billmail_nl",
            groups="account.group_account_manager",
            company_id=other.id,
            company_ids=other.ids,
        )
        mailboxes = (
            self.env["billmail.mailbox"]
            .with_user(user)
            .with_context(allowed_company_ids=other.ids)
            .search([])
        )
        self.assertFalse(mailboxes & self.mailboxes)
