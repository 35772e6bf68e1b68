# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""A big bank statement file in the background: in steps that each fit Odoo's time
limits, going on where a step stopped, the sender told the outcome."""

import base64
from datetime import date
from decimal import Decimal
from unittest.mock import patch

from odoo.exceptions import AccessError
from odoo.tests import tagged

from ..lib.coda_writer import Payment, write
from ..models import einvoice_statement_import_job, einvoice_statement_importer
from ..models.einvoice_statement_importer import EinvoiceStatementImporter
from .common import role_users
from .test_statement_import import IBAN, StatementImportCase

DAY = date(2026, 11, 20)
JOB_LOGGER = "odoo.addons.l10n_be_nl_einvoice.models.einvoice_statement_import_job"


@tagged("post_install", "-at_install")
class TestImportInSteps(StatementImportCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.users = role_users(cls.env, cls.company)
        cls.manager = cls.users["manager"]
        params = cls.env["ir.config_parameter"]
        # Two lines a step, and a step stops after its first lines.
        params.set_param("l10n_be_nl_einvoice.statement_step_lines", 2)
        params.set_param("l10n_be_nl_einvoice.statement_step_seconds", 0.000001)

    def queue(self, data, name="big.cod", **options):
        result = self.wizard.with_user(self.manager).import_file(
            name, base64.b64encode(data), background=True, **options
        )
        return self.env["einvoice.statement.import.job"].browse(result["job_ids"])

    def step(self, job, **context):
        """One call of the import cron, as Odoo's cron runner makes it."""
        cron = self.env.ref("l10n_be_nl_einvoice.ir_cron_einvoice_statement_import")
        cron, _progress = cron._add_progress(**context)
        job.with_context(**cron.env.context)._cron_import()
        job.invalidate_recordset()

    def paying(self, prices):
        """Open invoices of `prices`, and a payment of each quoting its reference."""
        invoices = [self.invoice(price) for price in prices]
        payments = [
            Payment(Decimal(str(price)), DAY, ogm=self.ogm(invoice))
            for price, invoice in zip(prices, invoices, strict=True)
        ]
        return invoices, payments

    def lines_of(self, job):
        return job.statement_ids.line_ids.sorted(lambda line: (line.sequence, line.id))

    def test_each_step_imports_some_lines_and_the_whole_file_is_imported_once(self):
        invoices, payments = self.paying(range(100, 105))
        payments.append(Payment(Decimal("-12.34"), DAY, text="Huur"))
        job = self.queue(write(IBAN, payments))
        seen = []
        for _call in range(10):
            self.step(job)
            seen.append((job.state, job.lines_done))
            if job.state == "done":
                break
        # The first step checks the file, creates its statement and imports two
        # lines; each next step two more, committed with how far it got.
        self.assertEqual(
            seen, [("importing", 2), ("importing", 4), ("done", 6)], job.summary
        )
        self.assertEqual(job.lines_total, 6)
        lines = self.lines_of(job)
        self.assertEqual(
            [line.amount for line in lines], [100, 101, 102, 103, 104, -12.34]
        )
        self.assertTrue(
            all(invoice.payment_state in ("paid", "in_payment") for invoice in invoices)
        )
        self.assertIn("1 statement(s) imported, 6 line(s).", job.summary)
        self.assertIn("5 by structured reference", job.summary)
        # The sender is told, with the summary.
        told = job.message_ids.filtered(
            lambda m: self.manager.partner_id in m.partner_ids
        )
        self.assertTrue(told and job.summary.splitlines()[0] in told[0].body)
        self.assertTrue(job.statement_ids.is_complete)

    def test_an_invoice_quoted_in_a_later_step_is_not_taken_by_an_amount_before(self):
        quoted = self.invoice(250)
        payments = [
            # A payment of the same amount without a reference, in the first step.
            Payment(Decimal("250.00"), DAY, text="betaling"),
            Payment(Decimal("-1.00"), DAY, text="kosten"),
            Payment(Decimal("-2.00"), DAY, text="kosten"),
            # The payment that quotes the invoice, in a later step.
            Payment(Decimal("250.00"), DAY, ogm=self.ogm(quoted)),
        ]
        job = self.queue(write(IBAN, payments))
        for _call in range(5):
            self.step(job)
        self.assertEqual(job.state, "done", job.summary)
        first, *_middle, last = self.lines_of(job)
        self.assertEqual(first.einvoice_match, "unmatched")
        self.assertEqual(last.einvoice_match, "reference")
        self.assertIn(quoted.payment_state, ("paid", "in_payment"))

    def test_a_failed_step_is_undone_and_tried_again_without_a_line_twice(self):
        _invoices, payments = self.paying(range(60, 64))
        job = self.queue(write(IBAN, payments))
        self.step(job)
        self.assertEqual((job.state, job.lines_done), ("importing", 2))
        original = EinvoiceStatementImporter._create_lines
        calls = []

        def crash_after_creating(importer, journal, statement, lines, *args):
            original(importer, journal, statement, lines, *args)
            calls.append(len(lines))
            raise ConnectionError("database connection lost")

        with (
            patch.object(
                EinvoiceStatementImporter, "_create_lines", crash_after_creating
            ),
            self.assertLogs(JOB_LOGGER, "ERROR"),
        ):
            self.step(job)
        self.assertEqual(calls, [2], "the step created its lines, then failed")
        self.assertEqual((job.state, job.lines_done, job.attempts), ("importing", 2, 1))
        self.assertEqual(len(job.statement_ids.line_ids), 2, "its lines are undone")
        self.step(job)
        self.assertEqual((job.state, job.lines_done, job.attempts), ("done", 4, 0))
        self.assertEqual([line.amount for line in self.lines_of(job)], [60, 61, 62, 63])

    def test_a_step_that_keeps_failing_stops_the_import_and_retry_goes_on(self):
        _invoices, payments = self.paying(range(70, 74))
        job = self.queue(write(IBAN, payments))
        self.step(job)

        def crash(*_args):
            raise ConnectionError("database connection lost")

        with (
            patch.object(EinvoiceStatementImporter, "_create_lines", crash),
            self.assertLogs(JOB_LOGGER, "ERROR"),
        ):
            for _call in range(3):
                self.step(job)
        self.assertEqual(job.state, "failed")
        self.assertIn("database connection lost", job.summary)
        self.assertIn("2 of the file's 4 lines were imported", job.summary)
        told = job.message_ids.filtered(
            lambda m: self.manager.partner_id in m.partner_ids
        )
        self.assertIn("Retry", told[0].body)
        # Retry: accounting managers only; it goes on from line 3.
        with self.assertRaises(AccessError):
            job.with_user(self.users["billing"]).action_retry()
        job.with_user(self.manager).action_retry()
        self.assertEqual((job.state, job.attempts), ("importing", 0))
        self.step(job)
        self.assertEqual(job.state, "done", job.summary)
        self.assertEqual([line.amount for line in self.lines_of(job)], [70, 71, 72, 73])

    def test_steps_cut_off_by_a_time_limit_are_retried_then_the_import_stops(self):
        _invoices, payments = self.paying(range(80, 84))
        job = self.queue(write(IBAN, payments))
        self.step(job)
        # Odoo counts the calls its cron runner had to stop (the worker killed at
        # its time limit): after one, the step is tried again with half the time.
        self.step(job, timed_out_counter=1)
        self.assertEqual((job.state, job.lines_done), ("done", 4), job.summary)
        # After two in a row, the import stops and the sender is told.
        other = self.queue(
            write(IBAN, payments[:1], sequence=2, old_balance=Decimal("326.00")),
            name="other.cod",
        )
        self.step(other, timed_out_counter=2)
        self.assertEqual(other.state, "failed")
        self.assertIn("stopped 2 times in a row", other.summary)
        self.assertIn("Nothing was imported", other.summary)
        self.assertFalse(other.statement_ids)

    def test_a_damaged_statement_later_in_the_file_refuses_the_whole_file(self):
        invoice = self.invoice(90)
        good = write(IBAN, [Payment(Decimal("90.00"), DAY, ogm=self.ogm(invoice))])
        # The second statement does not open at the first one's closing balance.
        bad = write(
            IBAN,
            [Payment(Decimal("5.00"), DAY, text="x")],
            sequence=2,
            old_balance=Decimal("1000.00"),
        )
        job = self.queue(good + bad)
        self.step(job)
        self.assertEqual(job.state, "failed")
        self.assertIn("opens at", job.summary)
        self.assertIn("Nothing was imported", job.summary)
        self.assertFalse(
            self.env["account.bank.statement"].search([("reference", "=", "big.cod")])
        )
        self.assertEqual(invoice.payment_state, "not_paid")

    def test_a_step_waits_for_the_next_go_when_half_the_limits_are_spent(self):
        """On a server with workers, each go of the cron runner has Odoo's limits
        (60 s of processor time, 120 s in all, by default); a step starts only
        while more than half of both are left."""
        _invoices, payments = self.paying(range(90, 94))
        job = self.queue(write(IBAN, payments))
        module = einvoice_statement_import_job
        used = {"cpu": 0.0}

        class Usage:
            @property
            def ru_utime(self):
                return used["cpu"]

            ru_stime = 0.0

        with (
            patch.object(module.resource, "getrlimit", return_value=(1060, -1)),
            patch.object(module.resource, "getrusage", return_value=Usage()),
            patch.dict(module.config.options, {"limit_time_cpu": 60}),
        ):
            used["cpu"] = 1000.0  # 60 s left: a step
            self.step(job)
            self.assertEqual(job.lines_done, 2)
            used["cpu"] = 1040.0  # 20 s left: the next go
            self.step(job)
            self.assertEqual(job.lines_done, 2)
        self.step(job)
        self.assertEqual((job.state, job.lines_done), ("done", 4))

    def test_a_step_takes_as_many_lines_as_fit_in_its_time(self):
        """A chunk costs a fixed part besides its lines: after a first chunk of
        `statement_step_lines`, a step sizes its next chunks to the time it has
        left at the pace of the last one, and stops when fewer than that fit."""
        importer = self.env["einvoice.statement.importer"]
        params = self.env["ir.config_parameter"]
        params.set_param("l10n_be_nl_einvoice.statement_step_seconds", 600)
        _invoices, payments = self.paying(range(110, 117))
        job = self.queue(write(IBAN, payments))
        self.step(job)
        # 2 lines first, then the 5 others fit in the time left: one step.
        self.assertEqual((job.state, job.lines_done), ("done", 7), job.summary)
        self.assertEqual(len(self.lines_of(job)), 7)
        self.assertEqual(job.statement_ids.line_ids.mapped("einvoice_match"),
                         ["reference"] * 7)  # fmt: skip

        kept = {}
        # No pace known yet: the fewest lines a step takes.
        self.assertEqual(importer._chunk_lines(10, kept, first=True), 2)
        kept["pace"] = 0.01  # 10 ms a line
        # 80 % of the 10 s left, at most MAX_CHUNK_LINES.
        self.assertEqual(importer._chunk_lines(10, kept, first=True), 800)
        self.assertEqual(
            importer._chunk_lines(100, kept, first=False),
            einvoice_statement_importer.MAX_CHUNK_LINES,
        )
        # Too little time for 2 lines: none after a step's first chunk; the
        # first chunk of a step always takes some.
        self.assertEqual(importer._chunk_lines(0.02, kept, first=False), 0)
        self.assertEqual(importer._chunk_lines(-1, kept, first=True), 2)

    def test_with_odoos_default_limits_a_step_takes_a_fifth_of_a_go(self):
        """60 s of processor time and 120 s in all, counted from before a cron
        worker's sleep of up to 70 s: a go has 50 s, a step 10 s of it."""
        jobs = self.env["einvoice.statement.import.job"]
        self.env["ir.config_parameter"].set_param(
            "l10n_be_nl_einvoice.statement_step_seconds", ""
        )
        options = {
            "limit_time_cpu": 60,
            "limit_time_real": 120,
            "limit_time_real_cron": -1,
        }
        with patch.dict(einvoice_statement_import_job.config.options, options):
            self.assertEqual(jobs._go_budget(), 50)
            self.assertEqual(jobs._step_seconds(), 10)
        options["limit_time_real_cron"] = 600
        with patch.dict(einvoice_statement_import_job.config.options, options):
            self.assertEqual(jobs._step_seconds(), 12)
