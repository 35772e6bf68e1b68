# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import logging

from odoo import _, api, fields, models
from odoo.tools import SQL

_logger = logging.getLogger(__name__)

# Invoices rendered and handed to the mail queue per call of Odoo's sending cron
# (one transaction).
CHUNK = 50


class EinvoiceSendBatch(models.Model):
    """Many invoices e-mailed in the background: each one a pending ledger record,
    sent in chunks by Odoo's Send (its sending cron, `account.move`
    `_cron_account_move_send`); the sender is told the outcome when the mail
    server has answered for the last one, and again when a retry changes it."""

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
        [
            ("running", "Sending"),
            ("waiting", "Awaiting the mail server"),
            ("done", "Done"),
        ],
        default="running",
        required=True,
        readonly=True,
    )
    transmission_ids = fields.Many2many(
        "einvoice.transmission", string="Transmissions", readonly=True
    )
    skipped = fields.Text(readonly=True, help="Invoices not sent, with the reason.")
    total = fields.Integer(compute="_compute_counts")
    done_count = fields.Integer(
        string="Handed over",
        compute="_compute_counts",
        help="Invoices rendered and handed to the mail queue (or failed before).",
    )
    queued_count = fields.Integer(
        string="Queued",
        compute="_compute_counts",
        help="Invoices not delivered yet: waiting for their turn, or in the mail "
        "queue.",
    )
    sent_count = fields.Integer(
        string="Delivered",
        compute="_compute_counts",
        help="Invoices the customer's mail server accepted.",
    )
    failed_count = fields.Integer(string="Failed", compute="_compute_counts")
    progress = fields.Float(compute="_compute_counts")
    summary = fields.Text(readonly=True)
    summary_at = fields.Datetime(
        string="Summary written on",
        readonly=True,
        help="A transmission of the batch that changes after this (a retry "
        "delivered it, it bounced) makes the summary written again.",
    )

    @api.depends("transmission_ids.state")
    def _compute_counts(self):
        """From the ledger's states: pending and sending are queued, sent is
        delivered, failed (or cancelled) failed."""
        for batch in self:
            states = batch.transmission_ids.mapped("state")
            batch.total = len(states)
            batch.queued_count = sum(1 for s in states if s in ("pending", "sending"))
            batch.sent_count = states.count("sent")
            batch.failed_count = sum(1 for s in states if s in ("failed", "cancelled"))
            batch.done_count = len(states) - states.count("pending")
            batch.progress = 100.0 * batch.done_count / batch.total if states else 100

    @api.model
    def _start(self, moves, skipped, background=True):
        """A batch for `moves` (checked, ready for e-mail): one pending ledger
        record each, sent by Odoo's Send in the background (`background`: this
        asks for it; Odoo's list dialog asks for it itself). Moves already
        waiting in a batch are left there: a second click starts no second
        batch, and none at all when nothing is new."""
        ledger = self.env["einvoice.transmission"]
        transmissions = ledger.browse()
        now = fields.Datetime.now()
        for move in moves:
            latest = ledger._latest(move, "email")
            if latest.state in ("pending", "sending"):
                continue
            if latest:
                latest = latest._resend(
                    self.env["einvoice.email.send"]._again_reason(latest)
                )
            else:
                latest = ledger._open(move, "email")
            latest.scheduled_at = now
            transmissions |= latest
        if not transmissions:
            return self.browse()
        batch = self.sudo().create(
            {
                "name": _("%(count)s invoice(s)", count=len(transmissions)),
                "transmission_ids": [fields.Command.set(transmissions.ids)],
                "skipped": "\n".join(
                    f"{item['name']}: {item['reason']}" for item in skipped
                ),
            }
        )
        if background:
            transmissions.move_id.sending_data = {
                "author_user_id": self.env.user.id,
                "author_partner_id": self.env.user.partner_id.id,
                "sending_methods": ["email"],
            }
            self.env.ref("account.ir_cron_account_move_send")._trigger()
        return batch

    def _finish_done(self):
        """A batch whose invoices were all handed over waits for the mail server;
        once every transmission of it has concluded (delivered or failed), its
        summary is written and its sender notified. A retry or a bounce that later
        changes the outcome writes them again, only when the summary changed."""
        batches = self.search([("state", "in", ("running", "waiting"))])
        batches |= self._changed_since_summary()
        for batch in batches:
            if batch.state == "running" and batch.done_count == batch.total:
                batch.state = "waiting"
            if batch.state == "running" or batch.queued_count:
                continue
            summary = batch._summary_text()
            update = batch.state == "done"
            changed = summary != batch.summary
            # The transaction's time, as the ledger's write dates: a transmission
            # written later (by another transaction) is newer than the summary.
            batch.write(
                {"state": "done", "summary": summary, "summary_at": self.env.cr.now()}
            )
            if not changed:
                continue
            subject = (
                _("Invoices e-mailed, outcome changed: %(name)s", name=batch.name)
                if update
                else _("Invoices e-mailed: %(name)s", name=batch.name)
            )
            batch.message_post(
                body=summary, partner_ids=batch.user_id.partner_id.ids, subject=subject
            )

    @api.model
    def _changed_since_summary(self):
        """Done batches with a transmission written after their summary (or in the
        same transaction: looked at once more, they are the same and say nothing)."""
        field = self._fields["transmission_ids"]
        self.env.flush_all()
        rows = self.env.execute_query(
            SQL(
                """
                SELECT DISTINCT b.id
                  FROM einvoice_send_batch b
                  JOIN %(relation)s r ON r.%(batch)s = b.id
                  JOIN einvoice_transmission t ON t.id = r.%(transmission)s
                 WHERE b.state = 'done'
                   AND t.write_date >= COALESCE(b.summary_at, b.write_date)
                """,
                relation=SQL.identifier(field.relation),
                batch=SQL.identifier(field.column1),
                transmission=SQL.identifier(field.column2),
            )
        )
        return self.browse([row[0] for row in rows])

    def _summary_text(self):
        self.ensure_one()
        failed = self.transmission_ids.filtered(
            lambda t: t.state in ("failed", "cancelled")
        )
        lines = [
            _(
                "%(delivered)s invoice(s) delivered, %(failed)s failed.",
                delivered=self.sent_count,
                failed=self.failed_count,
            )
        ]
        lines += [f"{t.document_name}: {t.last_error}" for t in failed]
        if self.skipped:
            lines.append(_("Not sent:"))
            lines.append(self.skipped)
        return "\n".join(lines)
