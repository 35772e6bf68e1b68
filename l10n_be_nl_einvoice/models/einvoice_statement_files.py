# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import hashlib
from dataclasses import dataclass, field
from decimal import Decimal

from odoo import _, models
from odoo.exceptions import UserError

from ..lib import archive, bank_csv, coda


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
    warnings: list = field(default_factory=list)  # what did not add up, when allowed


class EinvoiceStatementFiles(models.AbstractModel):
    """The reading side of the bank statement import: the files (CODA, bank CSV,
    zips of them, within the archive limits) into statements ready to be created
    (`Parsed`), or a refusal naming the file, line and reason."""

    _inherit = "einvoice.statement.importer"

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
            warnings=list(statement.warnings),
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
