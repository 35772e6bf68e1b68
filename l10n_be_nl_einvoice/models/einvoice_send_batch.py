# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import logging

from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError

_logger = logging.getLogger(__name__)

# Invoices rendered and handed to the mail queue per cron call (one transaction).
CHUNK = 50


class EinvoiceSendBatch(models.Model):
    """Many invoices e-mailed in the background: each one a pending ledger record,
    taken in chunks by the send cron (several workers share the work, rows locked,
    SKIP LOCKED); the sender is told the outcome when the last one is done."""

    _name = "einvoice.send.batch"
    _description = "Invoices e-mailed in the background"
    _inherit = ["mail.thread"]
    _order = "id desc"

    name = fields.Char(required=True, readonly=True)
    company_id = fields.Many2one(
        "res.company", required=True, readonly=True, default=lambda s: s.env.company
    )
    user_id = fields.Many2one(
        "res.users", string="Sent by", readonly=True, default=lambda s: s.env.user
    )
    state = fields.Selection(
        [("running", "Sending"), ("done", "Done")],
        default="running",
        required=True,
        readonly=True,
    )
    transmission_ids = fields.Many2many(
        "einvoice.transmission", string="Transmissions", readonly=True
    )
    skipped = fields.Text(readonly=True, help="Invoices not sent, with the reason.")
    total = fields.Integer(compute="_compute_counts")
    done_count = fields.Integer(string="Done", compute="_compute_counts")
    sent_count = fields.Integer(string="Sent", compute="_compute_counts")
    failed_count = fields.Integer(string="Failed", compute="_compute_counts")
    progress = fields.Float(compute="_compute_counts")
    summary = fields.Text(readonly=True)

    @api.depends("transmission_ids.state")
    def _compute_counts(self):
        for batch in self:
            states = batch.transmission_ids.mapped("state")
            batch.total = len(states)
            batch.sent_count = sum(1 for s in states if s in ("sending", "sent"))
            batch.failed_count = states.count("failed")
            batch.done_count = len(states) - states.count("pending")
            batch.progress = 100.0 * batch.done_count / batch.total if states else 100

    @api.model
    def _start(self, moves, skipped):
        """A batch for `moves` (checked, ready): one pending ledger record each."""
        ledger = self.env["einvoice.transmission"]
        transmissions = ledger.browse()
        now = fields.Datetime.now()
        for move in moves:
            transmissions |= ledger._open(move, "email", scheduled_at=now)
        batch = self.sudo().create(
            {
                "name": _("%(count)s invoice(s)", count=len(moves)),
                "transmission_ids": [fields.Command.set(transmissions.ids)],
                "skipped": "\n".join(
                    f"{item['name']}: {item['reason']}" for item in skipped
                ),
            }
        )
        self.env.ref("l10n_be_nl_einvoice.ir_cron_einvoice_send_email")._trigger()
        return batch

    @api.model
    def _cron_send(self):
        """Send the next chunk of pending invoice e-mails; the cron runner commits
        after each call and calls again while some remain."""
        self.flush_model()
        self.env["einvoice.transmission"].flush_model()
        self.env.cr.execute(
            "SELECT id FROM einvoice_transmission WHERE channel = 'email' "
            "AND state = 'pending' AND move_id IS NOT NULL "
            "ORDER BY id LIMIT %s FOR UPDATE SKIP LOCKED",
            [CHUNK],
        )
        ids = [row[0] for row in self.env.cr.fetchall()]
        transmissions = self.env["einvoice.transmission"].browse(ids)
        sender = self.env["einvoice.email.send"]
        for company, group in transmissions.grouped("company_id").items():
            moves = group.move_id.with_company(company)
            pdfs, ubls, contents = sender._prepare(moves)
            for transmission in group:
                move = transmission.move_id.with_company(company)
                try:
                    with self.env.cr.savepoint():
                        sender._deliver(
                            move,
                            transmission,
                            pdfs.get(move.id),
                            ubls.get(move.id),
                            contents.get(move.id),
                        )
                except (UserError, ValidationError) as error:
                    _logger.warning("invoice %s not e-mailed: %s", move.id, error)
                    transmission.write(
                        {
                            "state": "failed",
                            "attempts": transmission.attempts + 1,
                            "last_error": str(error),
                        }
                    )
        if ids:
            self.env["einvoice.transmission"]._wake_mail_queue()
        self._finish_done()
        remaining = self.env["einvoice.transmission"].search_count(
            [("channel", "=", "email"), ("state", "=", "pending")]
        )
        self.env["ir.cron"]._notify_progress(done=len(ids), remaining=remaining)

    def _finish_done(self):
        running = self.search([("state", "=", "running")])
        for batch in running.filtered(lambda b: b.done_count == b.total):
            batch.summary = batch._summary_text()
            batch.state = "done"
            batch.message_post(
                body=batch.summary,
                partner_ids=batch.user_id.partner_id.ids,
                subject=_("Invoices e-mailed: %(name)s", name=batch.name),
            )

    def _summary_text(self):
        self.ensure_one()
        failed = self.transmission_ids.filtered(lambda t: t.state == "failed")
        lines = [
            _(
                "%(sent)s invoice(s) e-mailed, %(failed)s failed.",
                sent=self.sent_count,
                failed=self.failed_count,
            )
        ]
        lines += [f"{t.document_name}: {t.last_error}" for t in failed]
        if self.skipped:
            lines.append(_("Not sent:"))
            lines.append(self.skipped)
        return "\n".join(lines)
