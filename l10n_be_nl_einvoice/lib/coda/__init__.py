"""CODA bank statements (Febelfin "Coded statement of account", versions 1 and 2).

``parse(data)`` reads the bytes of a CODA file, as a Belgian bank or CodaBox delivers
it, into ``Statement`` objects with their ``Movement`` and ``Information`` records:
amounts as signed ``Decimal`` (debit negative), dates as ``date``, the structured
communication (OGM, RF, foreign currency, SEPA direct debit) interpreted.
``Statement.booking_lines()`` gives the movements to book without counting a total and
its details twice, and ``Statement.identity`` recognises a statement imported twice.

A file that cannot be read raises ``CodaError`` naming the line; one that does not add
up (trailer totals, balances, account) raises in strict mode and is read with
``warnings`` in tolerant mode (``parse(data, strict=False)``).
"""

from .model import (
    CodaFile,
    DirectDebit,
    Information,
    Movement,
    OriginalAmount,
    Party,
    Statement,
    TransactionCode,
    belgian_iban,
)
from .parser import looks_like_coda, parse
from .records import CodaError

__all__ = [
    "CodaError",
    "CodaFile",
    "DirectDebit",
    "Information",
    "Movement",
    "OriginalAmount",
    "Party",
    "Statement",
    "TransactionCode",
    "belgian_iban",
    "looks_like_coda",
    "parse",
]
