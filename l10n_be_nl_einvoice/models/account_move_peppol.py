# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
# Invoices sent over Peppol by Odoo's own sending (account_peppol) on the transmission
# ledger. account_peppol is no dependency of this module (Odoo installs it by itself
# for Belgian and Dutch companies): all here starts from a write of its field
# peppol_move_state, and stays inert without it.
# pylint: disable=consider-merging-classes-inherited
from odoo import Command, fields, models
from odoo.exceptions import UserError
from odoo.tools import html2plaintext, plaintext2html

from .account_move_ubl import FORMAT_PROFILES

CHANNEL = "peppol"
# Odoo's Peppol state of an invoice (peppol_move_state) -> the ledger's. "ready" and
# no state are no sending (a queued one is then cancelled); Odoo 18.0 no longer writes
# "skipped"; "rejected" is not among 18.0's states, and is a failure if it comes.
LEDGER_STATES = {
    "to_send": "pending",
    "processing": "sending",
    "done": "sent",
    "error": "failed",
    "rejected": "failed",
}
# Within one transaction, the ids of the invoices whose Peppol transmission failed
# without a reason yet, until Odoo logs the access point's message on the invoice
# (see _message_log_batch). Gone at commit or rollback.
AWAITING_REASON = "l10n_be_nl_einvoice.peppol_awaiting_reason"
ACTIVITY_TYPE = "l10n_be_nl_einvoice.mail_activity_type_peppol_failed"


class AccountMove(models.Model):
    _inherit = "account.move"

    def write(self, vals):
        result = super().write(vals)
        if "peppol_move_state" in vals:
            self._einvoice_peppol_follow(vals["peppol_move_state"])
        elif vals.get("state") == "draft" and "peppol_move_state" in self._fields:
            # Reset to draft, an invoice queued for Peppol is no longer: Odoo clears
            # its Peppol state by computing it, without a write.
            self.filtered(lambda m: not m.peppol_move_state)._einvoice_peppol_follow(
                False
            )
        return result

    def _message_log_batch(self, bodies, *args, **kwargs):
        # EXTENDS mail: Odoo 18.0's Peppol status update (account_peppol,
        # _peppol_get_message_status) writes "error" on an invoice, then logs the
        # access point's message on it: the only place that message reaches. The
        # ledger takes it as the reason of the failure just recorded.
        messages = super()._message_log_batch(bodies, *args, **kwargs)
        awaiting = self.env.cr.precommit.data.get(AWAITING_REASON)
        if awaiting:
            reasons = {
                move_id: html2plaintext(body or "").strip()
                for move_id, body in bodies.items()
                if move_id in awaiting
            }
            if reasons:
                self.browse(reasons)._einvoice_peppol_reasons(reasons)
        return messages

    # -- the ledger follows Odoo's state -----------------------------------------------

    def _einvoice_peppol_follow(self, state):
        """The one place where Odoo's Peppol state of customer invoices and credit
        notes goes onto their ledger record (move, "peppol", customer, document):
        queued = pending, handed to the access point = sending (its message id),
        delivered = sent, error or rejected = failed. A sending after a finished
        record is a resend. The invoices of one sending read their ledger records in
        one query (the prefetch of einvoice_transmission_ids)."""
        target = LEDGER_STATES.get(state)
        now = fields.Datetime.now()
        # sudo: the ledger is the system's record of what left; billing users read it
        # and cannot write it. The notices (activities) are the system's too.
        failed, delivered = set(), self.sudo().browse()
        for move in self.sudo():
            if not move.is_sale_document(include_receipts=False):
                continue
            current = move._einvoice_peppol_transmission()
            if target is None:
                if current.state == "pending":  # a queued sending cancelled
                    current.write({"state": "cancelled"})
            elif target == "pending":
                current = move._einvoice_peppol_open(current, now)
            elif target == "sending":
                current = move._einvoice_peppol_open(current, now)
                move._einvoice_peppol_handed_over(current, now)
            elif target == "sent":
                current = current or move._einvoice_peppol_open(current, now)
                if current.state != "sent":
                    current.write(
                        {
                            "state": "sent",
                            "sent_at": now,
                            "last_error": False,
                            "external_id": current.external_id
                            or move.peppol_message_uuid
                            or False,
                        }
                    )
                    if move.activity_ids:  # read for the whole batch at once
                        delivered |= move
            else:
                # A failure on a finished record is a new sending that failed
                # before the access point took it: a resend of its own.
                current = move._einvoice_peppol_open(current, now)
                if current.state != "failed":
                    label = dict(
                        move._fields["peppol_move_state"]._description_selection(
                            self.env
                        )
                    ).get(state, state)
                    reason = self.env._(
                        "Peppol reported the state “%(state)s” for this invoice, "
                        "without a reason.",
                        state=label,
                    )
                    current.write({"state": "failed", "last_error": reason})
                    move._einvoice_peppol_activity(current, reason)
                    failed.add(move.id)
        if failed:
            self.env.cr.precommit.data.setdefault(AWAITING_REASON, set()).update(failed)
        if delivered:
            delivered._einvoice_peppol_close_activities()

    def _einvoice_peppol_transmission(self):
        """The latest Peppol transmission of this invoice to its customer (empty when
        there is none)."""
        self.ensure_one()
        return self.einvoice_transmission_ids.filtered(
            lambda t: (
                t.channel == CHANNEL and t.target == "customer" and t.kind == "document"
            )
        ).sorted("resend_number")[-1:]

    def _einvoice_peppol_open(self, current, now):
        """The transmission a sending goes on: the open one, else a first one, else a
        resend after the finished one, with what became of that one as its reason."""
        if current.state in ("pending", "sending"):
            return current
        if current:
            states = dict(current._fields["state"]._description_selection(self.env))
            transmission = current._resend(
                self.env._(
                    "Sent again over Peppol after: %(previous)s",
                    previous=current.last_error or states[current.state],
                )
            )
        else:
            ledger = self.env["einvoice.transmission"]
            transmission = ledger.create(
                ledger._values(self, CHANNEL, "customer", "document", 0)
                | {"scheduled_at": now}
            )
        # Sent in the background, by the scheduled action (as the system): the user
        # who clicked Send is in the invoice's sending data until it has gone.
        author = (self.sending_data or {}).get("author_user_id")
        if author and author != transmission.user_id.id:
            transmission.write({"user_id": author})
        return transmission

    def _einvoice_peppol_handed_over(self, transmission, now):
        if (
            transmission.state == "sending"
            and transmission.external_id == self.peppol_message_uuid
        ):
            return  # Odoo's status update says "processing" again
        partner = self.commercial_partner_id
        transmission.write(
            {
                "state": "sending",
                "external_id": self.peppol_message_uuid or False,
                "attempts": transmission.attempts + 1,
                "recipients": f"{partner.peppol_eas}:{partner.peppol_endpoint}",
                "scheduled_at": transmission.scheduled_at or now,
                "last_error": False,
                **self._einvoice_peppol_files(),
            }
        )

    def _einvoice_peppol_files(self, edi_format=None):
        """What the ledger keeps of the UBL sent over Peppol: its format (Odoo's
        e-invoice format of the sending, else the customer's), and the file once
        Odoo has attached it to the invoice."""
        if not edi_format:
            partner = self.commercial_partner_id.with_company(self.company_id)
            edi_format = partner._get_peppol_edi_format()
        profiles = dict(
            self.env["res.company"]
            ._fields["einvoice_ubl_profile"]
            ._description_selection(self.env)
        )
        label = profiles.get(FORMAT_PROFILES.get(edi_format)) or dict(
            self.env["res.partner"]
            ._fields["invoice_edi_format"]
            ._description_selection(self.env)
        ).get(edi_format, edi_format)
        values = {"formats": f"UBL ({label})"}
        if self.ubl_cii_xml_id:
            values["attachment_ids"] = [Command.set(self.ubl_cii_xml_id.ids)]
        return values

    def _einvoice_peppol_keep_files(self, edi_format):
        """The UBL Odoo just attached to these invoices, on their Peppol transmission
        that handed it over."""
        for move in self.sudo():  # sudo: the ledger is the system's
            current = move._einvoice_peppol_transmission()
            if current.attempts and not current.attachment_ids:
                current.write(move._einvoice_peppol_files(edi_format))

    # -- why it failed, and who hears of it --------------------------------------------

    def _einvoice_peppol_reasons(self, reasons, note=False):
        """Say why the Peppol transmissions of these invoices failed: `reasons` is
        ``{move id: text}``; the text goes on the failed ledger record and on the
        invoice's activity, and with `note` also in its chatter (where Odoo logged
        nothing)."""
        awaiting = self.env.cr.precommit.data.get(AWAITING_REASON, set())
        for move in self.sudo():  # sudo: the ledger is the system's
            awaiting.discard(move.id)
            reason = reasons.get(move.id)
            current = move._einvoice_peppol_transmission()
            if not reason or current.state != "failed":
                continue
            current.write({"last_error": reason})
            move._einvoice_peppol_activity(current, reason)
            if note:
                move._message_log(
                    body=plaintext2html(
                        self.env._("Peppol delivery failed: %(reason)s", reason=reason)
                    )
                )

    def _einvoice_peppol_attempted(self):
        """One hand-over to the access point on these invoices' Peppol
        transmissions, whose answer did not come back as a message id."""
        for move in self.sudo():  # sudo: the ledger is the system's
            current = move._einvoice_peppol_transmission()
            partner = move.commercial_partner_id
            current.write(
                {
                    "attempts": current.attempts + 1,
                    "recipients": f"{partner.peppol_eas}:{partner.peppol_endpoint}",
                    **move._einvoice_peppol_files(),
                }
            )

    def _einvoice_peppol_activity(self, transmission, reason):
        """The to-do "Peppol delivery failed", with the reason, for the invoice's
        salesperson, else the user who sent it: one open at a time per invoice."""
        activity_type = self.env.ref(ACTIVITY_TYPE, raise_if_not_found=False)
        note = plaintext2html(reason)
        open_ones = self.activity_ids.filtered(
            lambda a: a.activity_type_id == activity_type
        )
        if activity_type and open_ones:
            open_ones.write({"note": note})
            return
        user = next(
            (
                user
                for user in (
                    self.invoice_user_id,
                    transmission.user_id,
                    self.create_uid,
                )
                if user.active and not user.share and not user._is_superuser()
            ),
            None,
        )
        if user:
            self.activity_schedule(ACTIVITY_TYPE, note=note, user_id=user.id)

    def _einvoice_peppol_close_activities(self):
        """Delivered after all: the to-dos of its failure are done."""
        activity_type = self.env.ref(ACTIVITY_TYPE, raise_if_not_found=False)
        done = self.activity_ids.filtered(
            lambda a: activity_type and a.activity_type_id == activity_type
        )
        if done:
            done.action_feedback(feedback=self.env._("Delivered over Peppol."))

    # -- the ledger's *Send again* -----------------------------------------------------

    def _einvoice_peppol_send(self):
        """Send these invoices over Peppol through Odoo's sending, as the ledger's
        *Send again* does with their pending resend records. Refused for an invoice
        already on the network, and when Odoo does not send it (the whole sending is
        then undone)."""
        on_network = self.filtered(
            lambda m: m.peppol_move_state in ("processing", "done")
        )
        if on_network:
            raise UserError(
                self.env._(
                    "%(name)s is already on the Peppol network: it cannot be sent "
                    "there again.",
                    name=on_network[0].display_name,
                )
            )
        sender = self.env["account.move.send"]
        if sender._do_peppol_pre_send(self):  # the registration form: not registered
            raise UserError(
                self.env._(
                    "%(company)s is not registered on Peppol: register it in the "
                    "Invoicing settings first.",
                    company=self.company_id[:1].name,
                )
            )
        sender._generate_and_send_invoices(self, sending_methods=[CHANNEL])
        left = self.filtered(
            lambda m: m.sudo()._einvoice_peppol_transmission().state == "pending"
        )
        if left:
            raise UserError(
                self.env._(
                    "%(name)s was not sent over Peppol: its customer cannot receive "
                    "it there now (see the customer's Peppol address).",
                    name=left[0].display_name,
                )
            )
