# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""What depends on today, on the last day of a year and of a half-year and on the day
after, with the clock pinned: the number the next invoice takes and when a change of
series applies, the statutory interest up to today (the rate table changes per year
and per half-year, and ends), the "Last 30 days" and "Due this week" filters and the
dashboard's plans due within a week."""

from dateutil.relativedelta import relativedelta
from freezegun import freeze_time
from lxml import etree

from odoo import Command, fields
from odoo.tests import tagged
from odoo.tools.safe_eval import safe_eval

from .common import DemoCompanyCase, NumberingCommon, own_sales_journal, role_users

# (last day, first day of the next period) at the end of a year and of a half-year.
YEAR_END = ("2026-12-31", "2027-01-01")
HALF_YEAR_END = ("2027-06-30", "2027-07-01")


@tagged("post_install", "-at_install")
class TestNumberingAtPeriodEnds(NumberingCommon):
    def next_number(self, journal=None):
        journal = (journal or self.journal).with_user(self.billing_user)
        journal.invalidate_recordset(["einvoice_next_number"])
        return journal.einvoice_next_number

    def test_a_yearly_series_starts_again_on_1_january_and_runs_on_at_mid_year(self):
        self.assertEqual(self.journal.einvoice_number_format, "yy")
        last, first = YEAR_END
        with freeze_time(last):
            self.assertEqual(self.next_number(), "FA-2600001")
            self.assertEqual(self.invoice(day=last).name, "FA-2600001")
            self.assertEqual(self.next_number(), "FA-2600002")
        with freeze_time(first):
            self.assertEqual(self.next_number(), "FA-2700001")
            self.assertEqual(self.invoice(day=first).name, "FA-2700001")
        last, first = HALF_YEAR_END
        with freeze_time(last):
            self.assertEqual(self.invoice(day=last).name, "FA-2700002")
        with freeze_time(first):
            self.assertEqual(self.next_number(), "FA-2700003")
            self.assertEqual(self.invoice(day=first).name, "FA-2700003")

    def test_a_monthly_series_starts_again_each_month_across_the_year_end(self):
        self.journal.einvoice_number_format = "yymm"
        for last, first in (YEAR_END, HALF_YEAR_END):
            with freeze_time(last):
                this_month = f"FA-{last[2:4]}{last[5:7]}"
                self.assertEqual(self.next_number(), f"{this_month}001")
                self.assertEqual(self.invoice(day=last).name, f"{this_month}001")
                self.assertEqual(self.next_number(), f"{this_month}002")
            with freeze_time(first):
                next_month = f"FA-{first[2:4]}{first[5:7]}"
                self.assertEqual(self.next_number(), f"{next_month}001")
                self.assertEqual(self.invoice(day=first).name, f"{next_month}001")

    def test_a_change_made_on_the_last_day_applies_from_the_next_period(self):
        for number_format, (last, first), (old, new) in (
            ("yy", YEAR_END, ("Y-", "YE-")),
            ("yymm", HALF_YEAR_END, ("H-", "HY-")),
        ):
            journal = self.journal.copy({"code": new[:2], "name": f"Sales {new}"})
            journal.write(
                {
                    "default_account_id": self.journal.default_account_id.id,
                    "einvoice_number_format": number_format,
                    "einvoice_number_prefix": old,
                }
            )
            with freeze_time(last):
                used = self.invoice(day=last, journal=journal).name
                journal.einvoice_number_prefix = new
                self.assertEqual(
                    journal.einvoice_series_ids.sorted("date_from")[-1].date_from,
                    fields.Date.to_date(first),
                )
                self.assertEqual(
                    self.invoice(day=last, journal=journal).name,
                    used[:-1] + "2",
                )
            with freeze_time(first):
                self.assertTrue(self.next_number(journal).startswith(new))
                self.assertTrue(
                    self.invoice(day=first, journal=journal).name.startswith(new)
                )


@tagged("post_install", "-at_install")
class TestTodayAtPeriodEnds(DemoCompanyCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.users = role_users(cls.env, cls.company)
        # Invoices at fixed dates (the rate table's): in a journal of the tests' own.
        cls.journal = own_sales_journal(cls.env, cls.company)
        cls.hour = cls.env["product.product"].search(
            [("name", "=", "Workshop hour")], limit=1
        )
        cls.consumer = cls.env["res.partner"].create(
            {
                "name": "An Claes",
                "is_company": False,
                "street": "Kerkstraat 3",
                "zip": "2000",
                "city": "Antwerpen",
                "country_id": cls.env.ref("base.be").id,
            }
        )

    def invoice(self, due, partner=None):
        move = self.env["account.move"].create(
            {
                "move_type": "out_invoice",
                "partner_id": (partner or self.customer).id,
                "journal_id": self.journal.id,
                "invoice_date": fields.Date.to_date(due) - relativedelta(months=1),
                "invoice_date_due": due,
                "invoice_payment_term_id": False,
                "invoice_line_ids": [
                    Command.create(
                        {"product_id": self.hour.id, "quantity": 2, "price_unit": 85}
                    )
                ],
            }
        )
        move.action_post()
        return move.with_user(self.users["billing"])

    def stretches(self, move):
        (figures,) = move.einvoice_late_interest()
        self.assertFalse(figures["problem"])
        return [(s["from"], s["to"], s["rate"]) for s in figures["stretches"]]

    def test_interest_up_to_today_takes_the_rate_of_each_year_and_half_year(self):
        # Belgium: the legal rate changes per calendar year (5.75 % in 2024, 4.5 % in
        # 2025), the commercial rate per half-year (11.5 %, then 10.5 %).
        yearly = self.invoice("2024-12-20", partner=self.consumer)
        with freeze_time("2024-12-31"):
            self.assertEqual(
                self.stretches(yearly), [("2024-12-21", "2024-12-31", 5.75)]
            )
        with freeze_time("2025-01-01"):
            self.assertEqual(
                self.stretches(yearly),
                [("2024-12-21", "2024-12-31", 5.75), ("2025-01-01", "2025-01-01", 4.5)],
            )
        half_yearly = self.invoice("2025-06-20")
        with freeze_time("2025-06-30"):
            self.assertEqual(
                self.stretches(half_yearly), [("2025-06-21", "2025-06-30", 11.5)]
            )
        with freeze_time("2025-07-01"):
            self.assertEqual(
                self.stretches(half_yearly),
                [
                    ("2025-06-21", "2025-06-30", 11.5),
                    ("2025-07-01", "2025-07-01", 10.5),
                ],
            )

    def test_past_the_end_of_the_rate_table_the_missing_day_is_named(self):
        # The table ends with the last rate published: the Belgian commercial rate on
        # 30 June 2026, the legal one on 31 December 2026. The day after, interest is
        # not guessed and the figures say which rate to add.
        table = self.env["einvoice.legal.rate"].sudo()
        be = self.env.ref("base.be")
        for kind, partner, (last, first) in (
            ("commercial", self.customer, ("2026-06-30", "2026-07-01")),
            ("legal", self.consumer, YEAR_END),
        ):
            end = max(
                table.search([("country_id", "=", be.id), ("kind", "=", kind)]).mapped(
                    "date_to"
                )
            )
            self.assertEqual(fields.Date.to_string(end), last)
            move = self.invoice("2026-06-01", partner=partner)
            with freeze_time(last):
                self.assertTrue(self.stretches(move))
            with freeze_time(first):
                (figures,) = move.einvoice_late_interest()
                self.assertEqual(figures["interest"], 0.0)
                self.assertIn(first, figures["problem"])

    def filter_domain(self, model, name):
        """The domain of a filter of `model`'s search view, evaluated as the web
        client does, today being the user's."""
        records = self.env[model].with_user(self.users["billing"])
        arch = records.get_views([(False, "search")])["views"]["search"]["arch"]
        (node,) = etree.fromstring(arch).xpath(f"//filter[@name='{name}']")
        return safe_eval(
            node.get("domain"),
            {
                "context_today": lambda: fields.Date.context_today(records),
                "relativedelta": relativedelta,
            },
        )

    def test_last_30_days_reaches_back_over_the_year_and_half_year_end(self):
        ledger = self.env["einvoice.transmission"]
        move = self.invoice("2026-11-30")
        for today, (before, since) in (
            ("2027-01-01", ("2026-12-01 23:59:59", "2026-12-02 00:00:00")),
            ("2027-07-01", ("2027-05-31 23:59:59", "2027-06-01 00:00:00")),
        ):
            old, recent = (
                ledger._open(move, channel, kind="reminder")
                for channel in ("email", "post")
            )
            for transmission, created in ((old, before), (recent, since)):
                self.env.cr.execute(
                    "UPDATE einvoice_transmission SET create_date = %s WHERE id = %s",
                    [created, transmission.id],
                )
            ledger.invalidate_model(["create_date"])
            with freeze_time(today):
                domain = self.filter_domain("einvoice.transmission", "last_30_days")
            found = ledger.with_user(self.users["billing"]).search(
                [*domain, ("id", "in", (old | recent).ids)]
            )
            self.assertEqual(found, recent, today)
            (old | recent).sudo().unlink()

    def test_due_this_week_reaches_over_the_year_and_half_year_end(self):
        plans = self.env["einvoice.recurring.plan"]
        values = {
            "partner_id": self.customer.id,
            "line_ids": [Command.create({"name": "Huur", "price_unit": 500})],
        }
        dashboard = self.env["einvoice.dashboard"].with_user(self.users["billing"])
        for today, (in_a_week, after_a_week) in (
            ("2026-12-28", ("2027-01-04", "2027-01-05")),
            ("2027-06-27", ("2027-07-04", "2027-07-05")),
        ):
            due = plans.create({**values, "name": "Due", "date_start": in_a_week})
            later = plans.create(
                {**values, "name": "Later", "date_start": after_a_week}
            )
            (due | later).action_start()
            with freeze_time(today):
                domain = self.filter_domain("einvoice.recurring.plan", "due_week")
                listed = dashboard.figures(self.company.id)["plans_due"]
            found = plans.with_user(self.users["billing"]).search(
                [*domain, ("id", "in", (due | later).ids)]
            )
            self.assertEqual(found, due, today)
            self.assertEqual(
                [row["id"] for row in listed if row["id"] in (due | later).ids],
                due.ids,
            )
            (due | later).action_pause()
