"""How a bank writes its CSV export (`Layout`), what is read of each movement
(`Row`), and the one error an import can raise (`BankCsvError`)."""

import codecs
import re
from dataclasses import dataclass, fields
from datetime import date
from decimal import Decimal

from ..ubl_messages import _lt
from .errors import BankCsvError
from .values import _header_key, _strptime_format

Column = str | int


DEFAULT_ENCODINGS = ("utf-8-sig", "cp1252", "latin-1")
# Names a bookkeeper may use for a separator in a user-defined layout.
SEPARATORS = {"tab": "\t", "semicolon": ";", "comma": ",", "pipe": "|"}
# Spreadsheets re-save an export with the separator of the user's locale, so a header
# is also looked for with these.
FALLBACK_SEPARATORS = (";", ",", "\t")
# Belfius writes its query filters above the header; no bank writes more.
HEADER_SEARCH_LINES = 30

COLUMN_FIELDS = (
    "date",
    "value_date",
    "amount",
    "debit",
    "credit",
    "sign",
    "currency",
    "account",
    "counterparty_name",
    "counterparty_account",
    "counterparty_bic",
    "structured_reference",
    "balance",
)
_MARKS = ("debit_marks", "credit_marks")
_THOUSANDS = ("", ".", ",", " ", "'")
MULTI_COLUMN_FIELDS = ("communication", "details", "reference", "skip_if_filled")
TUPLE_FIELDS = MULTI_COLUMN_FIELDS + (
    "encodings",
    "debit_marks",
    "credit_marks",
    "date_formats",
    "pattern",
)


@dataclass(frozen=True)
class Row:
    """One movement on the account, as the bank exported it.

    Texts are ``""`` when the bank gives nothing; ``value_date``, ``balance`` and
    ``structured_reference`` are ``None`` then.
    """

    line: int
    date: date
    amount: Decimal
    value_date: date | None = None
    currency: str = ""
    account: str = ""
    counterparty_name: str = ""
    counterparty_account: str = ""
    counterparty_bic: str = ""
    communication: str = ""
    details: str = ""
    structured_reference: str | None = None
    reference: str = ""
    balance: Decimal | None = None


@dataclass(frozen=True)
class Layout:
    """How one bank writes its CSV export.

    * ``separator``, ``quotechar`` (``""``: fields are never quoted), ``encodings``
      tried in turn, ``skip_lines`` before the header (or the first movement);
    * one column per field of `Row`; ``communication`` (the payer's message),
      ``details`` (the bank's own wording) and ``reference`` may join several;
    * the amount is ``amount`` (signed), ``amount`` with a ``sign`` column holding one
      of ``debit_marks`` / ``credit_marks`` (ING "Af"/"Bij", Rabobank "D"/"C"), or a
      ``debit`` and a ``credit`` column;
    * ``date_formats`` (``%d/%m/%Y`` or ``dd/mm/yyyy``), ``decimal`` and
      ``thousands`` separators;
    * ``skip_if_filled``: a row with one of these columns filled never moved money
      (BNP Paribas Fortis lists refused payments, with the reason);
    * ``labelled_details``: the bank writes the counterparty, the message and the value
      date inside its description (``Naam: … IBAN: … Omschrijving: …`` or
      ``/NAME/…/IBAN/…/REMI/…``); they fill what the columns leave empty;
    * ``pattern``: for an export without header, one regular expression per leading
      column that a movement's line matches; it lets `detect` recognise the file.

    A file is recognised by its header: it must hold every column the layout reads
    (`header_names`); the layout reading most of them wins.
    """

    name: str
    bank: str = ""
    separator: str = ";"
    quotechar: str = '"'
    encodings: tuple[str, ...] = DEFAULT_ENCODINGS
    skip_lines: int = 0
    date: Column | None = None
    value_date: Column | None = None
    amount: Column | None = None
    debit: Column | None = None
    credit: Column | None = None
    sign: Column | None = None
    debit_marks: tuple[str, ...] = ("d", "af", "debit", "debet")
    credit_marks: tuple[str, ...] = ("c", "bij", "credit")
    currency: Column | None = None
    default_currency: str = ""
    account: Column | None = None
    counterparty_name: Column | None = None
    counterparty_account: Column | None = None
    counterparty_bic: Column | None = None
    communication: tuple[Column, ...] = ()
    details: tuple[Column, ...] = ()
    structured_reference: Column | None = None
    reference: tuple[Column, ...] = ()
    balance: Column | None = None
    skip_if_filled: tuple[Column, ...] = ()
    labelled_details: bool = False
    date_formats: tuple[str, ...] = ("%d/%m/%Y",)
    decimal: str = ","
    thousands: str = "."
    pattern: tuple[str, ...] = ()

    def __post_init__(self):
        for name in TUPLE_FIELDS:
            value = getattr(self, name)
            if isinstance(value, str | int):
                value = (value,)
            object.__setattr__(self, name, tuple(value or ()))
        separator = self.separator
        if isinstance(separator, str):
            separator = SEPARATORS.get(separator.lower(), separator)
        object.__setattr__(self, "separator", separator)
        object.__setattr__(self, "quotechar", self.quotechar or "")
        formats = tuple(_strptime_format(f) for f in self.date_formats)
        object.__setattr__(self, "date_formats", formats)
        currency = (self.default_currency or "").upper()
        object.__setattr__(self, "default_currency", currency)
        marks = {m: tuple(x.casefold() for x in getattr(self, m)) for m in _MARKS}
        for name, value in marks.items():
            object.__setattr__(self, name, value)
        self._check()

    @classmethod
    def from_dict(cls, mapping):
        """A layout from a plain mapping (e.g. JSON a bookkeeper filled in).

        Keys are the field names of `Layout`; a list stands for a tuple.
        """
        known = [f.name for f in fields(cls)]
        unknown = sorted(set(mapping) - set(known))
        if unknown:
            raise BankCsvError(
                _lt("Unknown setting %(unknown)s; a layout knows: %(known)s."),
                params={"unknown": ", ".join(unknown), "known": ", ".join(known)},
            )
        return cls(**{"name": "custom", **mapping})

    @property
    def has_header(self):
        return any(isinstance(c, str) for c in self.columns())

    @property
    def header_names(self):
        """The columns a header must have for this layout, as compared."""
        return frozenset(_header_key(c) for c in self.columns() if isinstance(c, str))

    def columns(self):
        """Every column the layout reads."""
        for name in COLUMN_FIELDS:
            if getattr(self, name) is not None:
                yield getattr(self, name)
        for name in MULTI_COLUMN_FIELDS:
            yield from getattr(self, name)

    def _check(self):
        def fail(message, **params):
            raise BankCsvError(message, params={"layout": self.name, **params})

        if not self.name or not isinstance(self.name, str):
            raise BankCsvError(_lt("A layout needs a name."))
        if not isinstance(self.separator, str) or len(self.separator) != 1:
            fail(
                _lt(
                    "Layout %(layout)s: the separator is one character, or tab, "
                    "semicolon, comma."
                )
            )
        if len(self.quotechar) > 1:
            fail(
                _lt("Layout %(layout)s: the quote character is one character or none.")
            )
        if self.date is None:
            fail(_lt("Layout %(layout)s: it has no column for the date."))
        if self.amount is None and (self.debit is None or self.credit is None):
            fail(
                _lt(
                    "Layout %(layout)s: it has no column for the amount, nor a debit "
                    "and a credit column."
                )
            )
        if self.amount is not None and (self.debit, self.credit) != (None, None):
            fail(
                _lt(
                    "Layout %(layout)s: give either an amount column or debit and "
                    "credit columns."
                )
            )
        if self.sign is not None and self.amount is None:
            fail(_lt("Layout %(layout)s: a debit/credit indicator needs an amount."))
        if (
            self.decimal not in (",", ".")
            or self.thousands not in _THOUSANDS
            or (self.thousands == self.decimal)
        ):
            fail(
                _lt(
                    "Layout %(layout)s: the decimal separator is a comma or a point, "
                    "the thousands separator another one, a space or nothing."
                )
            )
        self._check_columns(fail)
        self._check_texts(fail)

    def _check_columns(self, fail):
        for name in COLUMN_FIELDS + MULTI_COLUMN_FIELDS:
            value = getattr(self, name)
            for column in value if name in MULTI_COLUMN_FIELDS else (value,):
                if column is None and name in COLUMN_FIELDS:
                    continue
                if isinstance(column, bool) or not (
                    (isinstance(column, str) and column.strip())
                    or (isinstance(column, int) and column >= 0)
                ):
                    fail(
                        _lt(
                            "Layout %(layout)s: the column of %(field)s is a header "
                            "name or a position from 0, not %(value)s."
                        ),
                        field=name,
                        value=repr(column),
                    )
        if len({isinstance(c, str) for c in self.columns()}) > 1:
            fail(
                _lt(
                    "Layout %(layout)s: name all columns by their header, or all by "
                    "their position."
                )
            )

    def _check_texts(self, fail):
        for encoding in self.encodings:
            try:
                codecs.lookup(encoding)
            except LookupError:
                fail(
                    _lt("Layout %(layout)s: unknown encoding %(encoding)s."),
                    encoding=encoding,
                )
        for regex in self.pattern:
            try:
                re.compile(regex)
            except re.error:
                fail(
                    _lt("Layout %(layout)s: %(regex)s is not a regular expression."),
                    regex=regex,
                )
