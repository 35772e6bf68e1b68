# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Several real database connections post at once while another one deletes the last
invoice: no number is skipped, none is given twice, none is lost to a rollback.

Each connection commits as a worker would: that is what is tested."""
# pylint: disable=invalid-commit

import threading
import time
from collections import Counter
from datetime import timedelta
from unittest.mock import patch

from odoo import SUPERUSER_ID, api, fields
from odoo.exceptions import UserError
from odoo.tests import TransactionCase, tagged

from ..models.einvoice_number_log import EinvoiceNumberLog
from ..models.einvoice_number_series import EinvoiceNumberClaim

POSTERS = 4
PER_POSTER = 8


@tagged("post_install", "-at_install")
class TestNumberingConcurrency(TransactionCase):
    def setUp(self):
        super().setUp()
        registry = self.env.registry
        with registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            company = env.company
            income = env["account.account"].search(
                [("company_ids", "in", company.ids), ("account_type", "=", "income")],
                limit=1,
            )
            journal = env["account.journal"].create(
                {
                    "name": "Concurrency",
                    "code": "CCY",
                    "type": "sale",
                    "company_id": company.id,
                    "default_account_id": income.id,
                }
            )
            partner = env["res.partner"].create(
                {
                    "name": "Concurrent customer",
                    "street": "Meir 1",
                    "zip": "2000",
                    "city": "Antwerpen",
                    "country_id": env.ref("base.be").id,
                }
            )
            day = fields.Date.to_date("2026-06-15")
            moves = env["account.move"].create(
                [
                    {
                        "move_type": "out_invoice",
                        "journal_id": journal.id,
                        "partner_id": partner.id,
                        "invoice_date": day,
                        "invoice_line_ids": [
                            (
                                0,
                                0,
                                {
                                    "name": f"line {i}",
                                    "quantity": 1,
                                    "price_unit": 10 + i,
                                },
                            )
                        ],
                    }
                    for i in range(POSTERS * PER_POSTER + 1)
                ]
            )
            # The invoice another connection will try to delete: the last one, unsent.
            moves[0].action_post()
            moves[0].button_draft()
            cr.commit()
        self.journal_id, self.partner_id = journal.id, partner.id
        self.to_delete_id, self.draft_ids = moves[0].id, moves[1:].ids
        self.addCleanup(self._clean_up)

    def _clean_up(self):
        with self.env.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            moves = env["account.move"].search([("journal_id", "=", self.journal_id)])
            moves.filtered(lambda m: m.state == "posted").button_draft()
            # Only the last number can go: delete from the end of the series.
            for move in moves.sorted("einvoice_number", reverse=True):
                move.unlink()
            cr.execute(
                "DELETE FROM einvoice_number_log WHERE journal_id = %s",
                (self.journal_id,),
            )
            cr.execute(
                "DELETE FROM einvoice_number_start WHERE journal_id = %s",
                (self.journal_id,),
            )
            cr.execute(
                "DELETE FROM einvoice_number_claim WHERE journal_id = %s",
                (self.journal_id,),
            )
            env["account.journal"].browse(self.journal_id).unlink()
            env["res.partner"].browse(self.partner_id).unlink()
            cr.commit()

    def _run(self, delete_first):
        """Four connections post all drafts while a fifth deletes the last invoice. With
        `delete_first`, the deletion is under way (uncommitted) when the postings start;
        otherwise a posting is under way when the deletion is tried."""
        registry = self.env.registry
        go = threading.Event()
        errors, deleted, refused = [], [], []
        chunks = [self.draft_ids[i::POSTERS] for i in range(POSTERS)]

        def post(move_ids, first):
            with registry.cursor() as cr:
                env = api.Environment(cr, SUPERUSER_ID, {})
                if delete_first or not first:
                    go.wait(timeout=30)
                for index, move_id in enumerate(move_ids):
                    try:
                        env["account.move"].browse(move_id).action_post()
                        if first and index == 0 and not delete_first:
                            go.set()
                            time.sleep(0.5)  # hold the new number uncommitted a while
                        cr.commit()
                    except Exception as error:  # noqa: BLE001 - reported by the test
                        cr.rollback()
                        errors.append(f"{move_id}: {error!r}")

        def delete_last():
            with registry.cursor() as cr:
                env = api.Environment(cr, SUPERUSER_ID, {})
                if not delete_first:
                    go.wait(timeout=30)
                try:
                    env["account.move"].browse(self.to_delete_id).unlink()
                    if delete_first:
                        go.set()
                        time.sleep(0.5)  # hold the deletion uncommitted a while
                    cr.commit()
                    deleted.append(self.to_delete_id)
                except UserError as error:
                    cr.rollback()
                    refused.append(str(error))
                finally:
                    go.set()

        threads = [
            threading.Thread(target=post, args=(chunk, index == 0))
            for index, chunk in enumerate(chunks)
        ]
        threads.append(threading.Thread(target=delete_last))
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)
        self.assertFalse(any(t.is_alive() for t in threads), "a connection hung")
        self.assertEqual(errors, [], "no posting may fail")
        return deleted, refused

    def _check_series(self, reused):
        with self.env.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            moves = env["account.move"].search([("journal_id", "=", self.journal_id)])
            numbered = moves.filtered("einvoice_number")
            self.assertEqual(
                len(moves.filtered(lambda m: m.state == "posted")), len(self.draft_ids)
            )
            numbers = sorted(numbered.mapped("einvoice_number"))
            # No gap and no duplicate among the invoices that exist.
            self.assertEqual(numbers, list(range(1, len(numbers) + 1)))
            self.assertEqual(Counter(numbered.mapped("name")).most_common(1)[0][1], 1)
            claims = env["einvoice.number.claim"].search(
                [("journal_id", "=", self.journal_id)]
            )
            self.assertEqual(sorted(claims.mapped("number")), numbers)
            self.assertEqual(claims.move_id, numbered)
            log = env["einvoice.number.log"].search(
                [("journal_id", "=", self.journal_id)]
            )
            # The one legal re-use of a number: the deleted last invoice's, logged.
            self.assertEqual(log.mapped("number"), [1] if reused else [])
            self.assertEqual(len(numbers), len(self.draft_ids) + (0 if reused else 1))

    def test_postings_wait_for_a_deletion_of_the_last_and_reuse_its_number(self):
        deleted, refused = self._run(delete_first=True)
        self.assertEqual((deleted, refused), ([self.to_delete_id], []))
        self._check_series(reused=True)

    def test_the_last_cannot_be_deleted_while_a_later_number_is_being_posted(self):
        deleted, refused = self._run(delete_first=False)
        self.assertEqual(deleted, [])
        self.assertIn("only the last invoice of a series", refused[0])
        self._check_series(reused=False)

    def _race(self, to_delete, new):
        """One connection deletes `to_delete`, the last invoice: it has found the
        invoice is the last and waits up to a second, before giving its number
        back, for another connection to post `new`."""
        registry = self.env.registry
        checked, claimed = threading.Event(), threading.Event()
        errors = []
        original_log, original_claim = (
            EinvoiceNumberLog.create,
            EinvoiceNumberClaim._claim,
        )

        def log_then_pause(model, vals_list):
            checked.set()
            claimed.wait(timeout=1)
            return original_log(model, vals_list)

        def claim_and_tell(model, *args, **kwargs):
            first = original_claim(model, *args, **kwargs)
            claimed.set()
            return first

        def on_own_connection(method, move_id):
            with registry.cursor() as cr:
                env = api.Environment(cr, SUPERUSER_ID, {})
                try:
                    getattr(env["account.move"].browse(move_id), method)()
                    cr.commit()
                except Exception as error:  # noqa: BLE001 - reported by the test
                    cr.rollback()
                    errors.append(repr(error))

        def delete():
            try:
                on_own_connection("unlink", to_delete)
            finally:
                checked.set()

        def post():
            checked.wait(timeout=30)
            on_own_connection("action_post", new)

        threads = [threading.Thread(target=delete), threading.Thread(target=post)]
        with (
            patch.object(EinvoiceNumberLog, "create", log_then_pause),
            patch.object(EinvoiceNumberClaim, "_claim", claim_and_tell),
        ):
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join(timeout=60)
        self.assertFalse(any(t.is_alive() for t in threads), "a connection hung")
        return errors

    def test_a_posting_never_takes_a_number_while_the_last_is_given_back(self):
        """The deletion of the last invoice is about to give its number back when a
        posting starts: the posting waits for the deletion and takes that number,
        or the deletion would leave a gap for good. Several times, each with a new
        last invoice."""
        drafts = iter(self.draft_ids)
        to_delete = self.to_delete_id
        for trial in range(1, 5):
            new = next(drafts)
            self.assertEqual(self._race(to_delete, new), [], f"trial {trial}")
            with self.env.registry.cursor() as cr:
                env = api.Environment(cr, SUPERUSER_ID, {})
                numbers = sorted(
                    env["account.move"]
                    .search([("journal_id", "=", self.journal_id)])
                    .filtered("einvoice_number")
                    .mapped("einvoice_number")
                )
                self.assertEqual(numbers, list(range(1, len(numbers) + 1)))
                posted = env["account.move"].browse(new)
                self.assertEqual(
                    posted.einvoice_number, 1, "the number given back is taken again"
                )
                self.assertFalse(posted.made_sequence_gap)
                # The next trial deletes the invoice just posted, reset to draft.
                posted.button_draft()
                cr.commit()
            to_delete = new

    def test_a_refusal_names_an_invoice_numbered_since_this_transaction_began(self):
        """Under load, the last invoice of a series may be one another connection
        numbered after this transaction's snapshot: the refusals name it all the
        same, not by its bare number."""
        registry = self.env.registry
        first_draft, second_draft = self.draft_ids[:2]
        with registry.cursor() as mine:
            env = api.Environment(mine, SUPERUSER_ID, {})
            to_delete = env["account.move"].browse(self.to_delete_id)
            self.assertEqual(to_delete.einvoice_number, 1)  # the snapshot is taken
            with registry.cursor() as other:
                other_env = api.Environment(other, SUPERUSER_ID, {})
                posted = other_env["account.move"].browse(first_draft)
                posted.action_post()
                last_name, last_day = posted.name, posted.invoice_date
                other.commit()
            self.assertEqual(env["account.move"].browse(first_draft).state, "draft")
            with self.assertRaises(UserError) as refused:
                to_delete.unlink()
            self.assertIn(f"(here {last_name})", str(refused.exception))
            # The same for an invoice dated before that last one.
            env.company.einvoice_backdating = "refuse"
            early = env["account.move"].browse(second_draft)
            early.invoice_date = last_day - timedelta(days=1)
            with self.assertRaises(UserError) as refused:
                early.action_post()
            self.assertIn(
                f"of its series, {last_name}, is dated", str(refused.exception)
            )
            mine.rollback()

    def test_a_posting_takes_the_number_a_series_was_continued_from_meanwhile(self):
        """A manager continues the series while a posting transaction is under way:
        the posting, whose snapshot is older, still takes the number set."""
        registry = self.env.registry
        with registry.cursor() as cr:
            # The series has issued nothing once its last invoice is gone.
            env = api.Environment(cr, SUPERUSER_ID, {})
            env["account.move"].browse(self.to_delete_id).unlink()
            cr.commit()
        with registry.cursor() as mine:
            env = api.Environment(mine, SUPERUSER_ID, {})
            draft = env["account.move"].browse(self.draft_ids[0])
            draft.invoice_date = fields.Date.context_today(draft)
            with registry.cursor() as other:
                other_env = api.Environment(other, SUPERUSER_ID, {})
                journal = other_env["account.journal"].browse(self.journal_id)
                journal.einvoice_next_number = "735"
                continued = journal.einvoice_next_number
                other.commit()
            draft.action_post()
            self.assertEqual((draft.name, draft.einvoice_number), (continued, 735))
            mine.commit()
        self.assertTrue(continued.endswith("00735"))
