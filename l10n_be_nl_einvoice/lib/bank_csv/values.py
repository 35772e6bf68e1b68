"""Amounts, dates and labelled descriptions as the banks write them."""

import re
import unicodedata
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from ..ubl_messages import _lt
from .errors import BankCsvError

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


def _header_key(name):
    # NFKC turns the "º" of "Nº de séquence" into "o"; some exports write "°" there.
    name = unicodedata.normalize("NFKC", str(name)).replace("°", "o")
    return " ".join(name.split()).casefold()
