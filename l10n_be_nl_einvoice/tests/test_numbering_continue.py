# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""A company comes to Odoo during the year: its earlier program issued FA-2600001 to
FA-2600734, and the legal numbering goes on with FA-2600735. The next number of a
series is set by an accounting manager or an administrator, once, before the first
posting; the dates are today's, as on the day it is done."""

from datetime import date

from odoo import fields
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form, tagged

from .common import NumberingCommon, role_users


@tagged("post_install", "-at_install")
class TestNumberingContinue(NumberingCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.users = role_users(cls.env, cls.env.company, prefix="continue")
        cls.today = fields.Date.context_today(cls.journal)
        cls.yy = f"{cls.today.year % 100:02d}"

    def fa(self, number):
        """The invoice number `number` of this year's FA- series."""
        return f"FA-{self.yy}{number:05d}"

    def post(self, move_type="out_invoice", journal=None, user="billing"):
        """An invoice of today, posted by `user`."""
        move = self.invoice(
            day=self.today, move_type=move_type, journal=journal, post=False
        )
        move.with_user(self.users[user]).action_post()
        return move

    def set_on(self):
        """The day, for the user, of what this transaction sets."""
        return fields.Date.context_today(self.journal, self.env.cr.now())

    def journal_as(self, role, journal=None):
        journal = (journal or self.journal).with_user(self.users[role])
        journal.invalidate_recordset()
        return journal

    def test_a_manager_continues_the_series_and_posting_goes_on_from_there(self):
        journal = self.journal_as("manager")
        self.assertTrue(journal.einvoice_next_number_settable)
        journal.einvoice_next_number = self.fa(735)
        self.assertEqual(journal.einvoice_next_number, self.fa(735))
        self.assertEqual(
            [self.post().name, self.post().name], [self.fa(735), self.fa(736)]
        )
        self.assertEqual(self.journal_as("billing").einvoice_next_number, self.fa(737))
        # Credit notes have their own series, not continued here.
        self.assertEqual(self.post("out_refund").name, f"CN-{self.yy}00001")

        log = self.env["einvoice.number.log"].search(
            [("journal_id", "=", self.journal.id), ("event", "=", "continued")]
        )
        self.assertEqual(
            (log.user_id, log.next_before, log.name, log.kind),
            (self.users["manager"], self.fa(1), self.fa(735), "invoice"),
        )
        self.assertEqual(log.create_date, self.env.cr.now())
        # The billing user reads it in the log.
        self.assertEqual(
            self.env["einvoice.number.log"]
            .with_user(self.users["billing"])
            .search([("id", "=", log.id)])
            .next_before,
            self.fa(1),
        )

    def test_afterwards_it_is_read_only_and_a_write_names_the_number_issued(self):
        self.post()
        journal = self.journal_as("manager")
        self.assertFalse(journal.einvoice_next_number_settable)
        with Form(journal) as form, self.assertRaisesRegex(AssertionError, "readonly"):
            form.einvoice_next_number = self.fa(735)
        with self.assertRaises(UserError) as refused:
            journal.einvoice_next_number = self.fa(735)
        message = str(refused.exception)
        self.assertIn(self.journal.display_name, message)
        self.assertIn(f"already issued {self.fa(1)}", message)
        self.assertEqual(self.post().name, self.fa(2))

    def test_it_is_set_once(self):
        journal = self.journal_as("admin")
        journal.einvoice_next_number = "735"
        self.assertFalse(journal.einvoice_next_number_settable)
        # The same number again changes nothing (a form saved once more).
        journal.einvoice_next_number = self.fa(735)
        with self.assertRaises(UserError) as refused:
            self.journal_as("manager").einvoice_next_number = self.fa(800)
        message = str(refused.exception)
        self.assertIn(f"set already, to {self.fa(735)}", message)
        self.assertIn(self.users["admin"].name, message)
        self.assertIn(fields.Date.to_string(self.set_on()), message)
        self.assertEqual(self.post().name, self.fa(735))

    def test_a_form_sets_the_credit_notes_apart_from_the_invoices(self):
        with Form(self.journal_as("admin")) as form:
            self.assertEqual(form.einvoice_next_refund_number, f"CN-{self.yy}00001")
            form.einvoice_next_refund_number = "12"
        journal = self.journal_as("admin")
        self.assertEqual(journal.einvoice_next_refund_number, f"CN-{self.yy}00012")
        # Each kind is set on its own: invoices may still be continued.
        self.assertFalse(journal.einvoice_next_refund_number_settable)
        self.assertTrue(journal.einvoice_next_number_settable)
        self.assertEqual(self.post("out_refund").name, f"CN-{self.yy}00012")
        self.assertEqual(self.post().name, self.fa(1))

    def test_billing_and_internal_users_are_refused(self):
        for role in ("billing", "internal"):
            with self.assertRaises(AccessError):
                self.journal_as(role).einvoice_next_number = self.fa(735)
        self.assertEqual(self.journal_as("manager").einvoice_next_number, self.fa(1))
        self.assertFalse(
            self.env["einvoice.number.log"].search(
                [("journal_id", "=", self.journal.id)]
            )
        )

    def test_a_number_in_another_form_is_refused_naming_the_expected_form(self):
        journal = self.journal_as("manager")
        last_year = f"FA-{(self.today.year - 1) % 100:02d}00735"
        for wrong in (last_year, f"FA-{self.yy}0735", f"CN-{self.yy}00735", "FA-"):
            with self.assertRaises(ValidationError) as refused:
                journal.einvoice_next_number = wrong
            message = str(refused.exception)
            self.assertIn(f"next invoice number as FA-{self.yy}NNNNN", message)
            self.assertIn(wrong, message)
        monthly = self.journal.copy({"code": "MON", "name": "Monthly"})
        monthly.einvoice_number_format = "yymm"
        month = f"{self.today.month:02d}"
        with self.assertRaisesRegex(ValidationError, f"as MON-{self.yy}{month}NNN"):
            self.journal_as("manager", monthly).einvoice_next_number = self.fa(735)

    def test_never_at_or_below_a_number_the_journal_already_has(self):
        # Invoices numbered by Odoo in the series while the legal numbering was off.
        self.journal.einvoice_numbering = False
        old = self.invoice(day=self.today, post=False)
        old.name = self.fa(40)
        old.action_post()
        self.journal.einvoice_numbering = True
        journal = self.journal_as("manager")
        with self.assertRaises(UserError) as refused:
            journal.einvoice_next_number = self.fa(40)
        self.assertIn(f"already has {self.fa(40)}", str(refused.exception))
        self.assertIn(f"{self.fa(41)} or later", str(refused.exception))
        journal.einvoice_next_number = "41"
        self.assertEqual(self.post().name, self.fa(41))

    def test_a_number_typed_on_a_draft_is_never_replaced_without_a_word(self):
        draft = self.invoice(day=self.today, post=False)
        self.assertFalse(draft.name_placeholder, "the number is given at posting")
        draft.name = self.fa(735)
        with self.assertRaises(UserError) as refused:
            draft.with_user(self.users["billing"]).action_post()
        message = str(refused.exception)
        self.assertIn(f"the next number of journal {self.journal.display_name} is "
                      f"{self.fa(1)}", message)  # fmt: skip
        self.assertIn("next invoice number", message)
        self.assertEqual(draft.state, "draft")
        # Continued from that number, the draft posts under the number it shows.
        self.journal_as("manager").einvoice_next_number = self.fa(735)
        draft.with_user(self.users["billing"]).action_post()
        self.assertEqual((draft.name, draft.einvoice_number), (self.fa(735), 735))

    def test_the_last_invoice_deleted_gives_back_the_number_continued_from(self):
        self.journal_as("manager").einvoice_next_number = self.fa(735)
        first = self.post()
        first.button_draft()
        first.with_user(self.users["billing"]).unlink()
        self.assertEqual(self.post().name, self.fa(735))

    def test_a_change_of_a_continued_series_applies_from_the_next_period(self):
        self.journal_as("manager").einvoice_next_number = self.fa(735)
        self.journal_as("manager").einvoice_number_prefix = "INV-"
        versions = self.journal.einvoice_series_ids.sorted("date_from")
        self.assertEqual(len(versions), 2)
        self.assertEqual(versions[-1].date_from, date(self.today.year + 1, 1, 1))
        self.assertEqual(self.post().name, self.fa(735))

    def test_the_audit_starts_the_series_where_it_was_continued(self):
        self.journal_as("manager").einvoice_next_number = self.fa(735)
        self.post()
        self.post()
        wizard = (
            self.env["einvoice.numbering.audit"]
            .with_user(self.users["billing"])
            .create(
                {
                    "journal_ids": [(6, 0, self.journal.ids)],
                    "date_from": date(self.today.year, 1, 1),
                    "date_to": date(self.today.year, 12, 31),
                }
            )
        )
        wizard.action_run()
        line = wizard.line_ids
        self.assertEqual(
            (line.first_number, line.last_number, line.count, line.anomaly_count),
            (735, 736, 2, 0),
        )
        self.assertIn(
            f"Series continued from {self.fa(735)}, set by "
            f"{self.users['manager'].name} on "
            f"{fields.Date.to_string(self.set_on())}",
            line.notes,
        )
