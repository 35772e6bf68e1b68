# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The dashboard counts as sent only what the ledger says was sent, against a set of
invoices made by hand: sent, resent, sent twice by two channels, failed, never sent,
draft, a credit note, paid and overdue."""

from datetime import date, datetime

from freezegun import freeze_time

from odoo import Command, fields
from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged

from .common import DemoCompanyCase

# A year after the demo data, which is dated up to the day its database was made: its
# invoices stay out of the months and the to-do list counted here.
YEAR = date.today().year + 1


@tagged("post_install", "-at_install")
class TestDashboard(DemoCompanyCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.hour = cls.env["product.product"].search(
            [("name", "=", "Workshop hour")], limit=1
        )
        cls.ledger = cls.env["einvoice.transmission"]

    def document(self, day, price, move_type="out_invoice", post=True):
        move = self.env["account.move"].create(
            {
                "move_type": move_type,
                "partner_id": self.customer.id,
                "invoice_date": day,
                "invoice_date_due": day,
                "invoice_line_ids": [
                    Command.create(
                        {
                            "product_id": self.hour.id,
                            "quantity": 1,
                            "price_unit": price,
                            "tax_ids": [Command.clear()],
                        }
                    )
                ],
            }
        )
        if post:
            move.action_post()
        return move

    def transmit(self, move, channel, state, when, **values):
        transmission = self.ledger._open(move, channel, **values)
        transmission.sudo().write(
            {
                "state": state,
                "sent_at": datetime.fromisoformat(when) if state == "sent" else False,
            }
        )
        return transmission

    @freeze_time(f"{YEAR}-03-31")
    def test_sent_is_what_the_ledger_says_and_the_rest_is_to_do(self):
        dashboard = self.env["einvoice.dashboard"]
        drafts_before = dashboard.figures(self.company.id)["todo"]["draft_count"]
        a = self.document(f"{YEAR}-01-10", 100)
        b = self.document(f"{YEAR}-01-12", 200)
        c = self.document(f"{YEAR}-02-05", 300)
        d = self.document(f"{YEAR}-02-06", 400)
        e = self.document(f"{YEAR}-03-03", 500)
        credit = self.document(f"{YEAR}-03-05", 50, move_type="out_refund")
        draft = self.document(f"{YEAR}-03-06", 60, post=False)
        first = self.transmit(a, "email", "sent", f"{YEAR}-01-10 10:00:00")
        first._resend("The customer lost it").sudo().write(
            {"state": "sent", "sent_at": datetime(YEAR, 1, 11, 9)}
        )
        failed = self.transmit(b, "email", "failed", None)
        self.transmit(c, "post", "sent", f"{YEAR}-02-06 12:00:00")
        self.transmit(d, "email", "sent", f"{YEAR}-02-07 08:00:00")
        self.transmit(d, "post", "sent", f"{YEAR}-02-07 09:00:00")
        self.transmit(credit, "email", "sent", f"{YEAR}-03-05 16:00:00")
        # A reminder is not an invoice sent.
        self.transmit(b, "email", "sent", f"{YEAR}-03-01 10:00:00", kind="reminder")
        self.env["account.payment.register"].with_context(
            active_model="account.move", active_ids=a.ids
        ).create({"payment_date": f"{YEAR}-01-20"})._create_payments()

        figures = self.env["einvoice.dashboard"].figures(self.company.id, months=3)
        jan, feb, mar = figures["months"]
        self.assertEqual(
            [row["month"] for row in figures["months"]],
            [f"{YEAR}-01", f"{YEAR}-02", f"{YEAR}-03"],
        )
        self.assertEqual((jan["sent"], jan["sent_total"]), ({"email": 1}, 1))
        self.assertEqual((feb["sent"], feb["sent_total"]), ({"email": 1, "post": 2}, 2))
        self.assertEqual((mar["sent"], mar["sent_total"]), ({"email": 1}, 1))
        self.assertEqual((jan["invoices"], jan["invoiced"]), (2, 300))
        self.assertEqual(jan["paid"], 100)
        self.assertEqual(jan["overdue"], 200)
        self.assertEqual((feb["invoiced"], feb["overdue"]), (700, 700))
        self.assertEqual((mar["invoiced"], mar["overdue"]), (500, 500))
        self.assertEqual((mar["credit_notes"], mar["credited"]), (1, 50))
        todo = figures["todo"]
        self.assertEqual(todo["draft_count"], drafts_before + 1)
        self.assertIn(draft.id, [row["id"] for row in todo["drafts"]])
        self.assertEqual(todo["unsent_count"], 2)
        self.assertEqual({row["id"] for row in todo["unsent"]}, {b.id, e.id})
        self.assertEqual(todo["failed_count"], 1)
        self.assertEqual(todo["failed"][0]["id"], failed.id)
        self.assertEqual(figures["currency"]["symbol"], "€")
        self.assertGreaterEqual(figures["totals"]["overdue"], 1400)

    @freeze_time("2027-03-31")
    def test_recurring_plans_due_within_a_week_are_listed(self):
        plans = self.env["einvoice.recurring.plan"]
        values = {
            "partner_id": self.customer.id,
            "line_ids": [Command.create({"name": "Huur", "price_unit": 500})],
        }
        soon = plans.create({**values, "name": "Soon", "date_start": "2027-04-05"})
        later = plans.create({**values, "name": "Later", "date_start": "2027-05-01"})
        (soon | later).action_start()
        due = self.env["einvoice.dashboard"].figures(self.company.id)["plans_due"]
        self.assertEqual([row["id"] for row in due], [soon.id])
        self.assertEqual(due[0]["date"], "2027-04-05")
        self.assertTrue(fields.Date.today())

    def test_another_company_s_figures_are_refused(self):
        other = self.env["res.company"].create({"name": "Andere BV"})
        user = new_test_user(
            self.env,
            login="billing-dashboard",
            groups="account.group_account_invoice",
            company_id=self.company.id,
            company_ids=[Command.set(self.company.ids)],
        )
        with self.assertRaises(AccessError):
            self.env["einvoice.dashboard"].with_user(user).figures(other.id)
        self.assertEqual(
            self.env["einvoice.dashboard"].with_user(user).figures()["company"]["id"],
            self.company.id,
        )
