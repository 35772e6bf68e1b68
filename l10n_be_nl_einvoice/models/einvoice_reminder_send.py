# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
# Payment reminders: sending them (e-mail through the ledger, or a letter to post),
# and what a sent reminder leaves on its invoices and customer.
# pylint: disable=consider-merging-classes-inherited
from collections import defaultdict

from markupsafe import escape

from odoo import _, fields, models
from odoo.exceptions import UserError

from ..lib import email_addresses
from .access import BILLING, require_group


class EinvoiceReminder(models.Model):
    _inherit = "einvoice.reminder"

    # -- sending -------------------------------------------------------------------

    def _write_outcome(self, values):
        """What sending did to these reminders (state, date, note). A reminder is
        the system's record of what was sent: billing users run reminders and read
        them, and only this writes them (the access file gives users read
        access)."""
        return self.sudo().write(values)

    def _send(self):
        """Send the queued reminders, each once: by e-mail through the ledger, or
        made ready to print and post (einvoice_transmission_reminder.py)."""
        ledger = self.env["einvoice.transmission"]
        todo = ledger.browse()
        for reminder in self.filtered(lambda r: r.state == "queued"):
            if reminder._paid_since():
                continue
            transmission = ledger._open(
                reminder,
                "post" if reminder.by_post else "email",
                kind="reminder",
                scheduled_at=fields.Datetime.now(),
            )
            if not reminder.by_post and transmission.state in ("sending", "sent"):
                reminder._write_outcome({"state": "sent"})
                continue
            todo |= transmission
        # In the name of who runs the reminders: the ledger's records come as the
        # system's (`_open`), and write themselves so (`_mark_*`).
        todo.with_env(self.env)._deliver()

    def _paid_since(self):
        """An invoice of a queued reminder was paid (a bank import, a credit note)
        or put on hold before it went: the reminder is cancelled and its other
        invoices are free for the next run."""
        self.ensure_one()
        changed = self.line_ids.move_id.filtered(
            lambda m: (
                m.payment_state in ("paid", "in_payment", "reversed")
                or m.einvoice_reminder_hold
            )
        )
        if not changed:
            return False
        self._write_outcome(
            {
                "state": "cancelled",
                "note": _(
                    "Not sent: %(invoices)s paid or put on hold in the meantime.",
                    invoices=", ".join(changed.mapped("name")),
                ),
            }
        )
        # Its lines let the invoices be reminded at this level again; they are the
        # system's too (users read them).
        self.line_ids.sudo().unlink()
        return True

    def _pdfs(self):
        """The reminders as PDF attachments of their own, ``{id: attachment}``
        (rendered together by the suite's one batch renderer)."""
        if not self:
            return {}
        rendered = self.env["ir.actions.report"]._einvoice_render_pdfs(
            "l10n_be_nl_einvoice.action_report_einvoice_reminder", self.ids
        )
        done = self.filtered(lambda r: r.id in rendered)
        # The files of a reminder, attached to it: the system's like the reminder,
        # which users may not write.
        attachments = (
            self.env["ir.attachment"]
            .sudo()
            .create(
                [
                    {
                        "name": f"{reminder.name}.pdf".replace("/", "_"),
                        "raw": rendered[reminder.id],
                        "mimetype": "application/pdf",
                        "res_model": self._name,
                        "res_id": reminder.id,
                    }
                    for reminder in done
                ]
            )
        )
        return dict(zip(done.ids, attachments, strict=True))

    def _no_pdf(self):
        return UserError(
            _(
                "The PDF of %(reminder)s could not be made (see the server log).",
                reminder=self.display_name,
            )
        )

    def _prepare_letter(self, transmission, attachment):
        """A reminder by post: its PDF to print, sent once it is posted."""
        if not attachment:
            raise self._no_pdf()
        # The ledger is the system's record: users read it, never write it.
        transmission.sudo().write(
            {
                "recipients": self.partner_id._display_address(without_company=False)
                or self.partner_id.display_name,
                "formats": "PDF",
                "attachment_ids": [fields.Command.set(attachment.ids)],
            }
        )
        self._write_outcome({"state": "to_post"})

    def action_mark_posted(self):
        """The printed reminders were posted today: they count as sent from now
        (the Belgian waiting period for consumers counts from the third working day
        after). For the users who run reminders."""
        require_group(
            self.env, BILLING, self.env._("Confirming that reminders were posted")
        )
        for reminder in self.filtered(lambda r: r.state == "to_post"):
            transmission = reminder.transmission_ids.filtered(
                lambda t: t.channel == "post" and t.state == "pending"
            )
            transmission._mark_sent()
            reminder._write_outcome(
                {"date": fields.Date.context_today(reminder), "state": "sent"}
            )
            reminder._record_on_invoices(_("the customer's address, by post"))
        return True

    def _mail_contents(self):
        """``{id: (subject, body)}`` of each reminder's e-mail, from its level's
        template in the customer's language, rendered per template at once."""
        contents = {}
        templates = self.env["mail.template"]
        for level in self.level_id:
            templates |= level._template()
        for template in templates:
            reminders = self.filtered(
                lambda r, template=template: r.level_id._template() == template
            )
            subjects = template._render_field(
                "subject", reminders.ids, compute_lang=True
            )
            bodies = template._render_field(
                "body_html", reminders.ids, compute_lang=True
            )
            for reminder in reminders:
                contents[reminder.id] = (
                    subjects[reminder.id] or reminder.name,
                    bodies[reminder.id],
                )
        return contents

    def _send_by_email(self, transmission, attachment, content):
        """E-mail the reminder (`attachment` its PDF, `content` its subject and
        body) through the ledger's `transmission`."""
        self.ensure_one()
        if not self.email_to:
            raise UserError(
                _(
                    "%(customer)s has no e-mail address for reminders.",
                    customer=self.partner_id.display_name,
                )
            )
        if not attachment:
            raise self._no_pdf()
        attachments = attachment
        if self.level_id.attach_invoices:
            for line in self.line_ids:
                if line.move_id.invoice_pdf_report_id:
                    attachments |= line.move_id.invoice_pdf_report_id
        subject, body = content
        company_email = self.company_id.email_formatted
        # Sent in the company's name; nobody follows a reminder for having sent it.
        transmission._queue_mail(
            self.with_context(mail_create_nosubscribe=True),
            subject=subject,
            body=body,
            email_from=company_email or self.env.user.email_formatted,
            recipients=email_addresses.split(self.email_to),
            attachments=attachments,
            formats=["PDF"],
            author=self.company_id.partner_id if company_email else None,
        )
        self._write_outcome({"state": "sent"})
        self._record_on_invoices(self.email_to)

    def _record_on_invoices(self, recipient):
        """The level and date on each invoice, a note on it and on the customer."""
        self.ensure_one()
        groups = defaultdict(lambda: self.env["account.move"])
        for line in self.line_ids:
            move = line.move_id
            groups[line.level_id, bool(move.einvoice_reminder_first_date)] |= move
        for (level, reminded_before), moves in groups.items():
            values = {
                "einvoice_reminder_level_id": level.id,
                "einvoice_reminder_date": self.date,
            }
            if not reminded_before:
                values["einvoice_reminder_first_date"] = self.date
                values["einvoice_reminder_first_by_post"] = self.by_post
            # The run's bookkeeping on the invoice (fields users cannot edit),
            # kept by the system whoever started the run; the invoice's lines stay
            # as they are.
            moves.sudo().with_context(skip_invoice_sync=True).write(values)
        self.line_ids.move_id._message_log_batch(
            {
                line.move_id.id: escape(
                    _(
                        "%(level)s sent to %(recipient)s on %(date)s.",
                        level=line.level_id.name,
                        recipient=recipient,
                        date=self.date,
                    )
                )
                for line in self.line_ids
            }
        )
        self.partner_id._message_log(
            body=escape(
                _(
                    "%(level)s sent on %(date)s: %(count)s invoice(s), %(total)s to "
                    "pay.",
                    level=self.level_id.name,
                    date=self.date,
                    count=len(self.line_ids),
                    total=self.total,
                )
            )
        )
