# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from xmlrpc.client import Fault

from odoo import Command
from odoo.tests import HttpCase, tagged


@tagged("post_install", "-at_install")
class TestFromSaleOrderOverXmlrpc(HttpCase):
    """An integrator makes a confirmed sale order recurring over XML-RPC."""

    def test_a_plan_from_a_sale_order_over_xmlrpc(self):
        company = self.env["res.company"].search(
            [("name", "=", "Atelier Lambrecht BV")]
        )
        if not company:
            self.skipTest("needs the demo data of setup/demo_data.py")
        env = self.env(context=dict(self.env.context, allowed_company_ids=company.ids))
        customer = env["res.partner"].search([("name", "=", "Bakkerij Janssens BV")])
        hour = env["product.product"].search([("name", "=", "Workshop hour")], limit=1)
        order = env["sale.order"].create(
            {
                "partner_id": customer.id,
                "order_line": [
                    Command.create(
                        {"product_id": hour.id, "product_uom_qty": 3, "price_unit": 90}
                    )
                ],
            }
        )
        quotation = order.copy()
        order.action_confirm()
        db = self.env.cr.dbname
        uid = self.xmlrpc_common.authenticate(db, "admin", "admin", {})
        context = {"context": {"allowed_company_ids": company.ids}}

        def call(model, method, *args, **kwargs):
            return self.xmlrpc_object.execute_kw(
                db, uid, "admin", model, method, list(args), dict(context, **kwargs)
            )

        plan_id = call(
            "einvoice.recurring.plan",
            "create_from_sale_order",
            order.id,
            {"date_start": "2027-01-01", "invoice_action": "draft"},
        )
        [plan] = call(
            "einvoice.recurring.plan",
            "read",
            [plan_id],
            ["state", "sale_order_id", "partner_id", "date_start", "line_ids"],
        )
        self.assertEqual(plan["state"], "draft")
        self.assertEqual(plan["sale_order_id"][0], order.id)
        self.assertEqual(plan["partner_id"][0], order.partner_invoice_id.id)
        self.assertEqual(plan["date_start"], "2027-01-01")
        [line] = call(
            "einvoice.recurring.line",
            "read",
            plan["line_ids"],
            ["product_id", "quantity", "price_unit"],
        )
        self.assertEqual(
            (line["product_id"][0], line["quantity"], line["price_unit"]),
            (hour.id, 3, 90),
        )
        call("einvoice.recurring.plan", "action_start", [plan_id])
        result = call("einvoice.recurring.plan", "run_due", company.id, "2027-01-15")
        [invoice] = call(
            "account.move", "read", result["invoice_ids"], ["invoice_origin"]
        )
        self.assertEqual(invoice["invoice_origin"], order.name)
        with self.assertRaises(Fault) as caught:
            call("einvoice.recurring.plan", "create_from_sale_order", quotation.id)
        self.assertIn(quotation.name, caught.exception.faultString)
