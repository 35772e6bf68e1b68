"""What a CODA file says, as plain data: statements, movements, information records.

Amounts are ``Decimal`` with their sign (debit negative), dates are ``date`` or None
where the bank wrote 000000 (not known). Texts are stripped of the blanks that pad
the fixed-width zones; in a communication, each run of blanks becomes one blank.
"""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from .records import to_date

# Transaction types (Febelfin CODA 2.6 §3.1). The amounts on the statement are types 0
# to 3; the others detail a total and share its sequence number: 5 details a total of
# type 1 (globalised by the customer), 6 and 7 a total of type 2 (globalised by the
# bank), 8 a movement of type 3 (with detailed data), 9 a detail of type 7.
STATEMENT_TYPES = frozenset("0123")
DETAIL_OF = {"5": "1", "6": "2", "7": "2", "8": "3", "9": "7"}

# Structured communications that carry the payment reference of the creditor.
RF_CODE = "100"  # ISO 11649 creditor reference, "RF" + 2 check digits + up to 21
OGM_CODES = ("101", "102")  # Belgian structured communication (102: rebuilt by bank)


@dataclass(frozen=True, slots=True)
class TransactionCode:
    """The 8-digit code of a movement (Annexe II): type, family, transaction
    (``operation`` here) and category."""

    type: str
    family: str
    operation: str
    category: str

    @property
    def code(self) -> str:
        return self.type + self.family + self.operation + self.category

    def __str__(self):
        return self.code


@dataclass(frozen=True, slots=True)
class OriginalAmount:
    """Structured communication 105: a movement converted from another currency.
    Amounts are unsigned, as written; the rate has 8 decimals."""

    gross_amount: Decimal | None  # in the currency of the account
    original_amount: Decimal | None  # in the original currency
    rate: Decimal | None
    currency: str  # ISO code of the original currency
    reference: str  # structured communication of the original payment
    country: str  # ISO code of the principal's country
    eur_amount: Decimal | None  # equivalent in EUR


@dataclass(frozen=True, slots=True)
class DirectDebit:
    """Structured communication 127: a SEPA direct debit, codes as in Annexe III.

    * ``type``: 0 unspecified, 1 recurrent, 2 one-off, 3 first, 4 last
    * ``scheme``: 0 unspecified, 1 SEPA core, 2 SEPA B2B
    * ``paid``: 0 paid, 1 technical problem, 2 reason not specified, 3 debtor
      disagrees, 4 debtor's account problem
    * ``r_type``: 0 paid, 1 reject, 2 return, 3 refund, 4 reversal, 5 cancellation
    """

    settlement_date: date | None
    type: str
    scheme: str
    paid: str
    creditor_id: str
    mandate_reference: str
    communication: str
    r_type: str
    reason: str


@dataclass(frozen=True, slots=True)
class Party:
    """A counterparty named in an information record: 001 (counterparty), 008
    (ultimate beneficiary or creditor), 009 (ultimate ordering party or debtor)."""

    name: str
    street: str
    locality: str
    identification: str


@dataclass(slots=True)
class Information:
    """An information record (3.1 with its 3.2 and 3.3) about a movement.

    ``communication`` is the text of the chain; for a structured communication,
    ``structured_code`` is its type (001 counterparty, 002 bank communication, 006
    detail amount, ...) and ``structured_data`` its fixed-width content."""

    line: int
    sequence: int
    detail: int
    bank_reference: str
    transaction_code: TransactionCode
    structured_code: str | None
    structured_data: str
    communication: str

    @property
    def party(self) -> Party | None:
        data = self.structured_data
        if self.structured_code == "001":
            return Party(
                data[:70].strip(),
                data[70:105].strip(),
                data[105:140].strip(),
                data[140:175].strip(),
            )
        if self.structured_code in ("008", "009"):
            return Party(data[:70].strip(), "", "", data[70:105].strip())
        return None


@dataclass(slots=True)
class Movement:
    """A movement record (2.1 with its 2.2 and 2.3) and its information records.

    ``communication`` is the free communication of the chain, joined as the bank
    split it, or for a structured communication its content; ``structured_code`` is
    then the type of the structured communication (101 OGM, 105 foreign currency, 127
    SEPA direct debit, ...) and ``structured_data`` its fixed-width content.
    ``information_text`` joins the free text of its information records, which some
    banks (ING, for one) use for a communication too long for the movement.
    ``details`` are the movements (types 5 to 9) that detail this one.

    A parsed movement keeps its information records as read; ``information`` and
    ``information_text`` are put together from them when first read (see
    ``InformationAsRead``): a statement import seldom needs them."""

    line: int
    sequence: int
    detail: int
    bank_reference: str
    amount: Decimal
    value_date: date | None
    entry_date: date | None
    transaction_code: TransactionCode
    structured_code: str | None
    structured_data: str
    communication: str
    paper_sequence: int | None
    globalisation_code: int
    customer_reference: str = ""
    counterparty_bic: str = ""
    r_transaction: str = ""  # 1 reject, 2 return, 3 refund, 4 reversal, 5 cancel
    r_reason: str = ""  # ISO reason code of an R-transaction
    category_purpose: str = ""
    purpose: str = ""
    counterparty_account: str = ""
    counterparty_currency: str = ""
    counterparty_name: str = ""
    counterparty_address: str = ""  # CODA 1 only
    information: list[Information] = field(default_factory=list)
    information_text: str = ""
    details: list["Movement"] = field(default_factory=list)

    @property
    def is_detail(self) -> bool:
        """A detail of another movement, whose amount is already in that one."""
        return self.transaction_code.type not in STATEMENT_TYPES

    @property
    def ogm(self) -> str | None:
        """The 12 digits of a Belgian structured communication (101 or 102)."""
        if self.structured_code in OGM_CODES:
            digits = self.structured_data[:12]
            if digits.isdigit() and digits.isascii():
                return digits
        return None

    @property
    def structured_reference(self) -> str | None:
        """The creditor's payment reference: ``+++123/4567/89012+++`` for an OGM,
        ``RF18539007547034`` for an ISO 11649 reference, else None."""
        ogm = self.ogm
        if ogm:
            return f"+++{ogm[:3]}/{ogm[3:7]}/{ogm[7:]}+++"
        if self.structured_code == RF_CODE:
            reference = "".join(self.structured_data[:25].split()).upper()
            if reference.startswith("RF"):
                return reference
        return None

    @property
    def original_amount(self) -> OriginalAmount | None:
        """The amount in the original currency (structured communication 105)."""
        if self.structured_code != "105":
            return None
        data = self.structured_data
        return OriginalAmount(
            _decimal(data[0:15], 3),
            _decimal(data[15:30], 3),
            _decimal(data[30:42], 8),
            data[42:45].strip(),
            data[45:57].strip(),
            data[57:59].strip(),
            _decimal(data[59:74], 3),
        )

    @property
    def direct_debit(self) -> DirectDebit | None:
        """The SEPA direct debit (structured communication 127)."""
        if self.structured_code != "127":
            return None
        data = self.structured_data
        return DirectDebit(
            to_date(data[0:6]) or None,
            data[6].strip(),
            data[7].strip(),
            data[8].strip(),
            data[9:44].strip(),
            data[44:79].strip(),
            data[79:141].strip(),
            data[141].strip(),
            data[142:146].strip(),
        )


class InformationAsRead(list):
    """The information records of a movement as the parser read and checked them,
    in file order: ``(line, text, detail, transaction_code)`` for a record 31,
    ``(line, text)`` for a record 32 or 33 that continues it.

    The parser leaves one in ``Movement.information`` and ``information_text``;
    reading either field puts it together (``_OnDemand``) and keeps the result."""

    __slots__ = ()

    def chains(self) -> list:
        """Each chain of records as (the entry of its record 31, the text of its
        record 32, that of its record 33), None for a missing record."""
        chains = []
        for entry in self:
            kind = entry[1][1]
            if kind == "1":
                chain = [entry, None, None]
                chains.append(chain)
            else:
                chain[1 if kind == "2" else 2] = entry[1]
        return chains

    def information(self) -> list[Information]:
        """The ``Information`` of each chain of records."""
        informations = []
        for (line, part_31, detail, code), part_32, part_33 in self.chains():
            if part_31[39] == "1":
                # A structured communication: its fields are positional, so a
                # missing record is blank.
                structured_code = part_31[40:43]
                data = (
                    part_31[43:113]
                    + (" " * 105 if part_32 is None else part_32[10:115])
                    + (" " * 90 if part_33 is None else part_33[10:100])
                )
                text = data
            else:
                structured_code, data = None, ""
                text = _free_text(part_31, part_32, part_33)
            informations.append(
                Information(
                    line,
                    int(part_31[2:6]),  # the sequence number of the movement
                    detail,
                    part_31[10:31].strip(),
                    code,
                    structured_code,
                    data,
                    " ".join(text.split()),
                )
            )
        return informations

    def information_text(self) -> str:
        """The free texts of the information records, joined as the bank cut them."""
        texts = [
            _free_text(part_31, part_32, part_33)
            for (_, part_31, *_), part_32, part_33 in self.chains()
            if part_31[39] != "1"
        ]
        return " ".join("".join(texts).split())


def _free_text(part_31: str, part_32, part_33) -> str:
    """The free communication of a record 31 and the records 32 and 33 that continue
    it, its zones joined as they are: the bank cuts the text where a zone is full,
    in the middle of a word if need be."""
    text = part_31[40:113]
    if part_32 is not None:
        text += part_32[10:115]
    if part_33 is not None:
        text += part_33[10:100]
    return text


class _OnDemand:
    """A field of ``Movement`` put together from the information records as read
    (``InformationAsRead``) the first time it is read; otherwise the field's own slot,
    so that the dataclass, its constructor, comparison and repr are unchanged."""

    def __init__(self, slot, name: str):
        self.slot = slot  # the descriptor of the field's slot
        self.name = name  # the method of InformationAsRead that makes the value

    def __get__(self, movement, owner=None):
        if movement is None:
            return self
        value = self.slot.__get__(movement, owner)
        if type(value) is InformationAsRead:
            value = getattr(value, self.name)()
            self.slot.__set__(movement, value)
        return value

    def __set__(self, movement, value):
        self.slot.__set__(movement, value)

    def __delete__(self, movement):
        self.slot.__delete__(movement)


Movement.information = _OnDemand(Movement.information, "information")
Movement.information_text = _OnDemand(Movement.information_text, "information_text")


@dataclass(slots=True)
class Statement:
    """One statement: a header (record 0) to a trailer (record 9), for one account.

    The account is the IBAN when the account structure is 2 or 3 (Belgian or foreign
    IBAN), else the account number as the bank wrote it (12 digits for a Belgian
    BBAN). ``sequence`` is the number of the coded statement (it starts at 1 each
    year), ``paper_sequence`` that of the paper statement. ``warnings`` lists what
    did not add up when the file was read in tolerant mode, each with its line."""

    line: int
    version: int
    creation_date: date | None
    bank_id: str
    bic: str
    duplicate: bool
    file_reference: str
    addressee: str
    holder_identification: str  # "0" + enterprise number of a Belgian holder
    separate_application: str  # "00000": all the account's movements
    account_structure: int = 0
    account: str = ""
    currency: str = ""
    paper_sequence: int | None = None
    sequence: int = 0
    holder_name: str = ""
    account_description: str = ""
    old_balance: Decimal = Decimal(0)
    old_balance_date: date | None = None
    new_balance: Decimal = Decimal(0)
    new_balance_date: date | None = None  # None in an empty file (no record 8)
    new_paper_sequence: int | None = None
    movements: list[Movement] = field(default_factory=list)
    free_communications: list[str] = field(default_factory=list)
    trailer_records: int = 0
    trailer_debit: Decimal = Decimal(0)
    trailer_credit: Decimal = Decimal(0)
    multiple_file_code: str = ""  # 1: another statement follows, 2: the last
    warnings: list[str] = field(default_factory=list)

    @property
    def identity(self) -> tuple:
        """What a statement imported twice has twice: account, currency, statement
        sequence number and the dates of its old and new balance."""
        return (
            self.account,
            self.currency,
            self.sequence,
            self.old_balance_date,
            self.new_balance_date,
        )

    @property
    def iban(self) -> str | None:
        """The account as an IBAN, derived from a Belgian BBAN when needed."""
        if self.account_structure in (2, 3) and self.version == 2:
            return self.account
        if self.account_structure == 0 or self.version == 1:
            return belgian_iban(self.account)
        return None

    def booking_lines(self, details: bool = False) -> list[Movement]:
        """The movements to book, in file order: totals or their details, never both.

        What the statement adds to the old balance are its movements of transaction
        type 0 to 3; the movements of type 5 to 9 detail one of them (a total
        globalised by the customer or by the bank, or a movement with detailed data)
        and are already in its amount. The globalisation code marks where such a
        group starts and ends but banks do not set it consistently, so the
        transaction type decides. Booking these lines keeps

            old balance + sum of the booked amounts = new balance

        With ``details=True``, a total is replaced by its details when they add up
        to it exactly, e.g. each collection of a globalised direct debit, so that
        each can be matched to its invoice; a total whose details do not add up is
        booked as a total. Details whose total is not in the statement (a "separate
        application" file, whose balances are zero) are not booked: their total is
        on the account's main statement.
        """
        booked = []
        for movement in self.movements:
            if movement.transaction_code.type in STATEMENT_TYPES:
                if details:
                    booked.extend(_expanded(movement))
                else:
                    booked.append(movement)
        return booked


@dataclass(slots=True)
class CodaFile:
    """The statements of one physical file, and the encoding it was read with."""

    statements: list[Statement]
    encoding: str

    @property
    def warnings(self) -> list[str]:
        return [warning for st in self.statements for warning in st.warnings]


def belgian_iban(bban: str) -> str | None:
    """The IBAN of a 12-digit Belgian account number (ISO 13616: the check digits
    make "BBAN + BE00" with B=11, E=14 leave 1 modulo 97)."""
    if len(bban) != 12 or not bban.isdigit() or not bban.isascii():
        return None
    return f"BE{98 - int(bban + '111400') % 97:02d}{bban}"


def _decimal(digits: str, decimals: int) -> Decimal | None:
    if digits.isdigit() and digits.isascii():
        return Decimal(digits).scaleb(-decimals)
    return None


def _expanded(movement: Movement) -> list[Movement]:
    details = movement.details
    if details and sum(detail.amount for detail in details) == movement.amount:
        return [line for detail in details for line in _expanded(detail)]
    return [movement]
