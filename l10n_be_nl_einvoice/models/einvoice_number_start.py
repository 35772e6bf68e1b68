# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError

from .einvoice_number_series import KINDS


class EinvoiceNumberStart(models.Model):
    """The number a series continues from. A company that comes to Odoo during a
    period, its earlier program having issued FA-2600001 to FA-2600734, has the legal
    numbering give FA-2600735 next and go on from there without a gap: the law asks
    for one unbroken series, not for one that starts in Odoo.

    Set once per series version and kind, before the legal numbering has given a
    number in it, by whoever may configure the journal; written by `_continue`
    only, never changed or deleted. The number log keeps who set it and when."""

    _name = "einvoice.number.start"
    _description = "Invoice number series continued from an earlier numbering"
    _order = "series_id, kind"

    series_id = fields.Many2one(
        "einvoice.number.series",
        required=True,
        readonly=True,
        ondelete="cascade",
        index=True,
    )
    journal_id = fields.Many2one(related="series_id.journal_id", store=True)
    company_id = fields.Many2one(related="series_id.company_id", store=True, index=True)
    kind = fields.Selection(KINDS, required=True, readonly=True)
    period = fields.Char(required=True, readonly=True)
    number = fields.Integer(
        required=True,
        readonly=True,
        help="The first number the legal numbering gives in this series and period.",
    )
    name = fields.Char(string="Continued from", required=True, readonly=True)
    user_id = fields.Many2one("res.users", string="Set by", readonly=True)

    _sql_constraints = [
        (
            "series_kind_unique",
            "UNIQUE (series_id, kind)",
            "A series continues from a number set once.",
        ),
        (
            "number_after_one",
            "CHECK (number > 1)",
            "A series continued from an earlier numbering starts after 1.",
        ),
    ]

    def _label(self, kind):
        """How the form names the number that `kind` sets."""
        if kind == "refund":
            return _("next credit note number")
        return _("next invoice number")

    @api.model
    def _continue(self, version, kind, text):
        """Make `text` (``FA-2600735``, or the counter ``735``) the next number of
        `kind` in series `version` for today's period; the numbers before it are
        the earlier program's. Nothing to do when it is the next number already.
        Refused unless the user may configure the journal, once the series has
        given a number of that kind or was continued already, below or at a number
        the journal already carries, and in any other form than the series'."""
        journal = version.journal_id
        journal.check_access("write")
        what = self._label(kind)
        if kind not in version._kinds():
            raise UserError(
                _(
                    "Journal %(journal)s numbers its credit notes in the invoice "
                    "series: set its next invoice number.",
                    journal=journal.display_name,
                )
            )
        today = fields.Date.context_today(self)
        series = version._series(kind)
        period = series.period_key(today)
        number = series.parse(text, today)
        if number is None:
            raise ValidationError(
                _(
                    "Journal %(journal)s: %(value)s is not in the form of its series. "
                    "Write its %(what)s as %(form)s, or the counter alone.",
                    journal=journal.display_name,
                    value=text,
                    what=what,
                    form=series.form(today),
                )
            )
        claims = self.env["einvoice.number.claim"].sudo()
        # The lock of posting: no number is given in this period meanwhile, and
        # what was given is read as committed, as posting reads it.
        claims._lock(version, kind, period)
        last, _day = claims._last(version, kind, period)
        if number == last + 1:
            return self.browse()
        started = self._set_already(version, kind)
        if started:
            raise UserError(
                _(
                    "The %(what)s of journal %(journal)s was set already, to "
                    "%(name)s by %(user)s on %(date)s: it is set once.",
                    what=what,
                    journal=journal.display_name,
                    name=started[0],
                    user=started[1],
                    date=fields.Date.to_string(started[2]),
                )
            )
        issued = claims._last_claim(version, kind)
        if issued:
            raise UserError(
                _(
                    "Journal %(journal)s has already issued %(name)s in this series: "
                    "its %(what)s follows on from it and can no longer be set.",
                    journal=journal.display_name,
                    name=claims._name_of(version, kind, *issued),
                    what=what,
                )
            )
        taken = version._highest_name_taken(kind, today)
        if taken and number <= taken[0]:
            raise UserError(
                _(
                    "Journal %(journal)s already has %(name)s: the %(what)s must come "
                    "after it (%(next)s or later).",
                    journal=journal.display_name,
                    name=taken[1],
                    what=what,
                    next=series.render(today, taken[0] + 1),
                )
            )
        values = {
            "series_id": version.id,
            "kind": kind,
            "period": period,
            "number": number,
            "name": series.render(today, number),
            "user_id": self.env.uid,
        }
        # Written here only, after the checks above; nobody may edit or delete one.
        start = self.sudo().create(values)
        # The log is written by the code only (read-only for everyone).
        self.env["einvoice.number.log"].sudo().create(
            {
                "company_id": version.company_id.id,
                "journal_id": journal.id,
                "series_id": version.id,
                "kind": kind,
                "period": period,
                "number": number,
                "name": values["name"],
                "event": "continued",
                "next_before": series.render(today, last + 1),
                "user_id": self.env.uid,
            }
        )
        claims._invalidate_journals()
        return start

    def _set_already(self, version, kind):
        """(number, by whom, date) where `version` continues `kind` from: as this
        transaction sees it, or as another one committed it since this
        transaction's snapshot (read on a connection of its own); None if not."""
        mine = self.sudo().search(
            [("series_id", "=", version.id), ("kind", "=", kind)], limit=1
        )
        if mine:
            return mine.name, mine.user_id.name or "", mine._set_on()
        with self.env.registry.cursor() as fresh:
            fresh.execute(
                """SELECT s.name, COALESCE(p.name, ''), s.create_date
                     FROM einvoice_number_start s
                     LEFT JOIN res_users u ON u.id = s.user_id
                     LEFT JOIN res_partner p ON p.id = u.partner_id
                    WHERE s.series_id = %s AND s.kind = %s""",
                (version.id, kind),
            )
            row = fresh.fetchone()
        if row:
            return row[0], row[1], fields.Date.context_today(self, row[2])
        return None

    def _set_on(self):
        """The day it was set, in the user's time zone."""
        self.ensure_one()
        return fields.Date.context_today(self, self.create_date)
