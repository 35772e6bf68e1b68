# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields
from odoo.tests import new_test_user

from odoo.addons.account.tests.common import AccountTestInvoicingCommon


class NumberingCommon(AccountTestInvoicingCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.journal = cls.company_data["default_journal_sale"]
        company = cls.env.company
        cls.billing_user = new_test_user(
            cls.env,
            login="einvoice_billing",
            groups="account.group_account_invoice",
            company_id=company.id,
            company_ids=[(6, 0, company.ids)],
        )
        cls.accountant = new_test_user(
            cls.env,
            login="einvoice_accountant",
            groups="account.group_account_manager",
            company_id=company.id,
            company_ids=[(6, 0, company.ids)],
        )
        cls.administrator = new_test_user(
            cls.env,
            login="einvoice_admin",
            groups="base.group_system,account.group_account_manager",
            company_id=company.id,
            company_ids=[(6, 0, company.ids)],
        )

    def invoice(
        self, day="2026-11-05", move_type="out_invoice", post=True, amount=100.0
    ):
        move = self.init_invoice(
            move_type,
            invoice_date=fields.Date.to_date(day),
            amounts=[amount],
            post=post,
        )
        return move
