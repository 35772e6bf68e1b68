# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import _, api, fields, models


class EinvoiceTransmission(models.Model):
    _inherit = "einvoice.transmission"

    channel = fields.Selection(
        selection_add=[("billmail", "Accountant mailbox")],
        ondelete={"billmail": "cascade"},
    )
    billmail_mailbox_id = fields.Many2one(
        "billmail.mailbox",
        string="Accountant mailbox",
        readonly=True,
        index="btree_not_null",
        ondelete="restrict",
    )
    billmail_remark = fields.Text(
        string="Remark", readonly=True, help="Written in the e-mail to the accountant."
    )

    @api.model
    def _values(self, record, channel, target, kind, resend_number):
        values = super()._values(record, channel, target, kind, resend_number)
        if channel == "billmail":
            values["billmail_mailbox_id"] = int(target)
        return values

    def _deliver(self):
        # The accountant's mailboxes: one e-mail per pending transmission, handed to
        # the mail queue, whose outcome the ledger records.
        mine = self.filtered(lambda t: t.channel == "billmail")
        pending = mine.sudo().filtered(lambda t: t.state == "pending")
        if pending:
            pending._billmail_deliver()
        return super(EinvoiceTransmission, self - mine)._deliver()

    def _billmail_deliver(self):
        """A document no longer posted, or whose mailbox was archived, is cancelled;
        the others' documents are prepared per mailbox (`einvoice.document`: the
        PDFs rendered together, the UBL files checked in one exchange with the
        official rules), then each is e-mailed; one that cannot go is failed with
        the reason."""
        drafts = self.filtered(lambda t: t.move_id.state != "posted")
        drafts._mark_cancelled(_("Reset to draft before it was sent."))
        archived = (self - drafts).filtered(lambda t: not t.billmail_mailbox_id.active)
        archived._mark_cancelled(_("The mailbox was archived."))
        todo = self - drafts - archived
        prepared = {}
        for (company, mailbox), group in todo.grouped(
            lambda t: (t.company_id, t.billmail_mailbox_id)
        ).items():
            sales = group.move_id.filtered(lambda m: m.is_sale_document())
            prepared[mailbox] = (
                self.env["einvoice.document"]
                .with_company(company)
                .prepare(
                    sales.with_company(company),
                    profile=mailbox.ubl_profile or None,
                    pdf=mailbox.attach_pdf,
                    ubl=bool(mailbox.ubl_profile),
                )
            )
        todo._deliver_each(
            lambda t: t._billmail_queue(
                prepared[t.billmail_mailbox_id].get(t.move_id.id)
            )
        )
        self._wake_mail_queue()

    def _billmail_queue(self, prepared):
        """E-mail this transmission's document (`prepared`, when it is a customer
        document) to its mailbox."""
        self.ensure_one()
        sender = self.env["billmail.sender"]
        move = self.move_id.with_company(self.company_id)
        mailbox = self.billmail_mailbox_id
        attachments, formats = sender._attachments(move, mailbox, prepared)
        subject, body = sender._message(move, mailbox, self.billmail_remark)
        self.with_company(self.company_id)._queue_mail(
            move,
            subject=subject,
            body=body,
            email_from=move.company_id._billmail_sender(),
            recipients=[mailbox.email],
            attachments=attachments,
            formats=formats,
            # Said as queued, not as sent: the ledger, and a note when it fails,
            # say how it went.
            note=_(
                "Queued for the accountant's mailbox %(mailbox)s (%(address)s): "
                "%(formats)s.",
                mailbox=mailbox.display_name,
                address=mailbox.email,
                formats=", ".join(formats),
            ),
        )
