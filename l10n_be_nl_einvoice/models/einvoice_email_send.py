# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import logging
from datetime import timedelta

from odoo import _, api, models

_logger = logging.getLogger(__name__)

# A failed e-mail is handed back to the mail queue after these waits, then given up.
RETRY_AFTER = (timedelta(minutes=5), timedelta(minutes=30), timedelta(hours=2))


class EinvoiceEmailSend(models.AbstractModel):
    """The customer e-mail channel of Odoo's Send: each invoice once through Odoo's
    mail queue, with the company's template (``%n`` in its subject is the invoice
    number), to the invoice's Recipient, with its PDF and the UBL of the
    customer's profile when it passes the official rules (`account.move.send`
    prepares them). Every e-mail is a ledger record (channel ``email``): the mail
    queue's result (sent, failed, bounced) is written there. The PDFs are made by
    the documents' service of every channel (`einvoice.document`)."""

    _name = "einvoice.email.send"
    _description = "E-mail invoices to customers"

    # -- what can go ---------------------------------------------------------------

    @api.model
    def _skip_reason(self, move, again=False):
        """Why `move` cannot be e-mailed now, or None; `again`: one that went
        before may go again (Odoo's Send dialog, a resend)."""
        ledger = self.env["einvoice.transmission"]
        reason = ledger._not_sendable(move)
        if reason:
            return reason
        if not move.einvoice_email_to:
            return _(
                "no invoice e-mail address for %(customer)s",
                customer=move.partner_id.display_name,
            )
        sent = move.einvoice_transmission_ids.filtered(
            lambda t: (
                t.channel == "email"
                and t.kind == "document"
                and t.state in ("sending", "sent")
            )
        )
        if sent and not again:
            return sent[:1]._already_reason()
        return move._einvoice_gate("email")

    @api.model
    def _split(self, moves, again=False):
        """(the moves that can go, [{"id", "name", "reason"}] of those that cannot)."""
        ready, skipped = moves.browse(), []
        for move in moves:
            reason = self._skip_reason(move, again)
            if reason:
                skipped.append(
                    {"id": move.id, "name": move.display_name, "reason": reason}
                )
            else:
                ready |= move
        return ready, skipped

    # -- sending -------------------------------------------------------------------

    @api.model
    def _send(self, moves):
        """E-mail `moves` now, through Odoo's Send (`account.move.send`: the one
        pipeline of every channel); returns ``{"sent": [ids], "skipped": [{"id",
        "name", "reason"}], "failed": [...]}``. "Sent" means handed to the mail
        queue and recorded; the ledger says when the mail server took it."""
        ready, skipped = self._split(moves)
        result = {"sent": [], "skipped": skipped, "failed": []}
        errors = {}
        pipeline = self.env["account.move.send"].with_context(
            einvoice_send_errors=errors
        )
        for company, company_moves in ready.grouped("company_id").items():
            pipeline.with_company(company)._generate_and_send_invoices(
                company_moves.with_company(company),
                allow_raising=False,
                sending_methods={"email"},
            )
        for move in ready:
            transmission = move._einvoice_email_transmission()
            if transmission.state in ("sending", "sent"):
                result["sent"].append(move.id)
                continue
            reason = errors.get(move.id) or transmission.last_error or _("not sent")
            result["failed"].append(
                {"id": move.id, "name": move.display_name, "reason": reason}
            )
        return result

    @api.model
    def _mark_sent(self, move):
        # Flags only: the invoice's lines stay as they are.
        move.sudo().with_context(skip_invoice_sync=True).write(
            {"is_move_sent": True, "einvoice_sent": True}
        )

    @api.model
    def _send_composed(
        self,
        move,
        *,
        partner_ids,
        subject,
        body,
        email_from,
        attachments,
        author_id=None,
        formats=None,
        user_id=None,
        **_message_values,
    ):
        """E-mail `move` as Odoo's Send dialog composed it (recipients, subject,
        body, files as (name, content)) in the name of `user_id` (who clicked),
        through the ledger: a first sending, or a resend when it went before;
        nothing while it is being sent (a second click). Returns the mail handed
        to the queue, or None."""
        ledger = self.env["einvoice.transmission"]
        transmission = ledger._latest(move, "email")
        if transmission.state == "sending" or (
            transmission.state == "pending" and transmission.mail_id
        ):
            _logger.info("%s is already being sent: not sent again", move.name)
            return None
        if transmission.state in ("sent", "failed", "cancelled"):
            transmission = transmission._resend(self._again_reason(transmission))
        elif not transmission:
            transmission = ledger._open(move, "email")
        if user_id:
            # Sent in the background: in the name of who clicked Send.
            transmission.user_id = user_id
        recipients = self.env["res.partner"].browse(partner_ids).mapped("email")
        mail = transmission._queue_mail(
            move,
            subject=subject,
            body=body,
            email_from=email_from,
            recipients=[address for address in recipients if address],
            attachments=self._sent_files(move, attachments),
            formats=formats or ["PDF"],
            author=self.env["res.partner"].browse(author_id) if author_id else None,
        )
        self._mark_sent(move)
        ledger._wake_mail_queue()
        return mail

    @api.model
    def _again_reason(self, transmission):
        """Why a document that went before (or failed) goes again."""
        if transmission.state == "failed":
            return _("Sent again: the last try failed.")
        return _(
            "Sent again from the Send dialog by %(user)s.", user=self.env.user.name
        )

    @api.model
    def _sent_files(self, move, files):
        """The attachments of the files Odoo's Send attaches ((name, content)): the
        invoice's own PDF and e-invoice where they are those, else new ones."""
        own = {
            (attachment.name, attachment.raw): attachment
            for attachment in (move.invoice_pdf_report_id | move.ubl_cii_xml_id)
        }
        attachments = self.env["ir.attachment"]
        for name, raw in files:
            attachments |= own.get((name, raw)) or self.env[
                "ir.attachment"
            ].sudo().create(
                {"name": name, "raw": raw, "res_model": move._name, "res_id": move.id}
            )
        return attachments
