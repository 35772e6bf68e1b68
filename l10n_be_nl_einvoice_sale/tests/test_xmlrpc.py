# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""create_from_sale_order over XML-RPC, by a user allowed to and by users who must
be refused: who may create recurring plans and read the order."""

from xmlrpc.client import Fault

from odoo import Command
from odoo.tests import HttpCase, new_test_user, tagged

from odoo.addons.l10n_be_nl_einvoice.tests.common import XmlrpcAsUsers, role_users


@tagged("post_install", "-at_install")
class TestFromSaleOrderOverXmlrpc(XmlrpcAsUsers, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.env["res.company"].search(
            [("name", "=", "Atelier Lambrecht BV")]
        )
        if not cls.company:
            cls.skipTest(cls, "needs the demo data of setup/demo_data.py")
        cls.users = role_users(cls.env, cls.company, prefix="sale_plan")
        cls.env = cls.env(
            context=dict(cls.env.context, allowed_company_ids=cls.company.ids)
        )
        env = cls.env
        customer = env["res.partner"].search([("name", "=", "Bakkerij Janssens BV")])
        cls.hour = env["product.product"].search(
            [("name", "=", "Workshop hour")], limit=1
        )
        cls.order = env["sale.order"].create(
            {
                "partner_id": customer.id,
                "user_id": cls.env.ref("base.user_admin").id,
                "order_line": [
                    Command.create(
                        {
                            "product_id": cls.hour.id,
                            "product_uom_qty": 3,
                            "price_unit": 90,
                        }
                    )
                ],
            }
        )
        cls.quotation = cls.order.copy()
        cls.order.action_confirm()

    def user(self, login, groups):
        return new_test_user(
            self.env,
            login=login,
            groups=groups,
            company_id=self.company.id,
            company_ids=[Command.set(self.company.ids)],
        )

    def test_a_billing_user_makes_a_plan_from_a_confirmed_order(self):
        billing = self.users["billing"]
        plan_id = self.rpc(
            billing,
            "einvoice.recurring.plan",
            "create_from_sale_order",
            self.order.id,
            {"date_start": "2027-01-01", "invoice_action": "draft"},
        )
        [plan] = self.rpc(
            billing,
            "einvoice.recurring.plan",
            "read",
            [plan_id],
            ["state", "sale_order_id", "partner_id", "date_start", "line_ids"],
        )
        self.assertEqual(plan["state"], "draft")
        self.assertEqual(plan["sale_order_id"][0], self.order.id)
        self.assertEqual(plan["partner_id"][0], self.order.partner_invoice_id.id)
        self.assertEqual(plan["date_start"], "2027-01-01")
        [line] = self.rpc(
            billing,
            "einvoice.recurring.line",
            "read",
            plan["line_ids"],
            ["product_id", "quantity", "price_unit"],
        )
        self.assertEqual(
            (line["product_id"][0], line["quantity"], line["price_unit"]),
            (self.hour.id, 3, 90),
        )
        self.rpc(billing, "einvoice.recurring.plan", "action_start", [plan_id])
        result = self.rpc(
            billing, "einvoice.recurring.plan", "run_due", self.company.id, "2027-01-15"
        )
        [invoice] = self.rpc(
            billing, "account.move", "read", result["invoice_ids"], ["invoice_origin"]
        )
        self.assertEqual(invoice["invoice_origin"], self.order.name)
        # A quotation is refused with its number, as a business error.
        with self.assertRaises(Fault) as caught:
            self.rpc(
                billing,
                "einvoice.recurring.plan",
                "create_from_sale_order",
                self.quotation.id,
            )
        self.assertIn(self.quotation.name, caught.exception.faultString)

    def test_users_who_may_not_create_plans_or_read_the_order_are_refused(self):
        refused = {
            # No accounting rights at all.
            "internal": self.users["internal"],
            # Reads the order, may not create recurring plans.
            "salesperson": self.user(
                "sale_plan_salesperson", "sales_team.group_sale_salesman_all_leads"
            ),
            # May create plans, but sees only their own orders: not this one.
            "own orders": self.user(
                "sale_plan_own_orders",
                "sales_team.group_sale_salesman,account.group_account_invoice",
            ),
        }
        for who, user in refused.items():
            with self.subTest(who):
                self.assertRpcRefused(
                    user,
                    "einvoice.recurring.plan",
                    "create_from_sale_order",
                    self.order.id,
                )
                self.assertRpcRefused(
                    user,
                    "sale.order",
                    "action_einvoice_make_recurring",
                    [self.order.id],
                )
        self.assertFalse(
            self.env["einvoice.recurring.plan"].search(
                [("sale_order_id", "=", self.order.id)]
            )
        )
