# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""A big CODA file from the CodaBox feed: imported in the background in steps that
fit Odoo's time limits, the feed waiting for it; one whose import fails is set
aside, and imported again from where it stopped."""

from datetime import date
from decimal import Decimal
from unittest.mock import patch

from odoo.exceptions import AccessError
from odoo.tests import tagged

from odoo.addons.l10n_be_nl_einvoice.lib.coda_writer import Payment, write
from odoo.addons.l10n_be_nl_einvoice.models.einvoice_statement_importer import (
    EinvoiceStatementImporter,
)

from .test_codabox import IBAN, CodaboxCase

JOB_LOGGER = "odoo.addons.l10n_be_nl_einvoice.models.einvoice_statement_import_job"


@tagged("post_install", "-at_install")
class TestBigFilesFromTheFeed(CodaboxCase):
    @classmethod
    def setUpClass(cls):  # pylint: disable=invalid-name
        super().setUpClass()
        params = cls.env["ir.config_parameter"]
        # A file of more than 10 lines is big (a CODA file of one movement has 6),
        # and a background step imports two lines.
        params.set_param("l10n_be_nl_einvoice.statement_background_lines", 10)
        params.set_param("l10n_be_nl_einvoice.statement_step_lines", 2)
        params.set_param("l10n_be_nl_einvoice.statement_step_seconds", 0.000001)

    def coda(self, payments, sequence=1):
        """A CODA file of the demo account that opens at the closing balance of the
        one written before it in the test, as a bank's files do."""
        opening = getattr(self, "closing", Decimal(0))
        self.closing = opening + sum(payment.amount for payment in payments)
        return write(IBAN, payments, sequence=sequence, old_balance=opening)

    def paying(self, count):
        invoices = [self.invoice(100.0 + n) for n in range(count)]
        payments = [
            Payment(
                Decimal(str(invoice.amount_total)), date.today(), ogm=self.ogm(invoice)
            )
            for invoice in invoices
        ]
        return invoices, payments

    def jobs(self):
        return self.env["einvoice.statement.import.job"].search(
            [("company_id", "=", self.company.id)]
        )

    def run_imports(self):
        """Call the import cron as Odoo's cron runner does until no file waits;
        the number of calls."""
        cron = self.env.ref("l10n_be_nl_einvoice.ir_cron_einvoice_statement_import")
        jobs = self.env["einvoice.statement.import.job"]
        for call in range(100):
            if not jobs.search_count([("state", "in", ("queued", "importing"))]):
                jobs.invalidate_model()
                return call
            cron_call, _progress = cron._add_progress()
            jobs.with_context(**cron_call.env.context)._cron_import()
        raise AssertionError("the import does not end")

    def feed_triggered(self):
        cron = self.env.ref("codabox_connector.ir_cron_codabox_fetch")
        return self.env["ir.cron.trigger"].search_count([("cron_id", "=", cron.id)])

    def test_a_big_file_is_imported_in_steps_and_the_feed_waits_for_it(self):
        username = self.connect()
        invoices, payments = self.paying(4)
        self.fake.add_coda(username, self.coda(payments, 61))
        self.fake.add_coda(username, self.coda([Payment(Decimal(5), date.today())], 62))
        self.assertEqual(self.connection._fetch(), (1, True))
        job = self.jobs()
        self.assertEqual(
            (job.state, job.codabox_connection_id), ("queued", self.connection)
        )
        self.assertIn("imported in the background", self.connection.last_fetch_summary)
        # The file is ours now, CodaBox is told; the next one continues its
        # balance, so it waits for the import.
        self.assertEqual(self.connection._fetch(), (0, False))
        self.assertEqual(len(self.fake.pending(username)), 1)
        self.assertEqual(self.fetch_all(), 0)
        self.assertEqual(len(self.fake.pending(username)), 1)
        triggers = self.feed_triggered()
        self.assertEqual(self.run_imports(), 2, "two steps of two lines")
        self.assertEqual(job.state, "done", job.summary)
        self.assertIn(
            f"{job.name}: 4 line(s), 4 invoice(s) paid by reference",
            self.connection.last_fetch_summary,
        )
        self.assertEqual(self.feed_triggered(), triggers + 1, "the feed goes on")
        self.assertEqual(self.fetch_all(), 1)
        self.assertFalse(self.fake.pending(username))
        # The next day's statement continued the big one: nothing set aside.
        self.assertFalse(self.connection.set_aside_ids)
        self.assertEqual(
            {invoice.payment_state in ("paid", "in_payment") for invoice in invoices},
            {True},
        )
        self.assertEqual(len(job.statement_ids.line_ids), 4)

    def test_a_big_file_whose_import_fails_is_set_aside_then_goes_on(self):
        username = self.connect()
        _invoices, payments = self.paying(6)
        self.fake.add_coda(username, self.coda(payments, 71))
        self.fetch_all()
        job = self.jobs()
        self.run_imports_until_lines(job, 2)

        def crash(*_args):
            raise ConnectionError("database connection lost")

        with (
            patch.object(EinvoiceStatementImporter, "_create_lines", crash),
            self.assertLogs(JOB_LOGGER, "ERROR"),
        ):
            self.run_imports()
        self.assertEqual(job.state, "failed")
        aside = self.connection.set_aside_ids
        self.assertEqual((aside.state, aside.job_id), ("waiting", job))
        self.assertIn("database connection lost", aside.reason)
        self.assertIn("2 of the file's 6 lines were imported", aside.reason)
        self.assertTrue(
            aside.activity_ids.user_id.has_group("account.group_account_manager")
        )
        self.assertIn("set aside", self.connection.last_fetch_summary)
        self.assertFalse(self.fake.pending(username))
        # Not for a billing user; the manager imports it again: from line 3.
        with self.assertRaises(AccessError):
            self.as_user(aside, self.billing).action_import()
        self.as_user(aside, self.manager).action_import()
        self.assertEqual(job.state, "importing")
        self.assertEqual(aside.state, "waiting")
        self.run_imports()
        self.assertEqual(job.state, "done", job.summary)
        self.assertEqual(aside.state, "imported")
        self.assertFalse(aside.activity_ids)
        self.assertEqual(
            sorted(job.statement_ids.line_ids.mapped("amount")),
            sorted(float(payment.amount) for payment in payments),
        )

    def run_imports_until_lines(self, job, lines):
        cron = self.env.ref("l10n_be_nl_einvoice.ir_cron_einvoice_statement_import")
        while job.lines_done < lines:
            cron_call, _progress = cron._add_progress()
            job.with_context(**cron_call.env.context)._cron_import()
            job.invalidate_recordset()

    def test_a_big_file_of_a_new_account_is_set_aside_then_imported(self):
        username = self.connect()
        other = "BE68539007547034"
        payments = [Payment(Decimal(10 + n), date.today()) for n in range(4)]
        self.fake.add_coda(username, write(other, payments))
        self.fetch_all()
        self.run_imports()
        aside = self.connection.set_aside_ids
        self.assertEqual(aside.state, "waiting")
        self.assertIn("No bank journal", aside.reason)
        self.assertIn(other, aside.reason)
        self.as_user(aside, self.manager).action_import_with_journal()
        self.assertIn("in the background", aside.reason)
        self.run_imports()
        self.assertEqual(aside.state, "imported", aside.reason)
        statement = self.env["account.bank.statement"].search(
            [("journal_id.bank_account_id.sanitized_acc_number", "=", other)]
        )
        self.assertEqual(len(statement.line_ids), 4)
