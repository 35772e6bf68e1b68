# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
# The mail queue's results, written on the transmission ledger: sent, failed (and
# handed back to the queue later), bounced; each hand-over to the mail server on
# record before it happens; no transmission left in "sending".
# pylint: disable=consider-merging-classes-inherited
import logging
import smtplib
from datetime import timedelta

from odoo import _, api, fields, models
from odoo.tools import html2plaintext

from ..lib.smtp_reply import is_permanent
from .einvoice_email_send import RETRY_AFTER

_logger = logging.getLogger(__name__)

# Transmissions looked at per run of the check for e-mails stuck in "sending".
STALE_CHUNK = 500


class MailMail(models.Model):
    _inherit = "mail.mail"

    def _send(self, auto_commit=False, raise_exception=False, **kwargs):
        """The e-mails of ledger records go one at a time, each hand-over recorded
        first (`_hand_over`). Where the queue commits after each e-mail (its
        scheduled job: `auto_commit`, Odoo 18.0 `mail.mail._send`), that record is
        committed before the e-mail goes: a process stopped between the mail
        server's acceptance and the queue's commit leaves the e-mail outgoing, the
        queue sends it again, and the ledger counts that attempt and says the
        first one's outcome is unknown, instead of one attempt for two e-mails."""
        ledger = self.env["einvoice.transmission"].sudo()
        tracked = {
            transmission.mail_id.id: transmission
            for transmission in ledger.search(
                [("mail_id", "in", self.ids), ("state", "=", "sending")]
            )
        }
        others = self.filtered(lambda mail: mail.id not in tracked)
        if others:
            super(MailMail, others)._send(
                auto_commit=auto_commit, raise_exception=raise_exception, **kwargs
            )
        for mail in self - others:
            transmission = tracked[mail.id]
            if mail.state == "outgoing":
                transmission._hand_over()
                if auto_commit is True:
                    # Only in the mail queue's own mode that commits after each
                    # e-mail (Odoo's mail cron): everything before is committed by
                    # it already, this commits the hand-over alone.
                    self.env.cr.commit()  # pylint: disable=invalid-commit
            try:
                super(MailMail, mail.with_context(einvoice_ledger_mail=True))._send(
                    auto_commit=auto_commit, raise_exception=raise_exception, **kwargs
                )
            except smtplib.SMTPServerDisconnected as error:
                # Odoo's queue stops the batch here without writing the result.
                transmission._connection_lost(mail, error)
                raise
        return True

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
                transmission._mail_sent(mail)
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

    def _mail_sent(self, mail):
        """The mail server took `mail`, the e-mail of this transmission."""
        self.ensure_one()
        self._mark_sent({"external_id": mail.message_id or self.external_id})
        if self.move_id:
            self.move_id.with_context(
                skip_invoice_sync=True
            ).einvoice_sent_on = self.sent_at

    def _hand_over(self):
        """Record that the mail queue gives the e-mail to the mail server now. Still
        recorded from an earlier hand-over, the server's answer to that one was
        never written (the process stopped): this is one more attempt, and the
        ledger says the earlier one's outcome is unknown."""
        self.ensure_one()
        values = {"handed_over_at": fields.Datetime.now()}
        if self.handed_over_at:
            values.update(self._unknown_outcome_values())
            values["attempts"] = self.attempts + 1
        self.write(values)

    def _unknown_outcome_values(self):
        self.ensure_one()
        note = _(
            "Attempt %(attempt)s went to the mail server on %(when)s UTC, but its "
            "answer was never recorded (the process stopped): the receiver may "
            "have this e-mail twice, with the same Message-ID.",
            attempt=self.attempts,
            when=fields.Datetime.to_string(self.handed_over_at),
        )
        return {
            "unknown_outcome": "\n".join(filter(None, [self.unknown_outcome, note]))
        }

    def _connection_lost(self, mail, error):
        reason = _(
            "The mail server ended the connection before it confirmed the e-mail: "
            "%(error)s",
            error=error,
        )
        mail.write({"failure_reason": reason})
        self.write({"state": "failed", "last_error": reason})

    @api.model
    def _cron_retry_email(self):
        """Hand failed e-mails (of every channel that sends by e-mail) back to the
        mail queue, after a wait that grows with each attempt; after the last one
        they stay failed, for a person to look at. The same e-mail is sent again,
        never a second one. First, e-mails stuck in "sending" are concluded
        (`_conclude_stale_sending`)."""
        self._conclude_stale_sending()
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
            if mail.state not in ("exception", "cancel"):
                continue
            # [RFC 5321 4.2.1] A 5yz answer is a refusal for good: the same e-mail
            # would be refused again. A person corrects and sends it again.
            if is_permanent(mail.failure_reason):
                continue
            mail.mark_outgoing()
            transmission.write(
                {"state": "sending", "attempts": transmission.attempts + 1}
            )
            retried |= transmission
        if retried:
            self._wake_mail_queue()
        return retried

    @api.model
    def _conclude_stale_sending(self):
        """No transmission stays in "sending": one whose e-mail the mail queue gave
        up on without writing the result (a connection dropped mid-batch, a
        process stopped), cancelled, or removed from the queue, fails with the
        reason; one whose e-mail was sent is sent; one whose e-mail is still
        outgoing past the timeout (system parameter
        l10n_be_nl_einvoice.sending_timeout_minutes, 60) fails and its e-mail is
        taken out of the queue, so that it does not go while the ledger says it
        failed. Failed, they go through the retries. A row another transaction
        holds is left for the next run."""
        minutes = int(
            self.env["ir.config_parameter"]
            .sudo()
            .get_param("l10n_be_nl_einvoice.sending_timeout_minutes", 60)
        )
        deadline = fields.Datetime.now() - timedelta(minutes=minutes)
        self.env.flush_all()
        self.env.cr.execute(
            """
            SELECT t.id FROM einvoice_transmission t
              LEFT JOIN mail_mail m ON m.id = t.mail_id
             WHERE t.state = 'sending' AND (t.mail_id IS NOT NULL OR t.mail_queued)
               AND (m.id IS NULL OR m.state != 'outgoing'
                    OR (t.write_date < %(deadline)s AND m.write_date < %(deadline)s
                        AND COALESCE(m.scheduled_date, m.write_date) < %(deadline)s))
             ORDER BY t.id LIMIT %(limit)s
               FOR UPDATE OF t SKIP LOCKED
            """,
            {"deadline": deadline, "limit": STALE_CHUNK},
        )
        stale = self.browse([row[0] for row in self.env.cr.fetchall()])
        # Read as they are now that they are locked.
        stale.invalidate_recordset()
        stale.mail_id.invalidate_recordset()
        for transmission in stale:
            mail = transmission.mail_id
            if mail.state == "sent":
                transmission._mail_sent(mail)
                continue
            if mail.state == "outgoing":
                # The queue may be sending it right now: then it is left alone.
                self.env.cr.execute(
                    "SELECT id FROM mail_mail WHERE id = %s AND state = 'outgoing' "
                    "FOR UPDATE SKIP LOCKED",
                    [mail.id],
                )
                if not self.env.cr.fetchone():
                    continue
                mail.cancel()
                reason = _(
                    "The mail queue did not send the e-mail within %(minutes)s "
                    "minutes.",
                    minutes=minutes,
                )
            elif not mail:
                reason = _("The e-mail was removed from the mail queue before it went.")
            elif mail.state == "cancel":
                reason = _("The e-mail was cancelled in the mail queue.")
            else:
                reason = _(
                    "The mail queue gave up on the e-mail: %(reason)s",
                    reason=mail.failure_reason or "-",
                )
            values = {"state": "failed", "last_error": reason}
            if transmission.handed_over_at:
                values.update(transmission._unknown_outcome_values())
            _logger.info(
                "transmission %s stuck in sending: %s", transmission.id, reason
            )
            transmission.write(values)
        return stale


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
