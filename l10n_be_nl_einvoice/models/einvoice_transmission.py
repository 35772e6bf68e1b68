# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import logging

from markupsafe import escape

from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError

_logger = logging.getLogger(__name__)

STATES = [
    ("pending", "Pending"),
    ("sending", "Sending"),
    ("sent", "Sent"),
    ("failed", "Failed"),
    ("cancelled", "Cancelled"),
]
# The states in which a transmission has concluded: nothing more happens unless a
# retry or a person starts it again.
CONCLUDED = ("sent", "failed", "cancelled")


class EinvoiceTransmission(models.Model):
    """One transmission of one document through one channel: the ledger that answers
    "was it sent, when, to whom, what exactly".

    A document goes once per channel, target and kind: the database refuses a second
    record for the same key. Sending it again is an explicit resend, with its reason,
    recorded as a record of its own (`resend_number` 1, 2, …). Every sending feature
    writes here (customer e-mail; accountant mailboxes and CodaBox add their
    channels), each by the same contract (einvoice_transmission_channel.py); "was
    it sent" is read here only.
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
    mail_queued = fields.Boolean(
        string="Through the mail queue",
        readonly=True,
        help="Handed to Odoo's mail queue: its e-mail says how it went, and an "
        "e-mail removed from the queue before it went makes it fail.",
    )
    handed_over_at = fields.Datetime(
        string="Handed to the mail server",
        readonly=True,
        help="When the mail queue last gave the e-mail to the mail server, recorded "
        "before it did; cleared when the server's answer is written.",
    )
    unknown_outcome = fields.Text(
        string="Outcome unknown",
        readonly=True,
        help="Attempts that reached the mail server but whose answer was never "
        "recorded: the receiver may have the e-mail more than once.",
    )
    failure_reported = fields.Boolean(
        readonly=True,
        help="Its failure is on the document's chatter; set again once it is sent.",
    )
    failure_activity_id = fields.Many2one(
        "mail.activity", readonly=True, ondelete="set null"
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

    def write(self, vals):
        """The one place where a transmission's conclusion shows outside the ledger,
        whichever channel or path (mail queue, retries, bounces, connectors)
        writes it: a failure on its document (`_report_failure`), a later success
        closing that (`_close_failure`), and the batch it belongs to checked
        again (`_touch_batches`)."""
        state = vals.get("state")
        if state not in CONCLUDED:
            return super().write(vals)
        # Concluded: no hand-over to the mail server is waiting for its answer.
        vals = {"handed_over_at": False} | vals
        changed = self.filtered(lambda transmission: transmission.state != state)
        result = super().write(vals)
        if state == "failed":
            changed._report_failure()
        elif state == "sent":
            changed._close_failure()
        changed._touch_batches()
        return result

    def _report_failure(self):
        """A note on each document saying that its transmission failed and why, and an
        activity "Sending failed" for the user who sent it (or the document's
        responsible). Once per failure, not once per attempt: a transmission that
        the retries hand back and that fails again is not reported again until it
        was sent (`failure_reported`); a resend is a transmission of its own."""
        for transmission in self.filtered(lambda t: not t.failure_reported):
            activity = self.env["mail.activity"]
            document = transmission._document()
            if document:
                text = transmission._failure_text()
                document._message_log(body=escape(text))
                user = transmission._failure_user(document)
                if user and "activity_ids" in document._fields:
                    try:
                        with self.env.cr.savepoint():
                            # Its e-mail to the user waits in the queue: this
                            # may run within the mail queue's own sending.
                            activity = document.with_context(
                                mail_notify_force_send=False
                            ).activity_schedule(
                                "mail.mail_activity_data_todo",
                                summary=_("Sending failed"),
                                note=escape(text),
                                user_id=user.id,
                            )
                    except (AccessError, UserError, ValidationError) as error:
                        # The note says it; the mail queue's result must be written.
                        _logger.warning(
                            "no activity for failed transmission %s: %s",
                            transmission.id,
                            error,
                        )
            transmission.write(
                {"failure_reported": True, "failure_activity_id": activity.id}
            )

    def _close_failure(self):
        """Sent after all: the activity of its failure is marked done."""
        reported = self.filtered("failure_reported")
        for transmission in reported.filtered("failure_activity_id"):
            # The system closes the activity it opened, whoever it is assigned to.
            transmission.failure_activity_id.sudo().action_feedback(
                feedback=_("Sent on a later attempt.")
            )
        if reported:
            reported.write({"failure_reported": False, "failure_activity_id": False})

    def _document(self):
        """The document sent, when it still exists and has a chatter. As the system:
        the ledger writes its own notes there, whoever's action or scheduled job
        concluded the transmission."""
        self.ensure_one()
        model = self.env.registry.get(self.res_model)
        if model is None or not issubclass(model, self.env.registry["mail.thread"]):
            return None
        return self.env[self.res_model].sudo().browse(self.res_id).exists()

    def _failure_text(self):
        self.ensure_one()
        channel = dict(self._fields["channel"]._description_selection(self.env))
        what = channel.get(self.channel, self.channel)
        if self.recipients:
            what = _(
                "%(channel)s to %(recipients)s",
                channel=what,
                recipients=self.recipients,
            )
        return _(
            "Sending failed (%(what)s): %(reason)s",
            what=what,
            reason=self.last_error or "-",
        )

    def _failure_user(self, document):
        """Who is asked to look at a failure: the user who sent it, else the
        document's responsible (an invoice's salesperson); none when the system sent
        it for a document without one."""
        self.ensure_one()
        candidates = [self.user_id]
        for name in ("invoice_user_id", "user_id"):
            field = document._fields.get(name)
            if field and field.type == "many2one" and field.comodel_name == "res.users":
                candidates.append(document[name])
        for user in candidates:
            if user and user.active and not user.share:
                return user
        return None

    def _touch_batches(self):
        """The background batches of these transmissions are checked again by Odoo's
        sending cron (`einvoice.send.batch._finish_done` after each call), not
        here: this runs in the mail queue's transaction, which must not wait on a
        batch's row."""
        batches = self.env["einvoice.send.batch"].sudo()
        if self and batches.search_count(
            [("transmission_ids", "in", self.ids)], limit=1
        ):
            self.env.ref("account.ir_cron_account_move_send").sudo()._trigger()

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

    @api.model
    def _latest(self, record, channel, target="customer", kind="document"):
        """The last transmission of `record` through `channel` (the first one or
        its latest resend), or an empty recordset."""
        return self.sudo().search(
            self._key(record, channel, target, kind),
            order="resend_number desc",
            limit=1,
        )

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
        last = self._latest(record, self.channel, self.target, self.kind)
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
        self._mark_sending(
            {
                "mail_queued": True,
                "recipients": "; ".join(recipients),
                "formats": ", ".join(formats),
                "mail_id": mail.id,
                "external_id": message.message_id,
                "attachment_ids": [fields.Command.set(attachments.ids)],
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
