# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import base64

from odoo import _, api, fields, models
from odoo.exceptions import UserError


class EinvoiceStatementImport(models.TransientModel):
    """Import CODA bank statements (one or several files, or a zip): each statement
    goes to the bank journal of its account, once; its payments find their invoices
    by structured reference, then by the customer's account and amount, then by
    amount and date, and those invoices are paid (`einvoice.statement.importer`).
    A big file is imported in the background, in steps."""

    _name = "einvoice.statement.import"
    _description = "Import bank statements"

    attachment_ids = fields.Many2many(
        "ir.attachment",
        string="Files",
        help="CODA files or bank CSV exports (BNP Paribas Fortis, Belfius, KBC, ING, "
        "Argenta, Fintro, Rabobank, ABN AMRO), or a zip of them.",
    )
    journal_id = fields.Many2one(
        "account.journal",
        string="Bank journal",
        domain="[('type', '=', 'bank')]",
        help="For a CSV export that does not name its account.",
    )
    strict = fields.Boolean(
        string="Refuse files that do not add up",
        default=True,
        help="On by default. Without it, a file whose totals or balances do not add "
        "up, or whose opening balance does not continue the account's previous "
        "statement, is imported and each of its statements says what did not add up.",
    )
    create_journals = fields.Boolean(
        string="Create missing bank journals",
        help="A statement of an account no bank journal has creates that journal.",
    )
    summary = fields.Text(readonly=True)

    # -- entry points -----------------------------------------------------------------

    def _check_may_import(self):
        self.env["einvoice.statement.importer"]._check_may_import()

    def action_import(self):
        self.ensure_one()
        self._check_may_import()
        if not self.attachment_ids:
            raise UserError(_("Choose the statement files to import."))
        files = [(a.name, a.raw) for a in self.attachment_ids]
        options = {
            "strict": self.strict,
            "create_journals": self.create_journals,
            "journal": self.journal_id,
        }
        if self._is_big(files):
            jobs = self._queue(files, **options)
            self.summary = _(
                "%(count)s big file(s) are imported in the background; you will be "
                "notified when they are done (E-invoicing > Bank statement imports).",
                count=len(jobs),
            )
        else:
            importer = self.env["einvoice.statement.importer"]
            self.summary = importer._summary_text(importer._import(files, **options))
        return {
            "type": "ir.actions.act_window",
            "res_model": self._name,
            "res_id": self.id,
            "view_mode": "form",
            "target": "new",
        }

    @api.model
    def import_file(
        self,
        filename,
        data,
        strict=True,
        create_journals=False,
        journal_id=False,
        background=None,
    ):
        """Import one statement file (base64), over XML-RPC; returns the summary:
        statements imported and their ids, lines, matched (by reference, account,
        amount), unmatched, duplicates skipped, unknown accounts, warnings, and
        the summary as the wizard shows it. A big file (or `background=True`) is
        queued instead: `job_ids` name the jobs."""
        self._check_may_import()
        files = [(filename, base64.b64decode(data))]
        options = {
            "strict": strict,
            "create_journals": create_journals,
            "journal": self.env["account.journal"].browse(journal_id),
        }
        if background or (background is None and self._is_big(files)):
            return {"job_ids": self._queue(files, **options).ids}
        importer = self.env["einvoice.statement.importer"]
        result = importer._import(files, **options)
        return {**result, "summary": importer._summary_text(result)}

    def _is_big(self, files):
        """More lines than a request should import (system parameter
        l10n_be_nl_einvoice.statement_background_lines, 2,000 by default)."""
        limit = int(
            self.env["ir.config_parameter"]
            .sudo()
            .get_param("l10n_be_nl_einvoice.statement_background_lines", 2000)
        )
        members = self.env["einvoice.statement.importer"]._unpack(files)
        return sum(raw.count(b"\n") for _name, raw in members) > limit

    def _queue(self, files, strict=True, create_journals=False, journal=None):
        jobs = self.env["einvoice.statement.import.job"]
        for name, raw in files:
            job = jobs.create(
                {
                    "name": name,
                    "strict": strict,
                    "create_journals": create_journals,
                    "journal_id": journal.id if journal else False,
                }
            )
            # The file is the job's, and a job is the system's record: its sender
            # queues it and reads it (the access file), only the import writes it.
            # Attaching a file to a record takes the right to write that record.
            job.sudo().attachment_id = (
                self.env["ir.attachment"]
                .sudo()
                .create(
                    {
                        "name": name,
                        "raw": raw,
                        "res_model": job._name,
                        "res_id": job.id,
                    }
                )
            )
            jobs |= job
        self.env.ref("l10n_be_nl_einvoice.ir_cron_einvoice_statement_import")._trigger()
        return jobs
