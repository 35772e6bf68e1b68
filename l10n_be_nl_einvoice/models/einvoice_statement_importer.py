# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import hashlib
import time

from odoo import _, models
from odoo.exceptions import UserError

from ..lib.payment_matching import find_keys
from .access import MANAGER, require_group

# The file the steps of a background import read last in this process, parsed, with
# the references of its lines and the time its last chunk took a line (see
# `_read_for_steps`).
_READ = {}
# The most lines a chunk of a background step takes, whatever time it has left.
MAX_CHUNK_LINES = 1000


def new_result():
    """What an import did, as `import_file` answers it."""
    return {
        "statement_ids": [],
        "lines": 0,
        "matched": {"reference": 0, "account": 0, "amount": 0},
        "unmatched": 0,
        "duplicates": [],
        "unknown_accounts": [],
        "warnings": [],
    }


class EinvoiceStatementImporter(models.AbstractModel):
    """Bank statement files (CODA, bank CSV, zips of them) into statements, in two
    parts. The plan reads every statement of the files, finds its journal, refuses
    what must be refused (a damaged file, a statement that does not continue the
    previous one, an account that is not the chosen journal's) and creates the
    statements without their lines: all or nothing. The lines then follow in
    steps, each of as many lines as fit in its time, matched with the invoices
    they pay; the plan says how far each statement got, so an import that stops
    between two steps goes on where it stopped, without a line twice or a line
    missed. A request
    imports everything at once; the background import takes one step per call."""

    _name = "einvoice.statement.importer"
    _description = "Bank statement import"

    def _check_may_import(self):
        """Bank statements are imported by accounting managers, as in stock Odoo
        (and by the scheduled CodaBox feed, as the superuser): anyone else is
        refused before a file is read or unpacked. A file imported in the
        background is imported in its sender's name: checked again at each step."""
        require_group(self.env, MANAGER, self.env._("Importing bank statements"))

    def _import(self, files, strict=True, create_journals=False, journal=None):
        """Import `files` ((name, bytes) pairs) at once; returns the result."""
        plan = self._plan(files, strict, create_journals, journal)
        self._import_lines(files, plan, strict, journal)
        return plan["result"]

    def _plan(self, files, strict=True, create_journals=False, journal=None):
        """Check every statement of `files`: its journal, whether it was imported
        before, whether it continues the account's previous statement. The plan
        names, per statement to import, its file (the n-th one unpacked), its
        place in that file, its journal, its record once created and how many of
        its lines are imported."""
        result = new_result()
        self._check_may_import()
        plan = {"statements": [], "result": result}
        planned = {}  # journal id -> the statements planned before, in order
        for member, (name, raw) in enumerate(self._unpack(files)):
            for index, parsed in enumerate(
                self._read(name, raw, strict, journal, result)
            ):
                target = self._journal_for(parsed, create_journals, journal)
                if not target:
                    result["unknown_accounts"].append(parsed.account)
                    continue
                before = planned.setdefault(target.id, [])
                if self._imported_before(target, parsed) or any(
                    other.identity == parsed.identity for other in before
                ):
                    result["duplicates"].append(self._label(parsed))
                    continue
                self._check_continuity(name, target, parsed, strict, result, before)
                before.append(parsed)
                plan["statements"].append(
                    {
                        "member": member,
                        "index": index,
                        "journal_id": target.id,
                        "statement_id": None,
                        "done": 0,
                        "total": len(parsed.lines),
                        "warnings": parsed.warnings,
                    }
                )
        return plan

    def _import_lines(self, files, plan, strict=True, journal=None, seconds=None):
        """Import the lines the plan still has, in chunks sized to the time left
        (`_chunk_lines`), until `seconds` are spent; else all at once. Returns
        whether every line is imported; `plan` says how far."""
        self._check_may_import()
        deadline = time.monotonic() + seconds if seconds else None
        waiting = self._waiting(plan)
        if not waiting:
            return True
        read, kept = self._read_for_steps(files, strict, journal, keep=bool(seconds))
        result = plan["result"]
        chunks = 0
        for entry in waiting:
            name, raw, parsed, every_keys = read(entry["member"], entry["index"])
            target = self.env["account.journal"].browse(entry["journal_id"])
            if entry["statement_id"] is None:
                statement = self._create_statement(
                    name, raw, parsed, target, entry["warnings"]
                )
                if not statement:
                    # Imported meanwhile by another import of the same file.
                    result["duplicates"].append(self._label(parsed))
                    entry["done"] = entry["total"]
                    entry["statement_id"] = False
                    continue
                entry["statement_id"] = statement.id
                result["statement_ids"].append(statement.id)
            statement = (
                self.env["account.bank.statement"].sudo().browse(entry["statement_id"])
            )
            lines = parsed.lines
            while entry["done"] < entry["total"]:
                start = entry["done"]
                size = (
                    self._chunk_lines(
                        deadline - time.monotonic(), kept, first=not chunks
                    )
                    if deadline
                    else entry["total"] - start
                )
                if not size:
                    return False
                chunks += 1
                end = min(start + size, entry["total"])
                began = time.monotonic()
                self._create_lines(
                    target,
                    statement,
                    lines[start:end],
                    lines[end:],
                    every_keys[start:],
                    result,
                )
                # What the chunk leaves to compute (the statement's totals) is
                # part of its pace.
                self.env.flush_all()
                kept["pace"] = (time.monotonic() - began) / (end - start)
                entry["done"] = end
                if deadline and time.monotonic() > deadline:
                    return not self._waiting(plan)
        return True

    def _chunk_lines(self, left, kept, first):
        """How many lines the next chunk of a background step takes: each chunk
        costs a fixed part (the statement's totals, the open invoices read again)
        besides its lines, so a step takes as many as fit in the time it has left
        (`left`, seconds) at the pace of the file's last chunk (a fifth kept for a
        slower machine), at least `statement_step_lines` and at most
        MAX_CHUNK_LINES; none (0) when fewer fit after the step's first chunk:
        the next step takes them."""
        least = self._step_lines()
        pace = kept.get("pace")
        if not pace:
            return least
        fit = int(left * 0.8 / pace)
        if fit < least:
            return least if first else 0
        return min(fit, MAX_CHUNK_LINES)

    def _waiting(self, plan):
        """The plan's statements not created yet, or with lines still to import."""
        return [
            entry
            for entry in plan["statements"]
            if entry["statement_id"] is None or entry["done"] < entry["total"]
        ]

    def _read_for_steps(self, files, strict, journal, keep=True):
        """A function (member, index) -> (file name, file, statement, references
        of each of its lines), and what is kept of the file between steps. The
        steps of a background import read the same file one after another in a
        worker: the last file read is kept in this process (`_READ`), so a step
        reads it, parses it and finds its references once, not every step, and
        knows the pace of the step before; an import at once (`keep` false)
        keeps nothing."""
        digest = hashlib.sha256()
        for name, raw in files:
            digest.update(name.encode() + b"\0" + raw)
        key = (
            self.env.cr.dbname,
            digest.hexdigest(),
            strict,
            journal.id if journal else 0,
        )
        kept = _READ if keep else {}
        if kept.get("key") != key:
            kept.clear()
            kept.update(key=key, members=list(self._unpack(files)), statements={})
        members, statements = kept["members"], kept["statements"]

        def read(member, index):
            name, raw = members[member]
            if member not in statements:
                parsed = self._read(name, raw, strict, journal, new_result())
                statements[member] = [
                    (st, [find_keys(line["payment_ref"]) for line in st.lines])
                    for st in parsed
                ]
            statement, keys = statements[member][index]
            return name, raw, statement, keys

        return read, kept

    def _step_lines(self):
        """Lines per step of a background import (system parameter
        l10n_be_nl_einvoice.statement_step_lines, 50 by default)."""
        return max(
            1,
            int(
                self.env["ir.config_parameter"]
                .sudo()
                .get_param("l10n_be_nl_einvoice.statement_step_lines", 50)
            ),
        )

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
        self.env["account.journal"].check_access("create")
        # The company's own account for its new bank journal: the accounting
        # manager's set-up, which stock Odoo otherwise ties to "Contact Creation"
        # (a right about customers and suppliers).
        partner_bank = (
            self.env["res.partner.bank"]
            .sudo()
            .create({"acc_number": parsed.account, "partner_id": company.partner_id.id})
            .sudo(False)
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

    def _label(self, parsed):
        return _(
            "%(account)s statement %(number)s",
            account=parsed.account,
            number=parsed.number,
        )

    def _imported_before(self, journal, parsed):
        # Statements are read and created by the system: the importer's right to
        # import them was checked before the file was read, and the journal is
        # one of the importer's companies'.
        return bool(
            self.env["account.bank.statement"]
            .sudo()
            .search_count(
                [
                    ("company_id", "=", journal.company_id.id),
                    ("einvoice_import_identity", "=", parsed.identity),
                ]
            )
        )

    def _create_statement(self, name, raw, parsed, journal, warnings):
        """The statement on `journal`, with the file attached and what did not add
        up (`warnings`), before its lines; None when it was imported meanwhile."""
        if self._imported_before(journal, parsed):
            return None
        values = {
            "name": parsed.number,
            "reference": name,
            "journal_id": journal.id,
            "date": parsed.date,
            "einvoice_import_identity": parsed.identity,
            "einvoice_import_warnings": "\n".join(warnings) or False,
        }
        if parsed.balance_start is not None:
            values["balance_start"] = float(parsed.balance_start)
        if parsed.balance_end is not None:
            values["balance_end_real"] = float(parsed.balance_end)
        record = (
            self.env["account.bank.statement"]
            .sudo()
            .with_company(journal.company_id)
            .create(values)
        )
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
        return record

    def _create_lines(self, journal, statement, lines, later, keys, result):
        """Create `lines` on `statement` of `journal` and pay the invoices they
        pay; `later` are the statement's lines still to come, `keys` the
        references each of `lines` + `later` quotes."""
        matching = self.env["einvoice.statement.matching"]
        decisions = matching._prematch(journal, lines, later, keys)
        created = (
            self.env["account.bank.statement.line"]
            .sudo()
            .with_company(journal.company_id)
            ._einvoice_create_batch(
                [
                    {
                        **line,
                        "amount": float(line["amount"]),
                        "journal_id": journal.id,
                        "statement_id": statement.id,
                        **decision.values,
                    }
                    for line, decision in zip(lines, decisions, strict=True)
                ]
            )
        )
        matching._reconcile(created, decisions, result)
        result["lines"] += len(created)

    def _check_continuity(self, name, journal, parsed, strict, result, before=()):
        """A statement opens at the balance the account's previous statement (by
        date, in this file or an earlier import) closed at: otherwise a statement
        is missing or the file is damaged. Refused in strict mode, else said on
        the statement. `before`: the journal's statements planned before this one
        in the same import, not created yet."""
        if parsed.balance_start is None:
            return
        previous = (
            self.env["account.bank.statement"]
            .sudo()
            .search(
                [("journal_id", "=", journal.id), ("date", "<=", parsed.date)],
                order="date desc, id desc",
                limit=1,
            )
        )
        closing = previous and (previous.name, previous.date, previous.balance_end_real)
        for other in before:
            later = not closing or other.date >= closing[1]
            if other.date <= parsed.date and later and other.balance_end is not None:
                closing = (other.number, other.date, float(other.balance_end))
        currency = journal.currency_id or journal.company_id.currency_id
        if not closing or not currency.compare_amounts(
            closing[2], float(parsed.balance_start)
        ):
            return
        message = _(
            "%(file)s: statement %(number)s of %(account)s opens at %(opening)s, but "
            "the statement before it, %(previous)s of %(date)s, closed at "
            "%(closing)s: a statement is missing or the file is damaged.",
            file=name,
            number=parsed.number,
            account=parsed.account,
            opening=parsed.balance_start,
            previous=closing[0],
            date=closing[1],
            closing=closing[2],
        )
        if strict:
            raise UserError(message)
        parsed.warnings.append(message)
        result["warnings"].append(message)

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
