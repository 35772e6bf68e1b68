# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import logging

from odoo import _, api, fields, models
from odoo.exceptions import UserError

_logger = logging.getLogger(__name__)


class EinvoiceStatementImportJob(models.Model):
    """A bank statement file imported in the background: big files never meet the
    request time limit. The import cron takes the queued files one by one, each in
    its own transaction, and tells the user who sent it when it is done."""

    _name = "einvoice.statement.import.job"
    _description = "Bank statement import in the background"
    _inherit = ["mail.thread"]
    _order = "id desc"

    name = fields.Char(string="File", required=True, readonly=True)
    attachment_id = fields.Many2one(
        "ir.attachment", string="Original file", readonly=True, ondelete="restrict"
    )
    company_id = fields.Many2one(
        "res.company", required=True, readonly=True, default=lambda s: s.env.company
    )
    user_id = fields.Many2one(
        "res.users", string="Sent by", readonly=True, default=lambda s: s.env.user
    )
    state = fields.Selection(
        [
            ("queued", "Queued"),
            ("done", "Imported"),
            ("failed", "Failed"),
        ],
        default="queued",
        required=True,
        readonly=True,
        tracking=True,
    )
    strict = fields.Boolean(readonly=True)
    create_journals = fields.Boolean(readonly=True)
    journal_id = fields.Many2one("account.journal", readonly=True)
    summary = fields.Text(readonly=True)
    statement_ids = fields.Many2many(
        "account.bank.statement", string="Statements", readonly=True
    )

    def _run(self):
        """Import this file as its sender would; the outcome stays on the job.
        The import cron runs this as the superuser and writes the job; the file is
        imported in the sender's name, so the statements are theirs and their right
        to import is checked again (a sender who lost it gets a failed job)."""
        self.ensure_one()
        wizard = (
            self.env["einvoice.statement.import"]
            .with_user(self.user_id)
            .with_company(self.company_id)
            .with_context(allowed_company_ids=self.company_id.ids)
        )
        try:
            with self.env.cr.savepoint():
                result = wizard._import_files(
                    [(self.name, self.attachment_id.raw)],
                    strict=self.strict,
                    create_journals=self.create_journals,
                    journal=self.journal_id.with_user(self.user_id),
                )
        except UserError as error:
            self.write({"state": "failed", "summary": str(error)})
        else:
            self.write(
                {
                    "state": "done",
                    "summary": wizard._summary_text(result),
                    "statement_ids": [(6, 0, result["statement_ids"])],
                }
            )
        self.message_post(
            body=self.summary,
            partner_ids=self.user_id.partner_id.ids,
            subject=_("Bank statement import: %(file)s", file=self.name),
        )

    @api.model
    def _cron_import(self):
        """Import the oldest queued file. The cron runner commits after each call
        and calls again while files remain (progress API), so each file is its own
        transaction; a second worker running this at the same time takes another
        file (rows locked, SKIP LOCKED)."""
        self.flush_model(["state"])
        self.env.cr.execute(
            "SELECT id FROM einvoice_statement_import_job WHERE state = 'queued' "
            "ORDER BY id LIMIT 1 FOR UPDATE SKIP LOCKED"
        )
        row = self.env.cr.fetchone()
        if row:
            self.browse(row[0])._run()
            _logger.info("bank statement file %s imported in the background", row[0])
        remaining = self.search_count([("state", "=", "queued")])
        self.env["ir.cron"]._notify_progress(done=1 if row else 0, remaining=remaining)
