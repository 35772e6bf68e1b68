"""Structured payment references written in bank texts.

A customer quotes the invoice's Belgian structured communication (OGM: 12 digits, the
last two the first ten modulo 97, 97 for 0), written ``+++123/4567/89012+++``,
``***...***``, with spaces or as bare digits, or an ISO 11649 creditor reference
(``RF`` + check digits + up to 21 characters, compact or grouped by four). CODA carries
it in a structured field; bank CSV exports and free communications carry it in text.
"""

import re

from stdnum import iso11649

_OGM_FRAMED = re.compile(r"[+*]{3}\s*(\d{3})\s*/?\s*(\d{4})\s*/?\s*(\d{5})\s*[+*]{3}")
_OGM_BARE = re.compile(r"(?<![\w/])(\d{3})/?(\d{4})/?(\d{5})(?![\w/])")
_RF_START = re.compile(r"(?<![A-Za-z0-9])RF\d\d", re.IGNORECASE)


def _ogm(parts):
    """Febelfin: the last two digits are the first ten mod 97, 97 for a remainder of
    0; written +++ddd/dddd/ddddd+++."""
    digits = "".join(parts)
    if int(digits[10:]) != (int(digits[:10]) % 97 or 97):
        return None
    return f"+++{digits[:3]}/{digits[3:7]}/{digits[7:]}+++"


def _rf_at(text, start):
    """The longest valid ISO 11649 reference starting at ``start``; it is written
    compact or in groups of four separated by single spaces."""
    best, candidate = None, ""
    for position, token in enumerate(text[start : start + 40].split(" ")):
        group = re.match(r"[A-Za-z0-9]*", token).group()
        if not group or (position and len(group) > 4) or len(candidate + group) > 25:
            break
        candidate += group
        if iso11649.is_valid(candidate.upper()):
            best = candidate
        if group != token or len(group) != 4:
            break  # punctuation, or a last group (or a compact reference) ends it
    return iso11649.compact(best) if best else None


def find_structured_reference(text):
    """The structured reference written in ``text``, normalised, or None.

    A Belgian OGM with its frame (``+++123/4567/89012+++`` or ``***…***``, spaces
    allowed) or as 12 bare digits (slashes allowed), with valid check digits, comes
    back as ``+++ddd/dddd/ddddd+++``; an ISO 11649 creditor reference (``RF`` + check
    digits + up to 21 characters, compact or grouped by four) comes back compact.
    Digits inside a longer number or word (an IBAN, a card number) are not taken.
    """
    return next(iter_references(text), None)


def iter_references(text):
    """Every structured reference in ``text``, normalised, in order of certainty:
    framed OGMs, RF references, then bare 12-digit OGMs."""
    text = text or ""
    for match in _OGM_FRAMED.finditer(text):
        if found := _ogm(match.groups()):
            yield found
    for match in _RF_START.finditer(text):
        if found := _rf_at(text, match.start()):
            yield found
    for match in _OGM_BARE.finditer(text):
        if found := _ogm(match.groups()):
            yield found
