# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

from odoo.addons.l10n_be_nl_einvoice.lib import email_addresses

SCHEDULES = [
    ("grace", "Some minutes after posting"),
    ("month", "When the month is over"),
    ("manual", "Only by hand"),
]


class ResCompany(models.Model):
    _inherit = "res.company"

    billmail_schedule = fields.Selection(
        SCHEDULES,
        string="Send to the accountant",
        default="grace",
        required=True,
        help="Some minutes after posting: each document goes once its delay has "
        "passed (a document reset to draft or deleted meanwhile does not go). When "
        "the month is over: the documents of a month go on the first days of the "
        "next. Only by hand: with Send to accountant, per period.",
    )
    # A posted invoice can still be reset and corrected for a while; the accountant
    # should only ever receive the final version.
    billmail_grace_minutes = fields.Integer(
        string="Delay after posting (minutes)",
        default=10,
        help="Documents are e-mailed to the accountant's mailboxes this many minutes "
        "after they are posted, at the earliest.",
    )
    billmail_email_from = fields.Char(
        string="Sender for the accountant",
        help="The address the accountant's mailboxes receive the documents from; "
        "some packages (Billtobox) only accept senders on their trusted list. Empty: "
        "the company's e-mail address.",
    )
    billmail_mailbox_ids = fields.One2many(
        "billmail.mailbox", "company_id", string="Accountant mailboxes"
    )

    _sql_constraints = [
        (
            "billmail_grace_minutes_not_negative",
            "CHECK (billmail_grace_minutes >= 0)",
            "The delay before documents go to the accountant cannot be negative.",
        ),
    ]

    @api.constrains("billmail_email_from")
    def _billmail_check_email_from(self):
        for company in self.filtered("billmail_email_from"):
            if not email_addresses.is_address(company.billmail_email_from.strip()):
                raise ValidationError(
                    _(
                        "%(company)s: the sender for the accountant, %(address)s, is "
                        "not an e-mail address.",
                        company=company.name,
                        address=company.billmail_email_from,
                    )
                )

    def _billmail_sender(self):
        """The From of this company's e-mails to its accountant's mailboxes."""
        self.ensure_one()
        if self.billmail_email_from:
            return self.billmail_email_from.strip()
        return self.email_formatted or self.env.user.email_formatted
