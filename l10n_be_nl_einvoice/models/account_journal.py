# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import logging
import re

from odoo import _, api, fields, models
from odoo.exceptions import UserError

from ..lib.numbering import NumberingError, Series, preset_layout
from .einvoice_number_series import NUMBER_FORMATS, RESETS, SINCE_ALWAYS

_logger = logging.getLogger(__name__)


def odoo_name_to_template(move, name):
    """(template, padding, reset) of the series an Odoo-numbered name belongs to, read
    with Odoo's own sequence parser; None if our series cannot continue it."""
    reset = move._deduce_sequence_number_reset(name)
    if reset not in ("month", "year", "never"):
        return None
    format_string, values = move._get_sequence_format_param(name)
    if values.get("suffix") or not format_string.endswith(
        "{seq:0{seq_length}d}{suffix}"
    ):
        return None
    year = "%(year)s" if values.get("year_length") == 4 else "%(y)s"
    template = ""
    for key in re.findall(r"\{(prefix\d|year|month|seq|suffix)\b", format_string):
        if key.startswith("prefix"):
            template += values[key]
        elif key == "year":
            template += year
        elif key == "month":
            template += "%(month)s"
    try:
        Series(template, values["seq_length"], reset)
    except NumberingError:
        return None
    return template, values["seq_length"], reset


def _series_field(field_type, *args, **kwargs):
    """A journal field that shows and edits the journal's latest series version."""
    return field_type(
        *args,
        compute="_compute_einvoice_numbering",
        inverse="_inverse_einvoice_numbering",
        **kwargs,
    )


SERIES_FIELDS = {
    # journal field: series field
    "einvoice_number_format": "number_format",
    "einvoice_number_prefix": "prefix",
    "einvoice_refund_prefix": "refund_prefix",
    "einvoice_number_padding": "padding",
    "einvoice_number_reset": "reset",
}
# The next numbers a user may set, to continue a series: journal field: kind.
NEXT_NUMBER_FIELDS = {
    "einvoice_next_number": "invoice",
    "einvoice_next_refund_number": "refund",
}
# What the journal fields shown from the series depend on.
SERIES_DEPENDS = [
    f"einvoice_series_ids.{name}" for name in (*SERIES_FIELDS.values(), "date_from")
]


class AccountJournal(models.Model):
    _inherit = "account.journal"

    einvoice_numbering = fields.Boolean(
        string="Legal invoice numbering",
        compute="_compute_einvoice_numbering_default",
        store=True,
        readonly=False,
        precompute=True,
        help="Number the invoices and credit notes of this sales journal without "
        "gaps: a number is taken when an invoice is posted, never changes, and only "
        "the last invoice of a series can be deleted, if it was never sent. On by "
        "default for the journals of Belgian and Dutch companies.",
    )
    einvoice_series_ids = fields.One2many(
        "einvoice.number.series", "journal_id", string="Number series", readonly=True
    )
    einvoice_number_format = _series_field(
        fields.Selection, NUMBER_FORMATS, "Number format"
    )
    einvoice_number_prefix = _series_field(fields.Char, string="Invoice prefix")
    einvoice_refund_prefix = _series_field(fields.Char, string="Credit note prefix")
    einvoice_number_padding = _series_field(fields.Integer, string="Counter width")
    einvoice_number_reset = _series_field(fields.Selection, RESETS, "Restart")
    einvoice_next_number = fields.Char(
        string="Next invoice number",
        compute="_compute_einvoice_next_number",
        inverse="_inverse_einvoice_next_number",
        help="The number the next invoice takes. To continue the series of a program "
        "used before Odoo, type the number that follows its last invoice "
        "(FA-2600735, or 735) before the first invoice is posted here: it is set "
        "once, then follows on by itself.",
    )
    einvoice_next_refund_number = fields.Char(
        string="Next credit note number",
        compute="_compute_einvoice_next_number",
        inverse="_inverse_einvoice_next_refund_number",
        help="The number the next credit note takes; set once, as the next invoice "
        "number, to continue an earlier program's series.",
    )
    einvoice_next_number_settable = fields.Boolean(
        compute="_compute_einvoice_next_number"
    )
    einvoice_next_refund_number_settable = fields.Boolean(
        compute="_compute_einvoice_next_number"
    )
    einvoice_numbering_notice = fields.Char(compute="_compute_einvoice_next_number")

    @api.depends("company_id")
    def _compute_einvoice_numbering_default(self):
        # On for the journals of companies that Belgian or Dutch law numbers, as each
        # journal is created, or when the module is installed (Odoo computes a new
        # stored field for the records that exist). It depends on the company alone,
        # not on its country: a later change of country does not override what was
        # chosen per journal.
        for journal in self:
            company = journal.company_id
            journal.einvoice_numbering = (
                bool(company) and company._einvoice_numbers_by_law()
            )

    def _einvoice_managed(self):
        return self.filtered(lambda j: j.type == "sale" and j.einvoice_numbering)

    def _einvoice_series_at(self, day):
        """The series version that numbers documents dated `day`."""
        self.ensure_one()
        versions = self.einvoice_series_ids.filtered(lambda s: s.date_from <= day)
        return versions.sorted("date_from")[-1:] if versions else versions

    @api.depends(*SERIES_DEPENDS)
    def _compute_einvoice_numbering(self):
        # The form shows the latest version: the one that applies now or from its date.
        for journal in self:
            latest = journal.einvoice_series_ids.sorted("date_from")[-1:]
            for jfield, sfield in SERIES_FIELDS.items():
                journal[jfield] = latest[sfield] if latest else False

    @api.onchange("einvoice_number_format")
    def _onchange_einvoice_number_format(self):
        # A preset restarts and pads its counter as its format says: the form shows
        # it at once, not the restart of the format chosen before.
        layout = preset_layout(self.einvoice_number_format)
        if layout:
            self.einvoice_number_padding, self.einvoice_number_reset = layout

    def _inverse_einvoice_numbering(self):
        today = fields.Date.context_today(self)
        for journal in self.filtered(lambda j: j.type == "sale"):
            values = {
                sfield: journal[jfield] for jfield, sfield in SERIES_FIELDS.items()
            }
            values = {k: v for k, v in values.items() if v not in (False, None)}
            values = self.env["einvoice.number.series"]._with_preset_layout(values)
            latest = journal.einvoice_series_ids.sorted("date_from")[-1:]
            if latest and all(latest[k] == v for k, v in values.items()):
                continue
            if not latest:
                self.env["einvoice.number.series"].create(
                    {
                        **journal._einvoice_default_series(),
                        **values,
                        "journal_id": journal.id,
                    }
                )
            elif not latest._is_used():
                latest.write(values)
            else:
                # Numbers were issued under the latest version: it stays as it is for
                # the periods it numbered, the change starts with the next period.
                current = latest._series("invoice")
                if latest._is_used(current.period_key(today)):
                    start = current.next_period_start(today)
                else:
                    start = current.period_start(today)
                if start <= latest.date_from:
                    start = current.next_period_start(latest.date_from)
                new = self.env["einvoice.number.series"].create(
                    {
                        **{f: latest[f] for f in SERIES_FIELDS.values()},
                        **values,
                        "journal_id": journal.id,
                        "date_from": start,
                    }
                )
                new._check_no_collision_with_issued_numbers()

    def _einvoice_default_series(self):
        """FA-/CN- for a company's first sales journal, the code for the others."""
        self.ensure_one()
        others = self.env["einvoice.number.series"].search(
            [("company_id", "=", self.company_id.id), ("journal_id", "!=", self.id)]
        )
        if not others.filtered(lambda s: s.prefix == "FA-"):
            return {"number_format": "yy", "prefix": "FA-", "refund_prefix": "CN-"}
        return {
            "number_format": "yy",
            "prefix": f"{self.code}-",
            "refund_prefix": f"{self.code}CN-",
        }

    @api.depends(
        *SERIES_DEPENDS,
        "einvoice_series_ids.claim_ids",
        "einvoice_series_ids.start_ids",
        "einvoice_numbering",
        "refund_sequence",
    )
    @api.depends_context("uid")
    def _compute_einvoice_next_number(self):
        today = fields.Date.context_today(self)
        for journal in self:
            for fname in NEXT_NUMBER_FIELDS:
                journal[fname] = False
                journal[f"{fname}_settable"] = False
            journal.einvoice_numbering_notice = False
            version = journal._einvoice_managed() and journal._einvoice_series_at(today)
            if not version:
                continue
            last_numbers = version._last_numbers()
            first_numbers = version._first_numbers()
            for fname, kind in NEXT_NUMBER_FIELDS.items():
                if kind not in version._kinds():
                    continue
                series = version._series(kind)
                key = (kind, series.period_key(today))
                last = last_numbers.get(key, first_numbers.get(key, 1) - 1)
                journal[fname] = series.render(today, last + 1)
                # Set once, before the legal numbering has given a number of it
                # (a claim or a start of that kind, in any period of the version).
                journal[f"{fname}_settable"] = not any(
                    used_kind == kind
                    for used_kind, _period in (*last_numbers, *first_numbers)
                )
            latest = journal.einvoice_series_ids.sorted("date_from")[-1:]
            if latest != version:
                journal.einvoice_numbering_notice = _(
                    "The numbering below applies from %(date)s: the current series has "
                    "already numbered invoices in this period and stays until then.",
                    date=fields.Date.to_string(latest.date_from),
                )

    def _inverse_einvoice_next_number(self):
        self._einvoice_continue("einvoice_next_number")

    def _inverse_einvoice_next_refund_number(self):
        self._einvoice_continue("einvoice_next_refund_number")

    def _einvoice_continue(self, fname):
        """Continue the series of today from the number written in `fname`."""
        # Every value is read before any is set: setting one recomputes them all.
        written = [(journal, journal[fname]) for journal in self]
        today = fields.Date.context_today(self)
        for journal, value in written:
            if not value:
                continue
            version = journal._einvoice_managed() and journal._einvoice_series_at(today)
            if not version:
                raise UserError(
                    _(
                        "Journal %(journal)s has no legal invoice numbering: Odoo "
                        "numbers its invoices.",
                        journal=journal.display_name,
                    )
                )
            self.env["einvoice.number.start"]._continue(
                version, NEXT_NUMBER_FIELDS[fname], value
            )

    @api.model_create_multi
    def create(self, vals_list):
        # The next numbers continue the series the journal gets once created.
        vals_list = [dict(vals) for vals in vals_list]
        nexts = [
            {k: vals.pop(k) for k in NEXT_NUMBER_FIELDS if k in vals}
            for vals in vals_list
        ]
        journals = super().create(vals_list)
        journals._einvoice_ensure_series()
        for journal, values in zip(journals, nexts, strict=True):
            if values:
                journal.write(values)
        return journals

    def _einvoice_ensure_series(self):
        """Give each managed journal its first series: the one its posted invoices
        already follow (so an existing database continues from its last number), or the
        default for a journal without invoices."""
        for journal in self._einvoice_managed().filtered(
            lambda j: not j.einvoice_series_ids
        ):
            named = (
                self.env["account.move"]
                .sudo()
                .search(
                    [
                        ("journal_id", "=", journal.id),
                        ("posted_before", "=", True),
                        ("name", "not in", ("/", False)),
                    ],
                    order="id desc",
                )
            )
            if not named:
                self.env["einvoice.number.series"].create(
                    {**journal._einvoice_default_series(), "journal_id": journal.id}
                )
                continue
            version = journal._einvoice_adopt_series(named)
            if version:
                version._adopt_moves(named)
            else:
                journal.einvoice_numbering = False
                _logger.warning(
                    "Journal %s: its invoice numbers (%s) follow a pattern the legal "
                    "numbering cannot continue; legal numbering left off for it.",
                    journal.display_name,
                    named[0].name,
                )

    def _einvoice_adopt_series(self, named):
        """A `custom` series version that continues the names of `named` moves, or None
        when their pattern is not one the legal numbering can continue."""
        self.ensure_one()
        templates = {}
        for kind in ("invoice", "refund") if self.refund_sequence else ("invoice",):
            last = named.filtered(lambda m, kind=kind: m._einvoice_kind() == kind)[:1]
            if last:
                templates[kind] = odoo_name_to_template(last, last.name)
                if templates[kind] is None:
                    return None
        if "invoice" not in templates:
            return None
        template, padding, reset = templates["invoice"]
        refund = templates.get("refund")
        if refund and (refund[1], refund[2]) != (padding, reset):
            return None
        refund_template = (
            refund[0] if refund else ("R" + template if self.refund_sequence else False)
        )
        return self.env["einvoice.number.series"].create(
            {
                "journal_id": self.id,
                "date_from": SINCE_ALWAYS,
                "number_format": "custom",
                "prefix": template,
                "refund_prefix": refund_template,
                "padding": padding,
                "reset": reset,
            }
        )

    def _einvoice_check_no_numbered_invoices(self):
        numbered = [("journal_id", "in", self.ids), ("einvoice_number", "!=", 0)]
        if self.env["account.move"].search_count(numbered, limit=1):
            raise UserError(
                _(
                    "This journal has numbered invoices: its type and company can no "
                    "longer change."
                )
            )

    def write(self, vals):
        nexts = {k: vals[k] for k in NEXT_NUMBER_FIELDS if k in vals}
        if nexts and len(nexts) < len(vals):
            # A next number is read in the series as the rest of `vals` leaves it.
            result = self.write({k: v for k, v in vals.items() if k not in nexts})
            return self.write(nexts) and result
        if "type" in vals or "company_id" in vals:
            self._einvoice_check_no_numbered_invoices()
        result = super().write(vals)
        if (
            vals.get("einvoice_numbering")
            or vals.get("type") == "sale"
            or "company_id" in vals
        ):
            self._einvoice_ensure_series()
        return result
