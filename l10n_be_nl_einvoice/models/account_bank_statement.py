# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
# Statements and their lines in one file: both serve the bank statement import, with
# the look-ups an import asks many times over, answered once per batch.
# pylint: disable=consider-merging-classes-inherited
from odoo import Command, api, fields, models

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

    einvoice_import_warnings = fields.Text(
        string="Imported although",
        readonly=True,
        copy=False,
        help="What did not add up in the imported file (totals, balances, the "
        "previous statement's closing balance), imported on request.",
    )

    _sql_constraints = [
        (
            "einvoice_import_identity_unique",
            "unique(company_id, einvoice_import_identity)",
            "This statement has already been imported.",
        )
    ]


class AccountMove(models.Model):
    _inherit = "account.move"

    def _get_next_sequence_format(self):
        """In a batch of statement entries, the entries of one journal and day share
        the format of their number: once Odoo's own sequence cache holds that format
        (this transaction has taken the next number and the lock that goes with
        it), the next entries take their numbers from it without looking up the
        last number again, one query per entry."""
        if not self.env.context.get("einvoice_statement_batch") or not self.date:
            return super()._get_next_sequence_format()
        memo = self.env.cr.precommit.data.setdefault("einvoice.sequence_format", {})
        key = (
            self.journal_id.id,
            self.move_type,
            self.date,
            bool(self.origin_payment_id),
        )
        if key in memo:
            format_string, values = memo[key]
            cache_key = (
                format_string.format(**{**values, "seq": 0}),
                self._sequence_index and self[self._sequence_index],
            )
            if cache_key in self._get_sequence_cache():
                return format_string, dict(values)
        format_string, values = super()._get_next_sequence_format()
        memo[key] = (format_string, dict(values))
        return format_string, values

    def _set_next_made_sequence_gap(self, made_gap):
        """In a batch of statement entries, each entry that takes its number marks
        the entry numbered right after it as following a gap (one search per
        entry), and once the batch is numbered, the entries after all of them are
        unmarked again (`_inverse_name`). The marks are therefore kept and set for
        the whole batch just before they are cleared, in one search per journal
        and prefix: the entries end with the same marks."""
        if not self.env.context.get("einvoice_statement_batch"):
            return super()._set_next_made_sequence_gap(made_gap)
        pending = self.env.cr.precommit.data.setdefault("einvoice.sequence_gap", set())
        if made_gap:
            # Only entries numbered now: the others mark nothing (see super).
            pending.update(self.filtered(lambda m: m.name and m.name != "/").ids)
            return None
        self._einvoice_mark_sequence_gaps(exclude=self)
        return super()._set_next_made_sequence_gap(made_gap)

    def _einvoice_mark_sequence_gaps(self, exclude=None):
        """Set the marks kept by `_set_next_made_sequence_gap`; those of entries
        in `exclude` are cleared right after, and are not set."""
        pending = self.env.cr.precommit.data.pop("einvoice.sequence_gap", set())
        marked = self.browse(pending) - (exclude or self.browse())
        if not marked:
            return None
        return super(AccountMove, marked.exists())._set_next_made_sequence_gap(True)


class AccountAnalyticDistributionModel(models.Model):
    _inherit = "account.analytic.distribution.model"

    @api.model
    def _get_distribution(self, vals):
        """In a batch of statement entries, every journal item asks for its
        analytic distribution with the same few arguments (account, partner,
        company): each answer is looked up once per transaction."""
        if not self.env.context.get("einvoice_statement_batch"):
            return super()._get_distribution(vals)
        memo = self.env.cr.precommit.data.setdefault("einvoice.distribution", {})
        key = tuple(
            sorted(
                (name, tuple(value) if isinstance(value, list) else value)
                for name, value in vals.items()
            )
        )
        if key not in memo:
            memo[key] = super()._get_distribution(dict(vals))
        return dict(memo[key])


class AccountFiscalPosition(models.Model):
    _inherit = "account.fiscal.position"

    @api.model
    def _get_fiscal_position(self, partner, delivery=None):
        """In a batch of statement entries, many entries of the same customer ask
        for the same fiscal position: each answer is looked up once."""
        if not self.env.context.get("einvoice_statement_batch") or not partner:
            return super()._get_fiscal_position(partner, delivery=delivery)
        memo = self.env.cr.precommit.data.setdefault("einvoice.fiscal_position", {})
        key = (self.env.company.id, partner.id, delivery.id if delivery else None)
        if key not in memo:
            memo[key] = super()._get_fiscal_position(partner, delivery=delivery).id
        return self.browse(memo[key])


class AccountBankStatementLine(models.Model):
    _inherit = "account.bank.statement.line"

    einvoice_match = fields.Selection(
        MATCH_STATES, string="Matched", readonly=True, copy=False, index=True
    )
    einvoice_match_reason = fields.Char(
        string="Why not matched",
        readonly=True,
        copy=False,
        help="A payment that quotes a structured reference is matched by it or not "
        "at all: the invoice it quotes is already paid, or no open invoice has it.",
    )

    @api.model
    def _einvoice_create_batch(self, vals_list):
        """Create many statement lines at once, as an import does: the same lines
        and entries as `create`, without what costs per line and changes nothing
        for lines built from their own values (chatter tracking of each entry, the
        entry-to-line consistency round trip, the balance check of entries that
        are balanced by construction). What that round trip sets, the entry's
        partner and currency, is written here once per value."""
        lines = self.with_context(
            einvoice_statement_batch=True,
            tracking_disable=True,
            skip_account_move_synchronization=True,
            check_move_validity=False,
            skip_invoice_sync=True,
        ).create(vals_list)
        groups = {}
        for line in lines:
            journal_currency = line.journal_id.currency_id
            if journal_currency == line.company_id.currency_id:
                journal_currency = journal_currency.browse()
            currency = (
                line.foreign_currency_id
                or journal_currency
                or line.company_id.currency_id
            )
            liquidity, _suspense, _other = line._seek_for_lines()
            key = (liquidity.partner_id.id, currency.id)
            if (line.move_id.partner_id.id, line.move_id.currency_id.id) != key:
                groups.setdefault(key, []).append(line.move_id.id)
        moves = self.env["account.move"].with_context(
            einvoice_statement_batch=True,
            skip_readonly_check=True,
            skip_account_move_synchronization=True,
            tracking_disable=True,
        )
        for (partner_id, currency_id), move_ids in groups.items():
            moves.browse(move_ids).write(
                {"partner_id": partner_id, "currency_id": currency_id}
            )
        moves._einvoice_mark_sequence_gaps()
        return lines.with_env(self.env)

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
