"""Reading the fields of each CODA record: the header (0), the balances (1 and 8),
free communications (4), the trailer (9), and the zones movements and information
records share. `_Reader` in `parser` walks the file and calls these."""

from decimal import Decimal

from .model import Statement, TransactionCode
from .records import CodaError, to_date

ZERO = Decimal("0.000")


class RecordFields:
    """The field readers of `parser._Reader`; they read ``self.statement``,
    ``self.strict`` and ``self.problem`` of the reader."""

    # -- records 0, 1, 8, 4, 9 -----------------------------------------------------

    def header(self, line):
        if self.statement is not None:
            raise CodaError(
                "record 0 starts a statement before the record 9 (trailer) of the "
                f"statement of line {self.statement.line}",
                line.number,
            )
        text = line.text
        version = text[127]
        if version not in ("1", "2"):
            raise line.error(f"record 0 version code {version!r} is not 1 or 2", 127)
        self.statement = Statement(
            line.number,
            int(version),
            line.date_at(5, "creation date", self.dates),  # creation date
            text[11:14],  # bank id
            text[60:71].strip(),  # BIC
            text[16] == "D",  # duplicate
            text[24:34].strip(),  # file reference
            text[34:60].strip(),  # addressee
            text[71:82].strip(),  # holder identification
            text[83:88],  # separate application
        )
        self.stage = "0"
        self.uncounted = 0
        self.debit = self.credit = ZERO

    def old_balance(self, line):
        self.place(line, "0")
        text, statement = line.text, self.statement
        # CODA 1 knows only Belgian account numbers and has no structure code.
        structure = text[1] if statement.version == 2 else "0"
        if structure not in "0123":
            raise line.error(
                f"record 1 account structure {structure!r} is not 0, 1, 2 or 3", 1
            )
        statement.account_structure = int(structure)
        statement.account, statement.currency = self.account(text[5:42])
        statement.paper_sequence = line.optional_number_at(2, 5)
        statement.old_balance = line.amount_at(42, 43, "old balance")
        statement.old_balance_date = line.date_at(58, "old balance date", self.dates)
        statement.holder_name = text[64:90].strip()
        statement.account_description = text[90:125].strip()
        statement.sequence = line.number_at(125, 128, "statement sequence number")
        self.stage = "1"
        self.old_balance_line = line.number

    def account(self, zone: str) -> tuple[str, str]:
        """Account number and currency of the 37-character zone of records 1 and 8,
        whose layout follows the account structure (§7.5); CODA 1 knows only the
        Belgian account number."""
        statement = self.statement
        if statement.version == 1 or statement.account_structure == 0:
            return zone[:12], zone[13:16].strip()
        if statement.account_structure == 2:
            return zone[:31].strip(), zone[34:37].strip()
        return zone[:34].strip(), zone[34:37].strip()

    def new_balance(self, line):
        self.place(line, "1")
        statement = self.statement
        statement.new_paper_sequence = line.optional_number_at(1, 4)
        account, currency = self.account(line.text[4:41])
        statement.new_balance = line.amount_at(41, 42, "new balance")
        statement.new_balance_date = line.date_at(57, "new balance date", self.dates)
        self.stage = "8"
        if (account, currency) != (statement.account, statement.currency):
            self.problem(
                f"record 8 is about account {account} {currency}, record 1 (line "
                f"{self.old_balance_line}) about {statement.account} "
                f"{statement.currency}",
                line.number,
            )
        moved = sum((m.amount for m in statement.booking_lines()), ZERO)
        if statement.old_balance + moved != statement.new_balance:
            self.problem(
                f"old balance {statement.old_balance} + movements {moved} = "
                f"{statement.old_balance + moved}, but the new balance is "
                f"{statement.new_balance}",
                line.number,
            )

    def free_communication(self, line, previous_kind, previous: str):
        self.place(line, "8")
        self.uncounted += 1
        communications = self.statement.free_communications
        # The records of one free communication share its sequence number, and its
        # text runs on from one record to the next as in a movement.
        if previous_kind == "4" and previous[2:6] == line.text[2:6]:
            self.free_text += line.text[32:112]
            communications[-1] = " ".join(self.free_text.split())
        else:
            self.free_text = line.text[32:112]
            communications.append(" ".join(self.free_text.split()))

    def trailer(self, line):
        if self.statement is None or self.stage == "0":
            self.place(line, "1")  # outside a statement or before its record 1
        statement = self.statement
        if self.stage == "1":
            if statement.movements:
                raise CodaError(
                    f"record 9 ends the statement of line {statement.line}, which has "
                    "movements but no record 8 (new balance)",
                    line.number,
                )
            # An empty file (records 0, 1 and 9): the balance did not move.
            statement.new_balance = statement.old_balance
        statement.trailer_records = line.number_at(16, 22, "number of records")
        statement.trailer_debit = line.amount_at(None, 22, "debit total")
        statement.trailer_credit = line.amount_at(None, 37, "credit total")
        statement.multiple_file_code = line.text[127].strip()
        records = line.number - statement.line - 1 - self.uncounted
        if statement.trailer_records != records:
            self.problem(
                f"record 9 counts {statement.trailer_records} records 1, 2x, 3x and "
                f"8, the statement has {records}",
                line.number,
            )
        for what, total, found in (
            ("debit", statement.trailer_debit, self.debit),
            ("credit", statement.trailer_credit, self.credit),
        ):
            if total != found:
                self.problem(
                    f"record 9 {what} total {total} differs from the {found} of the "
                    "movements (records 21 with detail number 0000)",
                    line.number,
                )
        self.statements.append(statement)
        self.statement = None

    # -- movements and information records -----------------------------------------

    def movement_fields(self, line) -> tuple:
        """The fields of a record 21 that are checked, in the order they are: the
        first that is wrong raises."""
        return (
            line.number_at(2, 6, "sequence number"),
            line.number_at(6, 10, "detail number"),
            line.amount_at(31, 32, "amount"),
            line.date_at(47, "value date", self.dates),
            line.date_at(115, "entry date", self.dates),
            self.transaction_code(line, 53),
        )

    def information_fields(self, line, movement) -> tuple:
        """Detail number and transaction code of a record 31 about `movement`, checked
        in the order they are, after its sequence number."""
        sequence = line.number_at(2, 6, "sequence number")
        if sequence != movement.sequence:
            raise CodaError(
                f"record 31 is about movement {sequence:04d}, the movement before it "
                f"(line {movement.line}) is {movement.sequence:04d}",
                line.number,
            )
        detail = line.number_at(6, 10, "detail number")
        return detail, self.transaction_code(line, 31)

    def optional_number(self, value: str):
        """A number not read before: int, or None when it is not one (a paper
        sequence number the bank left blank)."""
        if value.isdigit() and value.isascii():
            number = self.numbers[value] = int(value)
            return number
        return None

    def transaction_code(self, line, start: int) -> TransactionCode:
        code = line.text[start : start + 8]
        transaction_code = self.codes.get(code) or self.new_code(code)
        if transaction_code is None:
            line.code_at(start, start + 8, "transaction code")  # not a number
        return transaction_code

    def new_code(self, code: str) -> TransactionCode | None:
        """The transaction code of 8 digits `code`, None when it is not a number."""
        if code.isdigit() and code.isascii():
            transaction_code = TransactionCode(code[0], code[1:3], code[3:5], code[5:])
            self.codes[code] = transaction_code
            return transaction_code
        return None

    def new_date(self, value: str):
        """The date of a DDMMYY field not read before, False when it is not one."""
        day = to_date(value)
        if day is not False:
            self.dates[value] = day
        return day

    def not_continued(self, line, previous_kind, previous: str, after, what: str):
        """Refuse a part 2 or 3 that does not continue the record before it."""
        if previous_kind not in after:
            raise CodaError(
                f"record {line.kind} does not continue a {what}: it follows a record "
                f"{previous_kind}",
                line.number,
            )
        raise CodaError(
            f"record {line.kind} has sequence and detail number "
            f"{line.text[2:6]}/{line.text[6:10]}, the record {previous_kind} "
            f"before it {previous[2:6]}/{previous[6:10]}",
            line.number,
        )
