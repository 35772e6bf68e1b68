# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import base64
import hashlib
from dataclasses import dataclass, field
from decimal import Decimal

from odoo import _, api, fields, models
from odoo.exceptions import UserError

from ..lib import archive, bank_csv, coda
from ..lib.payment_matching import (
    Matcher,
    OpenInvoice,
    find_keys,
    reference_forms,
    reference_key,
)
from ..models.access import MANAGER, require_group


@dataclass
class _Decision:
    """How a statement line is created and settled."""

    values: dict
    receivable: object = None  # the one receivable line it pays
    invoice_ids: tuple = ()  # or the invoices it pays, settled once created


@dataclass
class Parsed:
    """A statement as read from a CODA or CSV file, ready to be created."""

    account: str
    currency: str
    number: str
    date: object
    balance_start: Decimal | None
    balance_end: Decimal | None
    identity: str
    lines: list = field(default_factory=list)  # dicts of statement line values


class EinvoiceStatementImport(models.TransientModel):
    """Import CODA bank statements (one or several files, or a zip): each statement
    goes to the bank journal of its account, once; its payments find their invoices
    by structured reference, then by the customer's account and amount, then by
    amount and date, and those invoices are paid."""

    _name = "einvoice.statement.import"
    _description = "Import bank statements"

    attachment_ids = fields.Many2many(
        "ir.attachment",
        string="Files",
        help="CODA files or bank CSV exports (BNP Paribas Fortis, Belfius, KBC, ING, "
        "Argenta, Fintro, Rabobank, ABN AMRO), or a zip of them.",
    )
    journal_id = fields.Many2one(
        "account.journal",
        string="Bank journal",
        domain="[('type', '=', 'bank')]",
        help="For a CSV export that does not name its account.",
    )
    strict = fields.Boolean(
        string="Refuse files that do not add up",
        help="Without it, a file whose totals, balances or account do not agree is "
        "imported with warnings.",
    )
    create_journals = fields.Boolean(
        string="Create missing bank journals",
        help="A statement of an account no bank journal has creates that journal.",
    )
    summary = fields.Text(readonly=True)

    # -- entry points -----------------------------------------------------------------

    def _check_may_import(self):
        """Bank statements are imported by accounting managers, as in stock Odoo
        (and by the scheduled CodaBox feed, as the superuser): anyone else is
        refused before a file is read or unpacked."""
        require_group(self.env, MANAGER, self.env._("Importing bank statements"))

    def action_import(self):
        self.ensure_one()
        self._check_may_import()
        if not self.attachment_ids:
            raise UserError(_("Choose the statement files to import."))
        files = [(a.name, a.raw) for a in self.attachment_ids]
        options = {
            "strict": self.strict,
            "create_journals": self.create_journals,
            "journal": self.journal_id,
        }
        if self._is_big(files):
            jobs = self._queue(files, **options)
            self.summary = _(
                "%(count)s big file(s) are imported in the background; you will be "
                "notified when they are done (E-invoicing > Bank statement imports).",
                count=len(jobs),
            )
        else:
            self.summary = self._summary_text(self._import_files(files, **options))
        return {
            "type": "ir.actions.act_window",
            "res_model": self._name,
            "res_id": self.id,
            "view_mode": "form",
            "target": "new",
        }

    @api.model
    def import_file(
        self,
        filename,
        data,
        strict=False,
        create_journals=False,
        journal_id=False,
        background=None,
    ):
        """Import one statement file (base64), over XML-RPC; returns the summary:
        statements imported and their ids, lines, matched (by reference, account,
        amount), unmatched, duplicates skipped, unknown accounts, warnings. A big
        file (or `background=True`) is queued instead: `job_ids` name the jobs."""
        self._check_may_import()
        files = [(filename, base64.b64decode(data))]
        options = {
            "strict": strict,
            "create_journals": create_journals,
            "journal": self.env["account.journal"].browse(journal_id),
        }
        if background or (background is None and self._is_big(files)):
            return {"job_ids": self._queue(files, **options).ids}
        return self._import_files(files, **options)

    def _is_big(self, files):
        """More lines than a request should import (system parameter
        l10n_be_nl_einvoice.statement_background_lines, 2,000 by default)."""
        limit = int(
            self.env["ir.config_parameter"]
            .sudo()
            .get_param("l10n_be_nl_einvoice.statement_background_lines", 2000)
        )
        return sum(raw.count(b"\n") for _name, raw in self._unpack(files)) > limit

    def _queue(self, files, strict=False, create_journals=False, journal=None):
        jobs = self.env["einvoice.statement.import.job"]
        for name, raw in files:
            job = jobs.create(
                {
                    "name": name,
                    "strict": strict,
                    "create_journals": create_journals,
                    "journal_id": journal.id if journal else False,
                }
            )
            # The file is the job's, and a job is the system's record: its sender
            # queues it and reads it (the access file), only the import writes it.
            # Attaching a file to a record takes the right to write that record.
            job.sudo().attachment_id = (
                self.env["ir.attachment"]
                .sudo()
                .create(
                    {
                        "name": name,
                        "raw": raw,
                        "res_model": job._name,
                        "res_id": job.id,
                    }
                )
            )
            jobs |= job
        self.env.ref("l10n_be_nl_einvoice.ir_cron_einvoice_statement_import")._trigger()
        return jobs

    # -- import -----------------------------------------------------------------------

    def _import_files(self, files, strict=False, create_journals=False, journal=None):
        # A queued file is imported in its sender's name: checked again then.
        self._check_may_import()
        result = {
            "statement_ids": [],
            "lines": 0,
            "matched": {"reference": 0, "account": 0, "amount": 0},
            "unmatched": 0,
            "duplicates": [],
            "unknown_accounts": [],
            "warnings": [],
        }
        for name, raw in self._unpack(files):
            for parsed in self._read(name, raw, strict, journal, result):
                self._import_statement(
                    name, raw, parsed, create_journals, journal, result
                )
        return result

    def _read(self, name, raw, strict, journal, result):
        """The statements of one file, CODA or bank CSV; a file that cannot be read
        stops the import with the file, line and reason."""
        try:
            if coda.looks_like_coda(raw):
                parsed = coda.parse(raw, strict=strict)
                result["warnings"] += [f"{name}: {w}" for w in parsed.warnings]
                return [self._from_coda(st) for st in parsed.statements]
            return self._from_csv(name, bank_csv.read(raw), journal)
        except coda.CodaError as error:
            raise UserError(
                _("%(file)s: %(error)s", file=name, error=str(error))
            ) from error
        except bank_csv.BankCsvError as error:
            raise UserError(
                _("%(file)s: %(error)s", file=name, error=self._csv_error(error))
            ) from error

    def _csv_error(self, error):
        message = self.env._(error.message, **(error.params or {}))
        where = []
        if error.line:
            where.append(self.env._("line %(line)s", line=error.line))
        if error.column:
            where.append(self.env._("column %(column)s", column=error.column))
        return ", ".join(where) + (": " if where else "") + message

    def _from_coda(self, statement):
        content = hashlib.sha256()
        for movement in statement.movements:
            content.update(
                f"{movement.sequence}|{movement.detail}|{movement.amount}|"
                f"{movement.value_date}|{movement.communication}".encode()
            )
        account, currency, *rest = statement.identity
        dates = "/".join(str(value) for value in rest)
        parsed = Parsed(
            account=statement.iban or statement.account,
            currency=statement.currency,
            number=f"{statement.new_balance_date or ''} {statement.sequence:03d}",
            date=statement.new_balance_date or statement.old_balance_date,
            balance_start=statement.old_balance,
            balance_end=statement.new_balance,
            identity=f"{account} {currency} {dates} {content.hexdigest()[:16]}",
        )
        for movement in statement.booking_lines():
            text = " ".join(
                part
                for part in (movement.structured_reference, movement.communication)
                if part
            )
            parsed.lines.append(
                {
                    "date": movement.entry_date or movement.value_date or parsed.date,
                    "payment_ref": text or movement.bank_reference or "/",
                    "amount": movement.amount,
                    "partner_name": movement.counterparty_name or False,
                    "account_number": movement.counterparty_account or False,
                    "transaction_type": movement.transaction_code.code,
                }
            )
        return parsed

    def _from_csv(self, name, rows, journal):
        """One statement per account in the file; an export without the account
        goes to the chosen journal."""
        by_account = {}
        for row in rows:
            account = row.account or (
                journal.bank_account_id.acc_number if journal else ""
            )
            if not account:
                raise UserError(
                    _(
                        "%(file)s does not name its bank account: choose the bank "
                        "journal to import it into.",
                        file=name,
                    )
                )
            by_account.setdefault(account, []).append(row)
        statements = []
        for account, account_rows in by_account.items():
            account_rows.sort(key=lambda row: (row.date, row.line))
            first, last = account_rows[0], account_rows[-1]
            content = hashlib.sha256()
            for row in account_rows:
                content.update(
                    f"{row.date}|{row.amount}|{row.reference}|{row.communication}".encode()
                )
            balance_end = last.balance
            balance_start = (
                first.balance - first.amount if first.balance is not None else None
            )
            compact = account.replace(" ", "").upper()
            parsed = Parsed(
                account=compact,
                currency=first.currency,
                number=f"{first.date} - {last.date}",
                date=last.date,
                balance_start=balance_start,
                balance_end=balance_end,
                identity=f"{compact} {first.currency} {first.date}/{last.date} "
                f"{content.hexdigest()[:16]}",
            )
            for row in account_rows:
                text = " ".join(
                    part
                    for part in (
                        row.structured_reference,
                        row.communication,
                        row.details,
                    )
                    if part
                )
                parsed.lines.append(
                    {
                        "date": row.date,
                        "payment_ref": text or row.reference or "/",
                        "amount": row.amount,
                        "partner_name": row.counterparty_name or False,
                        "account_number": row.counterparty_account or False,
                    }
                )
            statements.append(parsed)
        return statements

    def _unpack(self, files):
        """Each file, or each file of a zip archive, within the size limits of
        `lib/archive.py`: a zip bomb is refused while it is read."""
        for name, raw in files:
            try:
                yield from archive.unpack(name, raw)
            except archive.ArchiveError as error:
                raise UserError(
                    _(
                        "%(file)s: %(error)s",
                        file=error.name,
                        error=self.env._(error.message, **error.params),
                    )
                ) from error

    def _journal_for(self, parsed, create_journals, journal=None):
        compact = parsed.account.replace(" ", "").upper()
        candidates = self.env["account.journal"].search(
            [
                ("type", "=", "bank"),
                ("company_id", "in", self.env.companies.ids),
                ("bank_account_id", "!=", False),
            ]
        )
        own = candidates.filtered(
            lambda candidate: candidate.bank_account_id.sanitized_acc_number == compact
        )[:1]
        if journal and own != journal and not create_journals:
            # A chosen journal takes the statements of its own account only: a
            # file of another account is not booked on it.
            raise UserError(
                _(
                    "The statement of account %(account)s is not for the journal "
                    "%(journal)s (%(journal_account)s) chosen for this import: import "
                    "it without choosing a journal, or with 'Create missing bank "
                    "journals'.",
                    account=parsed.account,
                    journal=journal.display_name,
                    journal_account=journal.bank_account_id.acc_number
                    or _("no account"),
                )
            )
        if own or not create_journals:
            return own or None
        company = self.env.company
        partner_bank = self.env["res.partner.bank"].create(
            {"acc_number": parsed.account, "partner_id": company.partner_id.id}
        )
        return self.env["account.journal"].create(
            {
                "name": _("Bank %(account)s", account=parsed.account),
                "type": "bank",
                "code": f"B{compact[-4:]}",
                "company_id": company.id,
                "bank_account_id": partner_bank.id,
                "currency_id": self._currency(parsed.currency, company).id,
            }
        )

    def _currency(self, code, company):
        if not code or code == company.currency_id.name:
            return self.env["res.currency"]
        return self.env["res.currency"].search([("name", "=", code)], limit=1)

    def _import_statement(self, name, raw, parsed, create_journals, journal, result):
        target = self._journal_for(parsed, create_journals, journal)
        if not target:
            result["unknown_accounts"].append(parsed.account)
            return
        statements = self.env["account.bank.statement"].sudo()
        if statements.search_count(
            [
                ("company_id", "=", target.company_id.id),
                ("einvoice_import_identity", "=", parsed.identity),
            ]
        ):
            result["duplicates"].append(
                _(
                    "%(account)s statement %(number)s",
                    account=parsed.account,
                    number=parsed.number,
                )
            )
            return
        values = {
            "name": parsed.number,
            "reference": name,
            "journal_id": target.id,
            "date": parsed.date,
            "einvoice_import_identity": parsed.identity,
        }
        if parsed.balance_start is not None:
            values["balance_start"] = float(parsed.balance_start)
        if parsed.balance_end is not None:
            values["balance_end_real"] = float(parsed.balance_end)
        with self.env.cr.savepoint():
            record = statements.with_company(target.company_id).create(values)
            decisions = self._prematch(target, parsed.lines)
            lines = (
                self.env["account.bank.statement.line"]
                .sudo()
                .with_company(target.company_id)
                ._einvoice_create_batch(
                    [
                        {
                            **line,
                            "amount": float(line["amount"]),
                            "journal_id": target.id,
                            "statement_id": record.id,
                            **decision.values,
                        }
                        for line, decision in zip(parsed.lines, decisions, strict=True)
                    ]
                )
            )
            self._reconcile(lines, decisions, result)
            record.attachment_ids = [
                (
                    0,
                    0,
                    {
                        "name": name.rsplit("/", 1)[-1],
                        "raw": raw,
                        "res_model": "account.bank.statement",
                        "res_id": record.id,
                    },
                )
            ]
        result["statement_ids"].append(record.id)
        result["lines"] += len(lines)

    # -- matching ---------------------------------------------------------------------

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

    def _prematch(self, journal, lines):
        """What each line pays, decided before the lines exist: a line that pays one
        invoice, at most what it still owes, is created with that invoice's
        receivable as counterpart (reconciled in one go afterwards); a line paying
        several invoices, or more than one owes, is settled once created."""
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
        # line is not taken by another line's amount.
        keys = [find_keys(line["payment_ref"]) for line in lines]
        found_list = [
            matcher.match(
                Decimal(line["amount"]), line["date"], line_keys, steps=("reference",)
            )
            if Decimal(line["amount"]) > 0
            else None
            for line, line_keys in zip(lines, keys, strict=True)
        ]
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

    def _summary_text(self, result):
        matched = result["matched"]
        text = [
            _(
                "%(statements)s statement(s) imported, %(lines)s line(s).",
                statements=len(result["statement_ids"]),
                lines=result["lines"],
            ),
            _(
                "Paid invoices found: %(reference)s by structured reference, "
                "%(account)s by the customer's account and amount, %(amount)s by "
                "amount and date; %(unmatched)s line(s) to reconcile by hand.",
                unmatched=result["unmatched"],
                **matched,
            ),
        ]
        if result["duplicates"]:
            text.append(
                _(
                    "Already imported, skipped: %(list)s.",
                    list=", ".join(result["duplicates"]),
                )
            )
        if result["unknown_accounts"]:
            text.append(
                _(
                    "No bank journal has the account(s) %(list)s: create the journal "
                    "(or tick Create missing bank journals) and import again.",
                    list=", ".join(result["unknown_accounts"]),
                )
            )
        text += result["warnings"]
        return "\n".join(text)
