# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import date

from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

from ..lib.numbering import NumberingError, series_for

SINCE_ALWAYS = date(1900, 1, 1)
NUMBER_FORMATS = [
    ("yymm", "FA-YYMMNNN: year, month and number, restarts every month"),
    ("yy", "FA-YYNNNNN: year and number, restarts every year"),
    ("plain", "FA-NNNNN: number only, never restarts"),
    ("custom", "Custom prefix with %(year)s, %(y)s or %(month)s"),
]
RESETS = [("month", "Every month"), ("year", "Every year"), ("never", "Never")]
KINDS = [("invoice", "Invoices"), ("refund", "Credit notes")]


class EinvoiceNumberSeries(models.Model):
    """One version of a sales journal's number series, valid from `date_from` until the
    next version. A version that has issued numbers is never edited: a change makes a new
    version from the next period, so each period is numbered by one series only."""

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
    counter_ids = fields.One2many("einvoice.number.counter", "series_id", readonly=True)

    _sql_constraints = [
        (
            "journal_date_unique",
            "UNIQUE (journal_id, date_from)",
            "A journal has one number series per starting date.",
        ),
    ]

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
        self.ensure_one()
        counters = self.counter_ids.filtered(lambda c: c.last_number > 0)
        if period is not None:
            counters = counters.filtered(lambda c: c.period == period)
        return bool(counters)

    def _check_no_collision_with_issued_numbers(self):
        """A new version must not issue names the journal already has."""
        Move = self.env["account.move"].sudo()
        for version in self:
            for kind in version._kinds():
                prefix = version._series(kind).prefix(version.date_from)
                escaped = (
                    prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
                )
                taken = Move.search(
                    [
                        ("journal_id", "=", version.journal_id.id),
                        ("name", "=like", escaped + "%"),
                    ],
                    limit=1,
                )
                if taken:
                    raise ValidationError(
                        _(
                            "Journal %(journal)s already has %(name)s: a new series from "
                            "%(date)s with prefix %(prefix)s could give the same numbers "
                            "again. Choose another prefix.",
                            journal=version.journal_id.display_name,
                            name=taken.name,
                            date=fields.Date.to_string(version.date_from),
                            prefix=prefix,
                        )
                    )

    def _adopt_moves(self, moves):
        """Record under this version the numbers `moves` already carry, and set its
        counters to the highest of each period, so numbering continues after them."""
        self.ensure_one()
        rows, highest = [], {}
        for move in moves:
            kind = move._einvoice_kind()
            series = self._series(kind)
            for day in filter(None, (move.invoice_date, move.date)):
                number = series.number_of(move.name, day)
                if number:
                    period = series.period_key(day)
                    rows.append((kind, period, number, move.id))
                    key = (kind, period)
                    highest[key] = max(highest.get(key, 0), number)
                    break
        cr = self.env.cr
        for kind, period, number, move_id in rows:
            cr.execute(
                """UPDATE account_move SET einvoice_series_id = %s, einvoice_kind = %s,
                          einvoice_period = %s, einvoice_number = %s WHERE id = %s""",
                (self.id, kind, period, number, move_id),
            )
        counters = self.env["einvoice.number.counter"].sudo()
        for (kind, period), number in highest.items():
            counters._take(self, kind, period, number)
        moves.invalidate_recordset(
            [
                "einvoice_series_id",
                "einvoice_kind",
                "einvoice_period",
                "einvoice_number",
            ]
        )

    @api.constrains("number_format", "prefix", "refund_prefix", "padding", "reset")
    def _check_series(self):
        for version in self:
            for kind in version._kinds():
                try:
                    version._series(kind)
                except NumberingError as error:
                    raise ValidationError(
                        _(
                            "The invoice numbering of journal %(journal)s cannot be used: "
                            "%(reason)s.",
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
                            "Journal %(journal)s: invoices (%(invoice)s) and credit notes "
                            "(%(refund)s) need prefixes that do not start alike, or their "
                            "numbers could meet.",
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
                lambda o, mine=mine: (
                    {o.prefix, o.refund_prefix} & mine
                    and o.number_format == version.number_format
                )
            )
            if clash:
                raise ValidationError(
                    _(
                        "Journals %(journal)s and %(other)s would number invoices in the "
                        "same series: give each its own prefix.",
                        journal=version.journal_id.display_name,
                        other=clash[0].journal_id.display_name,
                    )
                )


class EinvoiceNumberCounter(models.Model):
    """The last number issued per series version, kind and period. Numbers are taken by
    an UPDATE of this row inside the posting transaction: the row stays locked until
    that transaction ends, a rollback gives the numbers back, and concurrent postings
    wait for each other instead of failing."""

    _name = "einvoice.number.counter"
    _description = "Invoice number counter"
    _order = "series_id, kind, period"

    series_id = fields.Many2one(
        "einvoice.number.series", required=True, ondelete="restrict", index=True
    )
    company_id = fields.Many2one(related="series_id.company_id", store=True)
    journal_id = fields.Many2one(related="series_id.journal_id", store=True)
    kind = fields.Selection(KINDS, required=True)
    period = fields.Char(required=True, help="2026-11 (monthly), 2026 (yearly) or all")
    last_number = fields.Integer(readonly=True)

    _sql_constraints = [
        (
            "series_kind_period_unique",
            "UNIQUE (series_id, kind, period)",
            "One counter per series, kind and period.",
        ),
        ("last_number_not_negative", "CHECK (last_number >= 0)", "Numbers start at 1."),
    ]

    @api.model
    def _take(self, series, kind, period, count):
        """Reserve `count` consecutive numbers; return the first one."""
        cr = self.env.cr
        cr.execute(
            """
            INSERT INTO einvoice_number_counter
                (series_id, company_id, journal_id, kind, period, last_number,
                 create_uid, create_date, write_uid, write_date)
            VALUES (%(series)s, %(company)s, %(journal)s, %(kind)s, %(period)s, 0,
                    %(uid)s, now() at time zone 'UTC', %(uid)s, now() at time zone 'UTC')
            ON CONFLICT (series_id, kind, period) DO NOTHING
            """,
            {
                "series": series.id,
                "company": series.company_id.id,
                "journal": series.journal_id.id,
                "kind": kind,
                "period": period,
                "uid": self.env.uid,
            },
        )
        cr.execute(
            """
            UPDATE einvoice_number_counter
               SET last_number = last_number + %(count)s,
                   write_uid = %(uid)s, write_date = now() at time zone 'UTC'
             WHERE series_id = %(series)s AND kind = %(kind)s AND period = %(period)s
         RETURNING last_number
            """,
            {
                "count": count,
                "uid": self.env.uid,
                "series": series.id,
                "kind": kind,
                "period": period,
            },
        )
        last = cr.fetchone()[0]
        self._invalidate_after_sql()
        return last - count + 1

    def _invalidate_after_sql(self):
        # The counters change by SQL (to hold the row lock): drop what the ORM cached
        # from them, including the next numbers shown on the journals.
        self.invalidate_model(["last_number"])
        self.env["einvoice.number.series"].invalidate_model(["counter_ids"])
        self.env["account.journal"].invalidate_model(
            ["einvoice_next_number", "einvoice_next_refund_number", "einvoice_numbering_notice"]
        )

    @api.model
    def _lock(self, series, kind, period):
        """Lock a counter row until the transaction ends; return its last number."""
        self.env.cr.execute(
            """
            SELECT id, last_number FROM einvoice_number_counter
             WHERE series_id = %s AND kind = %s AND period = %s
               FOR UPDATE
            """,
            (series.id, kind, period),
        )
        row = self.env.cr.fetchone()
        return (self.browse(row[0]), row[1]) if row else (self, 0)

    @api.model
    def _give_back(self, counter, count):
        self.env.cr.execute(
            "UPDATE einvoice_number_counter SET last_number = last_number - %s WHERE id = %s",
            (count, counter.id),
        )
        self._invalidate_after_sql()
