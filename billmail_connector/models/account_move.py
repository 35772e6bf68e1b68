# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class AccountMove(models.Model):
    _inherit = "account.move"

    billmail_posted_at = fields.Datetime(
        string="Posted at",
        readonly=True,
        copy=False,
        help="When the document was last posted: the delay before it goes to the "
        "accountant counts from here.",
    )

    def _post(self, soft=True):
        posted = super()._post(soft=soft)
        documents = posted.filtered(
            lambda m: (
                m.move_type in ("out_invoice", "out_refund", "in_invoice", "in_refund")
            )
        )
        if documents:
            documents.write({"billmail_posted_at": fields.Datetime.now()})
        return posted

    def billmail_send(self, remark=None):
        """Send these documents to the accountant's mailboxes now (XML-RPC): each to
        every mailbox of its type that did not have it yet (for users who may edit
        the documents). Returns ``{"queued":
        [transmission ids], "skipped": [{"id", "name", "reason"}]}``; many are
        sent in the background."""
        return self.env["billmail.sender"]._send_now(self, remark=remark)

    def action_billmail_send(self):
        """The "Send to accountant" action of the invoice and bill lists and forms."""
        return self.env["billmail.send.wizard"].action_open(self)
