# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Every method of the core's XML-RPC table (README), called over XML-RPC as a user
of the groups it is for (it works) and as a user it is not for (an access error,
fault code 4); where a button or wizard calls the method, the button as a billing
user too. The groups are those stock Odoo gives the like of it: posting, sending,
reminding and reading to billing users; journals, taxes, rates and bank statements
to accounting managers; a company's settings to administrators."""

import base64
import threading
from datetime import date
from decimal import Decimal
from http.server import ThreadingHTTPServer

from freezegun import freeze_time

from odoo import Command, fields
from odoo.tests import new_test_user, tagged

from ..lib.coda_writer import Payment, write
from .common import DemoXmlrpcCase, free_port, own_sales_journal
from .test_data_quality import FakeVies


class AccessCase(DemoXmlrpcCase):
    """The demo company's users by role, and one who may also edit contacts."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # Editing contacts takes "Contact Creation" in stock Odoo, accounting
        # rights or not.
        cls.users["contacts"] = new_test_user(
            cls.env,
            login="einvoice_contacts",
            password="einvoice_contacts",
            groups="account.group_account_invoice,base.group_partner_manager",
            company_id=cls.company.id,
            company_ids=[Command.set(cls.company.ids)],
        )
        cls.hour = cls.env["product.product"].search(
            [("name", "=", "Workshop hour")], limit=1
        )
        # Invoices at fixed dates: in a sales journal of the tests' own.
        cls.sales = own_sales_journal(cls.env, cls.company)

    @classmethod
    def make_invoice(cls, day="2026-11-02", due="2026-12-02", post=True, **values):
        move = cls.env["account.move"].create(
            {
                "move_type": "out_invoice",
                "partner_id": cls.customer.id,
                "journal_id": cls.sales.id,
                "invoice_date": fields.Date.to_date(day),
                "invoice_date_due": fields.Date.to_date(due),
                "invoice_payment_term_id": False,
                "invoice_line_ids": [
                    Command.create(
                        {"product_id": cls.hour.id, "quantity": 2, "price_unit": 85}
                    )
                ],
                **values,
            }
        )
        if post:
            move.action_post()
        return move

    def allowed(self, role, model, method, *args, **kwargs):
        return self.rpc(self.users[role], model, method, *args, **kwargs)

    def refused(self, role, model, method, *args, **kwargs):
        return self.assertRpcRefused(self.users[role], model, method, *args, **kwargs)


@tagged("post_install", "-at_install")
class TestNumberingAccess(AccessCase):
    """Posting and the legal numbering: billing users post and read; the series are
    configured by accounting managers."""

    def test_billing_users_post_and_number_invoices(self):
        draft = self.make_invoice(post=False)
        self.refused("internal", "account.move", "action_post", [draft.id])
        self.allowed("billing", "account.move", "action_post", [draft.id])
        draft.invalidate_recordset()
        self.assertEqual(draft.state, "posted")
        self.assertTrue(draft.einvoice_number)

    def test_accounting_managers_configure_a_series_billing_users_read_it(self):
        journal = self.env["account.journal"].create(
            {"name": "Workshop sales", "code": "WKS", "type": "sale"}
        )
        series = {
            "einvoice_number_format": "yymm",
            "einvoice_number_prefix": "WK-",
            "einvoice_refund_prefix": "WC-",
            "einvoice_number_padding": 3,
            "einvoice_number_reset": "month",
        }
        self.refused("billing", "account.journal", "write", [journal.id], series)
        self.allowed("manager", "account.journal", "write", [journal.id], series)
        fields_ = ["einvoice_next_number", "einvoice_next_refund_number"]
        [row] = self.allowed(
            "billing", "account.journal", "read", [journal.id], fields_
        )
        self.assertTrue(row["einvoice_next_number"].startswith("WK-"))
        self.assertTrue(row["einvoice_next_refund_number"].startswith("WC-"))
        self.refused("internal", "account.journal", "read", [journal.id], fields_)

    def test_accounting_managers_continue_a_series_billing_users_may_not(self):
        journal = self.env["account.journal"].create(
            {"name": "Shop sales", "code": "SHP", "type": "sale"}
        )
        continued = {"einvoice_next_number": "735"}
        self.refused("billing", "account.journal", "write", [journal.id], continued)
        self.allowed("manager", "account.journal", "write", [journal.id], continued)
        [row] = self.allowed(
            "billing", "account.journal", "read", [journal.id], ["einvoice_next_number"]
        )
        self.assertTrue(row["einvoice_next_number"].endswith("00735"))
        log = self.allowed(
            "billing", "einvoice.number.log", "search_read",
            [("journal_id", "=", journal.id)], ["event", "next_before", "user_id"],
        )  # fmt: skip
        self.assertEqual(
            [(r["event"], r["user_id"][0]) for r in log],
            [("continued", self.users["manager"].id)],
        )

    def test_billing_users_audit_the_numbering_and_read_the_log(self):
        self.make_invoice()
        period = ("2026-01-01", "2026-12-31")
        rows = self.allowed(
            "billing", "einvoice.numbering.audit", "audit_numbering", *period,
            [self.sales.id],
        )  # fmt: skip
        self.assertIn(self.sales.id, [row["journal_id"][0] for row in rows])
        self.refused("internal", "einvoice.numbering.audit", "audit_numbering", *period)
        self.allowed("billing", "einvoice.number.log", "search_read", [], ["name"])
        self.refused("internal", "einvoice.number.log", "search_read", [], ["name"])
        # The audit screen's buttons.
        audit = (
            self.env["einvoice.numbering.audit"]
            .with_user(self.users["billing"])
            .create({"date_from": period[0], "date_to": period[1]})
        )
        audit.action_run()
        self.assertTrue(audit.line_ids)
        self.assertEqual(audit.action_export_csv()["type"], "ir.actions.act_url")


@tagged("post_install", "-at_install")
class TestInvoiceDocumentsAccess(AccessCase):
    """The e-invoice, its check, e-mailing and the ledger: billing users; a
    customer's and an invoice's addresses: who may edit them in stock Odoo; a tax's
    e-invoice meaning: accounting managers."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.invoice = cls.make_invoice()

    def test_billing_users_export_and_check_the_e_invoice(self):
        xml = self.allowed(
            "billing", "account.move", "einvoice_ubl", [self.invoice.id], "peppol_bis3"
        )
        self.assertIn(self.invoice.name, xml)
        self.refused(
            "internal", "account.move", "einvoice_ubl", [self.invoice.id], "peppol_bis3"
        )
        [result] = self.allowed(
            "billing", "account.move", "einvoice_check", [self.invoice.id],
            profile="peppol_bis3",
        )  # fmt: skip
        self.assertTrue(result["valid"], result["problems"])
        self.refused("internal", "account.move", "einvoice_check", [self.invoice.id])
        # The form's button.
        action = self.invoice.with_user(self.users["billing"]).action_einvoice_check()
        self.assertEqual(action["params"]["type"], "success")

    def test_billing_users_e_mail_invoices_and_read_the_ledger(self):
        self.refused(
            "internal", "account.move", "einvoice_send_email", [self.invoice.id]
        )
        result = self.allowed(
            "billing", "account.move", "einvoice_send_email", [self.invoice.id]
        )
        self.assertEqual(result["sent"], self.invoice.ids, result)
        columns = ["channel", "state", "recipients", "formats", "sent_at", "attempts",
                   "last_error", "external_id", "bounce_info"]  # fmt: skip
        domain = [("move_id", "=", self.invoice.id)]
        [row] = self.allowed(
            "billing", "einvoice.transmission", "search_read", domain, columns
        )
        self.assertEqual((row["channel"], row["state"]), ("email", "sending"))
        self.refused("internal", "einvoice.transmission", "search_read", domain, [])
        # The form's button: Odoo's Send, the same pipeline and ledger.
        other = self.make_invoice()
        billing = self.users["billing"]
        action = other.with_user(billing).action_invoice_sent()
        wizard = (
            self.env[action["res_model"]]
            .with_user(billing)
            .with_context(**action["context"])
            .create({})
        )
        wizard.action_send_and_print()
        self.assertEqual(other.einvoice_transmission_ids.mapped("state"), ["sending"])

    def test_addresses_are_set_by_who_may_edit_customers_and_invoices(self):
        self.refused(
            "internal", "account.move", "write", [self.invoice.id],
            {"einvoice_email_to": "ap@bakkerij-janssens.example"},
        )  # fmt: skip
        self.allowed(
            "billing", "account.move", "write", [self.invoice.id],
            {"einvoice_email_to": "ap@bakkerij-janssens.example"},
        )  # fmt: skip
        self.assertEqual(self.invoice.einvoice_email_to, "ap@bakkerij-janssens.example")
        addresses = {"einvoice_invoice_email": "a@bakkerij.example; b@bakkerij.example"}
        self.refused("internal", "res.partner", "write", [self.customer.id], addresses)
        self.allowed("contacts", "res.partner", "write", [self.customer.id], addresses)
        self.assertEqual(
            self.customer.einvoice_invoice_email, addresses["einvoice_invoice_email"]
        )

    def test_accounting_managers_set_a_taxs_e_invoice_meaning(self):
        tax = self.invoice.invoice_line_ids.tax_ids[:1]
        meaning = {"einvoice_vat_kind": "standard", "einvoice_vatex": False}
        self.refused("billing", "account.tax", "write", tax.ids, meaning)
        self.allowed("manager", "account.tax", "write", tax.ids, meaning)


@tagged("post_install", "-at_install")
class TestMasterDataAccess(AccessCase):
    """The data-quality list and VIES: billing users (asking VIES again within 30
    days: accounting managers); a company's VAT scheme: administrators, who may
    change a company in stock Odoo."""

    def test_billing_users_read_the_data_quality_list(self):
        rows = self.allowed(
            "billing", "res.partner", "einvoice_data_quality", self.company.id
        )
        self.assertIsInstance(rows, list)
        self.refused(
            "internal", "res.partner", "einvoice_data_quality", self.company.id
        )
        # The menu's action, which lists the same.
        partners = self.env["res.partner"].with_user(self.users["billing"])
        action = partners.action_einvoice_data_quality()
        self.assertEqual(action["domain"], [("id", "in", [r["id"] for r in rows])])

    def test_billing_users_look_up_vies_managers_ask_again(self):
        port = free_port()
        server = ThreadingHTTPServer(("127.0.0.1", port), FakeVies)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        self.addCleanup(server.server_close)
        self.addCleanup(server.shutdown)
        self.env["ir.config_parameter"].set_param(
            "l10n_be_nl_einvoice.vies_url", f"http://127.0.0.1:{port}/check-vat-number"
        )
        FakeVies.calls.clear()
        ids = self.customer.ids
        self.refused("internal", "res.partner", "einvoice_check_vies", ids)
        [answer] = self.allowed("billing", "res.partner", "einvoice_check_vies", ids)
        self.assertEqual(
            answer["state"], "invalid"
        )  # the fake knows numbers ending in 1
        self.refused("billing", "res.partner", "einvoice_check_vies", ids, force=True)
        self.assertEqual(len(FakeVies.calls), 1)
        self.allowed("manager", "res.partner", "einvoice_check_vies", ids, force=True)
        self.assertEqual(len(FakeVies.calls), 2)
        # The button, as a billing user: the answer of the last 30 days.
        self.customer.with_user(self.users["billing"]).action_einvoice_check_vies()
        self.assertEqual(len(FakeVies.calls), 2)

    def test_administrators_set_a_companys_vat_scheme(self):
        scheme = {
            "einvoice_vat_scheme": "standard",
            "einvoice_legal_register": "RPR Gent",
            "einvoice_vies_check": True,
        }
        self.refused("manager", "res.company", "write", self.company.ids, scheme)
        self.allowed("admin", "res.company", "write", self.company.ids, scheme)
        self.assertEqual(self.company.einvoice_legal_register, "RPR Gent")


@tagged("post_install", "-at_install")
class TestReceivablesAccess(AccessCase):
    """Late-payment figures, reminders, charging, hold and exclusion: billing users
    (a customer's exclusion: who may edit customers); the rate table: read by
    billing users, kept by accounting managers; bank statements: imported by
    accounting managers."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # Overdue since 1 October 2025; rates of 2025 are in the shipped table.
        cls.overdue = cls.make_invoice(day="2025-09-01", due="2025-10-01")

    def test_billing_users_compute_and_charge_late_payment(self):
        ids, day = self.overdue.ids, "2025-10-25"
        self.refused("internal", "account.move", "einvoice_late_interest", ids, day)
        [figures] = self.allowed(
            "billing", "account.move", "einvoice_late_interest", ids, day
        )
        self.assertEqual((figures["interest"], figures["compensation"]), (1.42, 40.0))
        self.refused("internal", "account.move", "einvoice_charge_late", ids, day)
        [charge_id] = self.allowed(
            "billing", "account.move", "einvoice_charge_late", ids, day
        )
        charge = self.env["account.move"].browse(charge_id)
        self.assertEqual(charge.invoice_line_ids.mapped("price_unit"), [1.42, 40.0])
        # The list's button, which charges what is due today.
        with freeze_time("2025-11-10"):
            action = self.overdue.with_user(
                self.users["billing"]
            ).action_einvoice_charge_late()
        [charge_id] = action["domain"][0][2]
        self.assertEqual(
            self.env["account.move"].browse(charge_id).invoice_line_ids[1].price_unit,
            40.0,
        )

    def test_billing_users_run_reminders_hold_and_exclude(self):
        consumer = self.env["res.partner"].create(
            {
                "name": "Mark Claes",
                "email": "mark.claes@example.com",
                "street": "Kerkstraat 1",
                "zip": "2000",
                "city": "Antwerpen",
                "country_id": self.env.ref("base.be").id,
            }
        )
        self.make_invoice(day="2025-09-01", due="2025-10-01", partner_id=consumer.id)
        run = (self.company.id, "2025-10-10")
        self.refused("internal", "einvoice.reminder", "run_reminders", *run)
        result = self.allowed(
            "billing", "einvoice.reminder", "run_reminders", *run,
            partner_ids=consumer.ids,
        )  # fmt: skip
        self.assertEqual(len(result["sent"]), 1, result)
        rows = self.allowed(
            "billing", "einvoice.reminder", "search_read",
            [("partner_id", "=", consumer.id)], ["state"],
        )  # fmt: skip
        self.assertEqual([row["state"] for row in rows], ["sent"])
        self.refused("internal", "einvoice.reminder", "search_read", [], ["state"])
        hold = {"einvoice_reminder_hold": True}
        self.refused("internal", "account.move", "write", self.overdue.ids, hold)
        self.allowed("billing", "account.move", "write", self.overdue.ids, hold)
        self.assertTrue(self.overdue.einvoice_reminder_hold)
        exclude = {
            "einvoice_reminder_exclude": True,
            "einvoice_reminder_email": "debiteuren@bakkerij-janssens.example",
        }
        self.refused("internal", "res.partner", "write", self.customer.ids, exclude)
        self.allowed("contacts", "res.partner", "write", self.customer.ids, exclude)
        self.assertTrue(self.customer.einvoice_reminder_exclude)

    def test_billing_users_read_the_rate_table_managers_keep_it(self):
        model = "einvoice.legal.rate"
        domain = [("country_id.code", "=", "BE")]
        self.assertTrue(self.allowed("billing", model, "search_read", domain, ["rate"]))
        self.refused("internal", model, "search_read", domain, ["rate"])
        rate = {
            "country_id": self.env.ref("base.be").id,
            "kind": "commercial",
            "date_from": "2099-01-01",
            "rate": 9.5,
            "publication": "Belgisch Staatsblad",
            "source_url": "https://www.ejustice.just.fgov.be/",
            "evidence": "official",
        }
        self.refused("billing", model, "create", rate)
        self.assertTrue(self.allowed("manager", model, "create", rate))

    def test_accounting_managers_import_bank_statements(self):
        self.sales.invoice_reference_model = "be"
        invoice = self.make_invoice()
        ogm = "".join(c for c in invoice.payment_reference if c.isdigit())
        data = write(
            "BE46063000000136",
            [Payment(Decimal("205.70"), date(2026, 11, 5), ogm=ogm)],
        )
        payload = base64.b64encode(data).decode()
        model = "einvoice.statement.import"
        for role in ("billing", "internal"):
            self.refused(role, model, "import_file", "statement.cod", payload)
        result = self.allowed("manager", model, "import_file", "statement.cod", payload)
        self.assertEqual(result["matched"]["reference"], 1, result)
        invoice.invalidate_recordset()
        self.assertIn(invoice.payment_state, ("paid", "in_payment"))
        # In the background: the manager reads the job the import cron ran.
        again = write(
            "BE46063000000136",
            [Payment(Decimal("1.00"), date(2026, 11, 6), text="Interest")],
            sequence=2,
            old_balance=Decimal("205.70"),
        )
        queued = self.allowed(
            "manager", model, "import_file", "later.cod",
            base64.b64encode(again).decode(), background=True,
        )  # fmt: skip
        self.env.ref(
            "l10n_be_nl_einvoice.ir_cron_einvoice_statement_import"
        ).method_direct_trigger()
        [job] = self.allowed(
            "manager", "einvoice.statement.import.job", "read", queued["job_ids"],
            ["state", "summary", "statement_ids"],
        )  # fmt: skip
        self.assertEqual(job["state"], "done", job["summary"])
        self.assertEqual(len(job["statement_ids"]), 1)
        self.refused(
            "billing", "einvoice.statement.import.job", "read", queued["job_ids"],
            ["state"],
        )  # fmt: skip
        # A file that fails in the background, and its Retry.
        broken = self.allowed(
            "manager", model, "import_file", "broken.cod",
            base64.b64encode(b"0" * 300 + b"\n" * 9).decode(), background=True,
        )  # fmt: skip
        self.env.ref(
            "l10n_be_nl_einvoice.ir_cron_einvoice_statement_import"
        ).method_direct_trigger()
        job_model = "einvoice.statement.import.job"
        for role in ("billing", "internal"):
            self.refused(role, job_model, "action_retry", broken["job_ids"])
        self.assertTrue(
            self.allowed("manager", job_model, "action_retry", broken["job_ids"])
        )
        [job] = self.allowed("manager", job_model, "read", broken["job_ids"], ["state"])
        self.assertEqual(job["state"], "queued")


@tagged("post_install", "-at_install")
class TestRecurringAccess(AccessCase):
    """Recurring plans, their run and the dashboard: billing users."""

    def plan_values(self, **values):
        return {
            "name": "Huur werkplaats",
            "partner_id": self.customer.id,
            "date_start": "2026-01-01",
            "interval": 1,
            "unit": "month",
            "invoice_date_rule": "start",
            "invoice_action": "draft",
            "catch_up": "all",
            "line_ids": [[0, 0, {"name": "Huur", "quantity": 1, "price_unit": 750}]],
            **values,
        }

    def test_billing_users_make_start_and_run_plans(self):
        model = "einvoice.recurring.plan"
        self.refused("internal", model, "create", self.plan_values())
        plan_id = self.allowed("billing", model, "create", self.plan_values())
        plan = self.env[model].browse(plan_id)
        self.refused("internal", "einvoice.recurring.price", "create",
                     {"line_id": plan.line_ids.id, "date_from": "2026-03-01",
                      "price_unit": 800})  # fmt: skip
        self.allowed("billing", "einvoice.recurring.price", "create",
                     {"line_id": plan.line_ids.id, "date_from": "2026-03-01",
                      "price_unit": 800})  # fmt: skip
        self.refused("internal", model, "action_start", [plan_id])
        self.allowed("billing", model, "action_start", [plan_id])
        # Three months due at once: caught up, keyed by the plan's id as text.
        self.refused("internal", model, "run_due", self.company.id, "2026-03-15")
        result = self.allowed(
            "billing", model, "run_due", self.company.id, "2026-03-15"
        )
        self.assertEqual(result["failed"], [])
        self.assertEqual(len(result["invoice_ids"]), 3)
        self.assertEqual(result["caught_up"], {str(plan_id): 3})
        amounts = (
            self.env["account.move"]
            .browse(result["invoice_ids"])
            .mapped("amount_untaxed")
        )
        self.assertEqual(sorted(amounts), [750, 750, 800])
        # The plan form's "Invoice now", for a plan due today.
        today = fields.Date.context_today(self.env.user)
        now = self.env[model].create(
            self.plan_values(name="Onderhoud", date_start=today.replace(day=1))
        )
        now.action_start()
        action = now.with_user(self.users["billing"]).action_generate_now()
        self.assertEqual(action["params"]["type"], "success", action["params"])
        self.assertEqual(len(now.period_ids.move_id), 1)

    def test_billing_users_start_a_plan_from_an_invoice(self):
        model = "einvoice.recurring.plan"
        invoice = self.make_invoice()
        self.refused("internal", model, "create_from_invoice", invoice.id)
        plan_id = self.allowed("billing", model, "create_from_invoice", invoice.id)
        self.assertEqual(invoice.einvoice_recurring_plan_id.id, plan_id)
        # The invoice form's "Make recurring".
        other = self.make_invoice()
        action = other.with_user(self.users["billing"]).action_einvoice_make_recurring()
        self.assertEqual(action["res_id"], other.einvoice_recurring_plan_id.id)

    def test_billing_users_read_the_dashboard(self):
        self.refused("internal", "einvoice.dashboard", "figures", self.company.id, 12)
        figures = self.allowed(
            "billing", "einvoice.dashboard", "figures", self.company.id, 12
        )
        self.assertEqual(len(figures["months"]), 12)
        self.assertGreaterEqual(figures["todo"]["draft_count"], 1)
