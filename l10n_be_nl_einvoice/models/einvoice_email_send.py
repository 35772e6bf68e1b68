# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import logging
from datetime import timedelta

from odoo import _, api, models
from odoo.exceptions import UserError

from ..lib.wkhtmltopdf import is_patched

_logger = logging.getLogger(__name__)

INVOICE_REPORT = "account.account_invoices"
# A failed e-mail is handed back to the mail queue after these waits, then given up.
RETRY_AFTER = (timedelta(minutes=5), timedelta(minutes=30), timedelta(hours=2))


class EinvoiceEmailSend(models.AbstractModel):
    """The customer e-mail channel of Odoo's Send: each invoice once through Odoo's
    mail queue, with the company's template (``%n`` in its subject is the invoice
    number), to the invoice's Recipient, with its PDF and the UBL of the
    customer's profile when it passes the official rules (`account.move.send`
    prepares them). Every e-mail is a ledger record (channel ``email``): the mail
    queue's result (sent, failed, bounced) is written there. The PDFs and UBL
    files every channel sends are made here too (`_render_pdfs`,
    `_pdf_attachment`, `_ubl_attachment`)."""

    _name = "einvoice.email.send"
    _description = "E-mail invoices to customers"

    # -- what can go ---------------------------------------------------------------

    @api.model
    def _skip_reason(self, move, again=False):
        """Why `move` cannot be e-mailed now, or None; `again`: one that went
        before may go again (Odoo's Send dialog, a resend)."""
        if move.move_type not in ("out_invoice", "out_refund"):
            return _("not a customer invoice or credit note")
        if move.state != "posted":
            return _("not posted")
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
            return _(
                "already sent on %(when)s (resend it with a reason)",
                when=sent[0].sent_at or sent[0].create_date,
            )
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
    def _render_pdfs(self, moves, report_name=INVOICE_REPORT):
        """The PDF of each invoice that has none yet, as the customer receives it;
        an invoice that cannot be rendered is missing from the result (an invoice
        that has its PDF keeps it: `_attachments`). A wkhtmltopdf with patched
        Qt renders many invoices in one call; without it, one call per invoice
        (Odoo's batch rendering needs the patched build), except that invoices of
        one page can share a call (`_einvoice_render_pdfs`)."""
        layout = moves.company_id[:1].einvoice_email_layout_id.view_id.key
        reports = self.env["ir.actions.report"].with_context(
            einvoice_fast_print=True, einvoice_report_layout=layout or False
        )
        todo = moves.filtered(lambda m: not m.invoice_pdf_report_id)
        if len(todo) > 1 and self._batch_rendering():
            try:
                content, report_type = reports._pre_render_qweb_pdf(
                    report_name, res_ids=todo.ids
                )
                split = reports._get_splitted_report(report_name, content, report_type)
            except UserError as error:
                _logger.warning("batch rendering failed, one by one: %s", error)
            else:
                pdfs = {move.id: split[move.id] for move in todo if split.get(move.id)}
                rest = todo.filtered(lambda m: m.id not in pdfs)
                pdfs.update(reports._einvoice_render_each(report_name, rest.ids))
                return pdfs
        # Without patched Qt: invoices of one page share a call.
        return reports._einvoice_render_pdfs(report_name, todo.ids)

    @api.model
    def _batch_rendering(self):
        return is_patched(self.env["ir.actions.report"]._einvoice_wkhtmltopdf_version())

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

    @api.model
    def _pdf_attachment(self, move, pdf):
        """The invoice's PDF as its customer receives it: the one it has, else `pdf`
        (rendered by `_render_pdfs`), kept as the invoice's PDF from then on."""
        if move.invoice_pdf_report_id:
            return move.invoice_pdf_report_id
        if not pdf:
            raise UserError(
                _(
                    "The PDF of %(invoice)s could not be made.",
                    invoice=move.display_name,
                )
            )
        attachment = (
            self.env["ir.attachment"]
            .sudo()
            .create(
                {
                    "name": move._get_invoice_report_filename(),
                    "raw": pdf,
                    "mimetype": "application/pdf",
                    "res_model": move._name,
                    "res_id": move.id,
                    "res_field": "invoice_pdf_report_file",
                }
            )
        )
        move.invalidate_recordset(["invoice_pdf_report_id", "invoice_pdf_report_file"])
        return attachment

    @api.model
    def _ubl_attachment(self, move, profile):
        """(the UBL of `move` in `profile` as a new attachment, or an empty recordset
        when the official rules find a fatal problem; the problems)."""
        xml, errors = move._einvoice_export(profile)
        problems = move._einvoice_problems(xml, profile, errors)
        if any(problem["flag"] == "fatal" for problem in problems):
            return self.env["ir.attachment"], problems
        attachment = (
            self.env["ir.attachment"]
            .sudo()
            .create(
                {
                    "name": move._get_invoice_report_filename(extension="xml"),
                    "raw": xml,
                    "mimetype": "application/xml",
                    "res_model": move._name,
                    "res_id": move.id,
                }
            )
        )
        return attachment, problems
