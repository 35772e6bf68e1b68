# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import logging

from odoo import _, api, fields, models
from odoo.exceptions import UserError

from ..lib import client as cb

_logger = logging.getLogger(__name__)

CHANNEL = "codabox"
TARGET = "accountant"
PROFILE = "ublbe"


class CodaboxSender(models.AbstractModel):
    """Sales invoices and credit notes to the accountant through CodaBox, each once:
    UBL.BE with the PDF inside, checked against the official rules first, one ledger
    record per invoice (channel ``codabox``)."""

    _name = "codabox.sender"
    _description = "Send sales invoices through CodaBox"

    @api.model
    def _skip_reason(self, move, connection):
        if move.move_type not in ("out_invoice", "out_refund"):
            return _("not a customer invoice or credit note")
        if move.state != "posted":
            return _("not posted")
        if not connection or connection.state != "connected":
            return _(
                "%(company)s is not connected to CodaBox", company=move.company_id.name
            )
        if connection.vat_changed:
            return connection._vat_change_text()
        return move._einvoice_gate("accountant")

    @api.model
    def _send(self, moves):
        """Send `moves` in date order; ``{"sent": [ids], "skipped": [{"id", "name",
        "reason"}], "failed": [...]}``. Sending is for whoever may edit the
        invoices (billing users and up, of their company), asked before anything
        is prepared or sent."""
        moves.check_access("write")
        result = {"sent": [], "skipped": [], "failed": []}
        ledger = self.env["einvoice.transmission"]
        moves = moves.sorted(lambda m: (m.invoice_date or m.date, m.name or "", m.id))
        connections, pdfs = {}, {}
        for company, group in moves.grouped("company_id").items():
            connection = self.env["codabox.connection"].search(
                [("company_id", "=", company.id)], limit=1
            )
            connections[company] = connection
            ready = group.filtered(lambda m, c=connection: not self._skip_reason(m, c))
            pdfs.update(
                self.env["einvoice.email.send"]._render_pdfs(
                    ready.with_company(company)
                )
            )
        for move in moves:
            item = {"id": move.id, "name": move.display_name}
            connection = connections[move.company_id]
            reason = self._skip_reason(move, connection)
            transmission = ledger.browse()
            if not reason:
                transmission = ledger._open(move, CHANNEL, TARGET)
                reason = self._already(transmission)
            if reason:
                result["skipped"].append(dict(item, reason=reason))
                continue
            self._deliver(transmission, connection, pdfs.get(move.id))
            if transmission.state == "sent":
                result["sent"].append(move.id)
            else:
                result["failed"].append(dict(item, reason=transmission.last_error))
        return result

    @api.model
    def _already(self, transmission):
        if transmission.state == "sent":
            return _(
                "already sent to CodaBox on %(date)s (send it again from the "
                "transmission, with a reason)",
                date=transmission.sent_at,
            )
        if transmission.state == "sending":
            return _("being sent to CodaBox")
        if transmission.codabox_outcome_unknown:
            return _(
                "CodaBox's answer was lost when it was sent: check in CodaBox, then "
                "send it again from the transmission, with a reason"
            )
        return None

    @api.model
    def _deliver(self, transmission, connection=None, pdf=None):
        """Check and upload one invoice (`pdf`: its rendering when it has no PDF
        yet); the ledger record says how it went."""
        transmission = transmission.sudo()
        move = transmission.move_id.with_company(transmission.company_id)
        connection = connection or self.env["codabox.connection"].search(
            [("company_id", "=", move.company_id.id)], limit=1
        )
        sender = self.env["einvoice.email.send"]
        attempts = transmission.attempts + 1
        try:
            with self.env.cr.savepoint():
                if not pdf and not move.invoice_pdf_report_id:
                    pdf = sender._render_pdfs(move).get(move.id)
                sender._pdf_attachment(move, pdf)
                ubl, problems = sender._ubl_attachment(move, PROFILE)
                if not ubl:
                    raise UserError(
                        _(
                            "the UBL.BE file does not pass the official rules: "
                            "%(problems)s",
                            problems="; ".join(
                                f"[{p['rule']}] {p['text']}"
                                for p in problems
                                if p["flag"] == "fatal"
                            ),
                        )
                    )
                transmission.write(
                    {
                        "state": "sending",
                        "attempts": attempts,
                        "formats": "UBL.BE (PDF)",
                        "recipients": connection.client_name or "CodaBox",
                        "attachment_ids": [fields.Command.set(ubl.ids)],
                        "scheduled_at": fields.Datetime.now(),
                    }
                )
                external_id = connection._client().upload_sales_invoice(
                    ubl.name, ubl.raw
                )
        except UserError as error:
            transmission.write(
                {"state": "failed", "attempts": attempts, "last_error": str(error)}
            )
            return transmission
        except cb.CodaBoxError as error:
            transmission.write(
                {
                    "state": "failed",
                    "attempts": attempts,
                    "last_error": connection._error_text(error),
                    "codabox_outcome_unknown": isinstance(error, cb.OutcomeUnknown),
                }
            )
            if isinstance(error, cb.Unauthorized):
                # What CodaBox answered a billing user's send shows on the
                # connection, which only managers edit.
                connection.sudo().write(
                    {"state": "error", "last_error": connection._error_text(error)}
                )
            return transmission
        transmission.write(
            {
                "state": "sent",
                "sent_at": fields.Datetime.now(),
                "external_id": external_id or False,
                "last_error": False,
            }
        )
        move.sudo().write({"einvoice_sent": True})
        # no_new_invoice: the files are the invoice's own, not one to read in.
        move.with_context(no_new_invoice=True).message_post(
            body=_(
                "Sent to the accountant through CodaBox (UBL.BE with the PDF)%(ref)s.",
                ref=_(", CodaBox id %(id)s", id=external_id) if external_id else "",
            ),
            attachment_ids=transmission.attachment_ids.ids,
            subtype_xmlid="mail.mt_note",
        )
        return transmission
