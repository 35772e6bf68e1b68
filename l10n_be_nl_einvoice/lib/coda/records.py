"""Reading CODA lines and their fixed-width fields.

A CODA file is a text of 128-character records (Febelfin CODA 2.6, Annexe I). Banks and
the tools in between do not all write it the same way, so the text is taken as found:

* encoding: UTF-8 when the bytes decode as UTF-8 and no line is then longer than 128
  characters, else Windows-1252 (what Belgian banks write), else Latin-1;
* line ends: CRLF, LF or CR; empty lines are ignored but still counted, so that the
  line numbers in messages are the ones an editor shows;
* length: a line shorter than 128 characters is padded with blanks (some exporters
  strip trailing blanks), unless a field the record needs is missing, which makes it
  a record cut short; blanks past position 128 are dropped.

Positions in this package are 0-based Python slices of the 1-based positions of the
specification: positions 33-47 are ``[32:47]``.
"""

import codecs
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

RECORD_LENGTH = 128

# The records by kind (the record identification, with the article code for 2 and 3)
# and where the last field they cannot do without ends. A line may stop there when its
# remaining positions are blank or one-character codes (next, link, globalisation,
# multiple file) that then read as "none".
NEEDED_LENGTH = {
    "0": 128,  # version code
    "1": 128,  # sequence number of the coded statement
    "21": 121,  # entry date
    "22": 10,
    "23": 10,
    "31": 40,  # transaction code and communication structure
    "32": 10,
    "33": 10,
    "4": 10,
    "8": 63,  # new balance date
    "9": 52,  # credit total
}

# The positions (1-based, inclusive) the specification leaves blank near the end of
# each record that may be written short: a record that lost a character has a code
# or a digit there.
BLANK_POSITIONS = {
    "0": (),
    "1": (),
    "21": ((127, 127),),
    "22": ((110, 112), (127, 127)),
    "23": ((127, 127),),
    "31": ((127, 127),),
    "32": ((116, 125), (127, 127)),
    "33": ((101, 125), (127, 127)),
    "4": ((113, 127),),
    "8": ((64, 127),),
    "9": ((53, 127),),
}


class CodaError(ValueError):
    """A CODA file that cannot be imported as it is; the message names the line."""

    def __init__(self, message: str, line: int | None = None):
        super().__init__(f"line {line}: {message}" if line else message)
        self.message = message
        self.line = line


@dataclass(slots=True)
class Line:
    """One record of the file: its text padded to 128 characters, where it is."""

    number: int  # 1-based line number in the file
    text: str
    length: int  # length before padding
    kind: str

    def error(self, message: str, position: int = 0) -> CodaError:
        """The error for a field at `position`; past the end of a short line, the
        record was cut short and that is what the message says."""
        if position >= self.length:
            message = (
                f"record {self.kind} is cut short: {self.length} characters where "
                f"{RECORD_LENGTH} are expected"
            )
        return CodaError(message, self.number)

    def number_at(self, start: int, end: int, what: str) -> int:
        value = self.text[start:end]
        if value.isdigit() and value.isascii():
            return int(value)
        raise self.error(f"record {self.kind} {what} {value!r} is not a number", start)

    def optional_number_at(self, start: int, end: int):
        """A number the bank may leave blank (paper sequence numbers): int or None."""
        value = self.text[start:end]
        return int(value) if value.isdigit() and value.isascii() else None

    def code_at(self, start: int, end: int, what: str) -> str:
        """Digits kept as text (transaction codes, where leading zeros matter)."""
        value = self.text[start:end]
        if value.isdigit() and value.isascii():
            return value
        raise self.error(f"record {self.kind} {what} {value!r} is not a number", start)

    def amount_at(self, sign_at, start: int, what: str) -> Decimal:
        """An amount of 15 digits, 3 of them decimals, with the sign (0 credit, 1
        debit) at `sign_at`, or unsigned when `sign_at` is None."""
        digits = self.text[start : start + 15]
        if not (digits.isdigit() and digits.isascii()):
            raise self.error(
                f"record {self.kind} {what} {digits!r} is not a number", start
            )
        value = Decimal(digits + "E-3")
        if sign_at is None:
            return value
        sign = self.text[sign_at]
        if sign == "0":
            return value
        if sign == "1":
            return Decimal("-" + digits + "E-3") if value else value
        raise self.error(
            f"record {self.kind} {what} sign {sign!r} is not 0 (credit) or 1 (debit)",
            sign_at,
        )

    def date_at(self, start: int, what: str, cache: dict):
        """A DDMMYY date, None for 000000 (not known). `cache` maps the six
        characters to their date: a statement repeats a handful of dates."""
        value = self.text[start : start + 6]
        if value in cache:
            return cache[value]
        day = to_date(value)
        if day is False:
            raise self.error(
                f"record {self.kind} {what} {value!r} is not a date (DDMMYY)", start
            )
        cache[value] = day
        return day


def to_date(value: str):
    """The date of a DDMMYY field, None for 000000, False when it is not a date.

    Years 00-79 are read as 2000-2079, 80-99 as 1980-1999.
    """
    if value == "000000":
        return None
    if not (len(value) == 6 and value.isdigit() and value.isascii()):
        return False
    day_month, year = divmod(int(value), 100)
    day, month = divmod(day_month, 100)
    try:
        return date(year + (2000 if year < 80 else 1900), month, day)
    except ValueError:
        return False


def decode(data) -> tuple[str, str]:
    """The text of a CODA file and the encoding it was read with."""
    if isinstance(data, str):
        return data, "text"
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        # Saved again by an editor as "Unicode": the characters are those of the
        # bank's file, two bytes each.
        return data.decode("utf-16"), "utf-16"
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    if data.isascii():
        return data.decode("ascii"), "ascii"
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        text = None
    # Bytes that decode as UTF-8 but leave lines longer than a record were meant as
    # single-byte characters.
    if text is not None and all(
        len(line.rstrip(" ")) <= RECORD_LENGTH for line in split_lines(text)
    ):
        return text, "utf-8"
    # Windows-1252 and Latin-1 differ only in the bytes 80-9F; without them the
    # Latin-1 decoder, which copies each byte, reads the same text.
    if not any(byte in data for byte in _WINDOWS_1252_ONLY):
        return data.decode("latin-1"), "cp1252"
    try:
        return data.decode("cp1252"), "cp1252"
    except UnicodeDecodeError:
        # Windows-1252 leaves five bytes undefined; Latin-1 reads every byte.
        return data.decode("latin-1"), "latin-1"


_WINDOWS_1252_ONLY = bytes(range(0x80, 0xA0))


def split_lines(text: str, plain: bool = False) -> list[str]:
    """The lines of `text`, whether they end with CRLF, LF or CR; in a `plain` text
    these are the only line breaks that str.splitlines() knows."""
    if plain:
        return text.splitlines()
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text.split("\n")


# The blanks among the first 256 characters other than the space and the line breaks
# CR and LF; the other Unicode blanks all come after them.
OTHER_BLANKS = "\t\x0b\x0c\x1c\x1d\x1e\x1f\x85\xa0"


def is_plain(text: str) -> bool:
    """Whether the only blanks in `text`, line breaks CR and LF aside, are spaces, as
    in most CODA files: then a run of blanks is a run of spaces."""
    if not text.isascii():
        try:
            text.encode("latin-1")  # one character a byte: none past the first 256
        except UnicodeEncodeError:
            return False
    return not any(blank in text for blank in OTHER_BLANKS)


def read_line(number: int, raw: str):
    """The text of a line padded or cut to 128 characters, its length before padding
    and its record type; None for a blank line. Raises CodaError for a line longer
    than a record, of an unknown type or cut short."""
    if not raw.strip():
        return None
    length = len(raw)
    if length > RECORD_LENGTH:
        if raw[RECORD_LENGTH:].strip():
            raise CodaError(
                f"the record is {length} characters long, {RECORD_LENGTH} are expected",
                number,
            )
        raw = raw[:RECORD_LENGTH]
        length = RECORD_LENGTH
    kind = raw[:2] if raw[0] in "23" else raw[0]
    if kind not in NEEDED_LENGTH:
        raise CodaError(f"unknown record type {kind!r}", number)
    if length < RECORD_LENGTH:
        text = raw.ljust(RECORD_LENGTH)
        if length < NEEDED_LENGTH[kind]:
            raise Line(number, text, length, kind).error("", length)
        return text, length, kind
    return raw, length, kind
