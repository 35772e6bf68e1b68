# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import base64

from odoo import _, api, fields, models
from odoo.exceptions import UserError


class CodaboxSetAside(models.Model):
    """A CODA file of the feed that could not be imported (damaged, or of a bank
    account without a journal): kept here with its reason so that the files behind
    it in the feed go on being imported, in order, while the accounting manager
    imports it again once it can be, or skips it."""

    _name = "codabox.set.aside"
    _description = "CodaBox file set aside"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "id desc"

    connection_id = fields.Many2one(
        "codabox.connection", required=True, ondelete="cascade", index=True
    )
    company_id = fields.Many2one(
        related="connection_id.company_id", store=True, index=True
    )
    name = fields.Char(string="File", required=True, readonly=True)
    feed_index = fields.Char(readonly=True)
    reason = fields.Text(readonly=True, tracking=True)
    state = fields.Selection(
        [
            ("waiting", "Waiting"),
            ("imported", "Imported"),
            ("skipped", "Skipped"),
        ],
        default="waiting",
        required=True,
        readonly=True,
        tracking=True,
    )
    attachment_id = fields.Many2one("ir.attachment", readonly=True)
    job_id = fields.Many2one(
        "einvoice.statement.import.job",
        string="Background import",
        readonly=True,
        help="A big file is imported in the background: Import again goes on "
        "from where that import stopped.",
    )

    @api.model
    def _set_aside(self, connection, name, feed_index, content, reason, job=None):
        """Keep a file the import refused, and ask the company's accounting manager
        to look at it. The file leaves CodaBox's feed with the ones after it:
        it is imported from here (a file imported in the background, from where
        its `job` stopped)."""
        # The system records what the feed delivered; nobody creates these by hand.
        record = self.sudo().create(
            {
                "connection_id": connection.id,
                "name": name,
                "feed_index": str(feed_index),
                "reason": reason,
                "job_id": job.id if job else False,
            }
        )
        record.attachment_id = (
            self.env["ir.attachment"]
            .sudo()
            .create(
                {
                    "name": name,
                    "raw": content,
                    "res_model": self._name,
                    "res_id": record.id,
                }
            )
        )
        responsible = self._responsible(connection.company_id)
        if responsible:
            record.activity_schedule(
                "mail.mail_activity_data_todo",
                user_id=responsible.id,
                summary=_("CodaBox file set aside"),
                note=reason,
            )
        return record.sudo(False)

    @api.model
    def _responsible(self, company):
        """An accounting manager of the company, the one who will be asked."""
        group = self.env.ref("account.group_account_manager")
        return (
            self.env["res.users"]
            .sudo()
            .search(
                [
                    ("groups_id", "in", group.ids),
                    ("company_ids", "in", company.ids),
                    ("share", "=", False),
                ],
                order="id",
                limit=1,
            )
        )

    def action_import(self, create_journals=False):
        """Import the file again, now that its cause is fixed (a journal for its
        account, a corrected file attached instead), or with a journal made for a
        new account (`create_journals`)."""
        for record in self.filtered(lambda r: r.state == "waiting"):
            record.connection_id._check_manager()
            if record.job_id.state in ("queued", "importing"):
                continue
            if record.job_id.state == "failed":
                # Part of it may be imported: the import goes on from there.
                record.job_id.with_context(
                    allowed_company_ids=record.company_id.ids
                ).action_retry()
                record.reason = _("Being imported in the background.")
                continue
            importer = self.env["einvoice.statement.import"].with_company(
                record.company_id
            )
            try:
                with self.env.cr.savepoint():
                    result = importer.import_file(
                        record.name,
                        base64.b64encode(record.attachment_id.raw).decode(),
                        create_journals=create_journals,
                    )
                    if result.get("job_ids"):
                        # A big file: the outcome comes when its import ends.
                        record.job_id = result["job_ids"][0]
                        record.reason = _("Being imported in the background.")
                        continue
                    if result.get("unknown_accounts"):
                        raise UserError(
                            _(
                                "No bank journal has the account %(accounts)s: add "
                                "the account to its journal, or import with a new "
                                "journal.",
                                accounts=", ".join(result["unknown_accounts"]),
                            )
                        )
            except UserError as error:
                record.reason = str(error)
                continue
            record.state = "imported"
            record.activity_feedback(["mail.mail_activity_data_todo"])
            record.message_post(body=result["summary"])
        return True

    def _job_concluded(self, job):
        """The background import of this file ended: imported, or why not."""
        accounts = job._unknown_accounts()
        if job.state == "done" and not accounts:
            self.state = "imported"
            self.activity_feedback(["mail.mail_activity_data_todo"])
            self.message_post(body=job.summary)
        elif job.state == "failed":
            self.reason = job.summary
        else:
            self.reason = self.connection_id._no_journal_text(accounts)

    def action_import_with_journal(self):
        return self.action_import(create_journals=True)

    def action_skip(self):
        """Leave the file out of the books (a duplicate, a test file): said in its
        chatter, its activity done."""
        for record in self.filtered(lambda r: r.state == "waiting"):
            record.connection_id._check_manager()
            record.state = "skipped"
            record.activity_feedback(["mail.mail_activity_data_todo"])
        return True
