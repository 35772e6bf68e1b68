# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
# Invoices e-mailed to customers: the recipients, the "sent on", the ledger's lines.
# pylint: disable=consider-merging-classes-inherited
from odoo import _, api, fields, models
from odoo.exceptions import UserError

from ..lib import email_addresses
from .access import BILLING, require_group
from .einvoice_send_batch import CHUNK
from .res_partner import check_addresses


class AccountMove(models.Model):
    _inherit = "account.move"

    einvoice_email_to = fields.Char(
        string="Recipient",
        compute="_compute_einvoice_email_to",
        store=True,
        readonly=False,
        precompute=True,
        copy=False,
        help="Where this invoice is e-mailed: the customer's invoice e-mail when the "
        "invoice was made; several addresses separated by ';'.",
    )
    einvoice_sent_on = fields.Datetime(
        string="Sent on",
        readonly=True,
        copy=False,
        help="When the invoice was last e-mailed to the customer.",
    )
    einvoice_transmission_ids = fields.One2many(
        "einvoice.transmission", "move_id", string="Transmissions", readonly=True
    )
    einvoice_transmission_count = fields.Integer(
        compute="_compute_einvoice_transmission_count"
    )

    @api.depends("partner_id")
    def _compute_einvoice_email_to(self):
        for move in self:
            if move.is_sale_document(include_receipts=False) and move.partner_id:
                move.einvoice_email_to = move.partner_id._einvoice_invoice_recipients()
            elif not move.einvoice_email_to:
                move.einvoice_email_to = False

    @api.depends("einvoice_transmission_ids")
    def _compute_einvoice_transmission_count(self):
        for move in self:
            move.einvoice_transmission_count = len(move.einvoice_transmission_ids)

    @api.constrains("einvoice_email_to")
    def _einvoice_check_email_to(self):
        check_addresses(
            self,
            "einvoice_email_to",
            lambda move, wrong: _(
                "%(invoice)s, recipient: %(wrong)s is not an e-mail address.",
                invoice=move.display_name,
                wrong=wrong,
            ),
        )

    def unlink(self):
        # The proof of what was sent stays: a sent invoice is cancelled by a credit
        # note, never deleted (journals without legal numbering included).
        sent_ids = self.env["einvoice.transmission"]._sent_ids(self)
        sent = self.filtered(lambda move: move.id in sent_ids)
        if sent:
            raise UserError(
                _(
                    "%(name)s was sent (to the customer or the accountant): it "
                    "cannot be deleted. Issue a credit note to cancel it.",
                    name=sent[0].display_name,
                )
            )
        return super().unlink()

    def einvoice_send_email(self, background=None):
        """E-mail these invoices to their customers (XML-RPC), through Odoo's Send
        as its dialog does, each once. A few are sent at once and the summary
        returned: ``{"sent": [ids], "skipped": [{"id", "name", "reason"}],
        "failed": [...]}``; more than the system parameter
        l10n_be_nl_einvoice.send_background_count (20) (or `background=True`) go
        to a background batch: ``{"batch_id", "skipped"}``. For billing users and
        above, as Odoo's Send (the ledger and the queue are written as sudo)."""
        require_group(self.env, BILLING, self.env._("E-mailing invoices"))
        sender = self.env["einvoice.email.send"]
        limit = int(
            self.env["ir.config_parameter"]
            .sudo()
            .get_param("l10n_be_nl_einvoice.send_background_count", 20)
        )
        if background or (background is None and len(self) > limit):
            ready, skipped = sender._split(self)
            batch = self.env["einvoice.send.batch"]._start(ready, skipped)
            return {"batch_id": batch.id, "skipped": skipped}
        return sender._send(self)

    def _cron_account_move_send(self, job_count=CHUNK):
        # EXTENDS account: Odoo's sending cron takes bigger chunks (the suite's
        # renderer and checks share their work across a chunk), and a background
        # batch tells its sender the outcome when its last invoice went.
        result = super()._cron_account_move_send(job_count=job_count)
        self.env["einvoice.send.batch"]._finish_done()
        return result

    def _einvoice_recipient_partners(self):
        """The contacts of the Recipient's addresses, for Odoo's Send dialog: the
        customer's contact with that address as typed, else any contact with it,
        else a new invoice contact of the customer."""
        self.ensure_one()
        partners = self.env["res.partner"]
        commercial = self.partner_id.commercial_partner_id
        for address in email_addresses.split(self.einvoice_email_to):
            found = partners.search(
                [("email", "=", address), ("id", "child_of", commercial.id)],
                limit=1,
            ) or partners.search([("email", "=", address)], limit=1)
            if not found:
                # The invoice's own address, kept as its customer's invoice
                # contact so that the dialog can show it; billing users may not
                # create contacts.
                found = partners.sudo().create(
                    {
                        "name": address,
                        "email": address,
                        "type": "invoice",
                        "parent_id": commercial.id,
                    }
                )
            partners |= found
        return partners

    def _einvoice_email_transmission(self):
        """The latest ledger record of this document e-mailed to its customer."""
        self.ensure_one()
        return self.env["einvoice.transmission"]._latest(self, "email")

    def action_einvoice_transmissions(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "l10n_be_nl_einvoice.action_einvoice_transmissions"
        )
        action["domain"] = [("move_id", "=", self.id)]
        action["context"] = {}
        return action
