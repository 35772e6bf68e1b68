# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import models

from ..lib import email_addresses


class MailMail(models.Model):
    """An e-mail of the transmission ledger goes to its addresses as they were
    typed. Odoo's mail layer writes addresses in lower case; the part before the
    @ may be case-sensitive (an accountant's tray, e.g. ClearFacts), and the
    address a customer gave is the one the proof shows."""

    _inherit = "mail.mail"

    def _prepare_outgoing_list(
        self, mail_server=False, recipients_follower_status=None
    ):
        emails = super()._prepare_outgoing_list(
            mail_server=mail_server,
            recipients_follower_status=recipients_follower_status,
        )
        # Ledger mails are sent one by one under this flag (mail_mail.py `_send`):
        # no query per e-mail to tell them.
        if not self.email_to or not self.env.context.get("einvoice_ledger_mail"):
            return emails
        typed = email_addresses.split(self.email_to)
        lowered = {address.lower() for address in typed}
        for email in emails:
            if email.get("partner_id") or not email.get("email_to"):
                continue
            if {a.lower() for a in email.get("email_to_normalized", [])} <= lowered:
                email["email_to"] = typed
                email["email_to_normalized"] = typed
        return emails
