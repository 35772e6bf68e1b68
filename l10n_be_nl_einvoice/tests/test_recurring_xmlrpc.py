# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import date, timedelta

from odoo.tests import HttpCase, tagged


@tagged("post_install", "-at_install")
class TestRecurringOverXmlrpc(HttpCase):
    """An integrator creates a plan, runs the due plans and reads the dashboard over
    XML-RPC."""

    def test_a_plan_a_run_and_the_dashboard_over_xmlrpc(self):
        company = self.env["res.company"].search(
            [("name", "=", "Atelier Lambrecht BV")]
        )
        if not company:
            self.skipTest("needs the demo data of setup/demo_data.py")
        customer = self.env["res.partner"].search(
            [("name", "=", "Bakkerij Janssens BV")]
        )
        db = self.env.cr.dbname
        uid = self.xmlrpc_common.authenticate(db, "admin", "admin", {})
        context = {"context": {"allowed_company_ids": company.ids}}

        def call(model, method, *args, **kwargs):
            return self.xmlrpc_object.execute_kw(
                db, uid, "admin", model, method, list(args), dict(context, **kwargs)
            )

        today = date.today().isoformat()
        start = date.today().replace(day=1).isoformat()
        plan_id = call(
            "einvoice.recurring.plan",
            "create",
            {
                "name": "Huur werkplaats",
                "partner_id": customer.id,
                "company_id": company.id,
                "date_start": start,
                "unit": "month",
                "invoice_action": "draft",
                "line_ids": [
                    [0, 0, {"name": "Huur", "quantity": 1, "price_unit": 750}]
                ],
            },
        )
        soon_id = call(
            "einvoice.recurring.plan",
            "create",
            {
                "name": "Onderhoud volgende week",
                "partner_id": customer.id,
                "company_id": company.id,
                "date_start": (date.today() + timedelta(days=3)).isoformat(),
                "line_ids": [[0, 0, {"name": "Onderhoud", "price_unit": 90}]],
            },
        )
        call("einvoice.recurring.plan", "action_start", [plan_id, soon_id])
        result = call("einvoice.recurring.plan", "run_due", company.id, today)
        self.assertEqual(len(result["invoice_ids"]), 1)
        self.assertEqual(result["failed"], [])
        [invoice] = call(
            "account.move",
            "read",
            result["invoice_ids"],
            ["invoice_date", "amount_untaxed"],
        )
        self.assertEqual(
            (invoice["invoice_date"], invoice["amount_untaxed"]), (start, 750)
        )
        again = call("einvoice.recurring.plan", "run_due", company.id, today)
        self.assertEqual(again["invoice_ids"], [])
        figures = call("einvoice.dashboard", "figures", company.id, 6)
        self.assertEqual(len(figures["months"]), 6)
        self.assertIn(soon_id, [row["id"] for row in figures["plans_due"]])
        self.assertGreaterEqual(figures["todo"]["draft_count"], 1)
