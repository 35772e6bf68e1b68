# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Recurring plans started from a confirmed sale order: the order's product lines,
prices, taxes, analytic and invoice address; its invoices name the order."""

from datetime import date

from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import new_test_user, tagged

from odoo.addons.l10n_be_nl_einvoice.tests.common import role_users

from .common import SaleOrderCase


@tagged("post_install", "-at_install")
class TestRecurringFromSale(SaleOrderCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.users = role_users(cls.env, cls.company, prefix="sale_plan")
        # Plans are made from orders by the billing team, as they click.
        cls.billing = cls.users["billing"]
        cls.plans = cls.env["einvoice.recurring.plan"].with_user(cls.billing)

    def test_a_confirmed_order_becomes_a_draft_plan_of_its_product_lines(self):
        order = self.order()
        with freeze_time("2027-03-10"):
            plan = self.plans.browse(self.plans.create_from_sale_order(order.id))
        self.assertEqual(plan.state, "draft")
        self.assertEqual(plan.sale_order_id, order)
        self.assertEqual(plan.company_id, self.company)
        self.assertEqual(plan.partner_id, self.accounting, "the invoice address")
        self.assertEqual(plan.payment_term_id, self.thirty_days)
        self.assertEqual(str(plan.date_start), "2027-03-10")
        self.assertEqual(plan.journal_id.type, "sale")
        self.assertEqual(plan.journal_id.company_id, self.company)
        self.assertIn(order.name, plan.name)
        self.assertEqual(len(plan.line_ids), 2, "no section, no note")
        hours, tables = plan.line_ids
        self.assertEqual(
            (hours.product_id, hours.name, hours.quantity, hours.price_unit),
            (self.hour, "Monthly maintenance of the ovens", 4, 85),
        )
        self.assertEqual(hours.product_uom_id, self.hour.uom_id)
        self.assertEqual(hours.tax_ids, self.vat_21)
        self.assertEqual(
            hours.analytic_distribution, {str(self.contract_account.id): 100}
        )
        # 640 at 12.5 % off: a plan line has no discount, it carries the net price.
        self.assertEqual(
            (tables.product_id, tables.quantity, tables.price_unit),
            (self.table, 2, 560),
        )
        self.assertEqual(tables.tax_ids, self.vat_6)
        self.assertFalse(tables.analytic_distribution)

    def test_values_given_override_the_order_s(self):
        order = self.order()
        plan = self.plans.browse(
            self.plans.create_from_sale_order(
                order.id,
                {"name": "Onderhoud ovens", "date_start": "2027-04-01", "unit": "year"},
            )
        )
        self.assertEqual(
            (plan.name, str(plan.date_start), plan.unit),
            ("Onderhoud ovens", "2027-04-01", "year"),
        )

    def test_a_quotation_is_refused_with_the_order_named(self):
        order = self.order(confirm=False)
        with self.assertRaises(UserError) as caught:
            self.plans.create_from_sale_order(order.id)
        self.assertIn(order.name, str(caught.exception))
        self.assertIn("not confirmed", str(caught.exception))
        order._action_cancel()
        with self.assertRaises(UserError):
            self.plans.create_from_sale_order(order.id)
        self.assertFalse(self.plans.search([("sale_order_id", "=", order.id)]))

    def test_an_order_of_only_a_section_and_a_note_is_refused(self):
        order = self.env["sale.order"].create(
            {
                "partner_id": self.customer.id,
                "order_line": [
                    Command.create({"display_type": "line_section", "name": "Later"}),
                    Command.create({"display_type": "line_note", "name": "To agree"}),
                ],
            }
        )
        order.action_confirm()
        with self.assertRaises(UserError) as caught:
            self.plans.create_from_sale_order(order.id)
        self.assertIn(order.name, str(caught.exception))
        self.assertIn("no product lines", str(caught.exception))

    def test_an_order_in_another_currency_is_refused(self):
        usd = self.env.ref("base.USD")
        usd.active = True
        pricelist = self.env["product.pricelist"].create(
            {"name": "US customers", "currency_id": usd.id}
        )
        order = self.order(pricelist_id=pricelist.id)
        self.assertEqual(order.currency_id, usd)
        with self.assertRaises(UserError) as caught:
            self.plans.create_from_sale_order(order.id)
        self.assertIn(order.name, str(caught.exception))
        self.assertIn("USD", str(caught.exception))

    def test_running_the_plan_makes_invoices_whose_origin_is_the_order(self):
        order = self.order()
        plan = self.plans.browse(
            self.plans.create_from_sale_order(order.id, {"date_start": "2027-01-01"})
        )
        plan.action_start()
        # Invoiced by a billing clerk who is no salesperson (Sales lets billing
        # users read orders).
        clerk = new_test_user(
            self.env,
            login="billing-without-sales",
            groups="account.group_account_invoice",
            company_id=self.company.id,
            company_ids=[Command.set(self.company.ids)],
        )
        with freeze_time("2027-02-01"):
            result = self.plans.with_user(clerk).run_due(self.company.id)
        self.assertEqual(result["failed"], [])
        invoices = self.env["account.move"].browse(result["invoice_ids"])
        self.assertEqual(len(invoices), 2, "January and February")
        self.assertEqual(set(invoices.mapped("invoice_origin")), {order.name})
        self.assertEqual(set(invoices.mapped("state")), {"posted"})
        first = invoices.sorted("invoice_date")[0]
        self.assertEqual(first.partner_id, self.accounting)
        self.assertEqual(first.invoice_payment_term_id, self.thirty_days)
        self.assertEqual(first.einvoice_recurring_plan_id, plan)
        self.assertEqual(first.amount_untaxed, 4 * 85 + 2 * 560)
        self.assertEqual(
            first.invoice_line_ids.filtered(
                lambda line: line.product_id == self.hour
            ).analytic_distribution,
            {str(self.contract_account.id): 100},
        )
        # The plan invoices periods, not the ordered quantities: the order's lines
        # are not linked to these invoices and still wait to be invoiced.
        self.assertFalse(first.invoice_line_ids.sale_line_ids)
        self.assertFalse(order.invoice_ids)
        self.assertEqual(order.invoice_status, "to invoice")

    def test_the_order_counts_its_plans_and_opens_them(self):
        order = self.order().with_user(self.billing)
        self.assertEqual(order.einvoice_recurring_plan_count, 0)
        with freeze_time(date(2027, 5, 2)):
            action = order.action_einvoice_make_recurring()
        plan = self.plans.browse(action["res_id"])
        self.assertEqual(
            (action["res_model"], action["view_mode"]),
            ("einvoice.recurring.plan", "form"),
        )
        self.assertEqual(plan.sale_order_id, order)
        self.assertEqual(order.einvoice_recurring_plan_count, 1)
        opened = order.action_einvoice_recurring_plans()
        self.assertEqual((opened["res_id"], opened["view_mode"]), (plan.id, "form"))
        other = self.plans.browse(
            self.plans.create_from_sale_order(order.id, {"unit": "year"})
        )
        self.assertEqual(order.einvoice_recurring_plan_count, 2)
        opened = order.action_einvoice_recurring_plans()
        self.assertEqual(opened["view_mode"], "list,form")
        self.assertEqual(
            self.plans.search(opened["domain"]), plan | other, "only this order's"
        )
        self.assertEqual(
            self.order().with_user(self.billing).einvoice_recurring_plan_count, 0
        )

    def test_make_recurring_is_refused_to_who_may_not_create_plans_or_see_the_order(
        self,
    ):
        def user(login, groups):
            return new_test_user(
                self.env,
                login=login,
                groups=groups,
                company_id=self.company.id,
                company_ids=[Command.set(self.company.ids)],
            )

        order = self.order(user_id=self.env.ref("base.user_admin").id)
        refused = (
            self.users["internal"],
            # Reads every order, may not create recurring plans.
            user("plan_salesperson", "sales_team.group_sale_salesman_all_leads"),
            # May create plans, sees only their own orders.
            user(
                "plan_own_orders",
                "sales_team.group_sale_salesman,account.group_account_invoice",
            ),
        )
        for clicker in refused:
            with self.subTest(clicker.login), self.assertRaises(AccessError):
                order.with_user(clicker).action_einvoice_make_recurring()
            with self.subTest(clicker.login), self.assertRaises(AccessError):
                self.env["einvoice.recurring.plan"].with_user(
                    clicker
                ).create_from_sale_order(order.id)
        self.assertFalse(self.plans.search([("sale_order_id", "=", order.id)]))
        for clicker in (self.billing, self.users["manager"]):
            action = order.with_user(clicker).action_einvoice_make_recurring()
            self.assertEqual(self.plans.browse(action["res_id"]).sale_order_id, order)

    def test_an_integrator_starts_a_plan_from_an_order_by_its_id(self):
        """What an XML-RPC call does: the method on the model, the order's id and
        plain values, the plan's id back; as a user with sales and billing rights."""
        order = self.order()
        user = new_test_user(
            self.env,
            login="sales-and-billing",
            groups="sales_team.group_sale_salesman_all_leads,account.group_account_invoice",
            company_id=self.company.id,
            company_ids=[Command.set(self.company.ids)],
        )
        plan_id = (
            self.env["einvoice.recurring.plan"]
            .with_user(user)
            .create_from_sale_order(
                order.id, {"date_start": "2027-04-01", "unit": "quarter"}
            )
        )
        self.assertIsInstance(plan_id, int)
        plan = self.plans.browse(plan_id)
        self.assertEqual((plan.sale_order_id, plan.unit), (order, "quarter"))
        self.assertEqual(plan.create_uid, user)
        self.assertEqual(len(plan.line_ids), 2)

    def test_only_users_who_may_invoice_see_the_buttons_on_the_order(self):
        def order_form(groups):
            user = new_test_user(
                self.env,
                login=f"order-form-{len(groups)}",
                groups=groups,
                company_id=self.company.id,
                company_ids=[Command.set(self.company.ids)],
            )
            views = self.env["sale.order"].with_user(user).get_views([(False, "form")])
            return views["views"]["form"]["arch"]

        salesperson = order_form("sales_team.group_sale_salesman")
        self.assertNotIn("action_einvoice_make_recurring", salesperson)
        self.assertNotIn("einvoice_recurring_plan_count", salesperson)
        both = order_form(
            "sales_team.group_sale_salesman,account.group_account_invoice"
        )
        self.assertIn("action_einvoice_make_recurring", both)
        self.assertIn("einvoice_recurring_plan_count", both)
