# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
# The mail queue's results, written on the transmission ledger: sent, failed (and
# handed back to the queue later), bounced.
# pylint: disable=consider-merging-classes-inherited
from odoo import _, api, fields, models
from odoo.tools import html2plaintext

from .einvoice_email_send import RETRY_AFTER


class MailMail(models.Model):
    _inherit = "mail.mail"

    def _postprocess_sent_message(
        self, success_pids, failure_reason=False, failure_type=None
    ):
        transmissions = (
            self.env["einvoice.transmission"]
            .sudo()
            .search([("mail_id", "in", self.ids), ("state", "=", "sending")])
        )
        for transmission in transmissions:
            mail = transmission.mail_id
            if mail.state == "sent":
                transmission.write(
                    {
                        "state": "sent",
                        "sent_at": fields.Datetime.now(),
                        "external_id": mail.message_id or transmission.external_id,
                        "last_error": False,
                    }
                )
                if transmission.move_id:
                    transmission.move_id.with_context(
                        skip_invoice_sync=True
                    ).einvoice_sent_on = transmission.sent_at
            elif mail.state == "exception":
                transmission.write(
                    {
                        "state": "failed",
                        "last_error": mail.failure_reason
                        or failure_reason
                        or _("The mail server refused the e-mail."),
                    }
                )
        return super()._postprocess_sent_message(
            success_pids, failure_reason=failure_reason, failure_type=failure_type
        )


class EinvoiceTransmission(models.Model):
    _inherit = "einvoice.transmission"

    @api.model
    def _cron_retry_email(self):
        """Hand failed e-mails (of every channel that sends by e-mail) back to the
        mail queue, after a wait that grows with each attempt; after the last one
        they stay failed, for a person to look at. The same e-mail is sent again,
        never a second one."""
        now = fields.Datetime.now()
        failed = self.search(
            [
                ("state", "=", "failed"),
                ("mail_id", "!=", False),
                ("attempts", "<=", len(RETRY_AFTER)),
            ]
        )
        retried = self.browse()
        for transmission in failed:
            wait = RETRY_AFTER[transmission.attempts - 1]
            if transmission.write_date + wait > now:
                continue
            mail = transmission.mail_id
            if mail.state != "exception":
                continue
            mail.mark_outgoing()
            transmission.write(
                {"state": "sending", "attempts": transmission.attempts + 1}
            )
            retried |= transmission
        if retried:
            self._wake_mail_queue()
        return retried


class MailThread(models.AbstractModel):
    _inherit = "mail.thread"

    def _routing_handle_bounce(self, email_message, message_dict):
        """A bounce of an invoice e-mail: the ledger record says what the receiving
        mail server answered."""
        bounced_ids = message_dict.get("bounced_msg_ids") or []
        if bounced_ids:
            transmissions = (
                self.env["einvoice.transmission"]
                .sudo()
                .search([("external_id", "in", bounced_ids)])
            )
            if transmissions:
                body = message_dict.get("body") or ""
                reason = _(
                    "%(address)s bounced: %(subject)s",
                    address=message_dict.get("bounced_email") or "?",
                    subject=message_dict.get("subject") or "",
                )
                transmissions.write(
                    {
                        "state": "failed",
                        "bounce_info": f"{reason}\n{html2plaintext(body)[:2000]}",
                        "last_error": reason,
                    }
                )
        return super()._routing_handle_bounce(email_message, message_dict)
