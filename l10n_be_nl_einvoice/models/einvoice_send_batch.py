# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import logging

from odoo import _, api, fields, models

_logger = logging.getLogger(__name__)

# Invoices rendered and handed to the mail queue per call of Odoo's sending cron
# (one transaction).
CHUNK = 50


class EinvoiceSendBatch(models.Model):
    """Many invoices e-mailed in the background: each one a pending ledger record,
    sent in chunks by Odoo's Send (its sending cron, `account.move`
    `_cron_account_move_send`); the sender is told the outcome when the last one
    is done."""

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
