# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from collections import defaultdict

from odoo import _, api, fields, models
from odoo.exceptions import RedirectWarning, UserError, ValidationError
from odoo.tools.misc import format_date

from .einvoice_number_series import KINDS


class AccountMove(models.Model):
    _inherit = "account.move"

    einvoice_series_id = fields.Many2one(
        "einvoice.number.series",
        string="Number series",
        readonly=True,
        copy=False,
        index="btree_not_null",
    )
    einvoice_kind = fields.Selection(
        KINDS, string="Series kind", readonly=True, copy=False
    )
    einvoice_period = fields.Char(string="Series period", readonly=True, copy=False)
    einvoice_number = fields.Integer(
        string="Number in series", readonly=True, copy=False
    )
    einvoice_sent = fields.Boolean(
        string="Sent, printed or downloaded",
        readonly=True,
        copy=False,
        help="Set the first time the invoice is e-mailed, transmitted, printed or "
        "downloaded as PDF. Such an invoice can no longer be deleted.",
    )

    # -- numbering ---------------------------------------------------------------------

    def _einvoice_day(self):
        # Belgian and Dutch law number invoices by their invoice date.
        return self.invoice_date or self.date

    def _einvoice_kind(self):
        refund = self.move_type in ("out_refund", "in_refund")
        return "refund" if refund and self.journal_id.refund_sequence else "invoice"

    def _einvoice_to_number(self):
        return self.filtered(
            lambda m: (
                m.state != "posted"
                and not m.einvoice_number
                and not m.posted_before
                and m.journal_id._einvoice_managed()
            )
        )

    def _einvoice_assign_numbers(self):
        """Claim for each move the next number of its series and period, in date
        order; return {move id: its name and number}, for the write that posts it.
        Called as the moves become posted, inside the posting transaction."""
        numbers = {}
        groups = defaultdict(list)
        for move in self._einvoice_to_number().sorted(
            lambda m: (m._einvoice_day(), m.id)
        ):
            day = move._einvoice_day()
            version = move.journal_id._einvoice_series_at(day)
            if not version:
                raise UserError(
                    _(
                        "Journal %(journal)s has no invoice number series for "
                        "%(date)s.",
                        journal=move.journal_id.display_name,
                        date=fields.Date.to_string(day),
                    )
                )
            kind = move._einvoice_kind()
            series = version._series(kind)
            groups[(version, kind, series.period_key(day))].append((move, series, day))
        claims = self.env["einvoice.number.claim"].sudo()
        for key in sorted(groups, key=lambda k: (k[0].id, k[1], k[2])):
            version, kind, period = key
            claims._lock(version, kind, period)
            last, last_day = claims._last(version, kind, period)
            items = self._einvoice_in_date_order(key, groups[key], last, last_day)
            self._einvoice_check_typed_names(items, last)
            moves = self.browse([move.id for move, _series, _day in items])
            first = claims._claim(
                version, kind, period, moves, [day for *_i, day in items], last
            )
            for offset, (move, series, day) in enumerate(items):
                numbers[move.id] = {
                    "name": series.render(day, first + offset),
                    "einvoice_series_id": version.id,
                    "einvoice_kind": kind,
                    "einvoice_period": period,
                    "einvoice_number": first + offset,
                }
        return numbers

    def _einvoice_check_typed_names(self, items, last):
        """A number typed on a draft is the one it gets, or the posting is refused:
        the legal numbering gives the numbers, and would otherwise replace it
        without a word. Where a series continues an earlier program's, the
        journal's next number says so, before the first posting."""
        for offset, (move, series, day) in enumerate(items):
            typed = move.name
            given = series.render(day, last + 1 + offset)
            if typed and typed != "/" and typed != given:
                raise UserError(
                    _(
                        "%(typed)s was typed as the number of a draft, but the next "
                        "number of journal %(journal)s is %(given)s, and the number is "
                        "given at posting: clear it to post. To continue the series "
                        "of a program used before, an accounting manager sets the "
                        "journal's next invoice number (Invoice Numbering tab) before "
                        "the first invoice is posted.",
                        typed=typed,
                        journal=move.journal_id.display_name,
                        given=given,
                    )
                )

    def _einvoice_in_date_order(self, key, items, last, last_day):
        """Invoice dates follow the numbers of their series: an invoice dated
        before the last numbered one of its series and period (`key`) is refused,
        or takes that date, when its company says so (`einvoice_backdating`)."""
        if not last_day:
            return items
        kept = []
        for move, series, day in items:
            backdating = move.company_id.einvoice_backdating
            if day < last_day and backdating != "allow":
                if backdating == "refuse":
                    claims = self.env["einvoice.number.claim"]
                    # A draft has no number yet: its customer says which one it is.
                    invoice = move.display_name
                    if move.partner_id:
                        invoice = f"{invoice} ({move.partner_id.display_name})"
                    raise UserError(
                        _(
                            "%(invoice)s cannot be dated %(date)s: the last invoice "
                            "of its series, %(last)s, is dated %(last_date)s, and a "
                            "series keeps its dates in number order. Date it "
                            "%(last_date)s or later.",
                            invoice=invoice,
                            date=format_date(self.env, day),
                            last=claims._name_of(*key, last),
                            last_date=format_date(self.env, last_day),
                        )
                    )
                move.invoice_date = last_day
                day = last_day
            kept.append((move, series, day))
        return kept

    def _compute_name_placeholder(self):
        # Odoo offers to type the first number of a journal on its first draft; the
        # legal numbering gives it at posting (a series that continues an earlier
        # program's is set on the journal): no number to type.
        managed = self.filtered(
            lambda m: not m.einvoice_number and m.journal_id._einvoice_managed()
        )
        managed.name_placeholder = False
        return super(AccountMove, self - managed)._compute_name_placeholder()

    @api.depends("einvoice_number")
    def _compute_split_sequence(self):
        # Odoo splits a name at its last digits: FA-2611001 would read as number
        # 2611001 and every new month as a gap. The series knows the real split.
        numbered = self.filtered("einvoice_number")
        result = super(AccountMove, self - numbered)._compute_split_sequence()
        for move in numbered:
            series = move.einvoice_series_id._series(move.einvoice_kind)
            move.sequence_prefix = series.prefix(move._einvoice_day())
            move.sequence_number = move.einvoice_number
        return result

    def _compute_made_sequence_gap(self):
        # Odoo looks for the previous number in this transaction's snapshot, which
        # misses a number another worker committed meanwhile, and so flags invoices
        # posted at the same time as gaps. A legal number is claimed right after
        # the last one issued, under the series' lock, and only the last one can
        # be given back: its series has no gap (the daily audit reports one made
        # by hand in the database).
        numbered = self.filtered(lambda m: m.einvoice_number and m.state == "posted")
        numbered.made_sequence_gap = False
        return super(AccountMove, self - numbered)._compute_made_sequence_gap()

    @api.constrains("invoice_date", "date")
    def _einvoice_check_period(self):
        for move in self.filtered("einvoice_number"):
            series = move.einvoice_series_id._series(move.einvoice_kind)
            if series.period_key(move._einvoice_day()) != move.einvoice_period:
                raise ValidationError(
                    _(
                        "%(name)s is numbered in the series of %(period)s: its invoice "
                        "date must stay in that period. To invoice in another period, "
                        "cancel it with a credit note and make a new invoice.",
                        name=move.name,
                        period=move.einvoice_period,
                    )
                )

    def write(self, vals):
        numbered = self.filtered("einvoice_number")
        if numbered and "name" in vals:
            changed = numbered.filtered(lambda m: m.name != vals["name"])
            if changed:
                raise UserError(
                    _(
                        "%(name)s is a legal invoice number: it can never change.",
                        name=changed[0].name,
                    )
                )
        for fname in ("journal_id", "move_type", "company_id", "einvoice_number"):
            if numbered and fname in vals:
                value = vals[fname]
                if any(
                    (m[fname].id if fname.endswith("_id") else m[fname]) != value
                    for m in numbered
                ):
                    raise UserError(
                        _(
                            "%(name)s has a legal invoice number: its journal, type "
                            "and company can no longer change. %(hint)s",
                            name=numbered[0].name,
                            hint=self._einvoice_credit_note_hint(),
                        )
                    )
        if vals.get("is_move_sent"):
            vals = dict(vals, einvoice_sent=True)
        if vals.get("state") == "posted":
            numbers = self._einvoice_assign_numbers()
            if numbers:
                # Each move is posted with its number in one write: a second
                # write of the number would run Odoo's posting work again (the
                # payment reference, the lines' synchronisation).
                for move in self.filtered(lambda m: m.id in numbers):
                    super(AccountMove, move).write({**vals, **numbers[move.id]})
                rest = self.filtered(lambda m: m.id not in numbers)
                return super(AccountMove, rest).write(vals) if rest else True
        return super().write(vals)

    # -- deletion ----------------------------------------------------------------------

    def _einvoice_credit_note_hint(self):
        return _(
            "To cancel an invoice, post it and issue a credit note (Credit Note "
            "button)."
        )

    def _einvoice_refuse_deletion(self, moves, message):
        """Refuse, and offer the credit note where one can be made at once."""
        if all(move.state == "posted" for move in moves):
            raise RedirectWarning(
                message,
                self.env.ref("account.action_view_account_move_reversal").id,
                _("Credit Note"),
                {"active_model": "account.move", "active_ids": moves.ids},
            )
        raise UserError(message)

    def _einvoice_is_sent(self):
        self.ensure_one()
        return (
            self.einvoice_sent
            or self.is_move_sent
            or self.env["einvoice.transmission"]._was_sent(self)
        )

    def unlink(self):
        # Checked here rather than in an ondelete hook so that no context (force_delete,
        # uninstall) and no user, administrators included, can skip it.
        self._einvoice_release_numbers()
        return super().unlink()

    def _einvoice_release_numbers(self):
        numbered = self.filtered("einvoice_number")
        if not numbered:
            return
        claims = self.env["einvoice.number.claim"].sudo()
        groups = numbered.grouped(
            lambda m: (m.einvoice_series_id, m.einvoice_kind, m.einvoice_period)
        )
        for key in sorted(groups, key=lambda k: (k[0].id, k[1], k[2])):
            moves = groups[key]
            # The moves must be the tail of the series: the numbers down from the
            # last one issued, with no number after them held by anyone. The lock
            # keeps postings of the series waiting until this deletion is over.
            claims._lock(*key)
            last = claims._last_issued(*key, max(moves.mapped("einvoice_number")))
            wanted = list(range(last, last - len(moves), -1))
            not_last = moves.filtered(
                lambda m, wanted=wanted: m.einvoice_number not in wanted
            )
            if not_last:
                self._einvoice_refuse_deletion(
                    not_last,
                    _(
                        "%(name)s cannot be deleted: only the last invoice of a "
                        "series can be (here %(last)s), or a number would be missing. "
                        "%(hint)s",
                        name=not_last[0].name,
                        last=claims._name_of(*key, last),
                        hint=self._einvoice_credit_note_hint(),
                    ),
                )
            sent = moves.filtered(lambda m: m._einvoice_is_sent())
            if sent:
                self._einvoice_refuse_deletion(
                    sent,
                    _(
                        "%(name)s was already sent, printed or downloaded: it can no "
                        "longer be deleted. %(hint)s",
                        name=sent[0].name,
                        hint=self._einvoice_credit_note_hint(),
                    ),
                )
            self.env["einvoice.number.log"].sudo().create(
                [
                    {
                        "company_id": move.company_id.id,
                        "journal_id": move.journal_id.id,
                        "series_id": move.einvoice_series_id.id,
                        "kind": move.einvoice_kind,
                        "period": move.einvoice_period,
                        "number": move.einvoice_number,
                        "name": move.name,
                        "event": "deleted",
                        "move_id": move.id,
                        "partner_id": move.partner_id.id,
                        "invoice_date": move.invoice_date,
                        "amount_total": move.amount_total,
                        "currency_id": move.currency_id.id,
                        "user_id": self.env.uid,
                    }
                    for move in moves
                ]
            )
            claims.search([("move_id", "in", moves.ids)]).unlink()
            claims._released().setdefault((key[0].id, key[1], key[2]), set()).update(
                moves.mapped("einvoice_number")
            )
            claims._invalidate_journals()
