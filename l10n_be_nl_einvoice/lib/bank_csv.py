"""Bank statements downloaded as CSV from Belgian and Dutch banks, read into plain rows.

Besides CODA (Belgium) and MT940/CAMT (the Netherlands), every bank lets a bookkeeper
download the movements of an account as a CSV or tab-separated file, each bank with
its own columns, date format, decimal comma or point and sign convention. A `Layout`
describes one such export; `PRESETS` holds those of the common banks, each recognised
by the columns of its header (or, without header, by the shape of its lines):

* BNP Paribas Fortis (and Hello bank!), ``;``: ``be_bnp_v3_nl`` / ``be_bnp_v3_fr``
  (13 columns, with a status and the reason of a refusal), ``be_bnp_v2_nl`` /
  ``be_bnp_v2_fr`` (8 columns, "TEGENPARTIJ VAN DE VERRICHTING"), ``be_bnp_v1_fr``
  (7 columns); Fintro ``be_fintro_fr``;
* Belfius ``be_belfius_nl`` (``;``, the query's filters above the header), KBC and CBC
  ``be_kbc`` / ``be_kbc_variant`` (``;``), ING Belgium ``be_ing`` / ``be_ing_old``
  (``;``), Argenta ``be_argenta`` (``;``, or tab when copied from its XLSX);
* ABN AMRO ``nl_abnamro_tab`` (the TXT*.TAB download: tab, no header) and
  ``nl_abnamro_csv`` (its XLS saved as CSV), ING Netherlands ``nl_ing_comma``,
  ``nl_ing_semicolon`` and ``nl_ing_english``, Rabobank ``nl_rabobank`` (``,``, the
  current export) and ``nl_rabobank_legacy`` (``,``, no header, the former one).

`read(data)` recognises the layout (`detect`) and returns one `Row` per movement: dates
as `date`, the amount as a signed `Decimal` (money in is positive), the counterparty,
the texts, and, when one can be recognised, the structured reference that ties the
payment to an invoice: a Belgian OGM (``+++123/4567/89012+++``) or an ISO 11649
creditor reference (``RF18539007547034``), from the bank's own column for it or found
in the free text (`find_structured_reference`).

An import is all or nothing: the first row that cannot be read raises `BankCsvError`,
which names the line and the column ("line 7, column 'Bedrag': '12,3x' is not an
amount"). Its message is a translatable template with its values apart, so the addon
can show it in the user's language.

Any other bank is described with a plain mapping (`Layout.from_dict`), e.g.::

    Layout.from_dict({
        "name": "my_bank", "separator": ";", "date_formats": ["dd/mm/yyyy"],
        "date": "Datum", "amount": "Bedrag", "communication": ["Mededeling"],
    })

Columns are named by their header text (compared without case, accents kept) or, for a
file without header, by their position counted from 0.
"""

import codecs
import csv
import io
import re
import unicodedata
from dataclasses import dataclass, fields, replace
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from .references import find_structured_reference
from .ubl_messages import _lt

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


class BankCsvError(ValueError):
    """A statement file that cannot be imported, and where.

    ``message`` is a translatable template, ``params`` its values; ``line`` (1-based,
    as an editor shows it) and ``column`` (a header name, or a 1-based position) say
    where, when the problem is in one cell.
    """

    def __init__(self, message, line=None, column=None, params=None):
        self.message = message
        self.params = dict(params or {})
        self.line = line
        self.column = column
        super().__init__(self._text())

    def _text(self):
        text = self.message % self.params if self.params else self.message
        where = []
        if self.line is not None:
            where.append(f"line {self.line}")
        if isinstance(self.column, str):
            where.append(f"column {self.column!r}")
        elif self.column is not None:
            where.append(f"column {self.column}")
        return f"{', '.join(where)}: {text}" if where else text

    def at(self, line, column=None):
        """The same problem, placed in the file."""
        return BankCsvError(self.message, line, column, self.params)


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


# -- amounts, dates, references ----------------------------------------------------

_SIGN_CHARS = {"-": -1, "\u2212": -1, "+": 1}
_CURRENCY_AROUND = re.compile(r"^(?:[A-Z]{3}|€)\s*|\s*(?:[A-Z]{3}|€)$")
_GROUPED = {
    ".": re.compile(r"\d{1,3}(?:\.\d{3})+"),
    ",": re.compile(r"\d{1,3}(?:,\d{3})+"),
}


def parse_amount(text, decimal=",", thousands="."):
    """The amount written in ``text`` as a Decimal, sign included.

    Banks and spreadsheets are not consistent, so the separators are read from the
    text itself when it tells: with a point and a comma, the last one is the decimal
    separator ("1.234,56", "-1,234.56"); one separator followed by one or two digits
    is decimal ("-49.56" in an export that otherwise writes "-49,56"), since groups of
    thousands have three. Only "1.234" or "1,234" is read by the layout's convention:
    decimal when it is the ``decimal`` separator or when ``thousands`` is empty (the
    bank never groups digits), a group of thousands otherwise.
    Spaces and apostrophes group thousands ("1 234,56"); a sign leads or trails
    ("+12,00", "250,56-"); a currency code or € around it is ignored.
    """
    value = " ".join(str(text).replace("\u202f", " ").split())
    value = _CURRENCY_AROUND.sub("", value)
    sign = 1
    if value[:1] in _SIGN_CHARS:
        sign, value = _SIGN_CHARS[value[0]], value[1:].strip()
    elif value[-1:] in _SIGN_CHARS:
        sign, value = _SIGN_CHARS[value[-1]], value[:-1].strip()
    value = value.replace(" ", "").replace("'", "")
    number = _unsigned(value, decimal, thousands)
    if number is None:
        raise BankCsvError(_lt("'%(value)s' is not an amount"), params={"value": text})
    return -number if sign < 0 else number


def _unsigned(value, decimal, thousands):
    if not re.fullmatch(r"[\d.,]*\d[\d.,]*", value):
        return None
    points, commas = value.count("."), value.count(",")
    if points and commas:
        point = "." if value.rfind(".") > value.rfind(",") else ","
    elif points + commas == 1:
        separator = "." if points else ","
        digits_after = len(value) - value.rfind(separator) - 1
        # Three digits after it: a group of thousands, unless the bank writes its
        # decimals that way or never groups digits.
        is_decimal = digits_after != 3 or separator == decimal or not thousands
        point = separator if is_decimal else None
    else:
        point = None  # no separator, or one repeated: it groups thousands
    whole, _sep, fraction = value.rpartition(point) if point else (value, "", "")
    if point and not fraction.isdigit():
        return None
    if whole and not whole.isdigit():
        group = "." if "." in whole else ","
        if group == point or not _GROUPED[group].fullmatch(whole):
            return None
        whole = whole.replace(group, "")
    try:
        return Decimal(f"{whole or 0}.{fraction or 0}") if point else Decimal(whole)
    except InvalidOperation:
        return None


def parse_date(text, formats=("%d/%m/%Y",)):
    """The date in ``text`` by the first of ``formats`` that fits; a time after it
    (``09/02/2020 21:30:53``) is ignored."""
    value = str(text).strip()
    candidates = [value] + ([value.split()[0]] if " " in value else [])
    for candidate in candidates:
        for fmt in formats:
            try:
                return datetime.strptime(candidate, fmt).date()
            except ValueError:
                continue
    raise BankCsvError(
        _lt("'%(value)s' is not a date (expected %(formats)s)"),
        params={"value": text, "formats": " or ".join(map(_human_format, formats))},
    )


_HUMAN = {"%d": "dd", "%m": "mm", "%Y": "yyyy", "%y": "yy"}
_HUMAN_TOKENS = re.compile(r"yyyy|yy|dd|mm|d|m")
_STRPTIME = {"yyyy": "%Y", "yy": "%y", "dd": "%d", "mm": "%m", "d": "%d", "m": "%m"}


def _human_format(fmt):
    return re.sub(r"%[dmYy]", lambda m: _HUMAN[m.group()], fmt)


def _strptime_format(given):
    """``dd/mm/yyyy`` (as a bookkeeper writes it) or ``%d/%m/%Y``, as strptime's."""
    if not isinstance(given, str) or not given.strip():
        raise BankCsvError(_lt("A date format is missing."))
    fmt = given
    if "%" not in fmt:
        fmt = _HUMAN_TOKENS.sub(lambda m: _STRPTIME[m.group()], fmt.lower())
    sample = date(2026, 12, 31)
    try:
        understood = datetime.strptime(sample.strftime(fmt), fmt).date() == sample
    except ValueError:
        understood = False
    if not understood:
        raise BankCsvError(
            _lt(
                "The date format %(format)s is not understood; write it like "
                "dd/mm/yyyy or yyyymmdd."
            ),
            params={"format": given},
        )
    return fmt


# -- labelled descriptions (ABN AMRO, ING Netherlands) ------------------------------

_SWIFT_TAG = re.compile(
    r"/(TRTP|IBAN|BIC|NAME|REMI|EREF|CSID|MARF|ORDP|BENM|ID|ADDR|RTRN|ISDT|CREF)/"
)
_LABEL = re.compile(
    r"(IBAN|BIC|Naam|Omschrijving|Kenmerk|Machtiging(?: ID)?|Incassant(?: ID)?|Voor"
    r"|Datum/Tijd|Pasvolgnr|Transactie|Term|Valutadatum):\s?"
)
_LABEL_FIELDS = {
    "IBAN": "counterparty_account",
    "BIC": "counterparty_bic",
    "Naam": "counterparty_name",
    "NAME": "counterparty_name",
    "Omschrijving": "communication",
    "REMI": "communication",
    "Valutadatum": "value_date",
}


def _labelled(text):
    """Field name -> value, from a description with labels or SWIFT-style tags."""
    regex = _SWIFT_TAG if text.lstrip().startswith("/") else _LABEL
    matches = list(regex.finditer(text))
    found = {}
    for match, after in zip(matches, [*matches[1:], None], strict=False):
        end = after.start() if after else len(text)
        value = " ".join(text[match.end() : end].split()).strip("/ ")
        name = _LABEL_FIELDS.get(match.group(1))
        if name and value and name not in found:
            found[name] = re.sub(r"^(?:USTD|STRD/CUR)/+", "", value)
    return found


# -- reading -----------------------------------------------------------------------


def _header_key(name):
    # NFKC turns the "º" of "Nº de séquence" into "o"; some exports write "°" there.
    name = unicodedata.normalize("NFKC", str(name)).replace("°", "o")
    return " ".join(name.split()).casefold()


def _account(text):
    """An IBAN as written by the bank ("BE81 0637 5694 4024"), compact; any other
    account number (an old BBAN, a Dutch account number) as written."""
    compact = "".join(text.split()).upper()
    if re.fullmatch(r"[A-Z]{2}\d{2}[A-Z0-9]{8,30}", compact):
        return compact
    return " ".join(text.split())


def _decode(data, encodings):
    if isinstance(data, str):
        return data
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16")
    for encoding in encodings:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return data.decode("latin-1")  # every byte is a character in latin-1


def _dialect(layout, separator=None):
    if layout.quotechar:
        return {
            "delimiter": separator or layout.separator,
            "quotechar": layout.quotechar,
        }
    return {"delimiter": separator or layout.separator, "quoting": csv.QUOTE_NONE}


def _split(line, layout, separator=None):
    try:
        return next(csv.reader([line], **_dialect(layout, separator)), [])
    except csv.Error:
        return []


def _records(text, layout):
    """(line number where the record starts, fields), for every record."""
    reader = csv.reader(io.StringIO(text, newline=""), **_dialect(layout))
    start = 1
    while True:
        try:
            record = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            raise BankCsvError(
                _lt("the file cannot be read as CSV (%(error)s)"),
                line=reader.line_num,
                params={"error": str(error)},
            ) from None
        yield start, record
        start = reader.line_num + 1


def _first_lines(text, count=3):
    lines = [(n, line) for n, line in enumerate(text.splitlines(), 1) if line.strip()]
    return "\n".join(
        f"  line {n}: {line[:100]}{'…' if len(line) > 100 else ''}"
        for n, line in lines[:count]
    )


def _matches_pattern(layout, line):
    cells = _split(line, layout)
    return len(cells) >= len(layout.pattern) and all(
        re.fullmatch(regex, cell.strip())
        for regex, cell in zip(layout.pattern, cells, strict=False)
    )


def detect(data, layouts=None):
    """The layout of a statement file (bytes), among ``layouts`` (a list or a dict of
    them; the presets by default).

    The header is looked for in the first lines, with the layout's separator or the
    one a spreadsheet may have put instead; the layout that reads the most of its
    columns wins. A file without header is recognised by the shape of its first
    line. Raises `BankCsvError` quoting the first lines when nothing fits.
    """
    text = _decode(data, DEFAULT_ENCODINGS)
    return _detect(text, layouts)


def _detect(text, layouts=None):
    layouts = PRESETS if layouts is None else layouts
    layouts = list(layouts.values() if isinstance(layouts, dict) else layouts)
    if not text.strip():
        raise BankCsvError(_lt("The file is empty."))
    lines = text.splitlines()[:HEADER_SEARCH_LINES]
    best_key, best = None, None
    for order, layout in enumerate(layouts):
        if not layout.has_header:
            continue
        found = _find_header_line(lines[layout.skip_lines :], layout)
        if found is None:
            continue
        index, separator = found
        key = (len(layout.header_names), separator == layout.separator, -index, -order)
        if best_key is None or key > best_key:
            best_key = key
            best = replace(layout, separator=separator)
    if best is not None:
        return best
    for layout in layouts:
        if layout.pattern and not layout.has_header:
            lines_after = text.splitlines()[layout.skip_lines :]
            first = next((line for line in lines_after if line.strip()), "")
            if _matches_pattern(layout, first):
                return layout
    raise BankCsvError(
        _lt(
            "This file is not a bank export this import knows. It starts with:\n"
            "%(lines)s\nDescribe its columns in a layout of your own."
        ),
        params={"lines": _first_lines(text)},
    )


def _find_header_line(lines, layout):
    wanted = layout.header_names
    separators = (layout.separator,) + tuple(
        s for s in FALLBACK_SEPARATORS if s != layout.separator
    )
    for index, line in enumerate(lines):
        for separator in separators:
            if separator in line and wanted <= {
                _header_key(c) for c in _split(line, layout, separator)
            }:
                return index, separator
    return None


def read(data, layout=None):
    """The movements of a statement file (bytes), one `Row` each, in file order.

    The layout is detected when not given. Raises `BankCsvError` on the first row that
    cannot be read: an import takes the whole file or nothing.
    """
    if layout is None:
        text = _decode(data, DEFAULT_ENCODINGS)
        layout = _detect(text)
    else:
        text = _decode(data, layout.encodings)
    records = (r for r in _records(text, layout) if r[0] > layout.skip_lines)
    reader = _RowReader(layout, _header(records, layout) if layout.has_header else None)
    rows = []
    for line, cells in records:
        if any(cell.strip() for cell in cells):
            row = reader.row(line, cells)
            if row is not None:
                rows.append(row)
    return rows


def _header(records, layout):
    """The header record; the records iterator is left after it."""
    wanted = layout.header_names
    closest = (0, None, None)
    for line, cells in records:
        names = {_header_key(c) for c in cells}
        if wanted <= names:
            return cells
        if len(wanted & names) > closest[0]:
            closest = (len(wanted & names), line, names)
        if line >= HEADER_SEARCH_LINES:
            break
    hits, line, names = closest
    expected = sorted(c for c in layout.columns() if isinstance(c, str))
    if not hits:
        raise BankCsvError(
            _lt("No header with the columns %(columns)s in the first %(count)s lines."),
            params={
                "columns": ", ".join(map(repr, expected)),
                "count": HEADER_SEARCH_LINES,
            },
        )
    missing = [c for c in expected if _header_key(c) not in names]
    raise BankCsvError(
        _lt("the header has no column %(missing)s"),
        line=line,
        params={"missing": ", ".join(map(repr, missing))},
    )


class _RowReader:
    """Turns the cells of one record into a `Row`, by the layout."""

    def __init__(self, layout, header=None):
        self.layout = layout
        self.width = len(header) if header is not None else None
        index = {}
        for position, name in enumerate(header or ()):
            index.setdefault(_header_key(name), position)
        self.positions = {
            column: column if isinstance(column, int) else index[_header_key(column)]
            for column in layout.columns()
        }

    def text(self, cells, column):
        if column is None:
            return ""
        position = self.positions[column]
        return cells[position].strip() if position < len(cells) else ""

    def joined(self, cells, columns, separator=" "):
        parts = (" ".join(self.text(cells, c).split()) for c in columns)
        return separator.join(p for p in parts if p)

    def parse(self, line, column, parser, text):
        try:
            return parser(text)
        except BankCsvError as error:
            raise error.at(line, _label(column)) from None

    def row(self, line, cells):
        layout = self.layout
        if self.width is not None and any(c.strip() for c in cells[self.width :]):
            # A separator inside an unquoted text shifts every column after it.
            raise BankCsvError(
                _lt("the line has %(found)s fields where the header has %(expected)s"),
                line=line,
                params={"found": len(cells), "expected": self.width},
            )
        if any(self.text(cells, c) for c in layout.skip_if_filled):
            return None
        values = {
            "line": line,
            "date": self.date(line, cells, layout.date, required=True),
            "value_date": self.date(line, cells, layout.value_date),
            "amount": self.amount(line, cells),
            "balance": self.money(line, cells, layout.balance),
            "currency": self.text(cells, layout.currency).upper()
            or layout.default_currency,
            "account": _account(self.text(cells, layout.account)),
            "counterparty_name": self.joined(cells, (layout.counterparty_name,)),
            "counterparty_account": _account(
                self.text(cells, layout.counterparty_account)
            ),
            "counterparty_bic": self.text(cells, layout.counterparty_bic).upper(),
            "communication": self.joined(cells, layout.communication),
            "details": self.joined(cells, layout.details),
            "reference": self.joined(cells, layout.reference, "-"),
        }
        return Row(**self.references(cells, values))

    def references(self, cells, values):
        layout = self.layout
        if layout.labelled_details:
            text = f"{values['details']} {values['communication']}"
            for name, value in _labelled(text).items():
                if name == "value_date":
                    if values["value_date"] is None:
                        values["value_date"] = _quiet_date(value)
                elif not values[name]:
                    values[name] = _account(value) if "account" in name else value
        given = self.joined(cells, (layout.structured_reference,))
        found = find_structured_reference(given) if given else None
        if given and not found:
            # Not an OGM nor RF (a Dutch payment reference): kept as the message.
            values["communication"] = f"{given} {values['communication']}".strip()
        values["structured_reference"] = (
            found
            or find_structured_reference(values["communication"])
            or find_structured_reference(values["details"])
        )
        return values

    def date(self, line, cells, column, required=False):
        text = self.text(cells, column)
        if not text:
            if required:
                raise BankCsvError(_lt("the date is missing")).at(line, _label(column))
            return None
        formats = self.layout.date_formats
        return self.parse(line, column, lambda t: parse_date(t, formats), text)

    def money(self, line, cells, column):
        text = self.text(cells, column)
        if not text:
            return None
        layout = self.layout
        return self.parse(
            line,
            column,
            lambda t: parse_amount(t, layout.decimal, layout.thousands),
            text,
        )

    def amount(self, line, cells):
        layout = self.layout
        if layout.amount is None:
            debit = self.money(line, cells, layout.debit)
            credit = self.money(line, cells, layout.credit)
            if debit is None and credit is None:
                raise BankCsvError(
                    _lt("neither %(debit)s nor %(credit)s holds an amount"),
                    line=line,
                    params={
                        "debit": repr(_label(layout.debit)),
                        "credit": repr(_label(layout.credit)),
                    },
                )
            return abs(credit or 0) - abs(debit or 0)
        amount = self.money(line, cells, layout.amount)
        if amount is None:
            error = BankCsvError(_lt("the amount is missing"))
            raise error.at(line, _label(layout.amount))
        if layout.sign is None:
            return amount
        mark = self.text(cells, layout.sign)
        if mark.casefold() in layout.debit_marks:
            return -abs(amount)
        if mark.casefold() in layout.credit_marks:
            return abs(amount)
        raise BankCsvError(
            _lt("'%(mark)s' says neither debit (%(debit)s) nor credit (%(credit)s)"),
            params={
                "mark": mark,
                "debit": "/".join(layout.debit_marks),
                "credit": "/".join(layout.credit_marks),
            },
        ).at(line, _label(layout.sign))


def _label(column):
    """A column as a user finds it: its header, or its position counted from 1."""
    return column if isinstance(column, str) else column + 1


def _quiet_date(text):
    """A value date found in free text: used when it reads, ignored when it does not."""
    try:
        return parse_date(text, ("%d-%m-%Y", "%d/%m/%Y"))
    except BankCsvError:
        return None


# -- the banks ---------------------------------------------------------------------

_AMOUNT = r"[+-]?[\d.,]+"
_ACCOUNT = r"[A-Z]{2}\d{2}[A-Z0-9]{10,30}|\d{7,10}"

_BNP_V3_NL = Layout(
    name="be_bnp_v3_nl",
    bank="BNP Paribas Fortis",
    reference="Volgnummer",
    date="Uitvoeringsdatum",
    value_date="Valutadatum",
    amount="Bedrag",
    currency="Valuta rekening",
    account="Rekeningnummer",
    counterparty_account="Tegenpartij",
    counterparty_name="Naam van de tegenpartij",
    communication="Mededeling",
    details="Details",
    skip_if_filled="Reden van weigering",
)
_BNP_V2_NL = Layout(
    name="be_bnp_v2_nl",
    bank="BNP Paribas Fortis",
    reference="Volgnummer",
    date="Uitvoeringsdatum",
    value_date="Valutadatum",
    amount="Bedrag",
    currency="Valuta rekening",
    # Holds the counterparty's name, its account or the kind of movement: kept with
    # the bank's wording rather than guessed.
    details=("TEGENPARTIJ VAN DE VERRICHTING", "Details"),
    account="Rekeningnummer",
    date_formats=("%d/%m/%Y", "%d-%m-%Y"),
)
_BNP_V1_FR = Layout(
    name="be_bnp_v1_fr",
    bank="BNP Paribas Fortis",
    reference="Numéro de séquence",
    date="Date d'exécution",
    value_date="Date valeur",
    amount="Montant",
    currency="Devise du compte",
    details="Détails",
    account="Numéro de compte",
    date_formats=("%d/%m/%Y", "%d-%m-%Y"),
)
_KBC = Layout(
    name="be_kbc",
    bank="KBC / CBC",
    account="Rekeningnummer",
    currency="Munt",
    date="Datum",
    details="Omschrijving",
    value_date="Valuta",
    amount="Bedrag",
    balance="Saldo",
    counterparty_account="rekeningnummer tegenpartij",
    counterparty_bic="BIC tegenpartij",
    counterparty_name="Naam tegenpartij",
    structured_reference="gestructureerde mededeling",
    communication="Vrije mededeling",
)
_ING_NL_COMMA = Layout(
    name="nl_ing_comma",
    bank="ING Netherlands",
    separator=",",
    date="Datum",
    counterparty_name="Naam / Omschrijving",
    account="Rekening",
    counterparty_account="Tegenrekening",
    sign="Af Bij",
    amount="Bedrag (EUR)",
    default_currency="EUR",
    details="Mutatiesoort",
    communication="Mededelingen",
    labelled_details=True,
    date_formats=("%Y%m%d",),
)
_ABNAMRO_TAB = Layout(
    name="nl_abnamro_tab",
    bank="ABN AMRO",
    separator="\t",
    quotechar="",
    account=0,
    currency=1,
    date=2,
    # 3 and 4: the balance before and after the movement.
    balance=4,
    value_date=5,
    amount=6,
    details=7,
    labelled_details=True,
    date_formats=("%Y%m%d",),
    pattern=(_ACCOUNT, r"[A-Z]{3}", r"\d{8}", _AMOUNT, _AMOUNT, r"\d{8}", _AMOUNT),
)

PRESETS = {
    layout.name: layout
    for layout in (
        _BNP_V3_NL,
        replace(
            _BNP_V3_NL,
            name="be_bnp_v3_fr",
            reference=("Nº de séquence",),
            date="Date d'exécution",
            value_date="Date valeur",
            amount="Montant",
            currency="Devise du compte",
            account="Numéro de compte",
            counterparty_account="Contrepartie",
            counterparty_name="Nom de la contrepartie",
            communication=("Communication",),
            details=("Détails",),
            skip_if_filled=("Motif du refus",),
        ),
        _BNP_V2_NL,
        replace(
            _BNP_V1_FR,
            name="be_bnp_v2_fr",
            reference=("Nº de séquence",),
            details=("CONTREPARTIE DE LA TRANSACTION", "Détails"),
        ),
        _BNP_V1_FR,
        replace(
            _BNP_V1_FR,
            name="be_fintro_fr",
            bank="Fintro",
            reference=("Nº de séquence",),
            counterparty_account="Contrepartie",
            counterparty_name="Nom de la contrepartie",
            communication=("Communication",),
            date_formats=("%d/%m/%Y",),
        ),
        Layout(
            name="be_belfius_nl",
            bank="Belfius",
            # Above the header: the query's filters and the last balance.
            account="Rekening",
            date="Boekingsdatum",
            reference=("Rekeninguittrekselnummer", "Transactienummer"),
            counterparty_account="Rekening tegenpartij",
            counterparty_name="Naam tegenpartij bevat",
            details="Transactie",
            value_date="Valutadatum",
            amount="Bedrag",
            currency="Devies",
            counterparty_bic="BIC",
            communication="Mededelingen",
        ),
        _KBC,
        replace(
            _KBC,
            name="be_kbc_variant",
            counterparty_account="Rekening tegenpartij",
            counterparty_bic="BIC code tegenpartij",
        ),
        Layout(
            name="be_ing",
            bank="ING Belgium",
            account="Rekeningnummer",
            counterparty_account="Rekening tegenpartij",
            reference="Omzetnummer",
            date="Boekingsdatum",
            value_date="Valutadatum",
            amount="Bedrag",
            currency="Munteenheid",
            details=("Omschrijving", "Detail van de omzet"),
            communication="Bericht",
        ),
        Layout(
            name="be_ing_old",
            bank="ING Belgium",
            date="Datum",
            counterparty_name="Naam",
            account="Rekening",
            counterparty_account="Tegenrekening",
            details="Code",
            debit="Afschrijving",
            credit="Bijschrijving",
            communication="Mededeling",
            date_formats=("%d/%m/%Y", "%d-%m-%Y"),
        ),
        Layout(
            name="be_argenta",
            bank="Argenta",
            account="Rekening",
            date="Boekdatum",
            value_date="Valutadatum",
            reference="Referentie",
            details="Beschrijving",
            amount="Bedrag",
            currency="Munt",
            counterparty_account="Rekening tegenpartij",
            counterparty_name="Naam tegenpartij",
            communication="Mededeling",
            # The XLSX export re-saved by a spreadsheet may come either way.
            date_formats=("%d-%m-%Y", "%d/%m/%Y"),
        ),
        _ABNAMRO_TAB,
        Layout(
            name="nl_abnamro_csv",
            bank="ABN AMRO",
            separator=",",
            account="Rekeningnummer",
            currency="Muntsoort",
            date="Transactiedatum",
            value_date="Rentedatum",
            balance="Eindsaldo",
            amount="Transactiebedrag",
            details="Omschrijving",
            labelled_details=True,
            date_formats=("%Y%m%d",),
        ),
        _ING_NL_COMMA,
        replace(
            _ING_NL_COMMA,
            name="nl_ing_semicolon",
            separator=";",
            balance="Saldo na mutatie",
        ),
        replace(
            _ING_NL_COMMA,
            name="nl_ing_english",
            date="Date",
            counterparty_name="Name / Description",
            account="Account",
            counterparty_account="Counterparty",
            sign="Debit/credit",
            amount="Amount (EUR)",
            details=("Transaction type",),
            communication=("Notifications",),
            balance="Resulting balance",
        ),
        Layout(
            name="nl_rabobank",
            bank="Rabobank",
            separator=",",
            account="IBAN/BBAN",
            currency="Munt",
            reference="Volgnr",
            date="Datum",
            value_date="Rentedatum",
            amount="Bedrag",
            balance="Saldo na trn",
            counterparty_account="Tegenrekening IBAN/BBAN",
            counterparty_name="Naam tegenpartij",
            counterparty_bic="BIC tegenpartij",
            structured_reference="Betalingskenmerk",
            communication=("Omschrijving-1", "Omschrijving-2", "Omschrijving-3"),
            date_formats=("%Y-%m-%d",),
        ),
        Layout(
            name="nl_rabobank_legacy",
            bank="Rabobank",
            separator=",",
            account=0,
            currency=1,
            value_date=2,
            sign=3,
            amount=4,
            counterparty_account=5,
            counterparty_name=6,
            date=7,
            # 10-15: the description lines, 16: the payer's end-to-end reference.
            communication=(10, 11, 12, 13, 14, 15, 16),
            date_formats=("%Y%m%d",),
            decimal=".",
            thousands="",
            pattern=(
                _ACCOUNT,
                r"[A-Z]{3}",
                r"\d{8}",
                r"[CD]",
                _AMOUNT,
                r".*",
                r".*",
                r"\d{8}",
            ),
        ),
    )
}
