# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from dataclasses import dataclass
from decimal import Decimal

from odoo import _, models

from ..lib.payment_matching import (
    Matcher,
    OpenInvoice,
    find_keys,
    reference_forms,
    reference_key,
)


@dataclass
class _Decision:
    """How a statement line is created and settled."""

    values: dict
    receivable: object = None  # the one receivable line it pays
    invoice_ids: tuple = ()  # or the invoices it pays, settled once created


class EinvoiceStatementMatching(models.AbstractModel):
    """Which invoices the lines of an imported statement pay: by structured
    reference first, over the whole statement, then by the customer's account and
    amount, then by amount and date (`lib/payment_matching`); and the payment of
    those invoices once the lines exist."""

    _name = "einvoice.statement.matching"
    _description = "Bank statement lines and the invoices they pay"

    def _open_invoices(self, company):
        moves = (
            self.env["account.move"]
            .sudo()
            .search(
                [
                    ("company_id", "=", company.id),
                    ("state", "=", "posted"),
                    ("move_type", "in", ("out_invoice", "out_refund")),
                    ("payment_state", "in", ("not_paid", "partial")),
                ]
            )
        )
        return [
            OpenInvoice(
                move.id,
                move.commercial_partner_id.id,
                reference_key(move.payment_reference),
                Decimal(str(move.amount_residual_signed)),
                move.invoice_date_due,
            )
            for move in moves
        ]

    def _prematch(self, journal, lines, later=(), keys=None):
        """What each of `lines` pays, decided before the lines exist: a line that
        pays one invoice, at most what it still owes, is created with that
        invoice's receivable as counterpart (reconciled in one go afterwards); a
        line paying several invoices, or more than one owes, is settled once
        created. `later`: the statement's lines imported in a later step, whose
        quoted invoices are kept from these lines' amounts; `keys`: the references
        each of `lines` + `later` quotes, when the caller has them."""
        company = journal.company_id
        if journal.currency_id and journal.currency_id != company.currency_id:
            # An account in another currency: its lines wait for the bookkeeper.
            return [
                _Decision({"einvoice_match": "unmatched"} if line["amount"] > 0 else {})
                for line in lines
            ]
        invoices = self._open_invoices(company)
        matcher = Matcher(invoices)
        owed = {invoice.id: invoice.residual for invoice in invoices}
        accounts = {
            (line["account_number"] or "").replace(" ", "").upper()
            for line in lines
            if line["account_number"]
        }
        partners_by_account = {
            bank.sanitized_acc_number: bank.partner_id.commercial_partner_id.id
            for bank in self.env["res.partner.bank"]
            .sudo()
            .search([("sanitized_acc_number", "in", list(accounts))])
        }
        # References first, over the whole statement: an invoice quoted by one
        # line is not taken by another line's amount, in this step or a later one.
        every = [*lines, *later]
        if keys is None:
            keys = [find_keys(line["payment_ref"]) for line in every]
        found_list = [
            matcher.match(
                Decimal(line["amount"]), line["date"], line_keys, steps=("reference",)
            )
            if line_keys and Decimal(line["amount"]) > 0
            else None
            for line, line_keys in zip(every, keys, strict=True)
        ][: len(lines)]
        keys = keys[: len(lines)]
        for index, line in enumerate(lines):
            if found_list[index] is None and Decimal(line["amount"]) > 0:
                found_list[index] = matcher.match(
                    Decimal(line["amount"]),
                    line["date"],
                    keys[index],
                    partner_id=partners_by_account.get(
                        (line["account_number"] or "").replace(" ", "").upper()
                    ),
                    steps=("account", "amount"),
                )
        reasons = self._unmatched_reasons(
            company,
            [
                line_keys if found is None and Decimal(line["amount"]) > 0 else []
                for line, line_keys, found in zip(lines, keys, found_list, strict=True)
            ],
        )
        matched_ids = {i for found in found_list if found for i in found.invoice_ids}
        receivables = {}
        for move_line in (
            self.env["account.move"]
            .sudo()
            .browse(matched_ids)
            .line_ids.filtered(
                lambda ml: (
                    ml.account_id.account_type == "asset_receivable"
                    and not ml.reconciled
                )
            )
        ):
            receivables.setdefault(move_line.move_id.id, []).append(move_line)
        decisions, planned = [], set()
        for line, found, reason in zip(lines, found_list, reasons, strict=True):
            amount = Decimal(line["amount"])
            if found is None:
                decisions.append(
                    _Decision(
                        {"einvoice_match": "unmatched", "einvoice_match_reason": reason}
                        if amount > 0
                        else {}
                    )
                )
                continue
            [invoice_id, *others] = found.invoice_ids
            open_lines = receivables.get(invoice_id, [])
            if (
                not others
                and len(open_lines) == 1
                and amount <= owed[invoice_id]
                and invoice_id not in planned
            ):
                planned.add(invoice_id)
                owed[invoice_id] -= amount
                receivable = open_lines[0]
                decisions.append(
                    _Decision(
                        {
                            "einvoice_match": found.how,
                            "counterpart_account_id": receivable.account_id.id,
                            "partner_id": receivable.partner_id.id,
                        },
                        receivable=receivable,
                    )
                )
            else:
                decisions.append(
                    _Decision(
                        {"einvoice_match": found.how}, invoice_ids=found.invoice_ids
                    )
                )
        return decisions

    def _unmatched_reasons(self, company, keys_per_line):
        """Why a payment quoting references (``keys_per_line``, empty for the
        others) paid no invoice: the invoice it quotes is already paid, several
        open invoices have the reference, or none has it (`lib/payment_matching`
        never matches such a payment by account or amount)."""
        wanted = {key for keys in keys_per_line for key in keys}
        by_key = {}
        if wanted:
            moves = self.env["account.move"].search(
                [
                    ("company_id", "=", company.id),
                    ("state", "=", "posted"),
                    ("move_type", "in", ("out_invoice", "out_refund")),
                    (
                        "payment_reference",
                        "in",
                        [form for key in wanted for form in reference_forms(key)],
                    ),
                ]
            )
            for move in moves:
                by_key.setdefault(reference_key(move.payment_reference), []).append(
                    move
                )
        reasons = []
        for keys in keys_per_line:
            text = []
            for key in keys:
                moves = by_key.get(key, [])
                still_open = [
                    m for m in moves if m.payment_state in ("not_paid", "partial")
                ]
                if len(still_open) > 1:
                    text.append(
                        _(
                            "Several open invoices have the reference %(reference)s.",
                            reference=key,
                        )
                    )
                elif moves and not still_open:
                    text.append(
                        _(
                            "%(invoice)s, whose reference it quotes, is already paid.",
                            invoice=", ".join(m.name for m in moves),
                        )
                    )
                elif not moves:
                    text.append(
                        _("No invoice has the reference %(reference)s.", reference=key)
                    )
            reasons.append(" ".join(text) or False)
        return reasons

    def _reconcile(self, lines, decisions, result):
        """The planned pairs in one reconciliation, then the lines that pay several
        invoices or more than one owes, one by one."""
        plan, later = [], []
        for line, decision in zip(lines, decisions, strict=True):
            if decision.receivable:
                counterpart = line.move_id.line_ids.filtered(
                    lambda ml, account=decision.receivable.account_id: (
                        ml.account_id == account
                    )
                )
                plan.append(counterpart | decision.receivable)
            elif decision.invoice_ids:
                later.append((line, decision))
        if plan:
            self.env["account.move.line"].sudo()._reconcile_plan(plan)
        moves = self.env["account.move"].sudo()
        for line, decision in later:
            if not line._einvoice_pay(moves.browse(decision.invoice_ids)):
                line.einvoice_match = "unmatched"
        for line in lines:
            if line.einvoice_match == "unmatched":
                result["unmatched"] += 1
            elif line.einvoice_match:
                result["matched"][line.einvoice_match] += 1
