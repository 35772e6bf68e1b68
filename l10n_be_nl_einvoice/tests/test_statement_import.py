# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Bank statement import: each statement once, its payments matched to invoices, the
invoices paid."""

import base64
from datetime import date
from decimal import Decimal
from pathlib import Path

from odoo import Command, fields
from odoo.exceptions import AccessError, UserError
from odoo.tests import HttpCase, tagged

from ..lib.coda_writer import Payment, write
from .common import DemoCompanyCase, own_sales_journal, role_users

SHARED = Path(__file__).resolve().parents[3] / "shared" / "coda" / "files"
IBAN = "BE46063000000136"  # the demo company's bank account


class StatementImportCase(DemoCompanyCase):
    """The demo company's sales and bank journals, its customers, and invoices to
    pay by statement."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.other = cls.env["res.partner"].search(
            [("name", "=", "Brasserie du Parc SRL")]
        )
        cls.table = cls.env["product.product"].search(
            [("name", "=", "Oak side table")], limit=1
        )
        # Invoices at a fixed date: in a sales journal of the tests' own.
        cls.journal = own_sales_journal(cls.env, cls.company)
        cls.journal.invoice_reference_model = "be"
        cls.bank = cls.env["account.journal"].search(
            [("company_id", "=", cls.company.id), ("type", "=", "bank")], limit=1
        )
        cls.wizard = cls.env["einvoice.statement.import"]

    def invoice(self, price, partner=None, due="2026-11-30"):
        move = self.env["account.move"].create(
            {
                "move_type": "out_invoice",
                "partner_id": (partner or self.customer).id,
                "journal_id": self.journal.id,
                "invoice_date": fields.Date.to_date("2026-11-02"),
                "invoice_date_due": fields.Date.to_date(due),
                "invoice_line_ids": [
                    Command.create(
                        {
                            "product_id": self.table.id,
                            "price_unit": price,
                            "tax_ids": [Command.clear()],
                        }
                    )
                ],
            }
        )
        move.action_post()
        return move

    @staticmethod
    def ogm(move):
        return "".join(c for c in move.payment_reference if c.isdigit())

    def run_import_cron(self, calls=50):
        """The import cron as Odoo runs it (as the superuser, a progress record per
        call), called again while it says files remain, as the cron runner does."""
        cron = self.env.ref("l10n_be_nl_einvoice.ir_cron_einvoice_statement_import")
        jobs = self.env["einvoice.statement.import.job"]
        for _call in range(calls):
            cron.method_direct_trigger()
            if not jobs.search_count([("state", "in", ("queued", "importing"))]):
                return
        self.fail(f"files still queued after {calls} calls of the import cron")


@tagged("post_install", "-at_install")
class TestStatementImport(StatementImportCase):
    def test_payments_find_their_invoices_which_are_paid(self):
        full, partial, first, second = (
            self.invoice(price) for price in (100, 200, 30, 45.5)
        )
        by_account = self.invoice(77.77, partner=self.other)
        self.env["res.partner.bank"].create(
            {"acc_number": "BE71 0961 2345 6769", "partner_id": self.other.id}
        )
        day = date(2026, 11, 20)
        data = write(
            IBAN,
            [
                Payment(Decimal("100.00"), day, ogm=self.ogm(full), name="JANSSENS"),
                Payment(Decimal("150.00"), day, ogm=self.ogm(partial)),
                Payment(
                    Decimal("75.50"),
                    day,
                    text=f"{first.payment_reference} {second.payment_reference}",
                ),
                Payment(Decimal("77.77"), day, text="factuur", iban="BE71096123456769"),
                Payment(Decimal("12.34"), day, text="unknown payer"),
                Payment(Decimal("-60.00"), day, text="Huur november"),
            ],
            old_balance=Decimal("1000.00"),
        )
        result = self.wizard.import_file("statement.cod", base64.b64encode(data))
        self.assertEqual(len(result["statement_ids"]), 1)
        self.assertEqual(result["lines"], 6)
        self.assertEqual(result["matched"], {"reference": 3, "account": 1, "amount": 0})
        self.assertEqual(result["unmatched"], 1)
        self.assertEqual(
            [m.payment_state for m in (full, first, second, by_account)],
            ["in_payment"] * 4 if full.payment_state == "in_payment" else ["paid"] * 4,
        )
        self.assertEqual(partial.payment_state, "partial")
        self.assertAlmostEqual(partial.amount_residual, 50.0)
        statement = self.env["account.bank.statement"].browse(result["statement_ids"])
        self.assertEqual(statement.journal_id, self.bank)
        self.assertAlmostEqual(statement.balance_start, 1000.0)
        self.assertAlmostEqual(statement.balance_end_real, 1000 + 415.61 - 60)
        self.assertTrue(statement.is_complete)
        self.assertEqual(statement.attachment_ids.name, "statement.cod")
        unmatched = statement.line_ids.filtered(
            lambda line: line.einvoice_match == "unmatched"
        )
        self.assertEqual(unmatched.mapped("amount"), [12.34])
        self.assertFalse(unmatched.is_reconciled)

    def test_a_statement_is_imported_once(self):
        data = write(IBAN, [Payment(Decimal("10.00"), date(2026, 11, 3), text="x")])
        first = self.wizard.import_file("a.cod", base64.b64encode(data))
        again = self.wizard.import_file("a-copy.cod", base64.b64encode(data))
        self.assertEqual(len(first["statement_ids"]), 1)
        self.assertEqual(again["statement_ids"], [])
        self.assertEqual(len(again["duplicates"]), 1)
        self.assertEqual(
            self.env["account.bank.statement"].search_count(
                [("einvoice_import_identity", "!=", False)]
            ),
            1,
        )

    def test_an_unknown_account_is_reported_or_gets_its_journal(self):
        other_iban = "BE68539007547034"
        data = write(other_iban, [Payment(Decimal("5.00"), date(2026, 11, 3))])
        result = self.wizard.import_file("b.cod", base64.b64encode(data))
        self.assertEqual(result["unknown_accounts"], [other_iban])
        self.assertEqual(result["statement_ids"], [])
        result = self.wizard.import_file(
            "b.cod", base64.b64encode(data), create_journals=True
        )
        statement = self.env["account.bank.statement"].browse(result["statement_ids"])
        self.assertEqual(
            statement.journal_id.bank_account_id.sanitized_acc_number, other_iban
        )

    def test_several_statements_in_one_file_and_a_zip(self):
        import io
        import zipfile

        one = write(
            IBAN, [Payment(Decimal("1.00"), date(2026, 11, 3))], sequence=7, last=False
        )
        two = write(
            IBAN,
            [Payment(Decimal("2.00"), date(2026, 11, 4))],
            sequence=8,
            old_balance=Decimal("1.00"),
        )
        result = self.wizard.import_file("two.cod", base64.b64encode(one + two))
        self.assertEqual(len(result["statement_ids"]), 2)
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as archive:
            archive.writestr(
                "nine.cod",
                write(
                    IBAN,
                    [Payment(Decimal("3.00"), date(2026, 11, 5))],
                    sequence=9,
                    old_balance=Decimal("3.00"),
                ),
            )
        wizard = self.wizard.create(
            {
                "attachment_ids": [
                    Command.create({"name": "statements.zip", "raw": buffer.getvalue()})
                ]
            }
        )
        wizard.action_import()
        self.assertIn("1 statement(s) imported, 1 line(s).", wizard.summary)

    def test_a_bad_file_says_which_line_and_imports_nothing(self):
        data = write(IBAN, [Payment(Decimal("1.00"), date(2026, 11, 3))])
        lines = data.split(b"\r\n")
        lines[2] = lines[2][:32] + b"12x" + lines[2][35:]
        before = self.env["account.bank.statement"].search_count([])
        with self.assertRaisesRegex(UserError, r"bad\.cod: .*line 3"):
            self.wizard.import_file("bad.cod", base64.b64encode(b"\r\n".join(lines)))
        self.assertEqual(self.env["account.bank.statement"].search_count([]), before)

    def test_public_coda_files_import_into_new_journals(self):
        path = SHARED / "oca-l10n-belgium" / "Coda_iban_v2_3_multi_statements.txt"
        if not path.exists():
            self.skipTest("needs ../shared/coda")
        result = self.wizard.import_file(
            path.name, base64.b64encode(path.read_bytes()), create_journals=True
        )
        self.assertEqual(len(result["statement_ids"]), 2)
        statements = self.env["account.bank.statement"].browse(result["statement_ids"])
        for statement in statements:
            self.assertTrue(statement.is_complete, statement.name)

    def test_a_kbc_csv_export_pays_its_invoice(self):
        invoice = self.invoice(250)
        header = (
            "Rekeningnummer;Rubrieknaam;Naam;Munt;Afschriftnummer;Datum;Omschrijving;"
            "Valuta;Bedrag;Saldo;credit;debet;rekeningnummer tegenpartij;"
            "BIC tegenpartij;Naam tegenpartij;Adres tegenpartij;"
            "gestructureerde mededeling;Vrije mededeling"
        )
        rows = [
            (
                f"{IBAN}; ;ATELIER LAMBRECHT;EUR; 00000012;18/11/2026;OVERSCHRIJVING;"
                f"18/11/2026;250,00;1.250,00;250,00;;BE71096123456769;GKCCBEBB;"
                f"BAKKERIJ JANSSENS;Meir 50 Antwerpen;{self.ogm(invoice)};"
            ),
            (
                f"{IBAN}; ;ATELIER LAMBRECHT;EUR; 00000012;19/11/2026;DOMICILIERING;"
                "19/11/2026;-35,10;1.214,90;;35,10;BE68539007547034;;ENERGIE NV;;;"
                "Voorschot november"
            ),
        ]
        data = "\r\n".join([header, *rows]).encode("cp1252")
        result = self.wizard.import_file("kbc.csv", base64.b64encode(data))
        self.assertEqual(result["matched"]["reference"], 1)
        self.assertEqual(invoice.amount_residual, 0)
        statement = self.env["account.bank.statement"].browse(result["statement_ids"])
        self.assertEqual(statement.journal_id, self.bank)
        self.assertAlmostEqual(statement.balance_start, 1000.0)
        self.assertAlmostEqual(statement.balance_end_real, 1214.90)
        again = self.wizard.import_file("kbc.csv", base64.b64encode(data))
        self.assertEqual(len(again["duplicates"]), 1)

    def test_a_csv_error_names_the_line_and_column(self):
        data = (
            "Rekeningnummer;Rubrieknaam;Naam;Munt;Afschriftnummer;Datum;Omschrijving;"
            "Valuta;Bedrag;Saldo;credit;debet;rekeningnummer tegenpartij;"
            "BIC tegenpartij;Naam tegenpartij;Adres tegenpartij;"
            "gestructureerde mededeling;Vrije mededeling\r\n"
            f"{IBAN}; ;X;EUR; 1;18/11/2026;X;18/11/2026;12,3x;;;;;;;;;\r\n"
        ).encode()
        with self.assertRaisesRegex(UserError, r"bad\.csv: line 2, column .*Bedrag"):
            self.wizard.import_file("bad.csv", base64.b64encode(data))

    def test_a_foreign_currency_account_is_imported_for_the_bookkeeper(self):
        usd = self.env.ref("base.USD")
        usd.active = True
        iban = "BE62510007547061"
        journal = self.env["account.journal"].create(
            {
                "name": "Bank USD",
                "type": "bank",
                "code": "BUSD",
                "currency_id": usd.id,
                "bank_account_id": self.env["res.partner.bank"]
                .create({"acc_number": iban, "partner_id": self.company.partner_id.id})
                .id,
            }
        )
        invoice = self.invoice(100)
        data = write(
            iban,
            [Payment(Decimal("100.00"), date(2026, 11, 3), ogm=self.ogm(invoice))],
            currency="USD",
        )
        result = self.wizard.import_file("usd.cod", base64.b64encode(data))
        statement = self.env["account.bank.statement"].browse(result["statement_ids"])
        self.assertEqual(statement.journal_id, journal)
        self.assertEqual(statement.line_ids.currency_id, usd)
        self.assertEqual(result["unmatched"], 1)
        self.assertEqual(invoice.payment_state, "not_paid")

    def test_a_big_file_is_imported_in_the_background(self):
        self.env["ir.config_parameter"].set_param(
            "l10n_be_nl_einvoice.statement_background_lines", 5
        )
        invoice = self.invoice(100)
        data = write(
            IBAN,
            [Payment(Decimal("100.00"), date(2026, 11, 3), ogm=self.ogm(invoice))]
            + [Payment(Decimal("1.00"), date(2026, 11, 3)) for _i in range(3)],
        )
        result = self.wizard.import_file("big.cod", base64.b64encode(data))
        job = self.env["einvoice.statement.import.job"].browse(result["job_ids"])
        self.assertEqual(job.state, "queued")
        self.assertEqual(invoice.payment_state, "not_paid")
        self.run_import_cron()
        self.assertEqual(job.state, "done")
        self.assertEqual(len(job.statement_ids.line_ids), 4)
        self.assertIn("1 statement(s) imported, 4 line(s).", job.summary)
        self.assertNotEqual(invoice.payment_state, "not_paid")
        self.assertTrue(job.message_ids.filtered(lambda m: job.summary in m.body))
        again = self.env["einvoice.statement.import.job"].browse(
            self.wizard.import_file("big.cod", base64.b64encode(data))["job_ids"]
        )
        self.run_import_cron()
        self.assertIn("Already imported", again.summary)
        broken = self.env["einvoice.statement.import.job"].browse(
            self.wizard.import_file(
                "broken.cod", base64.b64encode(b"0" * 300 + b"\n" * 9)
            )["job_ids"]
        )
        self.run_import_cron()
        self.assertEqual(broken.state, "failed")
        self.assertIn("broken.cod", broken.summary)

    def test_an_accounting_manager_imports_in_the_background_others_are_refused(self):
        users = role_users(self.env, self.company)
        manager = users["manager"]
        before = self.env["einvoice.statement.import.job"].search_count([])
        invoice = self.invoice(100)
        data = write(
            IBAN,
            [Payment(Decimal("100.00"), date(2026, 11, 3), ogm=self.ogm(invoice))],
        )
        result = self.wizard.with_user(manager).import_file(
            "big.cod", base64.b64encode(data), background=True
        )
        jobs = self.env["einvoice.statement.import.job"].with_user(manager)
        job = jobs.browse(result["job_ids"])
        self.assertEqual(job.read(["state", "user_id"])[0]["user_id"][0], manager.id)
        self.assertEqual(job.attachment_id.raw, data)
        # The import cron, as Odoo runs it (its user: the superuser).
        cron = self.env.ref("l10n_be_nl_einvoice.ir_cron_einvoice_statement_import")
        self.assertTrue(cron.user_id._is_superuser())
        self.run_import_cron()
        job.invalidate_recordset()
        [read] = job.read(["state", "summary", "statement_ids"])
        self.assertEqual(read["state"], "done", read["summary"])
        self.assertIn("1 statement(s) imported, 1 line(s).", read["summary"])
        statement = self.env["account.bank.statement"].browse(read["statement_ids"])
        self.assertEqual(statement.create_uid, manager, "imported in its sender's name")
        self.assertNotEqual(invoice.payment_state, "not_paid")
        # The wizard's Import, a big file, as the manager.
        self.env["ir.config_parameter"].set_param(
            "l10n_be_nl_einvoice.statement_background_lines", 1
        )
        other = self.invoice(50)
        upload = (
            self.env["ir.attachment"]
            .with_user(manager)
            .create(
                {
                    "name": "upload.cod",
                    "raw": write(
                        IBAN,
                        [
                            Payment(
                                Decimal("50.00"), date(2026, 11, 4), ogm=self.ogm(other)
                            )
                        ],
                        sequence=2,
                        old_balance=Decimal("100.00"),
                    ),
                }
            )
        )
        wizard = self.wizard.with_user(manager).create(
            {"attachment_ids": [Command.set(upload.ids)]}
        )
        wizard.action_import()
        self.assertIn("in the background", wizard.summary)
        queued = jobs.search([("state", "=", "queued")])
        self.assertEqual(queued.name, "upload.cod")
        self.run_import_cron()
        self.assertEqual(queued.state, "done", queued.summary)
        # A billing user and an internal user: refused before the file is even
        # decoded (this one is not base64).
        for role in ("billing", "internal"):
            with self.assertRaises(AccessError):
                self.wizard.with_user(users[role]).import_file("x.cod", "not base64!")
            with self.assertRaises(AccessError):
                wizard.with_user(users[role]).action_import()
        self.assertEqual(
            self.env["einvoice.statement.import.job"].search_count([]), before + 2
        )


@tagged("post_install", "-at_install")
class TestStatementImportOverXmlrpc(HttpCase):
    """An integrator imports a statement file over XML-RPC and reads the summary."""

    def test_import_file_over_xmlrpc_pays_the_invoice_and_refuses_a_copy(self):
        company = self.env["res.company"].search(
            [("name", "=", "Atelier Lambrecht BV")]
        )
        if not company:
            self.skipTest("needs the demo data of setup/demo_data.py")
        env = self.env(context=dict(self.env.context, allowed_company_ids=company.ids))
        journal = own_sales_journal(env, company)  # for its invoice's fixed date
        journal.invoice_reference_model = "be"
        invoice = env["account.move"].create(
            {
                "move_type": "out_invoice",
                "partner_id": env["res.partner"]
                .search([("name", "=", "Bakkerij Janssens BV")])
                .id,
                "journal_id": journal.id,
                "invoice_date": date(2026, 11, 2),
                "invoice_line_ids": [
                    Command.create(
                        {
                            "name": "Repair",
                            "price_unit": 80,
                            "tax_ids": [Command.clear()],
                        }
                    )
                ],
            }
        )
        invoice.action_post()
        ogm = "".join(c for c in invoice.payment_reference if c.isdigit())
        data = write(
            IBAN,
            [
                Payment(Decimal("80.00"), date(2026, 11, 5), ogm=ogm),
                Payment(Decimal("-12.00"), date(2026, 11, 5), text="Bank costs"),
            ],
        )
        payload = base64.b64encode(data).decode()
        uid = self.xmlrpc_common.authenticate(self.env.cr.dbname, "admin", "admin", {})

        def import_file(name):
            return self.xmlrpc_object.execute_kw(
                self.env.cr.dbname,
                uid,
                "admin",
                "einvoice.statement.import",
                "import_file",
                [name, payload],
                {"context": {"allowed_company_ids": company.ids}},
            )

        first = import_file("statement.cod")
        self.assertEqual(len(first["statement_ids"]), 1)
        self.assertEqual(first["lines"], 2)
        self.assertEqual(first["matched"], {"reference": 1, "account": 0, "amount": 0})
        self.assertEqual(first["unmatched"], 0)
        self.assertEqual(first["duplicates"], [])
        invoice.invalidate_recordset()
        self.assertIn(invoice.payment_state, ("paid", "in_payment"))
        again = import_file("statement-again.cod")
        self.assertEqual(again["statement_ids"], [])
        self.assertEqual(len(again["duplicates"]), 1)
