# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import _, fields, models
from odoo.exceptions import UserError

from ..lib import client as cb
from .codabox_sender import CHANNEL, PROFILE


class EinvoiceTransmission(models.Model):
    _inherit = "einvoice.transmission"

    channel = fields.Selection(
        selection_add=[("codabox", "CodaBox")], ondelete={"codabox": "cascade"}
    )
    codabox_outcome_unknown = fields.Boolean(
        string="CodaBox's answer lost",
        readonly=True,
        help="The upload may have reached CodaBox but its answer was lost: it is not "
        "sent again on its own.",
    )

    def _already_reason(self, target=None):
        if len(self) == 1 and self.state == "failed" and self.codabox_outcome_unknown:
            return _(
                "CodaBox's answer was lost when it was sent: check in CodaBox, then "
                "send it again from the transmission, with a reason"
            )
        return super()._already_reason(target)

    def _deliver(self):
        # CodaBox: the invoices' UBL.BE files prepared together (their PDFs inside,
        # checked in one exchange with the official rules), then uploaded one by
        # one, in the order given.
        mine = self.filtered(lambda t: t.channel == CHANNEL).sudo()
        prepared = {}
        for company, group in mine.grouped("company_id").items():
            prepared |= (
                self.env["einvoice.document"]
                .with_company(company)
                .prepare(group.move_id.with_company(company), PROFILE, pdf=False)
            )
        mine._deliver_each(lambda t: t._codabox_upload(prepared[t.move_id.id]))
        return super(EinvoiceTransmission, self - mine)._deliver()

    def _codabox_upload(self, prepared):
        """Upload this transmission's UBL.BE file; the ledger says how it went (a
        refused file raises, with the reason)."""
        self.ensure_one()
        if prepared.error:
            raise UserError(prepared.error)
        move = prepared.move
        connection = self.env["codabox.connection"].search(
            [("company_id", "=", self.company_id.id)], limit=1
        )
        ubl = prepared.ubl
        self._mark_sending(
            {
                "formats": "UBL.BE (PDF)",
                "recipients": connection.client_name or "CodaBox",
                "attachment_ids": [fields.Command.set(ubl.ids)],
                "scheduled_at": fields.Datetime.now(),
            }
        )
        try:
            external_id = connection._client().upload_sales_invoice(ubl.name, ubl.raw)
        except cb.CodaBoxError as error:
            self._mark_failed(
                connection._error_text(error),
                {"codabox_outcome_unknown": isinstance(error, cb.OutcomeUnknown)},
            )
            if isinstance(error, cb.Unauthorized):
                # What CodaBox answered a billing user's send shows on the
                # connection, which only managers edit.
                connection.sudo().write(
                    {"state": "error", "last_error": connection._error_text(error)}
                )
            return
        self._mark_sent({"external_id": external_id or False})
        move.sudo().write({"einvoice_sent": True})
        # no_new_invoice: the files are the invoice's own, not one to read in.
        move.with_context(no_new_invoice=True).message_post(
            body=_(
                "Sent to the accountant through CodaBox (UBL.BE with the PDF)%(ref)s.",
                ref=_(", CodaBox id %(id)s", id=external_id) if external_id else "",
            ),
            attachment_ids=self.attachment_ids.ids,
            subtype_xmlid="mail.mt_note",
        )
