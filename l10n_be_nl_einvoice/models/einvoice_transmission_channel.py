# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
# The contract of a channel on the ledger, beside the ledger itself (its records,
# keys and the reporting of failures in einvoice_transmission.py).
# pylint: disable=consider-merging-classes-inherited
import logging

from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError

_logger = logging.getLogger(__name__)

SALES = ("out_invoice", "out_refund")
SALES_AND_PURCHASES = (*SALES, "in_invoice", "in_refund")


class EinvoiceTransmission(models.Model):
    """A channel's work on the ledger: prepare → deliver → outcome.

    Every channel (customer e-mail, Peppol, reminders, accountant mailboxes,
    CodaBox) implements `_deliver` on its transmission records: it prepares their
    documents (invoices through `einvoice.document.prepare`), hands them over, and
    writes the outcome with `_mark_sending`, `_mark_sent`, `_mark_failed` or
    `_mark_cancelled`; `_deliver_each` marks one that cannot go failed with its
    reason while the others go on. What may go is asked the same way on every
    channel (`_not_sendable`, `_already_reason`)."""

    _inherit = "einvoice.transmission"

    # -- what may go -----------------------------------------------------------------

    @api.model
    def _not_sendable(self, move, purchases=False):
        """Why no channel sends `move` now, or None: a channel takes posted customer
        invoices and credit notes, and with `purchases` vendor bills and refunds."""
        if move.move_type not in (SALES_AND_PURCHASES if purchases else SALES):
            if purchases:
                return _("not an invoice, credit note or bill")
            return _("not a customer invoice or credit note")
        if move.state != "posted":
            return _("not posted")
        return None

    def _already_reason(self, target=None):
        """Why asking again does not send this transmission's document again, or
        None (there is none, or it failed and may be tried again): it went (sending
        it again is a resend, with its reason), it is on its way, or the mail queue
        still tries it. `target` says where to (default: its recipients)."""
        if not self:
            return None
        self.ensure_one()
        target = target or self.recipients or self.document_name
        if self.state == "sent":
            return _(
                "already sent to %(target)s on %(date)s (send it again from the "
                "transmission, with a reason)",
                target=target,
                date=self.sent_at,
            )
        if self.state in ("pending", "sending"):
            return _("already on its way to %(target)s", target=target)
        if self.state == "failed" and self.mail_id:
            return _(
                "the e-mail to %(target)s failed (%(error)s); the mail queue tries "
                "it again",
                target=target,
                error=self.last_error,
            )
        return None

    # -- delivering ------------------------------------------------------------------

    def _dispatch(self):
        """Send these transmissions now (the ledger's *Send again*): the pending
        ones, each through its channel (`_deliver`)."""
        self.filtered(lambda t: t.state == "pending")._deliver()

    def _deliver(self):
        """Hand these transmissions over through their channel, now. A channel's
        module extends this for its own records and hands the others to super().
        Here the customer e-mail of an invoice: through Odoo's Send, which takes
        the waiting record and prepares the documents."""
        for transmission in self.filtered(
            lambda t: t.channel == "email" and t.kind == "document" and t.move_id
        ):
            company = transmission.company_id
            self.env["account.move.send"].with_company(
                company
            )._generate_and_send_invoices(
                transmission.move_id.with_company(company),
                allow_raising=False,
                sending_methods={"email"},
            )

    def _deliver_each(self, hand_over):
        """``hand_over(transmission)`` for each of these, each in a savepoint: one
        that cannot go (a `UserError` or `ValidationError`, whose message is the
        reason) is marked failed and the others go on. Returns the failed ones."""
        failed = self.browse()
        for transmission in self:
            try:
                with self.env.cr.savepoint():
                    hand_over(transmission)
            except (UserError, ValidationError) as error:
                _logger.info(
                    "transmission %s (%s) not sent: %s",
                    transmission.id,
                    transmission.channel,
                    error,
                )
                transmission._mark_failed(str(error))
                failed |= transmission
        return failed

    # -- the outcome -----------------------------------------------------------------
    # The ledger is the system's record: users read it, the channels write it.

    def _mark_sending(self, values=None):
        """Handed over, one attempt more; `values` say what went (recipients,
        formats, files, the receiver's id)."""
        now = fields.Datetime.now()
        for transmission in self:
            transmission.sudo().write(
                {
                    "state": "sending",
                    "attempts": transmission.attempts + 1,
                    "scheduled_at": transmission.scheduled_at or now,
                    "last_error": False,
                    **(values or {}),
                }
            )

    def _mark_sent(self, values=None):
        """Delivered: the receiver has it."""
        now = fields.Datetime.now()
        for transmission in self:
            transmission.sudo().write(
                {
                    "state": "sent",
                    "sent_at": now,
                    "attempts": transmission.attempts or 1,
                    "last_error": False,
                    **(values or {}),
                }
            )

    def _mark_failed(self, reason, values=None):
        """Not delivered, for `reason` (what a person can act on). An attempt that
        was never handed over counts here; one handed over counted then."""
        for transmission in self:
            counted = transmission.state == "sending"
            transmission.sudo().write(
                {
                    "state": "failed",
                    "attempts": transmission.attempts + (0 if counted else 1),
                    "last_error": reason,
                    **(values or {}),
                }
            )

    def _mark_cancelled(self, reason):
        """Not to be sent any more (its document changed before it went)."""
        self.sudo().write({"state": "cancelled", "last_error": reason})
