# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import timedelta

from freezegun import freeze_time

from odoo import Command, fields
from odoo.exceptions import RedirectWarning, UserError, ValidationError
from odoo.tests import Form, tagged

from ..hooks import post_init_hook
from .common import NumberingCommon, role_users


@tagged("post_install", "-at_install")
class TestNumbering(NumberingCommon):
    # The day the next number is shown for, in the year of the invoices made here.
    TODAY = "2026-11-20"

    @freeze_time(TODAY)
    def test_posting_takes_the_next_numbers_of_the_series(self):
        self.assertEqual(self.journal.einvoice_number_format, "yy")
        self.assertEqual(self.journal.einvoice_next_number[:5], "FA-26")
        names = [self.invoice().name for _i in range(3)]
        self.assertEqual(names, ["FA-2600001", "FA-2600002", "FA-2600003"])
        refund = self.invoice(move_type="out_refund")
        self.assertEqual(refund.name, "CN-2600001")
        self.assertEqual((refund.sequence_prefix, refund.sequence_number), ("CN-26", 1))

    def test_the_three_belgian_formats_and_a_custom_one(self):
        self.journal.einvoice_number_format = "yymm"
        self.assertEqual(self.invoice().name, "FA-2611001")
        self.assertEqual(self.invoice(day="2026-12-01").name, "FA-2612001")
        journal = self.journal.copy({"code": "PLN", "name": "Plain"})
        journal.write(
            {"einvoice_number_format": "plain", "einvoice_number_prefix": "P-"}
        )
        self.assertEqual(journal.einvoice_next_number, "P-00001")
        journal.write(
            {
                "einvoice_number_format": "custom",
                "einvoice_number_prefix": "F/%(year)s/",
                "einvoice_refund_prefix": "C/%(year)s/",
                "einvoice_number_padding": 4,
                "einvoice_number_reset": "year",
            }
        )
        self.assertEqual(
            journal.einvoice_next_number, f"F/{fields.Date.today().year}/0001"
        )

    def test_a_series_that_could_repeat_numbers_is_refused(self):
        with self.assertRaisesRegex(ValidationError, "needs the year"):
            self.journal.write(
                {
                    "einvoice_number_format": "custom",
                    "einvoice_number_prefix": "F-",
                    "einvoice_number_reset": "year",
                }
            )

    def test_a_batch_is_numbered_in_date_order(self):
        days = ["2026-03-09", "2026-01-15", "2026-02-01", "2026-01-02"]
        moves = self.env["account.move"]
        for day in days:
            moves |= self.invoice(day=day, post=False)
        moves.action_post()
        by_date = moves.sorted("invoice_date")
        self.assertEqual(by_date.mapped("einvoice_number"), [1, 2, 3, 4])

    def test_a_series_keeps_its_invoice_dates_in_number_order(self):
        self.journal.einvoice_number_format = "yymm"
        self.assertEqual(self.env.company.einvoice_backdating, "refuse")  # the default
        last = self.invoice(day="2026-11-20")
        early = self.invoice(day="2026-11-10", post=False)
        with self.assertRaisesRegex(UserError, "cannot be dated") as refused:
            early.action_post()
        self.assertIn(last.name, str(refused.exception))
        self.assertIn("Date it", str(refused.exception))
        self.assertEqual(early.state, "draft")
        self.assertFalse(early.einvoice_number)
        # The same day, and a later month's own series, are in order.
        self.assertEqual(self.invoice(day="2026-11-20").name, "FA-2611002")
        self.assertEqual(self.invoice(day="2026-12-01").name, "FA-2612001")
        # A company may let such an invoice take the last invoice's date.
        self.env.company.einvoice_backdating = "last_date"
        early.action_post()
        self.assertEqual(early.invoice_date, fields.Date.to_date("2026-11-20"))
        self.assertEqual(early.name, "FA-2611003")

    def test_reset_to_draft_and_posting_again_keep_the_number(self):
        move = self.invoice()
        name = move.name
        move.button_draft()
        self.assertEqual(move.name, name)
        move.action_post()
        self.assertEqual(move.name, name)
        self.assertEqual(self.invoice().einvoice_number, 2)

    def test_a_number_never_changes_not_even_for_the_superuser(self):
        move = self.invoice()
        with self.assertRaisesRegex(UserError, "can never change"):
            move.sudo().name = "FA-2699999"
        move.button_draft()
        with self.assertRaisesRegex(UserError, "can never change"):
            move.sudo().write({"name": "/"})
        with self.assertRaisesRegex(UserError, "can no longer change"):
            move.journal_id = self.journal.copy({"code": "OTH", "name": "Other"})

    def test_the_invoice_date_stays_in_the_period_of_its_number(self):
        self.journal.einvoice_number_format = "yymm"
        move = self.invoice(day="2026-11-05")
        move.button_draft()
        move.invoice_date = fields.Date.to_date("2026-11-28")
        with self.assertRaisesRegex(ValidationError, "must stay in that period"):
            move.invoice_date = fields.Date.to_date("2026-12-02")

    def test_a_rolled_back_posting_gives_its_number_back(self):
        move = self.invoice(post=False)
        with self.assertRaises(RuntimeError), self.env.cr.savepoint():
            move.action_post()
            self.assertEqual(move.einvoice_number, 1)
            raise RuntimeError("posting fails later in the transaction")
        self.env.invalidate_all()
        self.assertEqual(move.state, "draft")
        self.assertEqual(self.invoice().einvoice_number, 1)

    def test_only_the_last_unsent_invoice_can_be_deleted_and_its_number_returns(self):
        first, middle, last = (self.invoice() for _i in range(3))
        (middle + last).button_draft()
        for user in (self.billing_user, self.accountant, self.administrator):
            with self.assertRaisesRegex(UserError, "only the last invoice of a series"):
                middle.with_user(user).with_context(force_delete=True).unlink()
        last_name = last.name
        last.with_user(self.billing_user).unlink()
        log = self.env["einvoice.number.log"].search(
            [("journal_id", "=", self.journal.id)]
        )
        self.assertEqual(
            (log.name, log.event, log.user_id),
            (last_name, "deleted", self.billing_user),
        )
        self.assertEqual(self.invoice().name, last_name)
        self.assertTrue(first.exists())

    def test_deleting_a_posted_invoice_offers_the_credit_note(self):
        move = self.invoice()
        self.invoice()
        with self.assertRaises(RedirectWarning) as refused:
            move.with_user(self.administrator).unlink()
        message, action_id, button, context = refused.exception.args
        self.assertIn("only the last invoice of a series", message)
        self.assertEqual(
            action_id, self.env.ref("account.action_view_account_move_reversal").id
        )
        self.assertEqual((button, context["active_ids"]), ("Credit Note", move.ids))

    def test_a_sent_invoice_cannot_be_deleted_even_by_an_administrator(self):
        move = self.invoice()
        move.is_move_sent = True
        move.button_draft()
        move.is_move_sent = False  # the mark of sending stays all the same
        with self.assertRaisesRegex(UserError, "already sent, printed or downloaded"):
            move.with_user(self.administrator).with_context(force_delete=True).unlink()
        with self.assertRaisesRegex(UserError, "already sent"):
            move.sudo().unlink()

    def test_a_printed_invoice_counts_as_sent(self):
        move = self.invoice()
        self.env["ir.actions.report"]._render_qweb_html(
            "account.report_invoice", move.ids
        )
        self.assertFalse(move.einvoice_sent, "an HTML preview is not a print")
        self.env["ir.actions.report"]._render_qweb_pdf(
            "account.report_invoice", move.ids
        )
        self.assertTrue(move.einvoice_sent)

    def test_resequencing_is_refused(self):
        moves = self.invoice() + self.invoice()
        wizard = (
            self.env["account.resequence.wizard"]
            .with_context(active_model="account.move", active_ids=moves.ids)
            .create({"first_name": "FA-2600010", "ordering": "keep"})
        )
        with self.assertRaisesRegex(UserError, "cannot be changed or reordered"):
            wizard.resequence()

    def test_a_change_of_a_used_series_applies_from_the_next_period(self):
        today = fields.Date.context_today(self.journal)
        self.init_invoice("out_invoice", invoice_date=today, amounts=[10.0], post=True)
        before = self.journal.einvoice_next_number
        self.journal.einvoice_number_prefix = "INV-"
        versions = self.journal.einvoice_series_ids.sorted("date_from")
        self.assertEqual(len(versions), 2)
        self.assertEqual(versions[-1].date_from.year, today.year + 1)
        self.assertEqual(
            versions[-1].date_from, versions[-1].date_from.replace(month=1, day=1)
        )
        self.assertEqual(self.journal.einvoice_next_number, before)
        self.assertIn(
            fields.Date.to_string(versions[-1].date_from),
            self.journal.einvoice_numbering_notice,
        )
        next_year = versions[-1].date_from + timedelta(days=3)
        self.assertEqual(
            self.invoice(day=next_year).name, f"INV-{next_year.year % 100:02d}00001"
        )

    def test_two_journals_of_a_company_cannot_share_a_series(self):
        with self.assertRaisesRegex(ValidationError, "same series"):
            self.journal.copy({"code": "DUP", "name": "Dup"}).write(
                {"einvoice_number_prefix": "FA-"}
            )

    def test_an_existing_journal_continues_from_its_last_posted_number(self):
        journal, legacy = self.legacy_journal("LEG", count=2)
        self.assertFalse(journal.einvoice_series_ids)
        self.assertEqual(legacy[-1].name, "LEG/2026/00002")
        journal.einvoice_numbering = True
        version = journal.einvoice_series_ids
        self.assertEqual(
            (version.number_format, version.prefix, version.padding, version.reset),
            ("custom", "LEG/%(year)s/", 5, "year"),
        )
        self.assertEqual(legacy.mapped("einvoice_number"), [1, 2])
        for today, expected_next in (
            (self.TODAY, "LEG/2026/00003"),
            ("2027-01-01", "LEG/2027/00001"),
        ):
            with freeze_time(today):
                journal.invalidate_recordset(["einvoice_next_number"])
                self.assertEqual(journal.einvoice_next_number, expected_next)
        third = self.invoice(day="2026-10-02", journal=journal)
        self.assertEqual(third.name, "LEG/2026/00003")
        legacy.button_draft()
        with self.assertRaisesRegex(UserError, "only the last invoice"):
            legacy[0].unlink()

    def test_installation_adopts_every_sales_journal_of_an_existing_database(self):
        journal, _legacy = self.legacy_journal("OLD", count=3)
        # As right after installation: the new field is on, no series exists yet.
        self.env.cr.execute(
            "UPDATE account_journal SET einvoice_numbering = true WHERE id = %s",
            [journal.id],
        )
        journal.invalidate_recordset(["einvoice_numbering"])
        post_init_hook(self.env)
        self.assertEqual(journal.einvoice_series_ids.prefix, "OLD/%(year)s/")
        self.assertEqual(
            self.invoice(day="2026-10-03", journal=journal).name, "OLD/2026/00004"
        )

    def test_each_company_numbers_on_its_own(self):
        other = self.setup_other_company()["company"]
        other_journal = self.env["account.journal"].search(
            [("company_id", "=", other.id), ("type", "=", "sale")], limit=1
        )
        other_journal.einvoice_numbering = True  # as the test company's (common.py)
        mine = self.invoice()
        theirs = self.invoice(company=other)
        self.assertEqual(theirs.journal_id, other_journal)
        self.assertEqual((mine.name, theirs.name), ("FA-2600001", "FA-2600001"))
        claims = (
            self.env["einvoice.number.claim"].with_user(self.billing_user).search([])
        )
        self.assertEqual(claims.company_id, self.env.company)

    def test_a_branch_posts_in_its_parent_companys_series(self):
        # Odoo shares a company's sales journals with its branches: a user working in
        # the branch posts there and takes the next number of the parent's series.
        company = self.env.company
        company.write({"child_ids": [Command.create({"name": "Branch Gent"})]})
        self.env.cr.precommit.run()  # the branch's chart of accounts, as Odoo's tests
        branch = company.child_ids
        billing = role_users(self.env, branch, prefix="branch")["billing"]
        self.env.invalidate_all()  # nothing read as the superuser helps the user
        move = (
            self.env["account.move"]
            .with_user(billing)
            .with_context(allowed_company_ids=branch.ids)
            .create(
                {
                    "move_type": "out_invoice",
                    "partner_id": self.partner_a.id,
                    "invoice_date": fields.Date.to_date("2026-11-05"),
                    "invoice_line_ids": [
                        Command.create(
                            {"name": "Repair", "quantity": 1, "price_unit": 80.0}
                        )
                    ],
                }
            )
        )
        self.assertEqual((move.company_id, move.journal_id), (branch, self.journal))
        move.action_post()
        self.assertEqual((move.name, self.invoice().name), ("FA-2600001", "FA-2600002"))
        self.assertEqual(move.einvoice_series_id.company_id, company)

    @freeze_time(TODAY)
    def test_the_settings_show_the_next_number(self):
        self.invoice()
        form = Form(self.journal)
        self.assertEqual(form.einvoice_next_number, "FA-2600002")
        settings = self.env["res.config.settings"].create({})
        self.assertEqual(settings.einvoice_sale_journal_id, self.journal)
        self.assertEqual(settings.einvoice_next_number, form.einvoice_next_number)
        action = settings.action_open_einvoice_numbering()
        self.assertEqual(
            (action["res_model"], action["res_id"]),
            ("account.journal", self.journal.id),
        )
        arch = self.env["account.journal"].get_views([(False, "form")])["views"][
            "form"
        ]["arch"]
        self.assertIn('name="einvoice_numbering"', arch)

    def test_credit_notes_can_share_the_invoice_series(self):
        journal, _moves = self.legacy_journal("SHR")
        journal.write({"refund_sequence": False, "einvoice_numbering": True})
        journal.einvoice_number_prefix = "S-"
        invoice = self.invoice(journal=journal)
        refund = self.invoice(move_type="out_refund", journal=journal)
        self.assertEqual((invoice.name, refund.name), ("S-2600001", "S-2600002"))

    def test_the_form_shows_the_restart_of_the_format_chosen(self):
        journal = self.journal.with_user(self.accountant)
        with Form(journal) as form:
            self.assertEqual(form.einvoice_number_reset, "year")
            form.einvoice_number_format = "yymm"
            self.assertEqual(
                (form.einvoice_number_reset, form.einvoice_number_padding),
                ("month", 3),
            )
        journal.invalidate_recordset()
        self.assertEqual(journal.einvoice_series_ids.reset, "month")
        form = Form(journal)
        self.assertEqual(form.einvoice_number_reset, "month")
        form.einvoice_number_format = "plain"
        self.assertEqual(form.einvoice_number_reset, "never")
        # A custom format keeps the restart the form shows, to change at will.
        form.einvoice_number_format = "custom"
        self.assertEqual(form.einvoice_number_reset, "never")

    def test_a_preset_keeps_its_own_restart_whatever_is_written(self):
        self.journal.write(
            {"einvoice_number_format": "yymm", "einvoice_number_reset": "year"}
        )
        self.journal.invalidate_recordset()  # the written value, until read again
        self.assertEqual(self.journal.einvoice_number_reset, "month")
        self.journal.einvoice_series_ids.reset = "never"
        self.assertEqual(self.journal.einvoice_series_ids.reset, "month")
