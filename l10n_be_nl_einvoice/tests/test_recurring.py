# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Recurring invoice plans: one invoice per period over years of scheduled runs,
catching up after an interruption, failing plans set aside, prices that change."""

from datetime import date, timedelta
from unittest.mock import patch

from freezegun import freeze_time

from odoo import Command, fields
from odoo.exceptions import AccessError, UserError
from odoo.tests import new_test_user, tagged

from .common import DemoCompanyCase, own_sales_journal


@tagged("post_install", "-at_install")
class TestRecurring(DemoCompanyCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # The plans invoice at fixed dates, in 2027 and 2028: in a sales journal of
        # the tests' own, the plans' default.
        cls.journal = own_sales_journal(cls.env, cls.company)
        cls.hour = cls.env["product.product"].search(
            [("name", "=", "Workshop hour")], limit=1
        )
        cls.plans = cls.env["einvoice.recurring.plan"]
        cls.tax = cls.hour.taxes_id.filtered(lambda t: t.company_id == cls.company)

    def plan(self, **values):
        plan = self.plans.create(
            {
                "name": "Onderhoudscontract",
                "partner_id": self.customer.id,
                "date_start": "2027-01-31",
                "line_ids": [
                    Command.create(
                        {
                            "product_id": self.hour.id,
                            "name": "Onderhoud",
                            "quantity": 2,
                            "price_unit": 100,
                            "tax_ids": [Command.set(self.tax.ids)],
                        }
                    )
                ],
                **values,
            }
        )
        plan.action_start()
        return plan

    def run_on(self, day, **kwargs):
        with freeze_time(day):
            return self.plans.run_due(self.company.id, **kwargs)

    def test_two_years_of_weekly_runs_make_one_invoice_per_month_on_the_right_day(self):
        plan = self.plan()
        day = date(2027, 1, 1)
        while day <= date(2028, 12, 31):
            self.run_on(day)
            day += timedelta(days=3)
        self.run_on(date(2028, 12, 31))
        periods = plan.period_ids
        self.assertEqual(len(periods), 24, "31 Jan 2027 to 31 Dec 2028 have begun")
        self.assertEqual(periods.mapped("index"), list(range(24)))
        moves = periods.move_id
        self.assertEqual(len(moves), 24)
        self.assertEqual(set(moves.mapped("state")), {"posted"})
        self.assertEqual(
            [str(d) for d in moves.sorted("invoice_date").mapped("invoice_date")[:4]],
            ["2027-01-31", "2027-02-28", "2027-03-31", "2027-04-30"],
        )
        # 2028 is a leap year: 29 February.
        self.assertIn(date(2028, 2, 29), moves.mapped("invoice_date"))
        first = moves.sorted("invoice_date")[0]
        self.assertIn("Onderhoud", first.invoice_line_ids.name)
        self.assertEqual(first.invoice_line_ids.price_unit, 100)
        self.assertEqual(first.einvoice_recurring_plan_id, plan)
        self.assertEqual(str(plan.next_date), "2029-01-31")

    def test_missed_periods_are_caught_up_and_reported(self):
        plan = self.plan(date_start="2027-01-01")
        result = self.run_on(date(2027, 4, 15))
        self.assertEqual(len(result["invoice_ids"]), 4)
        self.assertEqual(result["caught_up"], {str(plan.id): 4})
        self.assertIn("4 periods invoiced at once", plan.message_ids[0].body)
        # Nothing more the same day or the next.
        self.assertFalse(self.run_on(date(2027, 4, 16))["invoice_ids"])

    def test_or_only_the_latest_with_the_missed_ones_recorded_as_skipped(self):
        plan = self.plan(date_start="2027-01-01", catch_up="current")
        result = self.run_on(date(2027, 4, 15))
        self.assertEqual(len(result["invoice_ids"]), 1)
        self.assertEqual(result["skipped_periods"], {str(plan.id): 3})
        self.assertEqual(
            plan.period_ids.mapped("state"),
            ["skipped", "skipped", "skipped", "invoiced"],
        )
        move = plan.period_ids.move_id
        self.assertEqual(str(move.invoice_date), "2027-04-01")

    def test_a_failing_plan_is_set_aside_and_the_others_go_on(self):
        product = self.hour.copy({"name": "Old service"})
        broken = self.plan(name="Broken")
        broken.line_ids.product_id = product
        product.active = False
        good = self.plan(name="Good")
        result = self.run_on(date(2027, 2, 1))
        self.assertEqual(len(result["invoice_ids"]), 1)
        self.assertEqual(good.period_ids.move_id.id, result["invoice_ids"][0])
        self.assertEqual(broken.state, "attention")
        self.assertIn("Old service is archived", broken.problem)
        self.assertFalse(broken.period_ids)
        self.assertEqual(result["failed"][0]["plan_id"], broken.id)
        self.assertEqual(broken.activity_ids.summary, "Recurring invoices stopped")
        # Fixed and resumed: the missed period is invoiced, no gap.
        product.active = True
        broken.action_resume()
        self.assertFalse(broken.activity_ids)
        self.run_on(date(2027, 3, 5))
        self.assertEqual(broken.period_ids.mapped("index"), [0, 1])

    def test_sending_needs_an_address_or_the_plan_stops_before_invoicing(self):
        # A postal address, but no e-mail address to send the invoices to.
        nobody = self.env["res.partner"].create(
            {
                "name": "Zonder Adres BV",
                "is_company": True,
                "street": "Dorpsstraat 1",
                "zip": "9940",
                "city": "Evergem",
                "country_id": self.env.ref("base.be").id,
            }
        )
        plan = self.plan(partner_id=nobody.id, invoice_action="send")
        result = self.run_on(date(2027, 2, 1))
        self.assertFalse(result["invoice_ids"])
        self.assertEqual(plan.state, "attention")
        self.assertFalse(plan.period_ids)
        self.assertFalse(
            self.env["account.move"].search(
                [("einvoice_recurring_plan_id", "=", plan.id)]
            )
        )
        nobody.email = "boekhouding@zonder-adres.be"
        plan.action_resume()
        result = self.run_on(date(2027, 2, 1))
        move = self.env["account.move"].browse(result["invoice_ids"])
        self.assertEqual(move.state, "posted")
        batch = self.env["einvoice.send.batch"].search([], order="id desc", limit=1)
        self.assertIn(move, batch.transmission_ids.move_id)

    def test_prices_change_from_a_date_and_follow_the_yearly_index(self):
        plan = self.plan(
            date_start="2027-01-01",
            invoice_action="draft",
            index_percent=2.0,
        )
        line = plan.line_ids
        self.env["einvoice.recurring.price"].create(
            {"line_id": line.id, "date_from": "2027-03-01", "price_unit": 120}
        )
        self.run_on(date(2027, 2, 1))
        self.run_on(date(2027, 3, 1))
        self.run_on(date(2028, 1, 1))
        prices = [
            m.invoice_line_ids.price_unit
            for m in plan.period_ids.move_id.sorted("invoice_date")
        ]
        # Jan and Feb 100, from March 120; January 2028 is after the first
        # anniversary: 120 x 1.02.
        self.assertEqual(prices[:3], [100, 100, 120])
        self.assertEqual(prices[-1], 122.4)
        self.assertEqual(len(prices), 13)

    def test_the_31st_of_a_fixed_day_rule_and_a_quarterly_rhythm(self):
        plan = self.plan(
            date_start="2027-01-01",
            unit="quarter",
            invoice_date_rule="fixed",
            invoice_day=31,
            invoice_action="draft",
            count=3,
        )
        self.run_on(date(2027, 12, 31))
        self.assertEqual(
            [str(d) for d in plan.period_ids.move_id.mapped("invoice_date")],
            ["2027-01-31", "2027-04-30", "2027-07-31"],
        )
        self.assertEqual(plan.state, "done")
        self.assertIn(
            "(", plan.period_ids.move_id[1].invoice_line_ids.name, "period written"
        )

    def test_a_plan_made_from_an_invoice_continues_after_it(self):
        with freeze_time("2027-01-15"):
            invoice = self.env["account.move"].create(
                {
                    "move_type": "out_invoice",
                    "partner_id": self.customer.id,
                    "invoice_date": "2027-01-15",
                    "invoice_line_ids": [
                        Command.create(
                            {
                                "product_id": self.hour.id,
                                "quantity": 3,
                                "price_unit": 90,
                            }
                        )
                    ],
                }
            )
            invoice.action_post()
        action = invoice.action_einvoice_make_recurring()
        plan = self.plans.browse(action["res_id"])
        self.assertEqual(plan.state, "draft")
        self.assertEqual(plan.period_ids.move_id, invoice)
        self.assertEqual(plan.line_ids.quantity, 3)
        plan.action_start()
        result = self.run_on(date(2027, 2, 20))
        move = self.env["account.move"].browse(result["invoice_ids"])
        self.assertEqual(str(move.invoice_date), "2027-02-15")
        self.assertEqual(move.invoice_line_ids.price_unit, 90)

    def test_a_run_that_crashes_halfway_leaves_nothing_and_the_next_one_does_all(self):
        plans = self.plan(name="One", invoice_action="draft") | self.plan(
            name="Two", invoice_action="draft"
        )
        calls = []
        original = type(self.plans)._invoice_values

        def crashing(this, item, rhythm):
            calls.append(this.name)
            if len(calls) == 2:
                raise RuntimeError("the server went down")
            return original(this, item, rhythm)

        with (
            patch.object(type(self.plans), "_invoice_values", crashing),
            self.assertRaises(RuntimeError),
            self.env.cr.savepoint(),
            freeze_time("2027-02-01"),
        ):
            plans._generate_due(date(2027, 2, 1))
        self.assertFalse(plans.period_ids)
        self.run_on(date(2027, 2, 1))
        self.assertEqual(plans.period_ids.mapped("index"), [0, 0])
        self.assertEqual(len(plans.period_ids.move_id), 2)

    def test_bad_rules_are_refused_with_the_plan_named(self):
        with self.assertRaisesRegex(Exception, "day of the month"):
            self.plan(invoice_date_rule="fixed", invoice_day=40)

    def test_plans_of_another_company_are_out_of_sight(self):
        other = self.env["res.company"].create({"name": "Andere BV"})
        self.plans.sudo().create(
            {
                "name": "Elsewhere",
                "company_id": other.id,
                "partner_id": self.customer.id,
                "journal_id": self.env["account.journal"]
                .sudo()
                .search([("company_id", "=", other.id), ("type", "=", "sale")], limit=1)
                .id
                or self.env["account.journal"]
                .sudo()
                .create(
                    {
                        "name": "Sales",
                        "code": "SAL",
                        "type": "sale",
                        "company_id": other.id,
                    }
                )
                .id,
            }
        )
        user = new_test_user(
            self.env,
            login="billing-recurring",
            groups="account.group_account_invoice",
            company_id=self.company.id,
            company_ids=[Command.set(self.company.ids)],
        )
        visible = self.plans.with_user(user).search([])
        self.assertNotIn("Elsewhere", visible.mapped("name"))
        # A tax of the Dutch demo company.
        foreign_tax = (
            self.env["account.tax"]
            .sudo()
            .search(
                [("company_id", "!=", self.company.id), ("type_tax_use", "=", "sale")],
                limit=1,
            )
        )
        with self.assertRaisesRegex(UserError, "Incompatible companies"):
            self.plan(
                line_ids=[
                    Command.create(
                        {"name": "Huur", "tax_ids": [Command.set(foreign_tax.ids)]}
                    )
                ]
            )
        portal = new_test_user(
            self.env, login="portal-recurring", groups="base.group_portal"
        )
        with self.assertRaises(AccessError):
            self.plans.with_user(portal).search([])
        self.assertTrue(fields.Date.today())
