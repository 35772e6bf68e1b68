# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Bad master data is caught before an invoice is posted or sent, each problem named
with the record and field to fix; the data-quality list shows every company and
customer with a problem; VIES is asked when wanted and never blocks."""

import json
import threading
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import ClassVar

from odoo import Command, fields
from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from .common import DemoCompanyCase, free_port, own_sales_journal, role_users


class FakeVies(BaseHTTPRequestHandler):
    """The VIES REST service as documented: numbers ending in 1 are known."""

    calls: ClassVar[list] = []

    def do_POST(self):  # pylint: disable=invalid-name
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        FakeVies.calls.append(body)
        number = body["vatNumber"]
        answer = {
            "countryCode": body["countryCode"],
            "vatNumber": number,
            # VIES answers the moment of the request, as the real service does.
            "requestDate": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z"),
            "valid": number.endswith("1"),
            "name": "BAKKERIJ JANSSENS" if number.endswith("1") else "---",
            "address": "---",
        }
        data = json.dumps(answer).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args):  # pylint: disable=arguments-differ
        pass


@tagged("post_install", "-at_install")
class TestDataQuality(DemoCompanyCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # Invoices at a fixed date: in a sales journal of the tests' own.
        cls.journal = own_sales_journal(cls.env, cls.company)
        cls.hour = cls.env["product.product"].search(
            [("name", "=", "Workshop hour")], limit=1
        )

    def tax(self, name):
        return self.env["account.chart.template"].with_company(self.company).ref(name)

    def invoice(self, partner, tax="attn_VAT-OUT-21-S"):
        return self.env["account.move"].create(
            {
                "move_type": "out_invoice",
                "partner_id": partner.id,
                "journal_id": self.journal.id,
                "invoice_date": fields.Date.to_date("2026-11-10"),
                "invoice_line_ids": [
                    Command.create(
                        {
                            "product_id": self.hour.id,
                            "quantity": 1,
                            "price_unit": 85.0,
                            "tax_ids": [Command.set(self.tax(tax).ids)],
                        }
                    )
                ],
            }
        )

    def customer_with(self, **values):
        # Odoo checks a VAT number's form when it is typed (base_vat); data
        # imported or entered before is not, and is what the gate is for.
        return self.customer.with_context(no_vat_validation=True).copy(
            {"name": "Slagerij Peeters BV", **values}
        )

    # -- posting -----------------------------------------------------------------------

    def test_clean_data_posts(self):
        move = self.invoice(self.customer)
        self.assertEqual(move._einvoice_data_problems(), [])
        move.action_post()
        self.assertEqual(move.state, "posted")

    def test_a_wrong_vat_number_stops_posting_and_says_where(self):
        customer = self.customer_with(vat="BE0555444369")
        move = self.invoice(customer)
        with self.assertRaises(UserError) as caught:
            move.action_post()
        message = str(caught.exception)
        self.assertIn("Slagerij Peeters BV", message)
        self.assertIn("BE0555444369", message)
        self.assertIn("VAT", message)
        self.assertEqual(move.state, "draft")
        [problem] = [p for p in move._einvoice_data_problems() if p["blocking"]]
        self.assertEqual(
            (problem["model"], problem["res_id"], problem["field"], problem["code"]),
            ("res.partner", customer.id, "vat", "vat_invalid"),
        )

    def test_a_missing_address_stops_posting(self):
        customer = self.customer_with(street=False, city=False)
        move = self.invoice(customer)
        with self.assertRaisesRegex(UserError, "street"):
            move.action_post()
        codes = {p["code"] for p in move._einvoice_data_problems() if p["blocking"]}
        self.assertEqual(codes, {"street_missing", "city_missing"})

    def test_reverse_charge_needs_the_customers_vat_number(self):
        customer = self.customer_with(vat=False)
        # A plain invoice to a company without VAT number: a warning only.
        move = self.invoice(customer)
        self.assertFalse([p for p in move._einvoice_data_problems() if p["blocking"]])
        move.action_post()
        # Reverse charge: the law asks for the co-contractor's VAT number.
        move = self.invoice(customer, "attn_VAT-OUT-00-CC")
        with self.assertRaisesRegex(UserError, "VAT number"):
            move.action_post()

    def test_the_companys_own_data_is_checked(self):
        self.company.partner_id.street = False
        move = self.invoice(self.customer)
        with self.assertRaisesRegex(UserError, "Atelier Lambrecht BV"):
            move.action_post()

    # -- sending -----------------------------------------------------------------------

    def test_each_channel_checks_what_it_needs(self):
        customer = self.customer_with(email=False, peppol_endpoint=False)
        move = self.invoice(customer)
        move.action_post()
        self.assertIsNone(move._einvoice_gate())
        # E-mail: an address to send to.
        self.assertIn(
            "e-mail", self.env["einvoice.email.send"]._skip_reason(move) or ""
        )
        # Peppol: the customer's Peppol address.
        self.assertIn("Peppol", move._einvoice_gate("peppol"))
        invoice_data = {"sending_methods": {"peppol"}}
        self.env["account.move.send"]._hook_invoice_document_before_pdf_report_render(
            move, invoice_data
        )
        self.assertIn("master data", invoice_data["error"]["error_title"])
        # The accountant: what its software requires.
        self.assertIsNone(move._einvoice_gate("accountant"))
        self.assertIn(
            "Email", move._einvoice_gate("accountant", target_fields=("email",))
        )
        # Data changed after posting is caught before sending.
        customer.with_context(no_vat_validation=True).vat = "BE0555444369"
        self.assertIn("BE0555444369", move._einvoice_gate("accountant"))

    # -- the data-quality list ---------------------------------------------------------

    def test_the_data_quality_list_names_problems_until_they_are_fixed(self):
        customer = self.customer_with(vat="BE0555444369", customer_rank=1)
        rows = {
            row["id"]: row for row in self.env["res.partner"].einvoice_data_quality()
        }
        self.assertIn(customer.id, rows)
        self.assertNotIn(self.customer.id, rows)
        self.assertEqual(
            [(p["field"], p["code"]) for p in rows[customer.id]["problems"]],
            [("vat", "vat_invalid")],
        )
        self.assertIn("BE0555444369", customer.einvoice_data_problems)
        action = self.env["res.partner"].action_einvoice_data_quality()
        self.assertIn(customer.id, action["domain"][0][2])
        customer.vat = "BE0555444368"
        self.assertFalse(customer.einvoice_data_problems)
        rows = {row["id"] for row in self.env["res.partner"].einvoice_data_quality()}
        self.assertNotIn(customer.id, rows)

    def test_a_company_with_problems_is_listed(self):
        self.company.company_registry = "0712.345.631"
        rows = {
            row["id"]: row
            for row in self.env["res.partner"].einvoice_data_quality(self.company.id)
        }
        problems = rows[self.company.partner_id.id]["problems"]
        self.assertIn("company_registry", [p["field"] for p in problems])

    # -- VIES --------------------------------------------------------------------------

    def start_vies(self):
        """The VIES stand-in on loopback, Odoo pointed at it, no calls yet."""
        port = free_port()
        server = ThreadingHTTPServer(("127.0.0.1", port), FakeVies)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        self.addCleanup(server.server_close)
        self.addCleanup(server.shutdown)
        self.env["ir.config_parameter"].sudo().set_param(
            "l10n_be_nl_einvoice.vies_url", f"http://127.0.0.1:{port}/check-vat-number"
        )
        FakeVies.calls.clear()

    def test_vies_answers_are_kept_and_an_offline_service_blocks_nothing(self):
        self.start_vies()
        parameters = self.env["ir.config_parameter"].sudo()
        known = self.customer_with(vat="BE0403170701")
        [answer] = known.einvoice_check_vies()
        self.assertEqual(answer["state"], "valid")
        self.assertEqual(known.einvoice_vies_name, "BAKKERIJ JANSSENS")
        # The day VIES gave (UTC), not the user's day: they differ around midnight.
        self.assertEqual(known.einvoice_vies_checked_on, datetime.now(UTC).date())
        # A recent answer is kept: VIES is not asked again.
        known.einvoice_check_vies()
        self.assertEqual(len(FakeVies.calls), 1)
        self.assertEqual(
            FakeVies.calls[0], {"countryCode": "BE", "vatNumber": "0403170701"}
        )
        # A number VIES does not know is a warning, not a stop.
        unknown = self.customer_with(vat="BE0555444368")
        [answer] = unknown.einvoice_check_vies()
        self.assertEqual(answer["state"], "invalid")
        self.assertIn("VIES", unknown.einvoice_data_problems)
        self.invoice(unknown).action_post()
        # Offline: unavailable, and posting goes on.
        parameters.set_param(
            "l10n_be_nl_einvoice.vies_url", f"http://127.0.0.1:{free_port()}/vies"
        )
        offline = self.customer_with(vat="BE0876543270")
        [answer] = offline.einvoice_check_vies()
        self.assertEqual(answer["state"], "unavailable")
        self.invoice(offline).action_post()

    def test_the_daily_run_checks_stale_numbers_and_stops_when_vies_is_down(self):
        self.start_vies()
        parameters = self.env["ir.config_parameter"].sudo()
        partners = self.env["res.partner"]
        partners._cron_einvoice_check_vies()
        self.assertFalse(self.customer.einvoice_vies_state)  # nobody asked for it
        self.company.einvoice_vies_check = True
        partners._cron_einvoice_check_vies()
        self.assertEqual(self.customer.einvoice_vies_state, "invalid")
        self.assertIn({"countryCode": "BE", "vatNumber": "0555444368"}, FakeVies.calls)
        # Checked today: not asked again tomorrow.
        count = len(FakeVies.calls)
        partners._cron_einvoice_check_vies()
        self.assertEqual(len(FakeVies.calls), count)
        # VIES down: the run stops at the first failure, earlier answers stay.
        parameters.set_param(
            "l10n_be_nl_einvoice.vies_url", f"http://127.0.0.1:{free_port()}/x"
        )
        fresh = self.customer_with(vat="BE0403170701", customer_rank=1)
        other = self.customer_with(
            vat="BE0876543270", name="Beenhouwerij Claes BV", customer_rank=1
        )
        partners._cron_einvoice_check_vies()
        states = {fresh.einvoice_vies_state, other.einvoice_vies_state}
        self.assertEqual(states, {"unavailable", False})
        self.assertFalse(fresh.einvoice_vies_checked_on)
        self.assertEqual(self.customer.einvoice_vies_state, "invalid")

    def test_billing_users_ask_vies_and_only_managers_ask_again_within_30_days(self):
        self.start_vies()
        users = role_users(self.env, self.company)
        known = self.customer_with(vat="BE0403170701")
        billing = known.with_user(users["billing"])
        [answer] = billing.einvoice_check_vies()
        self.assertEqual(
            (answer["state"], answer["name"]), ("valid", "BAKKERIJ JANSSENS")
        )
        # The button, for a billing user: the answer of the last 30 days.
        billing.action_einvoice_check_vies()
        self.assertEqual(len(FakeVies.calls), 1)
        with self.assertRaises(AccessError):
            billing.einvoice_check_vies(force=True)
        self.assertEqual(len(FakeVies.calls), 1)
        # Asking again is for accounting managers (and administrators), by the
        # option or the button.
        known.with_user(users["manager"]).einvoice_check_vies(force=True)
        known.with_user(users["manager"]).action_einvoice_check_vies()
        known.with_user(users["admin"]).einvoice_check_vies(force=True)
        self.assertEqual(len(FakeVies.calls), 4)
        # A new VAT number has no answer yet: the next look-up asks VIES.
        known.vat = "BE0477472701"
        self.assertFalse(known.einvoice_vies_state)
        self.assertFalse(known.einvoice_vies_checked_on)
        billing.action_einvoice_check_vies()
        self.assertEqual(FakeVies.calls[-1]["vatNumber"], "0477472701")
        self.assertEqual(known.einvoice_vies_state, "valid")
        # Without accounting rights: no look-up, no button.
        internal = known.with_user(users["internal"])
        for call in (internal.einvoice_check_vies, internal.action_einvoice_check_vies):
            with self.assertRaises(AccessError):
                call()
        self.assertEqual(len(FakeVies.calls), 5)
