# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Odoo's Send picks each invoice's channel by law and says why before anything
leaves: Peppol for a Belgian VAT-registered business on Peppol and for the Dutch
government, e-mail for consumers and for a business not on Peppol (with what to do
about it), e-mail as well when the customer asks. The Peppol directory is asked at most
once per period, a directory that cannot be reached keeps what was known, and nothing
is looked up while invoices are sent. The directory and the access point are
stand-ins on the requests seam and on loopback."""

from datetime import timedelta

from odoo import Command, fields
from odoo.exceptions import AccessError
from odoo.tests import tagged
from odoo.tools.misc import format_date

from .common import DemoCompanyCase, own_sales_journal, role_users
from .peppol_access_point import (
    DirectoryLookups,
    PeppolDirectory,
    register_company,
)

PROBE = "0208:0203201340"
OIN = "00000001003214345000"
CHANNEL = "l10n_be_nl_einvoice_channel_"
REQUIRED = "l10n_be_nl_einvoice_peppol_required_"
# What the dialog says, in English.
BAKKERIJ = "Belgian business customer with VAT BE0555444368"
BRASSERIE = "Belgian business customer with VAT BE0876543270, not on Peppol"
ALSO = "; also by e-mail, as the customer asked"
OBLIGATION = (
    "is a Belgian business: its invoices must go over Peppol since 1 January 2026."
)
NOT_FOUND = (
    "It is not found on Peppol (checked on {}): ask it for its Peppol address, or to "
    "register on Peppol."
)
CHOSEN_OTHER = (
    "It is on Peppol, but another channel is chosen: choose Peppol, unless you both "
    "agreed on another structured channel."
)
NOT_KNOWN = "It is not known yet whether it is on Peppol: check its Peppol address."
UNREACHABLE = "Peppol could not be checked now: last known state from {}."


@tagged("post_install", "-at_install")
class TestSendChannel(DirectoryLookups, DemoCompanyCase):
    maxDiff = None

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        if "peppol_move_state" not in cls.env["account.move"]._fields:
            cls.skipTest(cls, "needs account_peppol")
        formats = cls.env["account.edi.xml.ubl_21"]._get_customization_ids()
        cls.directory = PeppolDirectory([formats["ubl_bis3"], formats["nlcius"]])
        cls.registered = {PROBE, "0208:0555444368", f"0190:{OIN}"}
        cls.directory.registered = set(cls.registered)
        cls.access_point = register_company(cls)
        cls.users = role_users(cls.env, cls.company, prefix="channel")
        cls.billing = cls.users["billing"]
        cls.journal = own_sales_journal(cls.env, cls.company, code="CHN")
        cls.hour = cls.env["product.product"].search(
            [("name", "=", "Workshop hour")], limit=1
        )
        partners = cls.env["res.partner"]
        # Bakkerij Janssens BV, BE0555444368: on Peppol.
        cls.on_peppol = cls.customer
        # Brasserie du Parc SRL, BE0876543270: not on Peppol.
        cls.not_on_peppol = partners.search([("name", "=", "Brasserie du Parc SRL")])
        cls.consumer = partners.create(
            {
                "name": "An Peeters",
                "street": "Kerkstraat 1",
                "zip": "9000",
                "city": "Gent",
                "country_id": cls.env.ref("base.be").id,
                "email": "an.peeters@example.be",
            }
        )
        cls.government = partners.create(
            {
                "name": "Gemeente Voorbeeld",
                "is_company": True,
                "street": "Raadhuisplein 1",
                "zip": "1234 AB",
                "city": "Voorbeeld",
                "country_id": cls.env.ref("base.nl").id,
                "email": "facturen@voorbeeld.nl",
                "peppol_eas": "0190",
                "peppol_endpoint": OIN,
            }
        )
        for partner in (cls.on_peppol, cls.not_on_peppol):
            partner.email = f"invoices@{partner.peppol_endpoint}.example.be"

    def setUp(self):
        super().setUp()
        self.directory.down = False
        self.directory.registered = set(self.registered)
        self.directory.asked.clear()
        self.access_point.reset()
        self.today = fields.Date.context_today(self.billing)

    # -- helpers ---------------------------------------------------------------------

    def invoice(self, partner):
        """An invoice of today to `partner`, made and posted by the billing user."""
        move = (
            self.env["account.move"]
            .with_user(self.billing)
            .create(
                {
                    "move_type": "out_invoice",
                    "partner_id": partner.id,
                    "journal_id": self.journal.id,
                    "invoice_date": self.today,
                    "invoice_line_ids": [
                        Command.create({"product_id": self.hour.id, "quantity": 2})
                    ],
                }
            )
        )
        move.action_post()
        return move.with_env(self.env)

    def dialog(self, moves, user=None):
        """Odoo's Send dialog of `moves` as `user` (the billing user) opens it: the
        invoice's own for one, the list's for several."""
        user = user or self.billing
        action = moves.with_user(user).action_send_and_print()
        return (
            self.env[action["res_model"]]
            .with_user(user)
            .with_context(**action["context"], allowed_company_ids=self.company.ids)
            .create({})
        )

    def said(self, wizard, prefix=CHANNEL):
        """The dialog's messages of ours: the channels and why, or the warnings."""
        return sorted(
            alert["message"]
            for key, alert in wizard.alerts.items()
            if key.startswith(prefix)
        )

    def kept(self, partner):
        return partner.with_company(self.company)

    def advice(self, partner, *sentences):
        return " ".join([f"{partner.name} {OBLIGATION}", *sentences])

    # -- one invoice -----------------------------------------------------------------

    def test_a_belgian_business_on_peppol_goes_by_peppol_with_its_reason(self):
        move = self.invoice(self.on_peppol)
        wizard = self.dialog(move)
        self.assertEqual(wizard.sending_methods, ["peppol"])
        self.assertEqual(
            self.said(wizard),
            [f"By Peppol: {BAKKERIJ}"],
        )
        self.assertFalse(self.said(wizard, REQUIRED))
        self.assertRecordValues(
            self.kept(self.on_peppol),
            [
                {
                    "peppol_verification_state": "valid",
                    "einvoice_peppol_checked_on": self.today,
                    "einvoice_peppol_unreachable_on": False,
                    "invoice_sending_method": False,  # the law decides, not a choice
                }
            ],
        )
        self.assertEqual(self.directory.asked, ["0208:0555444368"])
        # It leaves over Peppol, without a look-up of its own.
        wizard.action_send_and_print()
        self.assertEqual(self.directory.asked, ["0208:0555444368"])
        [document] = self.access_point.documents.values()
        self.assertEqual(document["receiver"], "0208:0555444368")
        self.assertEqual(move.peppol_move_state, "processing")

    def test_a_belgian_business_not_on_peppol_goes_by_email_with_a_warning(self):
        move = self.invoice(self.not_on_peppol)
        wizard = self.dialog(move)
        self.assertEqual(wizard.sending_methods, ["email"])
        self.assertEqual(
            self.said(wizard),
            [f"By e-mail: {BRASSERIE}"],
        )
        checked_on = format_date(self.env, self.today)
        self.assertEqual(
            self.said(wizard, REQUIRED),
            [self.advice(self.not_on_peppol, NOT_FOUND.format(checked_on))],
        )
        warning = wizard.alerts[f"{REQUIRED}{self.not_on_peppol.id}"]
        self.assertEqual(warning["level"], "warning")
        self.assertEqual(warning["action"]["res_id"], self.not_on_peppol.id)
        # Not registered is an answer: the directory answered for the probe.
        self.assertEqual(self.directory.asked, ["0208:0876543270", PROBE])
        self.assertEqual(
            self.kept(self.not_on_peppol).peppol_verification_state, "not_valid"
        )
        self.assertFalse(self.kept(self.not_on_peppol).einvoice_peppol_unreachable_on)
        wizard.action_send_and_print()
        self.assertEqual(move.einvoice_transmission_ids.channel, "email")
        # Odoo would keep e-mail as the customer's choice after its first sending:
        # the law's answer of today is no choice, Peppol comes once it registers.
        self.assertFalse(self.kept(self.not_on_peppol).invoice_sending_method)

    def test_a_consumer_goes_by_email(self):
        wizard = self.dialog(self.invoice(self.consumer))
        self.assertEqual(wizard.sending_methods, ["email"])
        self.assertEqual(self.said(wizard), ["By e-mail: consumer"])
        self.assertFalse(self.said(wizard, REQUIRED))
        self.assertFalse(self.directory.asked)  # no Peppol address, nothing to ask

    def test_the_dutch_government_goes_by_peppol_by_its_oin(self):
        wizard = self.dialog(self.invoice(self.government))
        self.assertEqual(wizard.sending_methods, ["peppol"])
        self.assertEqual(
            self.said(wizard), [f"By Peppol: Dutch government (OIN {OIN})"]
        )
        self.assertFalse(self.said(wizard, REQUIRED))

    def test_a_customer_that_asks_for_it_gets_email_as_well(self):
        self.kept(self.on_peppol).einvoice_also_email = True
        move = self.invoice(self.on_peppol)
        wizard = self.dialog(move)
        self.assertEqual(sorted(wizard.sending_methods), ["email", "peppol"])
        self.assertEqual(
            self.said(wizard),
            [f"By Peppol + By e-mail: {BAKKERIJ}{ALSO}"],
        )
        wizard.action_send_and_print()
        self.assertEqual(len(self.access_point.documents), 1)
        self.assertEqual(
            sorted(move.einvoice_transmission_ids.mapped("channel")),
            ["email", "peppol"],
        )

    def test_a_channel_chosen_on_the_customer_wins_and_is_warned_against(self):
        self.dialog(self.invoice(self.on_peppol))  # looked up: on Peppol
        self.kept(self.on_peppol).invoice_sending_method = "email"
        wizard = self.dialog(self.invoice(self.on_peppol))
        self.assertEqual(wizard.sending_methods, ["email"])
        self.assertEqual(self.said(wizard), ["By e-mail: chosen on the customer"])
        self.assertEqual(
            self.said(wizard, REQUIRED),
            [self.advice(self.on_peppol, CHOSEN_OTHER)],
        )
        # The user ticks Peppol after all: the reason follows the dialog.
        wizard.sending_methods = ["peppol"]
        self.assertEqual(self.said(wizard), ["By Peppol: chosen in this dialog"])
        self.assertFalse(self.said(wizard, REQUIRED))

    # -- the directory: once per period, and when it cannot be reached ---------------

    def test_the_directory_is_asked_once_a_period_and_a_network_down_keeps_the_state(
        self,
    ):
        customer = self.kept(self.on_peppol)
        self.dialog(self.invoice(self.on_peppol))
        self.dialog(self.invoice(self.on_peppol))
        self.assertEqual(self.directory.asked, ["0208:0555444368"])
        # A week later the check is due; the directory cannot be reached.
        week_ago = self.today - timedelta(days=8)
        customer.sudo().einvoice_peppol_checked_on = week_ago
        self.directory.down = True
        self.directory.asked.clear()
        wizard = self.dialog(self.invoice(self.on_peppol))
        self.assertEqual(self.directory.asked, ["0208:0555444368", PROBE])
        self.assertEqual(customer.peppol_verification_state, "valid")
        self.assertEqual(customer.einvoice_peppol_checked_on, week_ago)
        self.assertTrue(customer.einvoice_peppol_unreachable_on)
        self.assertEqual(wizard.sending_methods, ["peppol"])
        note = UNREACHABLE.format(format_date(self.env, week_ago))
        self.assertEqual(self.said(wizard), [f"By Peppol: {BAKKERIJ}. {note}"])
        # Within the hour no dialog waits for it again.
        self.dialog(self.invoice(self.on_peppol))
        self.assertEqual(len(self.directory.asked), 2)
        # An hour later, and back: checked today.
        self.directory.down = False
        customer.sudo().einvoice_peppol_unreachable_on = fields.Datetime.now() - (
            timedelta(hours=2)
        )
        wizard = self.dialog(self.invoice(self.on_peppol))
        self.assertEqual(customer.einvoice_peppol_checked_on, self.today)
        self.assertFalse(customer.einvoice_peppol_unreachable_on)
        self.assertEqual(
            self.said(wizard),
            [f"By Peppol: {BAKKERIJ}"],
        )

    def test_a_customer_never_checked_while_the_network_is_down_is_not_known(self):
        self.directory.down = True
        wizard = self.dialog(self.invoice(self.not_on_peppol))
        self.assertEqual(wizard.sending_methods, ["email"])
        self.assertIn(
            self.kept(self.not_on_peppol).peppol_verification_state,
            (False, "not_verified"),
        )
        self.assertEqual(
            self.said(wizard, REQUIRED),
            [
                self.advice(
                    self.not_on_peppol,
                    NOT_KNOWN,
                    "Peppol could not be checked now, and never was before.",
                )
            ],
        )

    # -- the list's dialog, and the sending in the background ------------------------

    def test_the_list_dialog_says_each_invoices_channel_and_sends_without_look_up(
        self,
    ):
        self.kept(self.on_peppol).einvoice_also_email = True
        peppol = self.invoice(self.on_peppol)
        brasserie = self.invoice(self.not_on_peppol)
        consumer = self.invoice(self.consumer) | self.invoice(self.consumer)
        government = self.invoice(self.government)
        wizard = self.dialog(peppol | brasserie | consumer | government)
        self.assertEqual(wizard._name, "account.move.send.batch.wizard")
        self.assertEqual(
            self.said(wizard),
            sorted(
                [
                    f"By Peppol + By e-mail: {BAKKERIJ}{ALSO} ({peppol.name})",
                    f"By e-mail: {BRASSERIE} ({brasserie.name})",
                    f"By e-mail: consumer ({consumer[0].name}, {consumer[1].name})",
                    f"By Peppol: Dutch government (OIN {OIN}) ({government.name})",
                ]
            ),
        )
        [warning] = self.said(wizard, REQUIRED)
        self.assertTrue(warning.startswith(self.advice(self.not_on_peppol)))
        self.assertTrue(warning.endswith(f"({brasserie.name})"))
        counts = {key: value["count"] for key, value in wizard.summary_data.items()}
        self.assertEqual((counts["peppol"], counts["email"]), (2, 4))
        # Sent in the background: the e-mails wait in the ledger; Odoo's sending
        # cron looks nobody up.
        sent = peppol | brasserie
        self.dialog(sent).action_send_and_print()
        emails = sent.einvoice_transmission_ids.filtered(lambda t: t.channel == "email")
        self.assertEqual(emails.mapped("state"), ["pending"] * 2)
        self.directory.asked.clear()
        self.env["account.move"]._cron_account_move_send()
        self.assertFalse(self.directory.asked)
        [document] = self.access_point.documents.values()
        self.assertEqual(document["receiver"], "0208:0555444368")
        self.assertEqual(
            sorted(peppol.einvoice_transmission_ids.mapped("channel")),
            ["email", "peppol"],
        )

    # -- data quality and the scheduled check ----------------------------------------

    def test_data_quality_lists_belgian_businesses_not_on_peppol_with_the_advice(self):
        partners = (self.on_peppol | self.not_on_peppol | self.consumer).with_user(
            self.billing
        )
        partners.einvoice_check_peppol()
        self.assertEqual(
            sorted(self.directory.asked),
            sorted(["0208:0555444368", "0208:0876543270", PROBE]),
        )
        self.consumer.customer_rank = 1
        rows = {
            row["id"]: [
                p for p in row["problems"] if p["code"].startswith("peppol_required")
            ]
            for row in self.env["res.partner"]
            .with_user(self.billing)
            .einvoice_data_quality(self.company.id)
        }
        checked_on = format_date(self.env, self.today)
        [problem] = rows[self.not_on_peppol.id]
        self.assertEqual(
            (problem["field"], problem["code"], problem["blocking"]),
            ("peppol_endpoint", "peppol_required_not_found", False),
        )
        advice = self.advice(self.not_on_peppol, NOT_FOUND.format(checked_on))
        self.assertEqual(problem["message"], advice)
        self.assertIn(advice, self.kept(self.not_on_peppol).einvoice_data_problems)
        self.assertFalse(rows.get(self.on_peppol.id))
        self.assertFalse(rows.get(self.consumer.id))
        # Its Peppol ID is found, it registers: no longer listed.
        self.directory.registered.add("0208:0876543270")
        self.not_on_peppol.with_user(self.billing).action_einvoice_check_peppol()
        self.assertEqual(
            self.kept(self.not_on_peppol).peppol_verification_state, "valid"
        )
        self.assertNotIn(
            "Peppol", self.kept(self.not_on_peppol).einvoice_data_problems or ""
        )

    def test_the_scheduled_check_asks_what_is_due_and_stops_when_down(self):
        partners = self.env["res.partner"]
        self.directory.down = True
        partners._cron_einvoice_check_peppol()
        # One customer tried, the directory probed, and the run ends there.
        self.assertEqual(len(self.directory.asked), 2)
        self.assertEqual(self.directory.asked[1], PROBE)
        self.directory.down = False
        for partner in partners.search([("customer_rank", ">", 0)]):
            self.kept(partner).sudo().einvoice_peppol_unreachable_on = False
        self.directory.asked.clear()
        partners._cron_einvoice_check_peppol()
        self.assertIn("0208:0555444368", self.directory.asked)
        self.assertIn("0208:0876543270", self.directory.asked)
        self.assertEqual(self.kept(self.on_peppol).peppol_verification_state, "valid")
        self.assertEqual(
            self.kept(self.not_on_peppol).peppol_verification_state, "not_valid"
        )
        # Checked today: the next run asks nobody.
        self.directory.asked.clear()
        partners._cron_einvoice_check_peppol()
        self.assertFalse(self.directory.asked)

    # -- who may ---------------------------------------------------------------------

    def test_users_without_accounting_rights_are_refused(self):
        move = self.invoice(self.on_peppol)
        internal = self.users["internal"]
        with self.assertRaises(AccessError):
            self.dialog(move, internal).action_send_and_print()
        with self.assertRaises(AccessError):
            self.on_peppol.with_user(internal).einvoice_check_peppol()
        with self.assertRaises(AccessError):
            self.env["res.partner"].with_user(internal).einvoice_data_quality()
        self.assertFalse(move.einvoice_transmission_ids)
        self.assertFalse(self.access_point.documents)
