# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Payment reminders: levels after the due date, statutory interest and costs, the
consumer rules, each level once per invoice, e-mailed through the ledger."""

import io
from unittest.mock import patch

from odoo import Command, fields
from odoo.exceptions import AccessError
from odoo.tests import tagged
from odoo.tools.pdf import PdfFileReader

from ..models import einvoice_reminder as reminder_module
from .common import DemoCompanyCase, deliver_mails, role_users, start_loopback_smtp


@tagged("post_install", "-at_install")
class TestReminders(DemoCompanyCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.inbox = start_loopback_smtp(cls)
        cls.hour = cls.env["product.product"].search(
            [("name", "=", "Workshop hour")], limit=1
        )
        cls.customer.einvoice_invoice_email = "fin@bakkerij-janssens.be"
        cls.reminders = cls.env["einvoice.reminder"]
        # The demo invoices are not part of these runs.
        cls.env["account.move"].search(
            [("company_id", "=", cls.company.id), ("move_type", "=", "out_invoice")]
        ).einvoice_reminder_hold = True

    def setUp(self):
        super().setUp()
        self.inbox.messages.clear()

    def invoice(self, partner=None, due="2025-10-01"):
        move = self.env["account.move"].create(
            {
                "move_type": "out_invoice",
                "partner_id": (partner or self.customer).id,
                "invoice_date": fields.Date.to_date("2025-09-01"),
                "invoice_date_due": fields.Date.to_date(due),
                "invoice_payment_term_id": False,
                "invoice_line_ids": [
                    Command.create(
                        {"product_id": self.hour.id, "quantity": 2, "price_unit": 85}
                    )
                ],
            }
        )
        move.action_post()
        return move

    def run_on(self, day):
        return self.reminders.run_reminders(self.company.id, day)

    def test_each_level_goes_once_with_the_statutory_interest_and_compensation(self):
        move = self.invoice()
        self.assertFalse(self.run_on("2025-10-05")["reminder_ids"], "4 days late")
        first = self.reminders.browse(self.run_on("2025-10-10")["reminder_ids"])
        self.assertEqual(first.level_id.name, "Friendly reminder")
        self.assertEqual((first.interest, first.fees), (0, 0))
        self.assertEqual(first.state, "sent")
        self.assertEqual(move.einvoice_reminder_level_id, first.level_id)
        self.assertEqual(str(move.einvoice_reminder_first_date), "2025-10-10")
        transmission = first.transmission_ids
        self.assertEqual(
            (transmission.kind, transmission.state), ("reminder", "sending")
        )
        deliver_mails(transmission.mail_id)
        ((recipients, message),) = self.inbox.messages
        self.assertEqual(recipients, ["fin@bakkerij-janssens.be"])
        self.assertIn("Friendly reminder", message["Subject"])
        self.assertTrue(
            any(
                part.get_filename().endswith(".pdf")
                for part in message.iter_attachments()
            )
        )
        # The same day again: nothing new.
        self.assertFalse(self.run_on("2025-10-10")["reminder_ids"])
        second = self.reminders.browse(self.run_on("2025-10-25")["reminder_ids"])
        self.assertEqual(second.level_id.name, "Formal notice")
        # 24 days at 10.5 % on 205.70, and EUR 40 (law of 2 August 2002)
        self.assertEqual(second.interest, 1.42)
        self.assertEqual(second.fees, 40.0)
        self.assertEqual(second.total, 247.12)
        self.assertIn("law of 2 August 2002", second.note)
        html = (
            self.env["ir.actions.report"]
            ._render_qweb_html(
                "l10n_be_nl_einvoice.action_report_einvoice_reminder", second.ids
            )[0]
            .decode()
        )
        self.assertIn(move.name, html)
        self.assertIn(move.payment_reference, html)
        self.assertIn("law of 2 August 2002", html)
        third = self.reminders.browse(self.run_on("2025-11-10")["reminder_ids"])
        self.assertEqual(third.level_id.name, "Last notice")
        self.assertFalse(
            self.run_on("2025-12-31")["reminder_ids"], "no level after the last"
        )

    def test_paid_held_and_excluded_are_never_reminded(self):
        paid, held = self.invoice(), self.invoice()
        self.env["account.payment.register"].with_context(
            active_model="account.move", active_ids=paid.ids
        ).create({"payment_date": fields.Date.to_date("2025-10-03")})._create_payments()
        held.einvoice_reminder_hold = True
        self.assertFalse(self.run_on("2025-10-10")["reminder_ids"])
        held.einvoice_reminder_hold = False
        self.customer.einvoice_reminder_exclude = True
        self.assertFalse(self.run_on("2025-10-10")["reminder_ids"])

    def test_a_consumer_gets_the_first_reminder_free_then_charges_after_the_wait(self):
        self.company.einvoice_reminder_consumer_charges = True
        person = self.env["res.partner"].create(
            {
                "name": "Jan Peeters",
                "is_company": False,
                "email": "jan@peeters.example",
                "street": "Veldstraat 7",
                "zip": "9000",
                "city": "Gent",
                "country_id": self.env.ref("base.be").id,
            }
        )
        self.invoice(partner=person)
        first = self.reminders.browse(self.run_on("2025-10-10")["reminder_ids"])
        self.assertIn("Please pay within 14 days.", first.note)
        # Book XIX: the amount claimed if it is not paid in time is stated.
        self.assertIn("damages of 35.57\xa0€ will be claimed", first.note)
        # Formal notice due on 22 October, but the wait after the first reminder
        # (sent by e-mail on 10 October) ends on 25 October.
        early = self.reminders.browse(self.run_on("2025-10-23")["reminder_ids"])
        self.assertEqual((early.interest, early.fees), (0, 0))
        self.assertIn("2025-10-25", early.line_ids.note)
        self.company.einvoice_reminder_consumer_charges = False
        later = self.reminders.browse(self.run_on("2025-11-10")["reminder_ids"])
        self.assertEqual((later.interest, later.fees), (0, 0))

    def test_consumer_charges_within_the_legal_caps(self):
        self.company.einvoice_reminder_consumer_charges = True
        person = self.env["res.partner"].create(
            {
                "name": "An Maes",
                "is_company": False,
                "email": "an@maes.example",
                "street": "Kerkstraat 3",
                "zip": "3000",
                "city": "Leuven",
                "country_id": self.env.ref("base.be").id,
            }
        )
        self.invoice(partner=person)
        self.run_on("2025-10-10")
        # E-mailed on 10 October: the 14 days start on the 11th, costs from the 25th.
        reminder = self.reminders.browse(self.run_on("2025-10-25")["reminder_ids"])
        # Book XIX: 30 + 10 % of (205.70 - 150)
        self.assertEqual(reminder.fees, 35.57)
        # 24 days at the 2025 legal rate, 4.5 %
        self.assertEqual(reminder.interest, 0.61)

    def test_a_second_run_for_the_same_level_makes_nothing(self):
        self.invoice()
        day = fields.Date.to_date("2025-10-10")
        (proposal,) = self.reminders._proposals(self.company, day)
        self.assertTrue(self.reminders._create_from(self.company, day, proposal))
        self.assertFalse(self.reminders._create_from(self.company, day, proposal))

    def test_the_run_screen_previews_and_sends_the_selection(self):
        self.invoice()
        other = self.invoice(
            partner=self.env["res.partner"].search(
                [("name", "=", "Brasserie du Parc SRL")], limit=1
            )
        )
        other.partner_id.email = "compta@brasserie.example"
        run = self.env["einvoice.reminder.run"].create({"date": "2025-10-10"})
        self.assertEqual(len(run.line_ids), 2)
        self.assertEqual(run.line_ids.level_id.name, "Friendly reminder")
        run.line_ids.filtered(
            lambda x: x.partner_id == other.partner_id
        ).selected = False
        run.action_send()
        sent = self.reminders.search([("company_id", "=", self.company.id)])
        self.assertEqual(sent.partner_id, self.customer)

    def test_billing_users_managers_and_administrators_send_reminders(self):
        users = role_users(self.env, self.company)
        parc = self.env["res.partner"].search([("name", "=", "Brasserie du Parc SRL")])
        person = self.env["res.partner"].create(
            {
                "name": "Mark Claes",
                "street": "Kerkstraat 1",
                "zip": "2000",
                "city": "Antwerpen",
                "country_id": self.env.ref("base.be").id,
                "einvoice_reminder_by_post": True,
            }
        )
        moves = {
            "billing": self.invoice(),
            "manager": self.invoice(partner=parc),
            "admin": self.invoice(partner=person),
        }
        # The reminders screen's Send, as a billing user: only their customer.
        run = (
            self.env["einvoice.reminder.run"]
            .with_user(users["billing"])
            .create({"date": "2025-10-10"})
        )
        run.line_ids.filtered(lambda x: x.partner_id != self.customer).selected = False
        self.assertEqual(run.action_send()["params"]["type"], "success")
        mine = self.reminders.search([("partner_id", "=", self.customer.id)])
        self.assertEqual((mine.state, mine.transmission_ids.state), ("sent", "sending"))
        self.assertEqual(mine.create_uid, users["billing"])
        move = moves["billing"]
        self.assertEqual(move.einvoice_reminder_level_id, mine.level_id)
        self.assertTrue(
            move.message_ids.filtered(lambda m: "fin@bakkerij-janssens.be" in m.body),
            "the invoice's chatter says where the reminder went",
        )
        # Over the public method, as a manager and as an administrator.
        for role, partner in (("manager", parc), ("admin", person)):
            result = self.reminders.with_user(users[role]).run_reminders(
                self.company.id, "2025-10-10", partner_ids=partner.ids
            )
            reminder = self.reminders.browse(result["reminder_ids"])
            self.assertEqual(reminder.partner_id, partner, role)
        self.assertEqual(moves["manager"].einvoice_reminder_level_id.sequence, 10)
        # The administrator's was a letter: confirmed posted by a billing user.
        letter = reminder
        self.assertEqual(letter.state, "to_post")
        letter.with_user(users["billing"]).action_mark_posted()
        self.assertEqual(
            (letter.state, letter.transmission_ids.state), ("sent", "sent")
        )
        self.assertEqual(moves["admin"].einvoice_reminder_level_id, letter.level_id)
        # Without accounting rights: refused, nothing made.
        internal = users["internal"]
        count = self.reminders.search_count([])
        with self.assertRaises(AccessError):
            self.reminders.with_user(internal).run_reminders(self.company.id)
        with self.assertRaises(AccessError):
            self.env["einvoice.reminder.run"].with_user(internal).create({})
        with self.assertRaises(AccessError):
            letter.with_user(internal).action_mark_posted()
        self.assertEqual(self.reminders.search_count([]), count)

    def test_interest_and_costs_are_invoiced_in_the_legal_series(self):
        move = self.invoice()
        (charge_id,) = move.einvoice_charge_late("2025-10-25")
        charge = self.env["account.move"].browse(charge_id)
        self.assertEqual(charge.partner_id, self.customer)
        self.assertEqual(charge.invoice_line_ids.mapped("price_unit"), [1.42, 40.0])
        self.assertFalse(charge.invoice_line_ids.tax_ids)
        self.assertIn(move.name, charge.invoice_line_ids[0].name)
        charge.action_post()
        self.assertTrue(charge.einvoice_number)

    def test_many_go_in_the_background_and_a_payment_meanwhile_cancels_one(self):
        paid, open_ = (
            self.invoice(),
            self.invoice(
                partner=self.env["res.partner"].search(
                    [("name", "=", "Brasserie du Parc SRL")], limit=1
                )
            ),
        )
        open_.partner_id.email = "compta@brasserie.example"
        with patch.object(reminder_module, "SEND_NOW", 0):
            result = self.run_on("2025-10-10")
        self.assertEqual(len(result["queued"]), 2)
        self.env["account.payment.register"].with_context(
            active_model="account.move", active_ids=paid.ids
        ).create({"payment_date": fields.Date.to_date("2025-10-11")})._create_payments()
        self.reminders._cron_send()
        states = {
            r.partner_id: r.state for r in self.reminders.browse(result["reminder_ids"])
        }
        self.assertEqual(states[self.customer], "cancelled")
        self.assertEqual(states[open_.partner_id], "sent")
        self.assertFalse(paid.einvoice_reminder_level_id)

    def test_an_agreed_rate_replaces_the_statutory_one_for_businesses(self):
        self.company.einvoice_contract_rate = 12.0
        move = self.invoice()
        (figures,) = move.einvoice_late_interest("2025-10-25")
        # 24 days at 12 % on 205.70
        self.assertEqual((figures["kind"], figures["interest"]), ("contract", 1.62))

    def test_a_dutch_speaking_customer_reads_the_reminder_in_dutch(self):
        self.env["res.lang"]._activate_lang("nl_BE")
        self.env["ir.module.module"]._load_module_terms(
            ["l10n_be_nl_einvoice"], ["nl_BE"], overwrite=True
        )
        self.env["einvoice.reminder.level"].search(
            [("company_id", "=", self.company.id)]
        ).unlink()
        self.customer.lang = "nl_BE"
        self.invoice()
        self.run_on("2025-10-10")
        second = self.reminders.browse(self.run_on("2025-10-25")["reminder_ids"])
        self.assertIn("wet van 2 augustus 2002", second.note)
        self.assertEqual(
            second.level_id.with_context(lang="nl_BE").name, "Ingebrekestelling"
        )
        deliver_mails(second.transmission_ids.mail_id)
        message = self.inbox.messages[-1][1]
        self.assertIn("Ingebrekestelling", message["Subject"])
        body = message.get_body(("html", "plain")).get_content()
        self.assertIn("Beste", body)
        self.assertIn("Deze herinnering geldt als ingebrekestelling.", body)

    def test_a_reminder_by_post_is_printed_and_counts_once_posted(self):
        self.company.einvoice_reminder_consumer_charges = True
        person = self.env["res.partner"].create(
            {
                "name": "Mark Claes",
                "is_company": False,
                "street": "Kerkstraat 1",
                "zip": "2000",
                "city": "Antwerpen",
                "country_id": self.env.ref("base.be").id,
                "einvoice_reminder_by_post": True,
            }
        )
        move = self.invoice(partner=person)
        reminder = self.reminders.browse(self.run_on("2025-10-10")["reminder_ids"])
        self.assertEqual(reminder.state, "to_post")
        letter = reminder.transmission_ids
        self.assertEqual((letter.channel, letter.state), ("post", "pending"))
        self.assertTrue(letter.attachment_ids)
        self.assertIn("Antwerpen", letter.recipients)
        self.assertFalse(move.einvoice_reminder_level_id, "not before it is posted")
        self.assertFalse(self.inbox.messages)
        reminder.action_mark_posted()
        self.assertEqual((reminder.state, letter.state), ("sent", "sent"))
        self.assertEqual(move.einvoice_reminder_level_id, reminder.level_id)
        self.assertTrue(move.einvoice_reminder_first_by_post)

    def test_reminders_share_wkhtmltopdf_calls_and_a_long_one_goes_alone(self):
        """Without patched Qt (this machine's build) one-page reminders are rendered
        in one call and cut page by page; a reminder longer than a page is rendered
        on its own; each reminder gets its own PDF."""
        partners = self.env["res.partner"].create(
            [
                {
                    "name": f"Klant {i} BV",
                    "is_company": True,
                    "email": f"k{i}@x.be",
                    "street": f"Markt {i + 1}",
                    "zip": "8000",
                    "city": "Brugge",
                    "country_id": self.env.ref("base.be").id,
                }
                for i in range(4)
            ]
        )
        for partner in partners[:3]:
            self.invoice(partner)
        for _i in range(45):  # one customer with a reminder of two pages or more
            self.invoice(partners[3])
        for partner in partners:
            partner.einvoice_reminder_by_post = True
        report = self.env["ir.actions.report"]
        calls = []
        original = type(report)._run_wkhtmltopdf

        def counting(this, bodies, **kwargs):
            calls.append(len(bodies))
            return original(this, bodies, **kwargs)

        with (
            patch.object(type(report), "_einvoice_wkhtmltopdf_version", lambda s: ""),
            patch.object(type(report), "_run_wkhtmltopdf", counting),
        ):
            reminders = self.reminders.browse(
                self.run_on("2025-10-10")["reminder_ids"]
            ).filtered(lambda r: r.partner_id in partners)
        self.assertEqual(len(reminders), 4)
        self.assertEqual(set(reminders.mapped("state")), {"to_post"})
        pages = {}
        for reminder in reminders:
            pdf = reminder.transmission_ids.attachment_ids
            self.assertEqual(pdf.mimetype, "application/pdf")
            pages[reminder.partner_id] = len(PdfFileReader(io.BytesIO(pdf.raw)).pages)
        self.assertEqual([pages[p] for p in partners[:3]], [1, 1, 1])
        self.assertGreater(pages[partners[3]], 1)
        # Every call renders one page flow; far fewer calls than reminders would
        # need if the long one did not spoil its batch: 4 -> 2 + 2 -> 1 + 1.
        self.assertTrue(all(count == 1 for count in calls))
        self.assertLessEqual(len(calls), 5)
