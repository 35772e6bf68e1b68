# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from markupsafe import escape

from odoo import _, api, fields, models
from odoo.exceptions import UserError

STATES = [
    ("pending", "Pending"),
    ("sending", "Sending"),
    ("sent", "Sent"),
    ("failed", "Failed"),
    ("cancelled", "Cancelled"),
]


class EinvoiceTransmission(models.Model):
    """One transmission of one document through one channel: the ledger that answers
    "was it sent, when, to whom, what exactly".

    A document goes once per channel, target and kind: the database refuses a second
    record for the same key. Sending it again is an explicit resend, with its reason,
    recorded as a record of its own (`resend_number` 1, 2, …). Every sending feature
    writes here (customer e-mail; accountant mailboxes and CodaBox add their
    channels); "was it sent" is read here only.
    """

    _name = "einvoice.transmission"
    _description = "Transmission"
    _order = "id desc"
    _rec_name = "document_name"

    company_id = fields.Many2one(
        "res.company", required=True, readonly=True, index=True
    )
    res_model = fields.Char(string="Document model", required=True, readonly=True)
    res_id = fields.Many2oneReference(
        string="Document id", model_field="res_model", required=True, readonly=True
    )
    move_id = fields.Many2one(
        "account.move",
        string="Invoice",
        readonly=True,
        index=True,
        ondelete="cascade",
        help="The invoice, credit note or bill sent, when the document is one.",
    )
    document_name = fields.Char(string="Document", required=True, readonly=True)
    partner_id = fields.Many2one("res.partner", readonly=True)
    channel = fields.Selection(
        [("email", "Customer e-mail"), ("post", "Letter"), ("peppol", "Peppol")],
        required=True,
        readonly=True,
        index=True,
    )
    target = fields.Char(
        required=True,
        readonly=True,
        default="customer",
        help="Where within the channel: the customer, or an accountant's mailbox.",
    )
    kind = fields.Selection(
        [("document", "Document"), ("reminder", "Reminder")],
        required=True,
        readonly=True,
        default="document",
    )
    resend_number = fields.Integer(
        readonly=True,
        default=0,
        help="0 for the first transmission; each resend counts one up.",
    )
    resend_reason = fields.Text(readonly=True)
    recipients = fields.Char(readonly=True)
    formats = fields.Char(readonly=True, help="What was sent, e.g. PDF, UBL.BE.")
    state = fields.Selection(
        STATES, required=True, readonly=True, default="pending", index=True
    )
    scheduled_at = fields.Datetime(string="Scheduled for", readonly=True)
    sent_at = fields.Datetime(string="Sent on", readonly=True, index=True)
    attempts = fields.Integer(readonly=True)
    last_error = fields.Text(readonly=True)
    external_id = fields.Char(
        string="External id",
        readonly=True,
        index=True,
        help="The e-mail's Message-ID, or the receiving service's id.",
    )
    bounce_info = fields.Text(
        string="Bounce", readonly=True, help="What the receiving mail server said."
    )
    mail_id = fields.Many2one(
        "mail.mail", readonly=True, ondelete="set null", index="btree_not_null"
    )
    attachment_ids = fields.Many2many(
        "ir.attachment",
        string="Sent files",
        readonly=True,
        help="The exact files that were sent.",
    )
    user_id = fields.Many2one(
        "res.users", string="By", readonly=True, default=lambda s: s.env.user
    )

    _sql_constraints = [
        (
            "once_per_key",
            "unique(res_model, res_id, channel, target, kind, resend_number)",
            (
                "This document has already been sent through this channel: resend "
                "it explicitly, with a reason."
            ),
        )
    ]

    @api.model
    def _key(self, record, channel, target="customer", kind="document"):
        return [
            ("res_model", "=", record._name),
            ("res_id", "=", record.id),
            ("channel", "=", channel),
            ("target", "=", target),
            ("kind", "=", kind),
        ]

    @api.model
    def _open(self, record, channel, target="customer", kind="document", **values):
        """The ledger record of the first transmission of `record`, created pending
        when there is none yet. Two transactions opening the same one at once: the
        second waits for the first and then finds its record (the unique key)."""
        found = self.sudo().search(
            self._key(record, channel, target, kind) + [("resend_number", "=", 0)],
            limit=1,
        )
        if found:
            return found
        return self.sudo().create(
            self._values(record, channel, target, kind, 0) | values
        )

    @api.model
    def _values(self, record, channel, target, kind, resend_number):
        move = record if record._name == "account.move" else self.env["account.move"]
        return {
            "company_id": (
                record.company_id.id
                if "company_id" in record._fields and record.company_id
                else self.env.company.id
            ),
            "res_model": record._name,
            "res_id": record.id,
            "move_id": move.id,
            "document_name": record.display_name,
            "partner_id": (
                record.partner_id.id if "partner_id" in record._fields else False
            ),
            "channel": channel,
            "target": target,
            "kind": kind,
            "resend_number": resend_number,
        }

    def _resend(self, reason):
        """A new transmission of the same document, channel, target and kind, with
        the reason it is sent again."""
        self.ensure_one()
        if not (reason or "").strip():
            raise UserError(
                _("Say why %(document)s is sent again.", document=self.document_name)
            )
        if self.state not in ("sent", "failed", "cancelled"):
            raise UserError(
                _(
                    "%(document)s is still being sent: wait for the result before "
                    "sending it again.",
                    document=self.document_name,
                )
            )
        record = self.env[self.res_model].browse(self.res_id)
        last = self.sudo().search(
            self._key(record, self.channel, self.target, self.kind),
            order="resend_number desc",
            limit=1,
        )
        return self.sudo().create(
            self._values(
                record, self.channel, self.target, self.kind, last.resend_number + 1
            )
            | {"resend_reason": reason.strip()}
        )

    @api.model
    def _sent_ids(self, records):
        """The ids of `records` that a channel delivered (or is delivering)."""
        found = self.sudo().search_read(
            [
                ("res_model", "=", records._name),
                ("res_id", "in", records.ids),
                ("state", "in", ("sending", "sent")),
            ],
            ["res_id"],
        )
        return {row["res_id"] for row in found}

    @api.model
    def _was_sent(self, record):
        """Whether any channel delivered `record` (or is delivering it)."""
        return record.id in self._sent_ids(record)

    def _dispatch(self):
        """Hand these pending transmissions to their channel now. Each channel's
        module extends this for its own records and leaves the others to super()."""
        for transmission in self.filtered(
            lambda t: t.channel == "email" and t.move_id and t.state == "pending"
        ):
            move = transmission.move_id.with_company(transmission.company_id)
            sender = self.env["einvoice.email.send"]
            pdf = sender._render_pdfs(move).get(move.id)
            sender._deliver(move, transmission, pdf)
            self._wake_mail_queue()

    @api.model
    def _wake_mail_queue(self):
        """Have the mail queue run as soon as this transaction is committed, rather
        than at its next hourly run."""
        self.env.ref("mail.ir_cron_mail_scheduler_action")._trigger()

    def _queue_mail(
        self,
        record,
        *,
        subject,
        body,
        email_from,
        recipients,
        attachments,
        formats,
        note=None,
        author=None,
    ):
        """Hand one e-mail about `record` to Odoo's mail queue and mark this ledger
        record as being sent: the message (or `note`, when the chatter should say
        something else than the e-mail) is posted on `record` with the files, and
        the e-mail to `recipients` (a list of addresses) waits in the queue. The
        message's `author` (a partner) is otherwise looked up from `email_from`."""
        self.ensure_one()
        message = self._post_note(record, note or body, subject, email_from, author,
                                  attachments)  # fmt: skip
        mail = (
            self.env["mail.mail"]
            .sudo()
            .create(
                {
                    "mail_message_id": message.id,
                    "email_to": ", ".join(recipients),
                    "body_html": body,
                    "auto_delete": False,
                    "state": "outgoing",
                }
            )
        )
        self.sudo().write(
            {
                "state": "sending",
                "recipients": "; ".join(recipients),
                "formats": ", ".join(formats),
                "attempts": self.attempts + 1,
                "scheduled_at": self.scheduled_at or fields.Datetime.now(),
                "mail_id": mail.id,
                "external_id": message.message_id,
                "attachment_ids": [fields.Command.set(attachments.ids)],
                "last_error": False,
            }
        )
        return mail

    @api.model
    def _post_note(self, record, body, subject, email_from, author, attachments):
        """The internal note on `record` that the e-mail hangs on, with the files:
        what posting a note does, without what a note needs not (notifying
        followers, who receive no internal notes; subscribing the sender; reading
        the files in as a new document), which costs more than the e-mail."""
        author_id, email_from = record._message_compute_author(
            author.id if author else None, email_from, raise_on_email=False
        )
        company = self.env.company
        return record._message_create(
            [
                {
                    "model": record._name,
                    "res_id": record.id,
                    "body": escape(body),
                    "subject": subject or False,
                    "message_type": "comment",
                    "subtype_id": self.env["ir.model.data"]._xmlid_to_res_id(
                        "mail.mt_note"
                    ),
                    "author_id": author_id,
                    "email_from": email_from,
                    "email_add_signature": True,
                    "record_name": record.sudo().display_name,
                    "record_alias_domain_id": record.sudo()
                    ._mail_get_alias_domains(default_company=company)[record.id]
                    .id,
                    "record_company_id": record._mail_get_companies(default=company)[
                        record.id
                    ].id,
                    "reply_to": record._notify_get_reply_to(default=email_from)[
                        record.id
                    ],
                    "attachment_ids": [fields.Command.set(attachments.ids)],
                }
            ]
        )

    @api.model
    def _result_notification(self, title, message, details=(), warning=None):
        """The notification that closes a sending dialog: the summary, then one line
        per document that did not go; sticky and a warning when there are some."""
        warning = bool(details) if warning is None else warning
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "title": title,
                "message": "\n".join([message, *details]),
                "type": "warning" if warning else "success",
                "sticky": warning,
                "next": {"type": "ir.actions.act_window_close"},
            },
        }
