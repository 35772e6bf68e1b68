# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import base64
import csv
import io
from datetime import date

from odoo import _, api, fields, models

from ..lib.numbering_audit import Issued, audit


class EinvoiceNumberingAudit(models.TransientModel):
    """Per sales journal, series and period: first and last number, count, and every
    anomaly. Exported as CSV or PDF for the accountant or a tax inspection."""

    _name = "einvoice.numbering.audit"
    _description = "Invoice numbering audit"

    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company
    )
    journal_ids = fields.Many2many(
        "account.journal",
        string="Journals",
        domain="[('type', '=', 'sale'), ('company_id', '=', company_id)]",
        help="Sales journals to audit; all of the company's when empty.",
    )
    date_from = fields.Date(
        required=True, default=lambda self: date(fields.Date.today().year, 1, 1)
    )
    date_to = fields.Date(
        required=True, default=lambda self: date(fields.Date.today().year, 12, 31)
    )
    line_ids = fields.One2many(
        "einvoice.numbering.audit.line", "audit_id", readonly=True
    )
    anomaly_count = fields.Integer(compute="_compute_anomaly_count")

    @api.depends("line_ids.anomaly_count")
    def _compute_anomaly_count(self):
        for wizard in self:
            wizard.anomaly_count = sum(wizard.line_ids.mapped("anomaly_count"))

    def _journals(self):
        self.ensure_one()
        return self.journal_ids or self.env["account.journal"].search(
            [("type", "=", "sale"), ("company_id", "=", self.company_id.id)]
        )

    def _issued(self):
        """Every numbered document of the series touched by the period, whole series
        periods included, so that a period cut in two shows no false gap; the
        journal of each series; and the number each series continued from
        (`einvoice.number.start`), by series and period."""
        self.ensure_one()
        moves = self.env["account.move"].sudo()
        domain = [
            ("journal_id", "in", self._journals().ids),
            ("posted_before", "=", True),
            ("name", "not in", ("/", False)),
        ]
        in_range = moves.search(
            domain
            + [
                ("invoice_date", ">=", self.date_from),
                ("invoice_date", "<=", self.date_to),
            ]
        )
        legal = in_range.filtered("einvoice_number")
        keys = {
            (m.einvoice_series_id.id, m.einvoice_kind, m.einvoice_period) for m in legal
        }
        whole = moves.search(
            domain
            + [
                ("einvoice_series_id", "in", list({k[0] for k in keys})),
                ("einvoice_period", "in", list({k[2] for k in keys})),
            ]
        ).filtered(
            lambda m: (
                (m.einvoice_series_id.id, m.einvoice_kind, m.einvoice_period) in keys
            )
        )
        issued, journals, starts = [], {}, {}
        continued = {
            (start.series_id.id, start.kind, start.period): start
            for start in whole.einvoice_series_id.start_ids
        }
        for move in whole:
            series = move.einvoice_series_id._series(move.einvoice_kind)
            day = move._einvoice_day()
            label = f"{move.journal_id.name} / {series.prefix(day)}"
            journals[label] = move.journal_id.id
            start = continued.get(
                (move.einvoice_series_id.id, move.einvoice_kind, move.einvoice_period)
            )
            if start:
                starts[(label, move.einvoice_period)] = start
            issued.append(
                Issued(
                    label,
                    move.einvoice_period,
                    move.einvoice_number,
                    move.name,
                    series.render(day, move.einvoice_number),
                    day=move.invoice_date,
                    draft=move.state == "draft",
                )
            )
        # Documents numbered by Odoo before the legal numbering: Odoo's own split of
        # the name into prefix and number.
        for move in in_range - legal:
            label = f"{move.journal_id.name} / {move.sequence_prefix}"
            journals[label] = move.journal_id.id
            issued.append(
                Issued(
                    label,
                    "all",
                    move.sequence_number,
                    move.name,
                    None,
                    starts_at_one=False,
                    draft=move.state == "draft",
                )
            )
        return issued, journals, starts

    def action_run(self):
        self.ensure_one()
        self.line_ids.unlink()
        labels = dict(self.env["einvoice.numbering.audit.line"]._anomaly_labels())
        lines = []
        issued, journals, starts = self._issued()
        numbers = {key: start.number for key, start in starts.items()}
        for report in audit(issued, numbers):
            lines.append(
                {
                    "audit_id": self.id,
                    "journal_id": journals[report.series],
                    "series": report.series,
                    "period": report.period,
                    "first_number": report.first,
                    "last_number": report.last,
                    "count": report.count,
                    "anomaly_count": len(report.anomalies),
                    "anomalies": "\n".join(
                        f"{labels[kind]} {text}"
                        for kind, _number, text in report.anomalies
                    ),
                    "draft_count": len(report.drafts),
                    "notes": self._notes(
                        report, starts.get((report.series, report.period))
                    ),
                }
            )
        self.env["einvoice.numbering.audit.line"].create(lines)
        return {
            "type": "ir.actions.act_window",
            "res_model": self._name,
            "res_id": self.id,
            "view_mode": "form",
            "target": "current",
        }

    def _notes(self, report, start):
        """What the report says beside the anomalies: where an earlier program's
        numbers end, and which issued numbers are on drafts now (a draft keeps its
        number: it is issued, and posted again under it)."""
        notes = []
        if start:
            notes.append(
                _(
                    "Series continued from %(name)s, set by %(user)s on %(date)s: "
                    "the numbers before it were issued by an earlier program.",
                    name=start.name,
                    user=start.user_id.name or "",
                    date=fields.Date.to_string(start._set_on()),
                )
            )
        if report.drafts:
            notes.append(
                _(
                    "%(count)s of the %(total)s issued numbers are on drafts now: "
                    "%(names)s.",
                    count=len(report.drafts),
                    total=report.count,
                    names=", ".join(report.drafts),
                )
            )
        return "\n".join(notes)

    @api.model
    def audit_numbering(self, date_from, date_to, journal_ids=None):
        """The audit as data, for XML-RPC: one dict per series and period."""
        wizard = self.create(
            {
                "date_from": date_from,
                "date_to": date_to,
                "journal_ids": [(6, 0, journal_ids or [])],
            }
        )
        wizard.action_run()
        return wizard.line_ids.read(
            [
                "journal_id",
                "series",
                "period",
                "first_number",
                "last_number",
                "count",
                "anomaly_count",
                "anomalies",
                "draft_count",
                "notes",
            ]
        )

    def _csv(self):
        self.ensure_one()
        buffer = io.StringIO()
        writer = csv.writer(buffer, delimiter=";")
        writer.writerow(
            [
                _("Series"),
                _("Period"),
                _("First number"),
                _("Last number"),
                _("Count"),
                _("Anomalies"),
                _("On drafts"),
                _("Notes"),
            ]
        )
        for line in self.line_ids:
            writer.writerow(
                [
                    line.series,
                    line.period,
                    line.first_number,
                    line.last_number,
                    line.count,
                    (line.anomalies or "").replace("\n", " | "),
                    line.draft_count,
                    (line.notes or "").replace("\n", " | "),
                ]
            )
        return buffer.getvalue().encode("utf-8-sig")  # a BOM, for spreadsheet programs

    def action_export_csv(self):
        self.ensure_one()
        if not self.line_ids:
            self.action_run()
        attachment = self.env["ir.attachment"].create(
            {
                "name": f"numbering-audit-{self.date_from}-{self.date_to}.csv",
                "datas": base64.b64encode(self._csv()),
                "mimetype": "text/csv",
                "res_model": self._name,
                "res_id": self.id,
            }
        )
        return {
            "type": "ir.actions.act_url",
            "url": f"/web/content/{attachment.id}?download=true",
            "target": "self",
        }

    def action_print_pdf(self):
        self.ensure_one()
        if not self.line_ids:
            self.action_run()
        return self.env.ref(
            "l10n_be_nl_einvoice.action_report_numbering_audit"
        ).report_action(self)

    @api.model
    def _cron_check_numbering(self):
        """Daily: audit every company's sales journals over this year and the last,
        and give the accountant an activity on each journal with an anomaly."""
        today = fields.Date.today()
        for company in self.env["res.company"].search([]):
            wizard = self.create(
                {
                    "company_id": company.id,
                    "date_from": date(today.year - 1, 1, 1),
                    "date_to": date(today.year, 12, 31),
                }
            )
            wizard.action_run()
            for line in wizard.line_ids.filtered("anomaly_count"):
                wizard._raise_activity(line.journal_id, line)

    def _raise_activity(self, journal, line):
        summary = _("Invoice numbering anomaly: %(series)s", series=line.series)
        if not journal or journal.activity_ids.filtered(lambda a: a.summary == summary):
            return
        accountant = self.env["res.users"].search(
            [
                ("groups_id", "in", self.env.ref("account.group_account_manager").ids),
                ("company_ids", "in", journal.company_id.ids),
                ("share", "=", False),
            ],
            limit=1,
            order="id",
        )
        journal.activity_schedule(
            "mail.mail_activity_data_todo",
            summary=summary,
            note=_(
                "The daily check found in %(series)s, period %(period)s:\n"
                "%(anomalies)s",
                series=line.series,
                period=line.period,
                anomalies=line.anomalies,
            ),
            user_id=(accountant or self.env.ref("base.user_admin")).id,
        )


class EinvoiceNumberingAuditLine(models.TransientModel):
    _name = "einvoice.numbering.audit.line"
    _description = "Invoice numbering audit line"
    _order = "series, period"

    audit_id = fields.Many2one(
        "einvoice.numbering.audit", required=True, ondelete="cascade"
    )
    journal_id = fields.Many2one("account.journal", readonly=True)
    series = fields.Char(readonly=True)
    period = fields.Char(readonly=True)
    first_number = fields.Integer(readonly=True)
    last_number = fields.Integer(readonly=True)
    count = fields.Integer(readonly=True)
    anomaly_count = fields.Integer(string="Anomalies found", readonly=True)
    anomalies = fields.Text(readonly=True)
    draft_count = fields.Integer(
        string="On drafts",
        readonly=True,
        help="Issued numbers on documents reset to draft since: they keep their "
        "number and count as issued.",
    )
    notes = fields.Text(readonly=True)

    @api.model
    def _anomaly_labels(self):
        return [
            ("gap", _("Missing number(s):")),
            ("duplicate", _("Number used twice:")),
            ("name", _("Wrong name:")),
            ("date", _("Dated before an earlier number:")),
        ]
