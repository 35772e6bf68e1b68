# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import zlib
from datetime import date

import psycopg2.errors

from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

from ..lib.numbering import (
    PRESETS,
    NumberingError,
    period_first_day,
    preset_layout,
    series_for,
)

SINCE_ALWAYS = date(1900, 1, 1)
NUMBER_FORMATS = [
    ("yymm", "FA-YYMMNNN: year, month and number, restarts every month"),
    ("yy", "FA-YYNNNNN: year and number, restarts every year"),
    ("plain", "FA-NNNNN: number only, never restarts"),
    ("custom", "Custom prefix with %(year)s, %(y)s or %(month)s"),
]
RESETS = [("month", "Every month"), ("year", "Every year"), ("never", "Never")]
KINDS = [("invoice", "Invoices"), ("refund", "Credit notes")]
# The first key of the advisory locks of the numbering ("EINV").
LOCK_SPACE = 0x45494E56


def like_escape(text):
    """`text` as the start of an `=like` pattern."""
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


class EinvoiceNumberSeries(models.Model):
    """One version of a sales journal's number series, valid from `date_from` until the
    next version. A version that has issued numbers is never edited: a change makes a
    new version from the next period, so each period is numbered by one series only."""

    _name = "einvoice.number.series"
    _description = "Invoice number series"
    _order = "journal_id, date_from desc, id desc"

    journal_id = fields.Many2one(
        "account.journal", required=True, ondelete="cascade", index=True
    )
    company_id = fields.Many2one(
        related="journal_id.company_id", store=True, index=True
    )
    date_from = fields.Date(string="Valid from", required=True, default=SINCE_ALWAYS)
    number_format = fields.Selection(NUMBER_FORMATS, required=True, default="yy")
    prefix = fields.Char(string="Invoice prefix", required=True, default="FA-")
    refund_prefix = fields.Char(string="Credit note prefix", default="CN-")
    padding = fields.Integer(string="Counter width", default=5)
    reset = fields.Selection(RESETS, string="Restart", default="year")
    claim_ids = fields.One2many("einvoice.number.claim", "series_id", readonly=True)
    start_ids = fields.One2many("einvoice.number.start", "series_id", readonly=True)

    _sql_constraints = [
        (
            "journal_date_unique",
            "UNIQUE (journal_id, date_from)",
            "A journal has one number series per starting date.",
        ),
    ]

    def init(self):
        # A preset's width and restart are the preset's: versions saved before they
        # followed it showed another restart than the one they number by.
        for number_format in PRESETS:
            padding, reset = preset_layout(number_format)
            self.env.cr.execute(
                """UPDATE einvoice_number_series SET padding = %s, reset = %s
                    WHERE number_format = %s
                      AND (padding IS DISTINCT FROM %s OR reset IS DISTINCT FROM %s)""",
                (padding, reset, number_format, padding, reset),
            )

    @api.model
    def _with_preset_layout(self, vals):
        """`vals` with the width and restart of the preset format they set."""
        layout = preset_layout(vals.get("number_format"))
        if layout:
            vals = dict(vals, padding=layout[0], reset=layout[1])
        return vals

    @api.model_create_multi
    def create(self, vals_list):
        return super().create([self._with_preset_layout(v) for v in vals_list])

    def write(self, vals):
        if "number_format" in vals:
            return super().write(self._with_preset_layout(vals))
        if {"padding", "reset"} & vals.keys():
            # A preset keeps its own width and restart.
            presets = self.filtered(lambda s: preset_layout(s.number_format))
            own = {k: v for k, v in vals.items() if k not in ("padding", "reset")}
            if presets and own:
                super(EinvoiceNumberSeries, presets).write(own)
            return super(EinvoiceNumberSeries, self - presets).write(vals)
        return super().write(vals)

    def _series(self, kind):
        """The pure series (lib.numbering.Series) for invoices or credit notes."""
        self.ensure_one()
        prefix = self.refund_prefix if kind == "refund" else self.prefix
        return series_for(self.number_format, prefix or "", self.padding, self.reset)

    def _kinds(self):
        self.ensure_one()
        return (
            ("invoice", "refund") if self.journal_id.refund_sequence else ("invoice",)
        )

    def _is_used(self, period=None):
        """Whether numbers were issued in this version (in `period`): by the legal
        numbering, or by the earlier program a series continues."""
        self.ensure_one()
        domain = [("series_id", "=", self.id)]
        if period is not None:
            domain.append(("period", "=", period))
        claims = self.env["einvoice.number.claim"].sudo()
        starts = self.env["einvoice.number.start"].sudo()
        return bool(
            claims.search_count(domain, limit=1) or starts.search_count(domain, limit=1)
        )

    def _first_numbers(self):
        """{(kind, period): the first number the legal numbering gives} of the
        kinds and periods this version continues an earlier numbering in."""
        self.ensure_one()
        return {(start.kind, start.period): start.number for start in self.start_ids}

    def _highest_name_taken(self, kind, day):
        """(number, name) of the highest number of `kind` in the period of `day`
        that an invoice of the journal carries, whoever numbered it; None if none
        does."""
        self.ensure_one()
        series = self._series(kind)
        prefix = series.prefix(day)
        names = (
            self.env["account.move"]
            .sudo()
            .search(
                [
                    ("journal_id", "=", self.journal_id.id),
                    ("name", "=like", like_escape(prefix) + "%"),
                    ("posted_before", "=", True),
                ]
            )
            .mapped("name")
        )
        numbered = [(series.number_of(name, day), name) for name in names]
        return max((pair for pair in numbered if pair[0]), default=None)

    def _last_numbers(self):
        """{(kind, period): last number issued}, as this transaction sees them."""
        self.ensure_one()
        groups = (
            self.env["einvoice.number.claim"]
            .sudo()
            ._read_group(
                [("series_id", "=", self.id)], ["kind", "period"], ["number:max"]
            )
        )
        return {(kind, period): last for kind, period, last in groups}

    def _check_no_collision_with_issued_numbers(self):
        """A new version must not issue names the journal already has."""
        moves = self.env["account.move"].sudo()
        for version in self:
            for kind in version._kinds():
                prefix = version._series(kind).prefix(version.date_from)
                escaped = like_escape(prefix)
                taken = moves.search(
                    [
                        ("journal_id", "=", version.journal_id.id),
                        ("name", "=like", escaped + "%"),
                    ],
                    limit=1,
                )
                if taken:
                    raise ValidationError(
                        _(
                            "Journal %(journal)s already has %(name)s: a new series "
                            "from %(date)s with prefix %(prefix)s could give the same "
                            "numbers again. Choose another prefix.",
                            journal=version.journal_id.display_name,
                            name=taken.name,
                            date=fields.Date.to_string(version.date_from),
                            prefix=prefix,
                        )
                    )

    def _adopt_moves(self, moves):
        """Record under this version the numbers `moves` already carry, so that its
        numbering continues after them."""
        self.ensure_one()
        cr = self.env.cr
        for move in moves:
            kind = move._einvoice_kind()
            series = self._series(kind)
            for day in filter(None, (move.invoice_date, move.date)):
                number = series.number_of(move.name, day)
                if not number:
                    continue
                period = series.period_key(day)
                cr.execute(
                    """UPDATE account_move
                          SET einvoice_series_id = %s, einvoice_kind = %s,
                              einvoice_period = %s, einvoice_number = %s
                        WHERE id = %s""",
                    (self.id, kind, period, number, move.id),
                )
                cr.execute(
                    """INSERT INTO einvoice_number_claim (series_id, company_id,
                              journal_id, kind, period, number, move_id)
                       VALUES (%s, %s, %s, %s, %s, %s, %s) ON CONFLICT DO NOTHING""",
                    (
                        self.id,
                        self.company_id.id,
                        self.journal_id.id,
                        kind,
                        period,
                        number,
                        move.id,
                    ),
                )
                break
        moves.invalidate_recordset(
            [
                "einvoice_series_id",
                "einvoice_kind",
                "einvoice_period",
                "einvoice_number",
            ]
        )
        self.env["einvoice.number.claim"]._invalidate_journals()

    @api.constrains("number_format", "prefix", "refund_prefix", "padding", "reset")
    def _check_series(self):
        for version in self:
            for kind in version._kinds():
                try:
                    version._series(kind)
                except NumberingError as error:
                    raise ValidationError(
                        _(
                            "The invoice numbering of journal %(journal)s cannot be "
                            "used: %(reason)s.",
                            journal=version.journal_id.display_name,
                            reason=str(error),
                        )
                    ) from error
            if version.journal_id.refund_sequence:
                invoice = version._series("invoice").prefix(version.date_from)
                refund = version._series("refund").prefix(version.date_from)
                if invoice.startswith(refund) or refund.startswith(invoice):
                    raise ValidationError(
                        _(
                            "Journal %(journal)s: invoices (%(invoice)s) and credit "
                            "notes (%(refund)s) need prefixes that do not start "
                            "alike, or their numbers could meet.",
                            journal=version.journal_id.display_name,
                            invoice=invoice,
                            refund=refund,
                        )
                    )

    @api.constrains("prefix", "refund_prefix", "number_format", "journal_id")
    def _check_unique_in_company(self):
        for version in self:
            mine = {version.prefix, version.refund_prefix} - {False, ""}
            others = self.search(
                [
                    ("company_id", "=", version.company_id.id),
                    ("journal_id", "!=", version.journal_id.id),
                ]
            )
            clash = others.filtered(
                lambda o, mine=mine, fmt=version.number_format: (
                    {o.prefix, o.refund_prefix} & mine and o.number_format == fmt
                )
            )
            if clash:
                raise ValidationError(
                    _(
                        "Journals %(journal)s and %(other)s would number invoices in "
                        "the same series: give each its own prefix.",
                        journal=version.journal_id.display_name,
                        other=clash[0].journal_id.display_name,
                    )
                )


class EinvoiceNumberClaim(models.Model):
    """One row per number issued: (series, kind, period, number) is unique.

    Claiming a number and deleting the last invoice of a series and period take the
    same transaction-long lock (a PostgreSQL advisory lock), so they happen one
    transaction at a time, each seeing what the ones before it committed: a number is
    taken inside the posting transaction (a rollback gives it back), the next posting
    waits for it, and a deletion of the last invoice either sees a later number and
    is refused, or goes first and its number is taken again by the next posting.
    Odoo runs each request in a REPEATABLE READ transaction, whose snapshot may be
    older than the lock: the last number is read on a connection of its own, whose
    snapshot is taken under the lock, together with what this transaction itself
    claimed or gave back."""

    _name = "einvoice.number.claim"
    _description = "Issued invoice number"
    _order = "series_id, kind, period, number"
    _log_access = False

    series_id = fields.Many2one(
        "einvoice.number.series", required=True, ondelete="restrict", index=True
    )
    company_id = fields.Many2one("res.company", required=True, index=True)
    journal_id = fields.Many2one("account.journal", required=True, index=True)
    kind = fields.Selection(KINDS, required=True)
    period = fields.Char(required=True, help="2026-11 (monthly), 2026 (yearly) or all")
    number = fields.Integer(required=True)
    day = fields.Date(help="The invoice date of the document that has the number.")
    move_id = fields.Many2one("account.move", ondelete="cascade", index=True)

    _sql_constraints = [
        (
            "number_unique",
            "UNIQUE (series_id, kind, period, number)",
            "An invoice number is issued once.",
        ),
        ("number_positive", "CHECK (number > 0)", "Invoice numbers start at 1."),
    ]

    _INSERT = """
        INSERT INTO einvoice_number_claim
               (series_id, company_id, journal_id, kind, period, number, move_id, day)
        SELECT %(series)s, %(company)s, %(journal)s, %(kind)s, %(period)s,
               %(first)s + n - 1, (%(moves)s::int[])[n], (%(days)s::date[])[n]
          FROM generate_series(1, %(count)s) AS n
    """

    def init(self):
        # The invoice date of numbers claimed before the claims kept it.
        self.env.cr.execute(
            """UPDATE einvoice_number_claim c
                  SET day = COALESCE(m.invoice_date, m.date)
                 FROM account_move m
                WHERE c.move_id = m.id AND c.day IS NULL"""
        )

    def _insert(self, version, kind, period, first, move_ids, keep, days=None):
        """Insert the claims first, first + 1, ... (one per move id, dated `days`;
        a single one without a move for a probe) in a savepoint, and keep them or
        roll them back. Return False, with nothing inserted, if one of the numbers
        is taken."""
        cr = self.env.cr
        params = {
            "series": version.id,
            "company": version.company_id.id,
            "journal": version.journal_id.id,
            "kind": kind,
            "period": period,
            "first": first,
            "moves": list(move_ids) if move_ids else [None],
            "days": list(days) if days else [None] * max(len(move_ids or ()), 1),
            "count": len(move_ids) if move_ids else 1,
        }
        cr.execute("SAVEPOINT einvoice_claim")
        try:
            cr.execute(self._INSERT, params, log_exceptions=False)
        except psycopg2.errors.UniqueViolation:
            cr.execute("ROLLBACK TO SAVEPOINT einvoice_claim")
            return False
        if keep:
            cr.execute("RELEASE SAVEPOINT einvoice_claim")
        else:
            cr.execute("ROLLBACK TO SAVEPOINT einvoice_claim")
        return True

    def _is_free(self, version, kind, period, number):
        """Nobody holds `number`, committed or not (waits for one that does)."""
        return self._insert(version, kind, period, number, None, keep=False)

    def _first_free(self, version, kind, period, top):
        """The first number nobody holds, starting the search from `top`, the last
        number as this transaction first saw it."""
        # The last invoice may have been deleted since: step down to the real last.
        while top > 0 and self._is_free(version, kind, period, top):
            top -= 1
        # Others may have posted since. The numbers taken are 1..last, so search up in
        # doubling steps, then halve the interval down to the first free one.
        low, step = top, 1
        high = low + 1
        while not self._is_free(version, kind, period, high):
            low, step = high, step * 2
            high = low + step
        while high - low > 1:
            middle = (low + high) // 2
            if self._is_free(version, kind, period, middle):
                high = middle
            else:
                low = middle
        return high

    def _lock(self, version, kind, period):
        """Hold, until the end of the transaction, the lock of a series and period
        that claiming and deleting numbers take (any key collision only makes two
        series wait for each other)."""
        key = zlib.crc32(f"{version.id}/{kind}/{period}".encode()) - 2**31
        self.env.cr.execute("SELECT pg_advisory_xact_lock(%s, %s)", (LOCK_SPACE, key))

    def _last(self, version, kind, period):
        """(number, invoice date) of the last number issued, under the lock; for a
        series continued from a number, the one before it when the legal numbering
        has issued none yet.

        This transaction's snapshot may be older than the lock: it misses numbers
        others committed since and still shows numbers others gave back since.
        So the last number others committed is read on a connection of its own,
        less the numbers this transaction gave back; a higher number this
        transaction sees is its own claim, or one given back by another since,
        which a probe tells apart (it is free). The number a series continues from
        is read both ways too: set by another since, or in this transaction."""
        query = """SELECT number, day FROM einvoice_number_claim
                    WHERE series_id = %s AND kind = %s AND period = %s
                      AND number >= %s
                    ORDER BY number DESC LIMIT %s"""
        start_query = """SELECT number FROM einvoice_number_start
                          WHERE series_id = %s AND kind = %s AND period = %s"""
        key = (version.id, kind, period)
        released = self._released().get(key, set())
        with self.env.registry.cursor() as fresh:
            fresh.execute(query, (*key, 0, len(released) + 1))
            committed = [row for row in fresh.fetchall() if row[0] not in released]
            fresh.execute(start_query, key)
            starts = fresh.fetchall()
        self.env["einvoice.number.start"].flush_model()
        self.env.cr.execute(start_query, key)
        starts += self.env.cr.fetchall()
        before_start = max((number for (number,) in starts), default=1) - 1
        last = committed[0] if committed else (before_start, None)
        self.env.cr.execute(query, (*key, last[0] + 1, 1))
        seen = self.env.cr.fetchone()
        if seen and not self._is_free(version, kind, period, last[0] + 1):
            # This transaction claimed numbers after what others committed.
            return seen
        return last

    def _last_claim(self, version, kind):
        """(period, number) of the last number the legal numbering issued of `kind`
        in `version`, in any period, committed or this transaction's; None if it
        issued none."""
        query = """SELECT period, number FROM einvoice_number_claim
                    WHERE series_id = %s AND kind = %s
                    ORDER BY period DESC, number DESC LIMIT 1"""
        with self.env.registry.cursor() as fresh:
            fresh.execute(query, (version.id, kind))
            rows = fresh.fetchall()
        self.env.cr.execute(query, (version.id, kind))
        rows += self.env.cr.fetchall()
        return max(rows, default=None)

    def _name_of(self, version, kind, period, number):
        """The name of the invoice that holds `number`. A number read as another
        transaction committed it (`_last`) may be on an invoice this transaction's
        snapshot does not show yet: its name is then read on a connection of its
        own. A number on no invoice (claimed by hand in the database) is named as
        the series writes it."""
        domain = [
            ("einvoice_series_id", "=", version.id),
            ("einvoice_kind", "=", kind),
            ("einvoice_period", "=", period),
            ("einvoice_number", "=", number),
        ]
        move = self.env["account.move"].sudo().search(domain, limit=1)
        if move:
            return move.name
        with self.env.registry.cursor() as fresh:
            fresh.execute(
                """SELECT name FROM account_move
                    WHERE einvoice_series_id = %s AND einvoice_kind = %s
                      AND einvoice_period = %s AND einvoice_number = %s
                    LIMIT 1""",
                (version.id, kind, period, number),
            )
            row = fresh.fetchone()
        if row and row[0]:
            return row[0]
        return version._series(kind).render(period_first_day(period), number)

    def _released(self):
        """{(series, kind, period): numbers} this transaction gave back."""
        return self.env.cr.precommit.data.setdefault("einvoice.released", {})

    @api.model
    def _claim(self, version, kind, period, moves, days=None, last=None):
        """Claim consecutive numbers for `moves`, in their order; return the first.
        `days`: their invoice dates, kept with the numbers; `last`: the last number
        issued, when the caller read it under the lock (`_lock`, `_last`)."""
        if last is None:
            self._lock(version, kind, period)
            last, _day = self._last(version, kind, period)
        first = last + 1
        if not self._insert(version, kind, period, first, moves.ids, True, days):
            # A number taken without the lock (written by hand in the database):
            # the first free one after the last.
            first = self._first_free(version, kind, period, first)
            self._insert(version, kind, period, first, moves.ids, True, days)
        released = self._released().get((version.id, kind, period))
        if released:
            released -= set(range(first, first + len(moves)))
        self.invalidate_model()
        self._invalidate_journals()
        return first

    @api.model
    def _last_issued(self, version, kind, period, number):
        """The last number issued (`number` or after), counting uncommitted ones."""
        return self._first_free(version, kind, period, number) - 1

    def _invalidate_journals(self):
        self.env["account.journal"].invalidate_model(
            [
                "einvoice_next_number",
                "einvoice_next_refund_number",
                "einvoice_numbering_notice",
            ]
        )
