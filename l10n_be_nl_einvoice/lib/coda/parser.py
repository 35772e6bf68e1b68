"""Reading a CODA file into statements, and checking that it adds up.

A file holds one or more statements, each from a record 0 (header) to a record 9
(trailer): 0, 1 (old balance), movements 21 with their parts 22 and 23 and their
information records 31, 32, 33, then 8 (new balance), free communications 4 and 9.

Two kinds of trouble are told apart:

* a record that cannot be read (unknown record type, cut short, a number or a date
  that is not one, a record out of its place, a file that ends before its trailer)
  always raises ``CodaError``: nothing of such a file can be trusted;
* a file that does not add up (the trailer's record count or debit and credit totals,
  old balance + movements against new balance, record 8 about another account than
  record 1, next and link codes that announce records that do not come) raises
  ``CodaError`` in strict mode; in tolerant mode it is read and each statement lists
  its ``warnings``. Public sample files and some bank exports have such faults while
  their movements are right; a bookkeeper decides.

Every message starts with the line it is about.
"""

from codecs import BOM_UTF16_BE, BOM_UTF16_LE
from decimal import Decimal

from .model import (
    DETAIL_OF,
    STATEMENT_TYPES,
    CodaFile,
    InformationAsRead,
    Movement,
    Statement,
    TransactionCode,
)
from .record_fields import ZERO, RecordFields
from .records import (
    BLANK_POSITIONS,
    RECORD_LENGTH,
    CodaError,
    Line,
    decode,
    is_plain,
    read_line,
    split_lines,
)

# What the next code (position 126) of a record announces.
CONTINUATIONS = {"21": ("22", "23"), "22": ("23",), "31": ("32", "33"), "32": ("33",)}
CHAINED = frozenset(("21", "22", "23", "31", "32", "33"))
NO_AMOUNT = "0" * 15
DIGITS = {str(digit): digit for digit in range(10)} | {" ": 0}  # globalisation code
# A part missing from a structured communication over a chain of records is blank, as
# wide as its zone: the fields of the communication are positional.
NO_PART_22, NO_PART_23 = " " * 53, " " * 43


def parse(data, strict: bool = True) -> CodaFile:
    """The statements of a CODA file given as bytes (or already decoded text).

    Raises CodaError, naming the line, for a file that cannot be read; in strict
    mode also for one that does not add up (see the module's documentation)."""
    text, encoding = decode(data)
    reader = _Reader(strict)
    reader.run(text)
    reader.finish()
    return CodaFile(reader.statements, encoding)


def looks_like_coda(data) -> bool:
    """Whether `data` starts as a CODA file does: a header record 0 followed by an
    old balance record 1. Meant to choose an import format, not to validate."""
    head = data[:1024]
    if isinstance(head, bytes):
        head = (
            decode(head)[0]
            if head.startswith((BOM_UTF16_LE, BOM_UTF16_BE))
            else head.decode("latin-1")
        )
    lines = [line for line in head.replace("\r", "\n").split("\n") if line.strip()]
    return (
        len(lines) >= 2
        and lines[0].startswith("00000")
        and lines[1][:1] == "1"
        and len(lines[0]) >= 100
    )


def _code_problems(before, announced, linked, kind, previous) -> list[str]:
    """What does not add up when a record `kind` follows a record `before` (on line
    `previous`) whose next code (position 126) is 1 or not (`announced`) and whose
    link code (position 128) is 1 or not (`linked`)."""
    problems = []
    continuations = CONTINUATIONS.get(before)
    if continuations is not None:
        if announced and kind not in continuations:
            problems.append(
                f"record {before} of line {previous} announces a record "
                f"{' or '.join(continuations)} (next code 1), not a record {kind}"
            )
        elif not announced and kind in continuations:
            problems.append(
                f"record {kind} is not announced by the next code of record "
                f"{before} on line {previous}"
            )
        if kind in continuations:
            return problems  # the link code is that of the whole chain
    if before in CHAINED or before in ("8", "4"):
        linked_to = "31" if before in CHAINED else "4"
        if linked != (kind == linked_to):
            what = "announces" if linked else "does not announce"
            problems.append(
                f"the link code of record {before} on line {previous} "
                f"{what} a record {linked_to}, and a record {kind} follows"
            )
    return problems


class _Reader(RecordFields):
    """Reads the records one by one; the statement being read is its state.

    Movements and information records, nearly all the records of a file, are read by
    `run` itself, the balances, free communications, header and trailer by a method
    each."""

    def __init__(self, strict: bool):
        self.strict = strict
        self.statements: list[Statement] = []
        self.statement: Statement | None = None
        self.stage = ""  # kind of the last balance record read: "0", "1" or "8"
        self.free_text = ""  # the free communication (records 4) being read
        # The records a trailer counts are the lines after the header, less these:
        # blank lines and free communications (records 4).
        self.uncounted = 0
        self.debit = self.credit = ZERO
        self.last_line = 0
        self.old_balance_line = 0
        # What a statement repeats is read once: DDMMYY -> date (None for 000000),
        # transaction codes, small numbers (detail and paper sequence numbers).
        self.dates: dict = {"000000": None}
        self.codes: dict[str, TransactionCode] = {}
        self.numbers: dict[str, int] = {}
        self.lengths: dict[int, int] = {}  # line number -> length of a short line
        self.pending: list[str] = []  # warnings of lines before their statement

    # -- what is wrong -------------------------------------------------------------

    def problem(self, message: str, line: int):
        """Something that does not add up: an error in strict mode, else a warning."""
        if self.strict:
            raise CodaError(message, line)
        self.statement.warnings.append(f"line {line}: {message}")

    def short_record(self, number: int, record: str, kind: str, length: int):
        """A record shorter than 128 characters, padded with blanks. Exporters that
        strip trailing blanks write such records when the codes at the end of a
        record are blank: harmless. A record that lost a character has its end
        shifted one position to the left, so a code lands where the specification
        has a blank (position 127 of every record that can be short): refused in
        strict mode, else read padded and its statement says so."""
        taken = [
            position
            for first, last in BLANK_POSITIONS[kind]
            for position in range(first, min(last, length) + 1)
            if record[position - 1] != " "
        ]
        if not taken:
            return
        message = (
            f"the record is {length} characters long where {RECORD_LENGTH} are "
            f"expected, and position {taken[0]}, blank in a record {kind}, holds "
            f"{record[taken[0] - 1]!r}: a character is missing"
        )
        if self.strict:
            raise CodaError(message, number)
        if self.statement is None:
            self.pending.append(f"line {number}: {message}")
        else:
            self.statement.warnings.append(f"line {number}: {message}")

    def run(self, text: str):  # noqa: C901 - one loop over thousands of records
        """Read the records of `text`.

        Movements and information records are read here, field by field, the other
        records by a method each. Each record is first compared with the next code
        and link code of the record before it (`check_codes`); a record that follows
        as it should is let through by a shorter test, written for its type. Then
        its place in the statement, then its fields: when a quick look finds one
        wrong, the record is read again the slow way, which raises for the first
        wrong field in the order of the record."""
        dates, codes, numbers = self.dates, self.codes, self.numbers
        # The state of the statement, also kept by the methods of the other records.
        statement = movements = None
        debit, credit = self.debit, self.credit
        version = 0
        reading = False  # whether movements may come: after record 1, before 8
        previous_kind = None
        previous_record = " " * RECORD_LENGTH  # no code before the first record
        previous_number = 0
        movement = None
        total = seven = None  # the last movement of type 0-3, the last of type 7
        # The chain of records of a movement ends with its record 23, which nothing
        # continues, or else with the first record that does not continue it; its
        # communication is put together then, once.
        part_21 = part_22 = None
        chain = ""  # positions 3-10 of the chain: sequence and detail number
        sequence = ""  # positions 3-6: the sequence number of the movement
        # The information records of the movement, checked and kept as read: they
        # are put together when asked for (InformationAsRead).
        as_read = None
        text = text.rstrip("\x1a")
        # Most files have no blank but the space: their texts are quicker to squeeze.
        plain = is_plain(text)
        squeezed = _squeezed_plain if plain else _squeezed
        for number, record in enumerate(split_lines(text, plain), 1):
            if len(record) == RECORD_LENGTH:
                # The type of a movement or information record, the first two
                # characters; the type of another record is read further down.
                kind = record[:2]
            else:
                line = read_line(number, record)
                if line is None:
                    self.uncounted += 1  # a blank line
                    continue
                record, length, kind = line
                if length < RECORD_LENGTH:
                    self.lengths[number] = length
                    self.short_record(number, record, kind, length)

            if kind == "21":
                # Whatever comes before, it announces no part 2 or 3 (next code)
                # and no information record (link code).
                if (
                    previous_record[125] == "1" or previous_record[127] == "1"
                ) and statement is not None:
                    self.check_codes(
                        previous_kind, previous_record, previous_number, kind, number
                    )
                if part_21 is not None:
                    _end_movement(movement, part_21, part_22, None, squeezed)
                if not reading:
                    self.place(self.line(number, record, kind), "1")
                chain = record[2:10]
                sequence = record[2:6]
                digits = record[32:47]
                sign = record[31]
                value_date = dates.get(record[47:53], False)
                if value_date is False:
                    value_date = self.new_date(record[47:53])
                entry_date = dates.get(record[115:121], False)
                if entry_date is False:
                    entry_date = self.new_date(record[115:121])
                code = codes.get(record[53:61])
                if code is None:
                    code = self.new_code(record[53:61])
                if (
                    chain.isdigit()
                    and chain.isascii()
                    and digits.isdigit()
                    and digits.isascii()
                    and (sign == "0" or sign == "1")
                    and value_date is not False
                    and entry_date is not False
                    and code is not None
                ):
                    sequence_number, detail = divmod(int(chain), 10000)
                    if sign == "0" or digits == NO_AMOUNT:
                        amount = Decimal(digits + "E-3")
                    else:
                        amount = Decimal("-" + digits + "E-3")
                else:
                    line = self.line(number, record, kind)
                    sequence_number, detail, amount, value_date, entry_date, code = (
                        self.movement_fields(line)
                    )
                paper = numbers.get(record[121:124])
                if paper is None:
                    paper = self.optional_number(record[121:124])
                globalisation = DIGITS.get(record[124])
                if globalisation is None:
                    glob = record[124]
                    globalisation = int(glob) if glob.isdigit() else 0
                movement = Movement(
                    number,
                    sequence_number,
                    detail,
                    record[10:31].strip(),
                    amount,
                    value_date,
                    entry_date,
                    code,
                    record[62:65] if record[61] == "1" else None,
                    "",
                    "",
                    paper,
                    globalisation,
                )
                if detail == 0:
                    if amount < 0:
                        debit -= amount
                    else:
                        credit += amount
                if code.type in STATEMENT_TYPES:
                    total, seven = movement, None
                else:
                    total, seven = _attach_detail(total, seven, movement)
                movements.append(movement)
                part_21, part_22, as_read = record, None, None

            elif kind == "31":
                # After a movement or information record that links it, when that
                # record announces no part of its own chain.
                if (
                    previous_record[127] != "1"
                    or previous_record[125] == "1"
                    or previous_kind not in CHAINED
                ) and statement is not None:
                    self.check_codes(
                        previous_kind, previous_record, previous_number, kind, number
                    )
                if part_21 is not None:
                    _end_movement(movement, part_21, part_22, None, squeezed)
                    part_21 = None
                if not reading:
                    self.place(self.line(number, record, kind), "1")
                if movement is None:
                    raise CodaError(
                        "record 31 (information) comes before any movement", number
                    )
                detail = numbers.get(record[6:10])
                if detail is None:
                    detail = self.optional_number(record[6:10])
                code = codes.get(record[31:39])
                if code is None:
                    code = self.new_code(record[31:39])
                if record[2:6] != sequence or detail is None or code is None:
                    line = self.line(number, record, kind)
                    detail, code = self.information_fields(line, movement)
                if as_read is None:  # the first information record of the movement
                    as_read = InformationAsRead()
                    movement.information = movement.information_text = as_read
                as_read.append((number, record, detail, code))

            elif kind == "22":
                if (
                    previous_kind != "21" or previous_record[125] != "1"
                ) and statement is not None:
                    self.check_codes(
                        previous_kind,
                        previous_record,
                        previous_number,
                        kind,
                        number,
                    )
                # No chain ends here: a record 22 follows its record 21.
                if not reading:
                    self.place(self.line(number, record, kind), "1")
                if previous_kind != "21" or record[2:10] != chain:
                    self.not_continued(
                        self.line(number, record, kind),
                        previous_kind,
                        previous_record,
                        ("21",),
                        "record 21",
                    )
                part_22 = record
                movement.customer_reference = record[63:98].strip()
                movement.counterparty_bic = record[98:109].strip()
                # Positions 110-112 are blank since CODA 2.5 brought the R-transaction
                # and purpose codes after them; files of before used 110-125 for
                # other things. Blank codes are left as they are, blank.
                if not record[109:125].isspace() and not record[109:112].strip():
                    movement.r_transaction = record[112].strip()
                    movement.r_reason = record[113:117].strip()
                    movement.category_purpose = record[117:121].strip()
                    movement.purpose = record[121:125].strip()

            elif kind == "23":
                continues = previous_kind == "21" or previous_kind == "22"
                if (
                    not continues or previous_record[125] != "1"
                ) and statement is not None:
                    self.check_codes(
                        previous_kind,
                        previous_record,
                        previous_number,
                        kind,
                        number,
                    )
                if not reading:
                    self.place(self.line(number, record, kind), "1")
                if not continues or record[2:10] != chain:
                    self.not_continued(
                        self.line(number, record, kind),
                        previous_kind,
                        previous_record,
                        ("21", "22"),
                        "record 21 or 22",
                    )
                if version == 1:
                    # CODA 1: no communication in part 3, the counterparty's address
                    # instead.
                    movement.counterparty_account = _account_or_blank(record[10:22])
                    movement.counterparty_name = record[47:73].strip()
                    movement.counterparty_address = record[73:125].strip()
                    _end_movement(movement, part_21, part_22, None, squeezed)
                else:
                    # The counterparty's account keeps the structure of the payment:
                    # a Belgian account number (12 digits, a blank, the currency) or
                    # an IBAN or foreign number (34 characters, then the currency).
                    if record[22] == " " and record[10:22].isdigit():
                        account, currency = record[10:22], record[23:26]
                    else:
                        account, currency = record[10:44].strip(), record[44:47]
                    movement.counterparty_account = (
                        account if account.strip("0 ") else ""
                    )
                    movement.counterparty_currency = currency.strip()
                    movement.counterparty_name = record[47:82].strip()
                    _end_movement(movement, part_21, part_22, record, squeezed)
                part_21 = None

            elif kind == "32" or kind == "33":
                if kind == "32":
                    after = ("31",)
                    continues = previous_kind == "31"
                else:
                    after = ("31", "32")
                    continues = previous_kind == "31" or previous_kind == "32"
                if (
                    not continues or previous_record[125] != "1"
                ) and statement is not None:
                    self.check_codes(
                        previous_kind,
                        previous_record,
                        previous_number,
                        kind,
                        number,
                    )
                # No chain of a movement ends here: it has ended with the record 31
                # that this one continues.
                if not reading:
                    self.place(self.line(number, record, kind), "1")
                if not continues or record[2:10] != previous_record[2:10]:
                    self.not_continued(
                        self.line(number, record, kind),
                        previous_kind,
                        previous_record,
                        after,
                        "record 31",
                    )
                as_read.append((number, record))

            else:
                if len(kind) == 2:  # the first two characters of a full line
                    line = read_line(number, record)
                    if line is None:
                        self.uncounted += 1  # a blank line
                        continue
                    kind = line[2]
                # A record 0, 1, 8 or 9 follows as it should any record that
                # announces nothing; a record 4, only a record that announces it.
                if (
                    kind == "4"
                    or previous_record[125] == "1"
                    or previous_record[127] == "1"
                ) and statement is not None:
                    self.check_codes(
                        previous_kind, previous_record, previous_number, kind, number
                    )
                if part_21 is not None:
                    _end_movement(movement, part_21, part_22, None, squeezed)
                    part_21 = None
                line = self.line(number, record, kind)
                self.debit, self.credit = debit, credit
                if kind == "0":
                    self.header(line)
                    if self.pending:
                        self.statement.warnings.extend(self.pending)
                        self.pending.clear()
                    movement = total = seven = as_read = None
                    movements = self.statement.movements
                elif kind == "1":
                    self.old_balance(line)
                elif kind == "8":
                    self.new_balance(line)
                elif kind == "4":
                    self.free_communication(line, previous_kind, previous_record)
                else:
                    self.trailer(line)
                statement = self.statement
                debit, credit = self.debit, self.credit
                reading = statement is not None and self.stage == "1"
                version = statement.version if statement is not None else 0

            previous_kind, previous_record, previous_number = kind, record, number
        self.last_line = previous_number

    def line(self, number: int, text: str, kind: str) -> Line:
        """The record on line `number`, for a message or a method of its own."""
        return Line(number, text, self.lengths.get(number, RECORD_LENGTH), kind)

    def finish(self):
        if self.statement is not None:
            raise CodaError(
                "the file ends before the record 9 (trailer) of the statement of "
                f"line {self.statement.line}",
                self.last_line,
            )
        if not self.statements:
            raise CodaError("the file holds no CODA record")

    def check_codes(self, before, previous: str, previous_number, kind, number):
        """The next code (position 126) and link code (position 128) of a record say
        what comes after it; compare with what does (record `kind` on line
        `number`)."""
        for message in _code_problems(
            before, previous[125] == "1", previous[127] == "1", kind, previous_number
        ):
            self.problem(message, number)

    def place(self, line, stage: str):
        """Refuse a record outside its place in a statement."""
        if self.statement is None:
            raise CodaError(
                f"record {line.kind} comes outside a statement (no record 0 before it)",
                line.number,
            )
        if self.stage != stage:
            where = {
                "0": "before the record 1 (old balance)",
                "1": "before the record 8 (new balance)",
                "8": "after the record 8 (new balance)",
            }[self.stage]
            raise CodaError(
                f"record {line.kind} comes {where} of the statement of line "
                f"{self.statement.line}",
                line.number,
            )


def _attach_detail(total, seven, movement) -> tuple:
    """Attach a detail (type 5 to 9) to the movement it details, `total` (the last
    movement of type 0 to 3) or `seven` (the last detail of type 7); the new total
    and seven."""
    kind = movement.transaction_code.type
    parent = seven if kind == "9" else total
    if (
        parent is not None
        and parent.sequence == movement.sequence
        and parent.transaction_code.type == DETAIL_OF.get(kind)
    ):
        parent.details.append(movement)
    if kind == "7":
        seven = movement
    return total, seven


def _end_movement(movement, part_21: str, part_22, part_23, squeezed):
    """The communication of a movement, from its records 21, 22 and 23 (the last two
    None when missing). A free communication is cut by the bank where a zone is
    full, in the middle of a word if need be, so the zones are joined as they are;
    only the runs of blanks that pad them become one blank."""
    if movement.structured_code is None:
        text = part_21[62:115]
        if part_22 is not None:
            text += part_22[10:63]
        if part_23 is not None:
            text += part_23[82:125]
        movement.communication = squeezed(text)
    else:
        data = (
            part_21[65:115]
            + (NO_PART_22 if part_22 is None else part_22[10:63])
            + (NO_PART_23 if part_23 is None else part_23[82:125])
        )
        movement.structured_data = data
        movement.communication = squeezed(data)


def _squeezed(text: str) -> str:
    """`text` without blanks around it and each run of blanks in it made one:
    ``" ".join(text.split())``, without splitting a text that has no such run."""
    squeezed = text.strip()
    # Any blank other than the space is unprintable.
    if "  " in squeezed or not squeezed.isprintable():
        return " ".join(squeezed.split())
    return squeezed


def _squeezed_plain(text: str) -> str:
    """``_squeezed`` for a text whose only blanks are spaces (see `is_plain`)."""
    squeezed = text.strip()
    if "  " in squeezed:
        return " ".join(squeezed.split())
    return squeezed


def _account_or_blank(account: str) -> str:
    return "" if not account.strip("0 ") else account
