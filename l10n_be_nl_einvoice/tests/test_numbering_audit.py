# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import base64
from datetime import date

from freezegun import freeze_time

from odoo import fields
from odoo.tests import tagged

from .common import NumberingCommon


@tagged("post_install", "-at_install")
class TestNumberingAudit(NumberingCommon):
    def _audit(self, **values):
        wizard = self.env["einvoice.numbering.audit"].create(
            {
                "journal_ids": [(6, 0, self.journal.ids)],
                "date_from": fields.Date.to_date("2026-01-01"),
                "date_to": fields.Date.to_date("2026-12-31"),
                **values,
            }
        )
        wizard.action_run()
        return wizard

    def report_html(self, wizard):
        """The audit report of `wizard`, as HTML."""
        return (
            self.env["ir.actions.report"]
            ._render_qweb_html(
                "l10n_be_nl_einvoice.action_report_numbering_audit", wizard.ids
            )[0]
            .decode()
        )

    def test_a_complete_series_shows_first_last_and_count(self):
        for _i in range(3):
            self.invoice()
        self.invoice(move_type="out_refund")
        wizard = self._audit()
        lines = wizard.line_ids.sorted("series")
        self.assertEqual(
            [
                (li.series.split(" / ")[1], li.period, li.first_number, li.last_number)
                + (li.count,)
                for li in lines
            ],
            [("CN-26", "2026", 1, 1, 1), ("FA-26", "2026", 1, 3, 3)],
        )  # fmt: skip
        self.assertEqual(wizard.anomaly_count, 0)
        self.assertEqual(lines.journal_id, self.journal)
        rows = self.env["einvoice.numbering.audit"].audit_numbering(
            "2026-01-01", "2026-12-31", self.journal.ids
        )
        self.assertEqual(
            [
                (r["period"], r["first_number"], r["last_number"], r["count"])
                for r in rows
            ],
            [("2026", 1, 1, 1), ("2026", 1, 3, 3)],
        )

    def test_dates_out_of_number_order_in_existing_data_are_reported(self):
        # Posting keeps dates in order; data from before, or changed in the
        # database, may not be.
        first, second, third = (self.invoice(day="2026-11-20") for _i in range(3))
        self.env.cr.execute(
            "UPDATE account_move SET invoice_date = '2026-11-02' WHERE id = %s",
            [second.id],
        )
        self.env.invalidate_all()
        wizard = self._audit()
        self.assertEqual(wizard.anomaly_count, 1)
        self.assertIn(
            f"Dated before an earlier number: {second.name} (2026-11-02) after "
            f"{first.name} (2026-11-20)",
            wizard.line_ids.anomalies,
        )
        self.assertTrue(third.einvoice_number)

    def test_numbers_changed_behind_its_back_are_reported(self):
        first, middle, last = (self.invoice() for _i in range(3))
        self.env.cr.execute(
            "UPDATE account_move SET name = 'FA-2600009' WHERE id = %s", [last.id]
        )
        self.env.cr.execute(
            "DELETE FROM account_move_line WHERE move_id = %s", [middle.id]
        )
        self.env.cr.execute("DELETE FROM account_move WHERE id = %s", [middle.id])
        self.env.invalidate_all()
        wizard = self._audit()
        self.assertEqual(wizard.anomaly_count, 2)
        self.assertIn("Missing number(s): 2", wizard.line_ids.anomalies)
        self.assertIn(
            "Wrong name: FA-2600009 should read FA-2600003", wizard.line_ids.anomalies
        )

        csv_text = base64.b64decode(
            self.env["ir.attachment"]
            .browse(int(wizard.action_export_csv()["url"].split("/")[3].split("?")[0]))
            .datas
        ).decode("utf-8-sig")
        self.assertIn(
            "Series;Period;First number;Last number;Count;Anomalies", csv_text
        )
        self.assertIn("Missing number(s): 2 | Wrong name: FA-2600009", csv_text)

        html = self.report_html(wizard)
        self.assertIn("Invoice Numbering Audit", html)
        self.assertIn("FA-2600009 should read FA-2600003", html)
        # Tests render HTML unless asked for the real PDF (wkhtmltopdf).
        reports = self.env["ir.actions.report"]
        reports = reports.with_context(force_report_rendering=True)
        pdf, kind = reports._render_qweb_pdf(
            "l10n_be_nl_einvoice.action_report_numbering_audit", wizard.ids
        )
        self.assertEqual((kind, pdf[:5]), ("pdf", b"%PDF-"))
        self.assertTrue(first.exists())

    def test_the_daily_check_gives_the_accountant_one_activity(self):
        self.invoice()
        gap = self.invoice()
        self.invoice()
        self.env.cr.execute(
            "DELETE FROM account_move_line WHERE move_id = %s", [gap.id]
        )
        self.env.cr.execute("DELETE FROM account_move WHERE id = %s", [gap.id])
        self.env.invalidate_all()
        audits = self.env["einvoice.numbering.audit"]
        # On 1 January the daily check still audits the year just ended.
        with freeze_time("2027-01-01"):
            audits._cron_check_numbering()
            audits._cron_check_numbering()
        activity = self.journal.activity_ids
        self.assertEqual(len(activity), 1)
        self.assertIn("Invoice numbering anomaly", activity.summary)
        self.assertTrue(activity.user_id.has_group("account.group_account_manager"))

    def test_invoices_numbered_before_installation_are_audited_too(self):
        journal, _moves = self.legacy_journal("BEF", count=2, day="2026-03-01")
        wizard = self._audit(journal_ids=[(6, 0, journal.ids)])
        self.assertEqual(
            [(li.series, li.count, li.anomaly_count) for li in wizard.line_ids],
            [("Legacy BEF / BEF/2026/", 2, 0)],
        )

    def test_the_audit_says_which_issued_numbers_are_on_drafts_now(self):
        today = fields.Date.context_today(self.journal)
        first, second, third = (self.invoice(day=today) for _i in range(3))
        (third + first).button_draft()  # each keeps its number: it is issued
        wizard = self._audit(
            date_from=date(today.year, 1, 1), date_to=date(today.year, 12, 31)
        )
        line = wizard.line_ids
        self.assertEqual((line.count, line.anomaly_count, line.draft_count), (3, 0, 2))
        self.assertEqual(
            line.notes,
            f"2 of the 3 issued numbers are on drafts now: {first.name}, {third.name}.",
        )
        self.assertEqual(second.state, "posted")
        csv_text = base64.b64decode(
            self.env["ir.attachment"]
            .browse(int(wizard.action_export_csv()["url"].split("/")[3].split("?")[0]))
            .datas
        ).decode("utf-8-sig")
        self.assertIn(";Anomalies;On drafts;Notes", csv_text)
        self.assertIn(f";2;2 of the 3 issued numbers are on drafts now: {first.name}",
                      csv_text)  # fmt: skip
        html = self.report_html(wizard)
        self.assertIn("On drafts", html)
        self.assertIn(f"on drafts now: {first.name}, {third.name}", html)
        [row] = self.env["einvoice.numbering.audit"].audit_numbering(
            str(date(today.year, 1, 1)), str(date(today.year, 12, 31)), self.journal.ids
        )
        self.assertEqual(row["draft_count"], 2)
