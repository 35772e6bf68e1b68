# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
# Statements and their lines in one file: both serve the bank statement import.
# pylint: disable=consider-merging-classes-inherited
from odoo import Command, fields, models

MATCH_STATES = [
    ("reference", "Paid by reference"),
    ("account", "Paid by the customer's account and amount"),
    ("amount", "Paid by amount and date"),
    ("unmatched", "To reconcile by hand"),
]


class AccountBankStatement(models.Model):
    _inherit = "account.bank.statement"

    einvoice_import_identity = fields.Char(
        string="Imported statement",
        readonly=True,
        copy=False,
        index=True,
        help="Account, statement number, dates and a hash of the content of the "
        "imported statement: the same statement is never imported twice.",
    )

    _sql_constraints = [
        (
            "einvoice_import_identity_unique",
            "unique(company_id, einvoice_import_identity)",
            "This statement has already been imported.",
        )
    ]


class AccountBankStatementLine(models.Model):
    _inherit = "account.bank.statement.line"

    einvoice_match = fields.Selection(
        MATCH_STATES, string="Matched", readonly=True, copy=False, index=True
    )

    def _einvoice_pay(self, invoices):
        """Reconcile this line with the receivables of `invoices`, oldest first: the
        invoices are paid (partly when the line does not cover them); what the line
        brings beyond them stays on the suspense account."""
        self.ensure_one()
        _liquidity, suspense, _other = self._seek_for_lines()
        receivables = invoices.line_ids.filtered(
            lambda line: (
                line.account_id.account_type
                in ("asset_receivable", "liability_payable")
                and not line.reconciled
            )
        ).sorted(lambda line: (line.date_maturity or line.date, line.id))
        currency = self.company_id.currency_id
        left = -sum(suspense.mapped("balance"))  # what the line brings, signed
        plan = []
        for receivable in receivables:
            if currency.is_zero(left) or (left > 0) != (receivable.amount_residual > 0):
                break
            take = (
                min(left, receivable.amount_residual)
                if left > 0
                else max(left, receivable.amount_residual)
            )
            plan.append((receivable, take))
            left = currency.round(left - take)
        if not plan or not suspense:
            return False
        # The suspense line becomes the first receivable counterpart (a posted entry
        # keeps its lines); what the invoices do not take stays on suspense.
        commands = []
        for index, (receivable, take) in enumerate(plan):
            values = {
                "account_id": receivable.account_id.id,
                "partner_id": receivable.partner_id.id,
                "name": receivable.move_id.name,
                "balance": -take,
                "amount_currency": -take,
                "currency_id": currency.id,
            }
            commands.append(
                Command.update(suspense[0].id, values)
                if index == 0
                else Command.create(values)
            )
        if not currency.is_zero(left):
            commands.append(
                Command.create(
                    {
                        "account_id": suspense[0].account_id.id,
                        "name": suspense[0].name,
                        "balance": -left,
                        "amount_currency": -left,
                        "currency_id": currency.id,
                    }
                )
            )
        pairs = [receivable for receivable, _take in plan]
        if not self.partner_id:
            self.with_context(skip_readonly_check=True).partner_id = pairs[0].partner_id
        move = self.move_id.with_context(skip_readonly_check=True)
        move.write({"line_ids": commands})
        new_lines = move.line_ids.filtered(
            lambda line: (
                line.account_id in receivables.account_id
                and not line.reconciled
                and line.id not in receivables.ids
            )
        )
        for receivable, line in zip(pairs, new_lines.sorted("id"), strict=False):
            (receivable | line).reconcile()
        return True
