"""Reading an export: its encoding and separator, its header, its layout, its rows."""

import codecs
import csv
import io
import re
from dataclasses import replace

from ..references import find_structured_reference
from ..ubl_messages import _lt
from .errors import BankCsvError
from .layout import DEFAULT_ENCODINGS, FALLBACK_SEPARATORS, HEADER_SEARCH_LINES, Row
from .presets import PRESETS
from .values import _header_key, _labelled, parse_amount, parse_date

# -- reading -----------------------------------------------------------------------


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
    if not rows:
        # A header alone (an export of a period without movements, or cut short)
        # is said as such rather than imported as nothing.
        raise BankCsvError(
            _lt("The file holds no movements: there is nothing to import.")
        )
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
