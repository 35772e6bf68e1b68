# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from psycopg2 import errors

from odoo import _, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL, format_amount, format_date, html_escape

from odoo.addons.l10n_be_nl_einvoice.models.einvoice_email_send import RETRY_AFTER
from odoo.addons.l10n_be_nl_einvoice.models.res_company import UBL_PROFILES

from ..lib.schedule import cutoffs

CHANNEL = "billmail"
# Documents rendered and handed to the mail queue per cron call (one transaction).
CHUNK = 50
# Documents found due per cron call; the next call finds the rest.
DUE_LIMIT = 1000
# Taken while due documents are written to the ledger, so that two workers do not
# both try to (the ledger's unique key would refuse the second anyway).
ENQUEUE_LOCK = 0x6269_6C6C  # "bill"


class BillmailSender(models.AbstractModel):
    """Documents e-mailed to the accountant's mailboxes, each once per mailbox.

    Due documents become pending ledger records (channel ``billmail``, target the
    mailbox); the cron takes them in chunks, rows locked and skipped by other
    workers, renders what is missing and hands one e-mail per document and mailbox
    to Odoo's mail queue, whose outcome the ledger records."""

    _name = "billmail.sender"
    _description = "Send documents to the accountant's mailboxes"

    # -- what goes where -----------------------------------------------------------

    @api.model
    def _mailboxes(self, move):
        return self.env["billmail.mailbox"].search(
            [
                ("company_id", "=", move.company_id.id),
                ("document_type", "=", move.move_type),
            ]
        )

    @api.model
    def _skip_reason(self, move):
        ledger = self.env["einvoice.transmission"]
        return ledger._not_sendable(move, purchases=True) or move._einvoice_gate(
            "accountant"
        )

    @api.model
    def _enqueue(self, pairs, remark=None):
        """Pending ledger records for `pairs` of (document, mailbox) not sent there
        before; returns (the records, [{"id", "name", "reason"}] of those that were).
        A record cancelled earlier (its document was reset to draft before it went)
        is taken up again."""
        ledger = self.env["einvoice.transmission"].sudo()
        now = fields.Datetime.now()
        queued, skipped = ledger.browse(), []
        # What the ledger already holds for these documents, in one query.
        existing = {
            (record.res_id, record.target): record
            for record in ledger.search(
                [
                    ("res_model", "=", "account.move"),
                    ("res_id", "in", list({move.id for move, _box in pairs})),
                    ("channel", "=", CHANNEL),
                    ("kind", "=", "document"),
                    ("resend_number", "=", 0),
                ]
            )
        }
        for move, mailbox in pairs:
            found = existing.get((move.id, str(mailbox.id)), ledger.browse())
            # Cancelled (reset to draft before it went) or never made ready (no
            # supplier file, a UBL the rules refused): asked again, it is tried again.
            if found.state == "cancelled" or (
                found.state == "failed" and not found.mail_id
            ):
                found.write(
                    {"state": "pending", "scheduled_at": now, "billmail_remark": remark}
                )
                queued |= found
                continue
            if found:
                skipped.append(self._already(move, mailbox, found))
                continue
            values = ledger._values(move, CHANNEL, str(mailbox.id), "document", 0)
            values.update(
                scheduled_at=now,
                recipients=mailbox.email,
                billmail_remark=remark or False,
            )
            try:
                with self.env.cr.savepoint():
                    queued |= ledger.create(values)
            except errors.UniqueViolation:
                # Another transaction queued it a moment ago: it goes once, there.
                skipped.append(self._already(move, mailbox, ledger.browse()))
        return queued, skipped

    @api.model
    def _already(self, move, mailbox, transmission):
        reason = transmission._already_reason(mailbox.display_name) or _(
            "already on its way to %(target)s", target=mailbox.display_name
        )
        return {"id": move.id, "name": move.display_name, "reason": reason}

    # -- by hand -------------------------------------------------------------------

    @api.model
    def _send_now(self, moves, remark=None):
        """Queue `moves` for every mailbox of their type that did not have them, and
        send them: at once when few, else in the background. Sending by hand is
        for whoever may edit the documents (billing users and up, of their
        company), asked before anything is queued."""
        moves.check_access("write")
        pairs, skipped = [], []
        for move in moves:
            reason = self._skip_reason(move)
            mailboxes = self._mailboxes(move) if not reason else None
            if not reason and not mailboxes:
                reason = _("no accountant mailbox for this type of document")
            if reason:
                skipped.append(
                    {"id": move.id, "name": move.display_name, "reason": reason}
                )
                continue
            pairs += [(move, mailbox) for mailbox in mailboxes]
        queued, already = self._enqueue(pairs, remark=remark)
        limit = int(
            self.env["ir.config_parameter"]
            .sudo()
            .get_param("l10n_be_nl_einvoice.send_background_count", 20)
        )
        background = len(queued) > limit
        if background:
            self.env.ref("billmail_connector.ir_cron_billmail_send")._trigger()
        elif queued:
            queued._deliver()
        return {
            "queued": queued.ids,
            "skipped": skipped + already,
            "background": background,
        }

    # -- on schedule ---------------------------------------------------------------

    @api.model
    def _due(self, company, limit=DUE_LIMIT):
        """(document, mailbox) pairs of `company` due by its schedule and not in the
        ledger for that mailbox yet."""
        limits = cutoffs(
            company.billmail_schedule,
            fields.Datetime.now(),
            fields.Date.context_today(self.with_company(company)),
            company.billmail_grace_minutes,
        )
        if limits is None:
            return []
        dated = (
            SQL("AND m.date < %s", limits.dated_before)
            if limits.dated_before
            else SQL()
        )
        self.env.flush_all()
        rows = self.env.execute_query(
            SQL(
                """
                SELECT m.id, b.id
                  FROM account_move m
                  JOIN billmail_mailbox b
                    ON b.company_id = m.company_id
                   AND b.document_type = m.move_type
                   AND b.active
                 WHERE m.company_id = %(company)s
                   AND m.state = 'posted'
                   AND m.date >= b.date_start
                   AND COALESCE(m.billmail_posted_at, m.create_date) <= %(posted)s
                   %(dated)s
                   AND NOT EXISTS (
                       SELECT 1 FROM einvoice_transmission t
                        WHERE t.res_model = 'account.move' AND t.res_id = m.id
                          AND t.channel = %(channel)s AND t.target = b.id::text
                          AND t.kind = 'document')
                 ORDER BY m.date, m.id, b.id
                 LIMIT %(limit)s
                """,
                company=company.id,
                posted=limits.posted_before,
                dated=dated,
                channel=CHANNEL,
                limit=limit,
            )
        )
        moves = self.env["account.move"].browse(row[0] for row in rows)
        mailboxes = self.env["billmail.mailbox"].browse(row[1] for row in rows)
        return [
            (moves.browse(move_id), mailboxes.browse(mailbox_id))
            for move_id, mailbox_id in rows
        ]

    @api.model
    def _cron_send(self):
        """Queue what is due for every company, then send the next chunk; the cron
        runner commits after each call and calls again while some remain."""
        self.env.cr.execute("SELECT pg_try_advisory_xact_lock(%s)", [ENQUEUE_LOCK])
        more_due = False
        if self.env.cr.fetchone()[0]:
            companies = (
                self.env["billmail.mailbox"]
                .search([])
                .company_id.filtered(lambda c: c.billmail_schedule != "manual")
            )
            for company in companies:
                due = self._due(company)
                more_due |= len(due) >= DUE_LIMIT
                self._enqueue(due)
        self._retry_failed()
        self.env["einvoice.transmission"].flush_model()
        # A pending record is due: it was written when its document became due.
        self.env.cr.execute(
            "SELECT id FROM einvoice_transmission WHERE channel = %s "
            "AND state = 'pending' ORDER BY id LIMIT %s FOR UPDATE SKIP LOCKED",
            [CHANNEL, CHUNK],
        )
        ids = [row[0] for row in self.env.cr.fetchall()]
        self.env["einvoice.transmission"].browse(ids)._deliver()
        remaining = self.env["einvoice.transmission"].search_count(
            [("channel", "=", CHANNEL), ("state", "=", "pending")]
        )
        # More due than one call takes: the cron runner calls again for them.
        self.env["ir.cron"]._notify_progress(
            done=len(ids), remaining=remaining + int(more_due)
        )

    @api.model
    def _retry_failed(self):
        """A document that could not be made ready (no supplier file yet, a UBL the
        official rules refuse) is tried again after the same waits as a failed
        e-mail, then left failed for a person to look at. A failed e-mail is
        handed back to the mail queue by the core's retry."""
        now = fields.Datetime.now()
        failed = (
            self.env["einvoice.transmission"]
            .sudo()
            .search(
                [
                    ("channel", "=", CHANNEL),
                    ("state", "=", "failed"),
                    ("mail_id", "=", False),
                    ("attempts", "<=", len(RETRY_AFTER)),
                ]
            )
        )
        again = failed.filtered(
            lambda t: t.write_date + RETRY_AFTER[max(t.attempts, 1) - 1] <= now
        )
        again.write({"state": "pending", "scheduled_at": now})
        return again

    # -- what goes -----------------------------------------------------------------

    @api.model
    def _attachments(self, move, mailbox, prepared):
        """(files, format labels): a customer document as the mailbox asks for it
        (`prepared` by `einvoice.document`: the UBL of its profile when the
        official rules pass it, the PDF); a vendor document with the supplier's own
        files, never a rendering of ours."""
        if move.is_purchase_document():
            originals = self._original_files(move)
            if not originals:
                raise UserError(
                    _(
                        "%(bill)s has no file from the supplier (PDF or e-invoice): "
                        "attach it to the bill; it is sent with the next try.",
                        bill=move.display_name,
                    )
                )
            return originals, [_("supplier's files")]
        if prepared.error:
            raise UserError(prepared.error)
        attachments, formats = prepared.ubl, []
        if prepared.ubl:
            formats.append(dict(UBL_PROFILES)[prepared.profile])
        if mailbox.attach_pdf:
            attachments |= prepared.pdf
            formats.append("PDF")
        return attachments, formats

    @api.model
    def _original_files(self, move):
        """The files the supplier sent with a bill: its main document first."""
        files = move.attachment_ids.filtered(
            lambda a: (
                a.mimetype
                and (
                    a.mimetype == "application/pdf"
                    or a.mimetype.endswith("xml")
                    or a.mimetype.startswith("image/")
                )
            )
        )
        main = move.message_main_attachment_id & files
        return main | (files - main)

    @api.model
    def _message(self, move, mailbox, remark=None):
        """(subject, HTML body) of the e-mail to `mailbox`, in the company's
        language."""
        lang = move.company_id.partner_id.lang or self.env.lang
        move = move.with_context(lang=lang)
        env = move.env
        kind = dict(mailbox._fields["document_type"]._description_selection(env))[
            move.move_type
        ]
        number = move.name
        if move.is_purchase_document() and move.ref:
            number = f"{move.name} ({move.ref})"
        subject = mailbox.subject or env._(
            "%(kind)s %(number)s – %(company)s",
            kind=kind,
            number=number,
            company=move.company_id.name,
        )
        lines = [
            env._("%(kind)s %(number)s", kind=kind, number=number),
            env._(
                "Partner: %(partner)s", partner=move.commercial_partner_id.display_name
            ),
            env._(
                "Date: %(date)s, total: %(amount)s",
                date=format_date(env, move.invoice_date or move.date, lang_code=lang),
                amount=format_amount(
                    env, move.amount_total, move.currency_id, lang_code=lang
                ),
            ),
        ]
        if remark:
            lines.append(env._("Remark: %(remark)s", remark=remark))
        body = "".join(f"<p>{html_escape(line)}</p>" for line in lines)
        return subject, body
