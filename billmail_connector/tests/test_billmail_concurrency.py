# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Two workers run the accountant-mailbox cron at once, on real database connections
that commit as workers do: every document is queued once and e-mailed once."""
# pylint: disable=invalid-commit

import sys
import threading
import traceback
from unittest.mock import patch

from psycopg2 import errors

from odoo import SUPERUSER_ID, api, fields
from odoo.tests import TransactionCase, tagged

from ..models import billmail_sender

DOCUMENTS = 8
# Each worker renders its documents' PDFs: on a loaded machine that takes minutes, not
# seconds.
WORKER_TIMEOUT = 600
# The clean-up waits this long at most for a row lock, then fails instead of hanging.
CLEAN_UP_LOCK_TIMEOUT = "60s"


@tagged("post_install", "-at_install")
class TestTwoWorkersAtOnce(TransactionCase):
    def setUp(self):
        super().setUp()
        registry = self.env.registry
        with registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            company = env["res.company"].search([("name", "=", "Atelier Lambrecht BV")])
            if not company:
                self.skipTest("needs the demo data of setup/demo_data.py")
            env = env(context={"allowed_company_ids": company.ids})
            customer = env["res.partner"].search(
                [("name", "=", "Bakkerij Janssens BV")]
            )
            income = env["account.account"].search(
                [("company_ids", "in", company.ids), ("account_type", "=", "income")],
                limit=1,
            )
            journal = env["account.journal"].create(
                {
                    "name": "Accountant concurrency",
                    "code": "BMC",
                    "type": "sale",
                    "company_id": company.id,
                    "default_account_id": income.id,
                }
            )
            today = fields.Date.context_today(env["account.move"])
            mailbox = env["billmail.mailbox"].create(
                {
                    "company_id": company.id,
                    "document_type": "out_invoice",
                    "email": "verkoop@boekhouder.example",
                    "ubl_profile": False,
                    "attach_pdf": True,
                    "date_start": today,
                }
            )
            company.write({"billmail_schedule": "grace", "billmail_grace_minutes": 10})
            moves = env["account.move"].create(
                [
                    {
                        "move_type": "out_invoice",
                        "journal_id": journal.id,
                        "partner_id": customer.id,
                        "invoice_date": today,
                        "invoice_line_ids": [
                            (
                                0,
                                0,
                                {"name": f"line {i}", "quantity": 1, "price_unit": 10},
                            )
                        ],
                    }
                    for i in range(DOCUMENTS)
                ]
            )
            moves.action_post()
            # Posted an hour ago: past their delay.
            env.flush_all()
            cr.execute(
                "UPDATE account_move SET billmail_posted_at = "
                "(now() AT TIME ZONE 'UTC') - interval '1 hour' WHERE id = ANY(%s)",
                [moves.ids],
            )
            cr.commit()
        self.journal_id, self.mailbox_id, self.move_ids = (
            journal.id,
            mailbox.id,
            moves.ids,
        )
        self.addCleanup(self._clean_up)

    def _clean_up(self):
        with self.env.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            cr.execute(f"SET LOCAL lock_timeout = '{CLEAN_UP_LOCK_TIMEOUT}'")
            cr.execute(
                "DELETE FROM mail_mail WHERE mail_message_id IN (SELECT id FROM "
                "mail_message WHERE model = 'account.move' AND res_id = ANY(%s))",
                [self.move_ids],
            )
            cr.execute(
                "DELETE FROM einvoice_transmission WHERE res_model = 'account.move' "
                "AND res_id = ANY(%s)",
                [self.move_ids],
            )
            # Rendered and sent only to be undone here: a test's own clean-up.
            cr.execute(
                "DELETE FROM ir_attachment WHERE res_model = 'account.move' "
                "AND res_id = ANY(%s)",
                [self.move_ids],
            )
            cr.execute(
                "UPDATE account_move SET einvoice_sent = false, is_move_sent = false "
                "WHERE id = ANY(%s)",
                [self.move_ids],
            )
            env.invalidate_all()
            moves = env["account.move"].browse(self.move_ids)
            moves.button_draft()
            for move in moves.sorted("einvoice_number", reverse=True):
                move.unlink()
            for table in ("einvoice_number_log", "einvoice_number_claim"):
                cr.execute(
                    f"DELETE FROM {table} WHERE journal_id = %s",
                    [self.journal_id],
                )
            env["billmail.mailbox"].browse(self.mailbox_id).unlink()
            env["account.journal"].browse(self.journal_id).unlink()
            cr.commit()

    def _workers(self, count=2):
        """`count` workers each run the cron until it finds nothing more; a worker
        whose rows another one changed meanwhile gets a serialization error, as in
        production, and its transaction is rolled back. A worker still running after
        WORKER_TIMEOUT fails the test with where it is; its database connection is
        ended so that its locks do not hold up the clean-up."""
        registry = self.env.registry
        start = threading.Barrier(count)
        conflicts, failures, backends = [], [], {}

        def work():
            with registry.cursor() as cr:
                cr.execute("SELECT pg_backend_pid()")
                backends[threading.get_ident()] = cr.fetchone()[0]
                env = api.Environment(cr, SUPERUSER_ID, {})
                start.wait(timeout=30)
                for _round in range(DOCUMENTS):
                    try:
                        env["billmail.sender"]._cron_send()
                        cr.commit()
                    except errors.SerializationFailure:
                        cr.rollback()
                        conflicts.append(1)
                    except Exception as error:  # noqa: BLE001 - reported by the test
                        cr.rollback()
                        failures.append(repr(error))
                        return

        # Daemon threads: a worker that never returns cannot keep the test run from
        # ending.
        threads = [threading.Thread(target=work, daemon=True) for _i in range(count)]
        with patch.object(billmail_sender, "CHUNK", 3):
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join(timeout=WORKER_TIMEOUT)
        stuck = [thread for thread in threads if thread.is_alive()]
        if stuck:
            self.fail(self._stop_stuck(stuck, backends))
        self.assertFalse(failures)
        return conflicts

    def _stop_stuck(self, stuck, backends):
        """End the database connections of the `stuck` workers (their transactions
        roll back, their locks go) and say where each one was waiting."""
        frames = sys._current_frames()
        pids = [backends[t.ident] for t in stuck if t.ident in backends]
        with self.env.registry.cursor() as cr:
            cr.execute(
                "SELECT pid, state, wait_event_type, wait_event, query "
                "FROM pg_stat_activity WHERE pid = ANY(%s)",
                [pids],
            )
            activity = {row[0]: row[1:] for row in cr.fetchall()}
            cr.execute("SELECT pg_terminate_backend(pid) FROM unnest(%s) pid", [pids])
        reports = []
        for thread in stuck:
            pid = backends.get(thread.ident)
            state, wait_type, wait_event, query = activity.get(pid, (None,) * 4)
            frame = frames.get(thread.ident)
            stack = "".join(traceback.format_stack(frame)[-8:]) if frame else "(ended)"
            reports.append(
                f"{thread.name} (database backend {pid}: {state}, waiting on "
                f"{wait_type}/{wait_event}, last query: {(query or '')[:200]!r}) is "
                f"at:\n{stack}"
            )
        return (
            f"{len(stuck)} worker(s) still running after {WORKER_TIMEOUT} s; their "
            "database connections were ended.\n" + "\n".join(reports)
        )

    def _check_each_once(self):
        with self.env.registry.cursor() as cr:
            cr.execute(
                "SELECT res_id, count(*), count(mail_id), min(state), max(state) "
                "FROM einvoice_transmission WHERE channel = 'billmail' "
                "AND res_model = 'account.move' AND res_id = ANY(%s) GROUP BY res_id",
                [self.move_ids],
            )
            rows = cr.fetchall()
            self.assertEqual(
                sorted(rows),
                sorted(
                    (move_id, 1, 1, "sending", "sending") for move_id in self.move_ids
                ),
            )
            cr.execute(
                "SELECT count(*) FROM mail_mail m JOIN mail_message msg "
                "ON msg.id = m.mail_message_id WHERE msg.model = 'account.move' "
                "AND msg.res_id = ANY(%s)",
                [self.move_ids],
            )
            self.assertEqual(cr.fetchone()[0], DOCUMENTS, "one e-mail per document")

    def test_two_workers_finding_the_same_due_documents_queue_and_send_each_once(self):
        self._workers()
        self._check_each_once()

    def test_two_workers_sharing_queued_documents_send_each_once(self):
        with self.env.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            company = env["account.move"].browse(self.move_ids[0]).company_id
            sender = env["billmail.sender"]
            queued, _skipped = sender._enqueue(sender._due(company))
            self.assertEqual(len(queued), DOCUMENTS)
            cr.commit()
        self._workers()
        self._check_each_once()
