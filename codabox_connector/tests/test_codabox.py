# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""CodaBox against a local stand-in of its API on loopback: connecting a company,
bank statements in (each once, acknowledged after the import), sales invoices out
(each once, checked first). Nothing here reaches the internet."""

from datetime import date, timedelta
from decimal import Decimal
from unittest.mock import patch

from odoo import Command, fields
from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from odoo.addons.l10n_be_nl_einvoice.lib.coda_writer import Payment, write
from odoo.addons.l10n_be_nl_einvoice.lib.ubl_validate import get_validator
from odoo.addons.l10n_be_nl_einvoice.tests.common import (
    DemoCompanyCase,
    own_sales_journal,
)

from ..lib import client as client_module
from ..models.codabox_connection import FETCH_LOCK
from .common import KBO, codabox_users, reset_fake_codabox, start_fake_codabox

IBAN = "BE46063000000136"  # the demo company's bank account


class CodaboxCase(DemoCompanyCase):
    """The demo company, the stand-in of CodaBox (two feed entries a page) and the
    users who click: ``users["billing"]`` sends invoices, ``users["manager"]``
    connects, checks and disconnects."""

    @classmethod
    def setUpClass(cls):  # pylint: disable=invalid-name
        super().setUpClass()
        cls.fake = start_fake_codabox(cls, page_size=2)
        codabox_users(cls)
        cls.billing = cls.users["billing"]
        cls.manager = cls.users["manager"]
        cls.journal = cls.env["account.journal"].search(
            [("company_id", "=", cls.company.id), ("type", "=", "sale")], limit=1
        )
        cls.journal.invoice_reference_model = "be"
        cls.connection = cls.env["codabox.connection"]._for_company(cls.company)
        cls.hour = cls.env["product.product"].search(
            [("name", "=", "Workshop hour")], limit=1
        )

    def setUp(self):  # pylint: disable=invalid-name
        super().setUp()
        reset_fake_codabox(self.fake)

    @staticmethod
    def as_user(records, user):
        """`records` as `user` clicks them: in the companies `user` works in."""
        return records.with_user(user).with_context(
            allowed_company_ids=user.company_ids.ids
        )

    def connect(self):
        username, password = self.fake.connect(KBO)
        self.connection.sudo().write(
            {
                "username": username,
                "password": password,
                "vat": KBO,
                "state": "connected",
            }
        )
        return username

    def invoice(self, price=100.0, day=None, journal=None):
        move = self.env["account.move"].create(
            {
                "move_type": "out_invoice",
                "partner_id": self.customer.id,
                "journal_id": (journal or self.journal).id,
                "invoice_date": day or fields.Date.context_today(self.env.user),
                "invoice_line_ids": [
                    Command.create(
                        {"product_id": self.hour.id, "quantity": 1, "price_unit": price}
                    )
                ],
            }
        )
        move.action_post()
        return move

    def fetch_all(self):
        """Call the feed reader as the cron runner does, until it is done; the
        files it imported."""
        total = 0
        for _step in range(50):
            done, more = self.connection._fetch()
            total += done
            if not more:
                return total
        raise AssertionError("the feed reader does not stop")

    @staticmethod
    def ogm(move):
        return "".join(c for c in move.payment_reference if c.isdigit())


@tagged("post_install", "-at_install")
class TestConnection(CodaboxCase):
    def wizard(self, user=None, **values):
        return (
            self.env["codabox.connect.wizard"]
            .with_user(user or self.manager)
            .create({"connection_id": self.connection.id, **values})
        )

    def test_connecting_with_the_emailed_token(self):
        wizard = self.wizard()
        self.assertEqual(wizard.vat, KBO)
        wizard.action_request_token()
        self.assertEqual(self.connection.state, "token")
        self.assertEqual(wizard.step, "token")
        ((vat, token),) = self.fake.emailed_tokens
        self.assertEqual(vat, KBO)
        wizard.token = token
        wizard.action_confirm()
        self.assertEqual(self.connection.state, "connected")
        self.assertEqual(self.connection.sudo().username, f"user-{KBO}")
        self.assertEqual(self.connection.client_name, f"Client {KBO}")
        self.assertTrue(self.connection.last_contact)
        # The token worked once.
        again = self.wizard(step="token", token=token)
        with self.assertRaisesRegex(UserError, "already used"):
            again.action_confirm()

    def test_codabox_errors_read_as_what_to_do(self):
        wizard = self.wizard()
        self.fake.offices.clear()
        with self.assertRaisesRegex(UserError, "accounting office"):
            wizard.action_request_token()
        self.fake.add_office_client(KBO)
        self.fake.connect(KBO)
        with self.assertRaisesRegex(UserError, "revoke that connection in myCodaBox"):
            wizard.action_request_token()
        wizard.vat = "BE 123"
        with self.assertRaisesRegex(UserError, "not a Belgian enterprise number"):
            wizard.action_request_token()

    def test_refused_credentials_and_a_changed_vat_number_show_on_the_connection(self):
        self.connect()
        connection = self.connection.with_user(self.manager)
        connection.action_check()
        self.assertEqual(connection.state, "connected")
        self.connection.sudo().password = "old"
        connection.action_check()
        self.assertEqual(connection.state, "error")
        self.assertIn("refuses the connection's credentials", connection.last_error)
        self.connect()
        self.company.write({"vat": "BE0477472701", "company_registry": "0477472701"})
        self.assertTrue(connection.vat_changed)
        connection.action_check()
        self.assertEqual(connection.state, "error")
        self.assertIn("0477472701", connection.last_error)
        self.assertIn("connect it again", connection.last_error)
        self.assertEqual(self.connection._fetch(), (0, False))

    def test_only_system_administrators_read_the_credentials(self):
        self.connect()
        connection = self.connection.with_user(self.manager)
        self.assertEqual(connection.state, "connected")
        with self.assertRaises(AccessError):
            connection.read(["password"])
        # Yet the manager can check the connection, which uses them.
        connection.action_check()
        self.assertEqual(connection.state, "connected")
        self.assertEqual(
            self.connection.with_user(self.users["admin"]).password, f"secret-{KBO}"
        )


@tagged("post_install", "-at_install")
class TestWhoMay(CodaboxCase):
    """Billing users see the connection and send invoices; the company's accounting
    manager connects, checks, imports and disconnects; a refused user changes
    nothing and CodaBox is not asked."""

    def test_the_buttons_of_the_connection_are_the_manager_s(self):
        self.connect()
        for user in (self.billing, self.users["internal"], self.other_manager):
            connection = self.as_user(self.connection, user)
            for button in (
                "action_connect",
                "action_check",
                "action_fetch_now",
                "action_disconnect",
            ):
                with self.assertRaises(AccessError, msg=f"{user.login} {button}"):
                    getattr(connection, button)()
        self.assertFalse(self.fake.requests)
        self.assertEqual(self.connection.state, "connected")
        self.assertEqual(self.connection.sudo().username, f"user-{KBO}")
        connection = self.connection.with_user(self.manager)
        self.assertEqual(
            connection.action_connect()["res_model"], "codabox.connect.wizard"
        )
        self.assertEqual(connection.action_fetch_now()["tag"], "display_notification")
        connection.action_disconnect()
        self.assertEqual(connection.state, "draft")
        self.assertFalse(self.connection.sudo().username)

    def test_billing_users_open_the_connection_internal_users_do_not(self):
        connections = self.env["codabox.connection"]
        for user in (self.billing, self.manager):
            action = connections.with_user(user).action_open_company_connection()
            self.assertEqual(action["res_id"], self.connection.id)
        with self.assertRaises(AccessError):
            connections.with_user(
                self.users["internal"]
            ).action_open_company_connection()

    def test_the_connect_wizard_is_the_manager_s_of_that_company(self):
        with self.assertRaises(AccessError):
            self.wizard_as(self.billing)
        # A manager of another company names this company's connection: CodaBox is
        # not asked to e-mail a token, nor is a token spent.
        foreign = self.wizard_as(self.other_manager)
        with self.assertRaises(AccessError):
            foreign.action_request_token()
        self.assertFalse(self.fake.emailed_tokens)
        self.wizard_as(self.manager).action_request_token()
        ((_vat, token),) = self.fake.emailed_tokens
        foreign.write({"step": "token", "token": token})
        with self.assertRaises(AccessError):
            foreign.action_confirm()
        self.assertEqual(self.connection.state, "token")
        mine = self.wizard_as(self.manager)
        mine.write({"step": "token", "token": token})
        mine.action_confirm()
        self.assertEqual(self.connection.state, "connected")

    def wizard_as(self, user):
        return self.as_user(self.env["codabox.connect.wizard"], user).create(
            {"connection_id": self.connection.id}
        )

    def test_billing_users_send_internal_users_do_not(self):
        self.connect()
        move = self.invoice()
        with self.assertRaises(AccessError):
            move.with_user(self.users["internal"]).codabox_send()
        with self.assertRaises(AccessError):
            self.env["codabox.send.wizard"].with_user(self.users["internal"]).create({})
        self.assertFalse(self.fake.uploads)
        self.assertFalse(
            move.einvoice_transmission_ids.filtered(lambda t: t.channel == "codabox")
        )
        result = move.with_user(self.billing).action_codabox_send()
        self.assertEqual(result["tag"], "display_notification")
        self.assertEqual(len(self.fake.uploads), 1)


@tagged("post_install", "-at_install")
class TestBankStatementsIn(CodaboxCase):
    def coda(self, payments, sequence=1):
        """A CODA file of the demo account that opens at the closing balance of the
        one written before it in the test, as a bank's files do."""
        opening = getattr(self, "closing", Decimal(0))
        self.closing = opening + sum(payment.amount for payment in payments)
        return write(IBAN, payments, sequence=sequence, old_balance=opening)

    def test_each_coda_file_is_imported_once_then_acknowledged(self):
        username = self.connect()
        invoice = self.invoice(121.0)
        day = date.today()
        total = Decimal(str(invoice.amount_total))
        self.fake.add_coda(
            username,
            self.coda([Payment(total, day, ogm=self.ogm(invoice))], 11),
        )
        self.fake.add_coda(username, self.coda([Payment(Decimal(5), day)], 12))
        self.fake.add_coda(username, b"", model="soda")
        # More than one page of the feed (two per call here).
        self.fake.add_coda(username, self.coda([Payment(Decimal(7), day)], 13))
        # One file per step; each acknowledged at the next, after its commit.
        self.assertEqual(self.connection._fetch(), (1, True))
        self.assertEqual(len(self.fake.pending(username)), 4, "not told yet")
        self.assertEqual(self.connection._fetch(), (1, True))
        self.assertEqual(len(self.fake.pending(username)), 3)
        self.assertEqual(self.fetch_all(), 2)
        self.assertFalse(self.fake.pending(username), "all acknowledged")
        self.assertIn(invoice.payment_state, ("paid", "in_payment"))
        statements = self.env["account.bank.statement"].search(
            [("journal_id.bank_account_id.sanitized_acc_number", "=", IBAN)]
        )
        self.assertEqual(len(statements.filtered("einvoice_import_identity")), 3)
        self.assertIn(
            "1 invoice(s) paid by reference", self.connection.last_fetch_summary
        )
        self.assertIn("soda", self.connection.last_fetch_summary)
        self.assertFalse(self.connection.last_error)
        self.assertEqual(self.connection._fetch(), (0, False))

    def test_a_file_that_cannot_be_imported_is_set_aside_and_the_feed_goes_on(self):
        username = self.connect()
        self.fake.add_coda(username, self.coda([Payment(Decimal(5), date.today())], 21))
        self.fake.add_coda(username, b"0000 not a CODA file\r\n" * 3)
        behind = self.fake.add_coda(
            username, self.coda([Payment(Decimal(6), date.today())], 22)
        )
        self.fetch_all()
        # Nothing waits in CodaBox: the damaged file is kept here, the one behind
        # it is imported.
        self.assertFalse(self.fake.pending(username))
        aside = self.env["codabox.set.aside"].search(
            [("connection_id", "=", self.connection.id)]
        )
        self.assertEqual(aside.state, "waiting")
        self.assertIn("BE68539007547034", aside.reason)
        self.assertEqual(aside.attachment_id.raw, b"0000 not a CODA file\r\n" * 3)
        self.assertEqual(
            aside.activity_ids.user_id.has_group("account.group_account_manager"), True
        )
        self.assertIn("set aside", self.connection.last_fetch_summary)
        statements = self.env["account.bank.statement"].search(
            [("reference", "=", f"codabox-{behind}.cod")]
        )
        self.assertEqual(len(statements), 1)
        # The manager skips it; a billing user may not even see it.
        with self.assertRaises(AccessError):
            self.as_user(aside, self.billing).read(["reason"])
        self.as_user(aside, self.manager).action_skip()
        self.assertEqual(aside.state, "skipped")
        self.assertFalse(aside.activity_ids)

    def test_a_new_accounts_file_is_set_aside_then_imported_with_its_journal(self):
        username = self.connect()
        other = "BE68539007547034"
        self.fake.add_coda(username, write(other, [Payment(Decimal(5), date.today())]))
        self.fetch_all()
        self.assertFalse(self.fake.pending(username))
        aside = self.env["codabox.set.aside"].search(
            [("connection_id", "=", self.connection.id)]
        )
        self.assertIn("No bank journal", aside.reason)
        as_manager = self.as_user(aside, self.manager)
        as_manager.action_import()  # still no journal: it waits, reason kept
        self.assertEqual(aside.state, "waiting")
        as_manager.action_import_with_journal()
        self.assertEqual(aside.state, "imported", aside.reason)
        journal = self.env["account.journal"].search(
            [("bank_account_id.sanitized_acc_number", "=", other)]
        )
        self.assertEqual(len(journal), 1)
        # A company that allows it gets the journal of a new account at once.
        self.connection.create_journals = True
        third = "BE71096123456769"
        self.fake.add_coda(username, write(third, [Payment(Decimal(7), date.today())]))
        self.fetch_all()
        self.assertTrue(
            self.env["account.journal"].search(
                [("bank_account_id.sanitized_acc_number", "=", third)]
            )
        )
        self.assertEqual(
            self.env["codabox.set.aside"].search_count(
                [("connection_id", "=", self.connection.id)]
            ),
            1,
        )

    def test_a_lost_acknowledgement_is_told_again_and_nothing_imported_twice(self):
        username = self.connect()
        self.fake.add_coda(username, self.coda([Payment(Decimal(9), date.today())], 31))
        self.assertEqual(self.connection._fetch(), (1, True))
        for _i in range(4):  # more than the client's retries
            self.fake.fault("PUT", "/delivery/feed/", "drop")
        with patch.object(client_module.time, "sleep"):
            self.assertEqual(self.connection._fetch(), (0, False))
        self.assertIn("cannot be reached", self.connection.last_error)
        self.assertEqual(len(self.fake.pending(username)), 1)
        self.assertEqual(self.fetch_all(), 0)
        self.assertFalse(self.fake.pending(username))
        self.assertFalse(self.connection.last_error)

    def test_a_file_imported_but_not_told_is_recognised_the_next_time(self):
        username = self.connect()
        self.fake.add_coda(username, self.coda([Payment(Decimal(8), date.today())], 32))
        self.assertEqual(self.connection._fetch(), (1, True))
        # Odoo stopped after committing the import, before remembering to tell.
        self.connection.write({"pending_ack_feed": 0, "pending_ack_index": False})
        self.assertEqual(self.fetch_all(), 1)
        self.assertIn("imported before", self.connection.last_fetch_summary)
        self.assertFalse(self.fake.pending(username))

    def test_a_run_already_going_on_is_left_alone(self):
        username = self.connect()
        self.fake.add_coda(username, self.coda([Payment(Decimal(3), date.today())], 41))
        with self.env.registry.cursor() as other:
            other.execute(
                "SELECT pg_advisory_xact_lock(%s, %s)",
                [FETCH_LOCK, self.connection.id],
            )
            self.assertEqual(self.connection._fetch(), (0, False))
            self.assertFalse(self.fake.requests)
            other.rollback()
        self.assertEqual(self.fetch_all(), 1)

    def test_the_cron_fetches_every_connected_company(self):
        username = self.connect()
        self.fake.add_coda(username, self.coda([Payment(Decimal(4), date.today())], 51))
        self.env["codabox.connection"]._cron_fetch()
        self.env["codabox.connection"]._cron_fetch()
        self.assertFalse(self.fake.pending(username))


@tagged("post_install", "-at_install")
class TestInvoicesOut(CodaboxCase):
    def test_an_invoice_goes_once_as_valid_ublbe_with_its_pdf(self):
        self.connect()
        move = self.invoice()
        result = move.with_user(self.billing).codabox_send()
        self.assertEqual(result["sent"], move.ids)
        ((_user, filename, content),) = self.fake.uploads
        self.assertEqual(filename, move._get_invoice_report_filename(extension="xml"))
        self.assertIn(move.name.encode(), content)
        self.assertIn(b"EmbeddedDocumentBinaryObject", content)
        report = get_validator(move._einvoice_rules_dir()).validate(content, "ublbe")
        self.assertTrue(report.valid, report.fatal)
        transmission = move.einvoice_transmission_ids.filtered(
            lambda t: t.channel == "codabox"
        )
        self.assertEqual(transmission.state, "sent")
        self.assertTrue(transmission.external_id)
        self.assertIn("through CodaBox", move.message_ids[0].body)
        again = move.with_user(self.billing).codabox_send()
        self.assertIn("already sent to CodaBox", again["skipped"][0]["reason"])
        self.assertEqual(len(self.fake.uploads), 1)

    def test_a_lost_answer_is_not_sent_again_without_a_reason(self):
        self.connect()
        move = self.invoice()
        self.fake.fault("POST", "/delivery/sales-invoice/", "drop")
        result = move.with_user(self.billing).codabox_send()
        self.assertIn("answer was lost", result["failed"][0]["reason"])
        transmission = move.einvoice_transmission_ids.filtered(
            lambda t: t.channel == "codabox"
        )
        self.assertTrue(transmission.codabox_outcome_unknown)
        self.assertIn(
            "answer was lost",
            move.with_user(self.billing).codabox_send()["skipped"][0]["reason"],
        )
        wizard = (
            self.env["einvoice.transmission.resend"]
            .with_user(self.billing)
            .create(
                {
                    "transmission_id": transmission.id,
                    "reason": "Not in CodaBox (checked)",
                }
            )
        )
        wizard.action_resend()
        self.assertEqual(len(self.fake.uploads), 1)
        self.assertEqual(
            move.einvoice_transmission_ids.filtered(
                lambda t: t.channel == "codabox" and t.resend_number == 1
            ).state,
            "sent",
        )

    def test_an_unavailable_codabox_fails_visibly_and_the_next_try_sends(self):
        self.connect()
        move = self.invoice()
        self.fake.fault("POST", "/delivery/sales-invoice/", 503)
        result = move.with_user(self.billing).codabox_send()
        self.assertTrue(result["failed"])
        # A 503 answer may come after CodaBox took it: not repeated on its own.
        transmission = move.einvoice_transmission_ids.filtered(
            lambda t: t.channel == "codabox"
        )
        self.assertTrue(transmission.codabox_outcome_unknown)
        self.connection.sudo().password = "wrong"
        other = self.invoice()
        result = other.with_user(self.billing).codabox_send()
        self.assertIn(
            "refuses the connection's credentials", result["failed"][0]["reason"]
        )
        self.assertEqual(self.connection.state, "error")
        self.connect()
        self.assertEqual(
            other.with_user(self.billing).codabox_send()["sent"], other.ids
        )

    def test_the_period_lists_the_unsent_invoices_of_this_year_oldest_first(self):
        self.connect()
        today = fields.Date.context_today(self.env.user)
        # The invoices of the 1st go in a journal of the test's own: the demo
        # journal's series has invoices of later days, and keeps its dates in order.
        own = own_sales_journal(self.env, self.company)
        first = self.invoice(day=today.replace(day=1), journal=own)
        second = self.invoice(day=today)
        first.with_user(self.billing).codabox_send()
        later = self.invoice(day=today.replace(day=1), journal=own)
        wizard = self.env["codabox.send.wizard"].with_user(self.billing).create({})
        self.assertEqual(wizard.date_from, today.replace(month=1, day=1))
        listed = wizard.move_ids
        self.assertNotIn(first, listed)
        self.assertIn(later, listed)
        self.assertIn(second, listed)
        self.assertEqual(
            listed.ids, listed.sorted(lambda m: (m.invoice_date, m.name)).ids
        )
        wizard.action_send()
        # Each one tried once, oldest first; one the rules refuse stays to fix.
        outcome = {
            t.move_id: t.state
            for t in self.env["einvoice.transmission"].search(
                [("channel", "=", "codabox"), ("move_id", "in", listed.ids)]
            )
        }
        self.assertEqual(set(outcome), set(listed))
        self.assertEqual(outcome[later], "sent")
        self.assertEqual(outcome[second], "sent")
        uploaded = [name for _user, name, _content in self.fake.uploads]
        self.assertEqual(
            uploaded[1:],
            [
                m._get_invoice_report_filename(extension="xml")
                for m in listed
                if outcome[m] == "sent"
            ],
        )
        failed = [m for m in listed if outcome[m] != "sent"]
        self.assertEqual(
            self.env["codabox.send.wizard"]
            .with_user(self.billing)
            .create({})
            .move_ids.ids,
            [m.id for m in failed],
        )
        wizard.date_from = today.replace(month=1, day=1) - timedelta(days=1)
        with self.assertRaisesRegex(UserError, "current calendar year"):
            wizard.action_send()

    def test_a_company_without_a_connection_is_told(self):
        move = self.invoice()
        result = move.with_user(self.billing).codabox_send()
        self.assertIn("not connected to CodaBox", result["skipped"][0]["reason"])
        self.assertFalse(self.fake.requests)


@tagged("post_install", "-at_install")
class TestNeutralize(CodaboxCase):
    def test_a_neutralized_copy_does_not_talk_to_codabox(self):
        from odoo.modules.neutralize import get_neutralization_queries

        self.connect()
        self.env.flush_all()
        for query in get_neutralization_queries(["codabox_connector"]):
            self.env.cr.execute(query)
        self.env.invalidate_all()
        self.assertFalse(self.connection.fetch_enabled)
        self.assertIn(
            "sandbox",
            self.env["ir.config_parameter"]
            .sudo()
            .get_param("codabox_connector.api_url"),
        )
