# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Scheduled runs of the recurring plans on real database connections at once (two
cron workers and a click on "Invoice what is due"), each committing as a worker
would: every period of every plan is invoiced exactly once."""
# pylint: disable=invalid-commit

import threading
from collections import Counter

from dateutil.relativedelta import relativedelta

from odoo import SUPERUSER_ID, Command, api, fields
from odoo.tests import TransactionCase, tagged

from ..lib import periods as lp

PLANS = 12


@tagged("post_install", "-at_install")
class TestRecurringConcurrency(TransactionCase):
    def setUp(self):
        super().setUp()
        self.today = fields.Date.context_today(self.env["res.partner"])
        self.start = self.today.replace(day=1) - relativedelta(months=3)
        with self.env.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            partner = env["res.partner"].create({"name": "Recurring customer"})
            plans = env["einvoice.recurring.plan"].create(
                [
                    {
                        "name": f"Plan {i}",
                        "partner_id": partner.id,
                        "date_start": self.start,
                        "invoice_action": "draft",
                        "line_ids": [
                            Command.create({"name": "Huur", "price_unit": 100 + i})
                        ],
                    }
                    for i in range(PLANS)
                ]
            )
            plans.action_start()
            cr.commit()
        self.partner_id, self.plan_ids = partner.id, plans.ids
        self.addCleanup(self._clean_up)

    def _clean_up(self):
        with self.env.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            env["account.move"].search(
                [("einvoice_recurring_plan_id", "in", self.plan_ids)]
            ).unlink()
            env["einvoice.recurring.plan"].browse(self.plan_ids).unlink()
            env["res.partner"].browse(self.partner_id).unlink()
            cr.commit()

    def test_concurrent_runs_invoice_each_period_once(self):
        go = threading.Event()
        errors = []

        def worker(method):
            try:
                with self.env.registry.cursor() as cr:
                    env = api.Environment(cr, SUPERUSER_ID, {})
                    plans = env["einvoice.recurring.plan"]
                    go.wait(10)
                    if method == "cron":
                        plans._cron_generate()
                    else:
                        plans.browse(self.plan_ids).action_generate_now()
                    cr.commit()
            except Exception as error:  # noqa: BLE001 - reported by the test
                errors.append(repr(error))

        threads = [
            threading.Thread(target=worker, args=(method,))
            for method in ("cron", "cron", "click")
        ]
        for thread in threads:
            thread.start()
        go.set()
        for thread in threads:
            thread.join(60)
        self.assertEqual(errors, [])
        expected = len(
            lp.due(self.start, lp.Rhythm("month"), "start", None, 0, self.today)
        )
        with self.env.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            plans = env["einvoice.recurring.plan"].browse(self.plan_ids)
            moves = env["account.move"].search(
                [("einvoice_recurring_plan_id", "in", self.plan_ids)]
            )
            for plan in plans:
                self.assertEqual(
                    plan.period_ids.mapped("index"), list(range(expected)), plan.name
                )
            self.assertEqual(len(moves), PLANS * expected)
            per_period = Counter(
                (p.plan_id.id, p.index) for p in plans.period_ids if p.move_id
            )
            self.assertEqual(set(per_period.values()), {1})
            # A restart afterwards finds nothing to do.
            self.assertFalse(plans.run_due()["invoice_ids"])
            cr.rollback()
