# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import Command

from odoo.addons.l10n_be_nl_einvoice.tests.common import (
    DemoCompanyCase,
    own_sales_journal,
)


class SaleOrderCase(DemoCompanyCase):
    """The Belgian demo company sells a maintenance contract to Bakkerij Janssens BV,
    whose invoices go to its accounting department."""

    @classmethod
    def setUpClass(cls):  # pylint: disable=invalid-name
        super().setUpClass()
        # The plans invoice at fixed dates: in a sales journal of the tests' own, the
        # plans' default.
        cls.journal = own_sales_journal(cls.env, cls.company)
        products = cls.env["product.product"]
        cls.hour = products.search([("name", "=", "Workshop hour")], limit=1)
        cls.table = products.search([("name", "=", "Oak side table")], limit=1)
        taxes = cls.env["account.tax"].search(
            [
                ("company_id", "=", cls.company.id),
                ("type_tax_use", "=", "sale"),
                ("amount_type", "=", "percent"),
                ("price_include", "=", False),
            ]
        )
        cls.vat_21 = taxes.filtered(lambda t: t.amount == 21)[:1]
        cls.vat_6 = taxes.filtered(lambda t: t.amount == 6)[:1]
        cls.accounting = cls.env["res.partner"].create(
            {
                "name": "Boekhouding",
                "type": "invoice",
                "parent_id": cls.customer.id,
                "street": "Meir 50",
                "zip": "2000",
                "city": "Antwerpen",
                "country_id": cls.env.ref("base.be").id,
                "email": "facturen@bakkerij-janssens.example",
            }
        )
        cls.thirty_days = cls.env.ref("account.account_payment_term_30days")
        analytic_plan = cls.env["account.analytic.plan"].create({"name": "Contracts"})
        cls.contract_account = cls.env["account.analytic.account"].create(
            {
                "name": "Maintenance Janssens",
                "plan_id": analytic_plan.id,
                "company_id": cls.company.id,
            }
        )

    def order(self, confirm=True, **values):
        """Two product lines (the second at 12.5 % off) between a section and a
        note."""
        order = self.env["sale.order"].create(
            {
                "partner_id": self.customer.id,
                "partner_invoice_id": self.accounting.id,
                "payment_term_id": self.thirty_days.id,
                "order_line": [
                    Command.create(
                        {"display_type": "line_section", "name": "Maintenance"}
                    ),
                    Command.create(
                        {
                            "product_id": self.hour.id,
                            "name": "Monthly maintenance of the ovens",
                            "product_uom_qty": 4,
                            "price_unit": 85,
                            "tax_id": [Command.set(self.vat_21.ids)],
                            "analytic_distribution": {
                                str(self.contract_account.id): 100
                            },
                        }
                    ),
                    Command.create(
                        {
                            "product_id": self.table.id,
                            "name": "Oak side table, rented",
                            "product_uom_qty": 2,
                            "price_unit": 640,
                            "discount": 12.5,
                            "tax_id": [Command.set(self.vat_6.ids)],
                        }
                    ),
                    Command.create(
                        {"display_type": "line_note", "name": "Invoiced monthly."}
                    ),
                ],
                **values,
            }
        )
        if confirm:
            order.action_confirm()
        return order
