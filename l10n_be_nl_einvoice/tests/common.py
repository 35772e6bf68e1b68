# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields
from odoo.tests import TransactionCase, new_test_user

from odoo.addons.account.tests.common import AccountTestInvoicingCommon


class NumberingCommon(AccountTestInvoicingCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.journal = cls.company_data["default_journal_sale"]
        company = cls.env.company
        cls.billing_user, cls.accountant, cls.administrator = (
            new_test_user(
                cls.env,
                login=login,
                groups=groups,
                company_id=company.id,
                company_ids=[(6, 0, company.ids)],
            )
            for login, groups in (
                ("einvoice_billing", "account.group_account_invoice"),
                ("einvoice_accountant", "account.group_account_manager"),
                ("einvoice_admin", "base.group_system,account.group_account_manager"),
            )
        )

    def invoice(self, day="2026-11-05", move_type="out_invoice", post=True, **kwargs):
        return self.init_invoice(
            move_type,
            invoice_date=fields.Date.to_date(day),
            amounts=[kwargs.pop("amount", 100.0)],
            post=post,
            **kwargs,
        )

    def legacy_journal(self, code, count=0, day="2026-10-01"):
        """A sales journal numbered by Odoo (legal numbering off), with `count` posted
        invoices: what a database has before the module is installed."""
        journal = self.env["account.journal"].create(
            {
                "name": f"Legacy {code}",
                "code": code,
                "type": "sale",
                "einvoice_numbering": False,
                "default_account_id": self.company_data["default_account_revenue"].id,
            }
        )
        moves = self.env["account.move"]
        for _i in range(count):
            moves |= self.invoice(day=day, journal=journal, amount=50.0)
        return journal, moves


class DemoCompanyCase(TransactionCase):
    """Tests on the Belgian demo company of setup/demo_data.py (skipped without it),
    selling to its customer Bakkerij Janssens BV."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.env["res.company"].search(
            [("name", "=", "Atelier Lambrecht BV")]
        )
        if not cls.company:
            cls.skipTest(cls, "needs the demo data of setup/demo_data.py")
        cls.env = cls.env(
            context=dict(cls.env.context, allowed_company_ids=cls.company.ids)
        )
        cls.customer = cls.env["res.partner"].search(
            [("name", "=", "Bakkerij Janssens BV")]
        )
