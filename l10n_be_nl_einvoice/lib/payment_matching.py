"""Which open invoices a bank movement pays.

A customer pays by quoting the invoice's structured reference: the Belgian OGM
(``+++123/4567/89012+++``, also written ``***...***``, with spaces, or as 12 bare
digits; the last two are the first ten modulo 97, 97 for 0) or an ISO 11649 creditor
reference (``RF18 5390 0754 7034``). Banks deliver it in a structured field (CODA) or
in the free text (CSV exports). Both forms reduce to one *key*: the 12 digits of an
OGM, or ``RF`` and the compact reference; an invoice's payment reference reduces the
same way.

Matching, in order, each step only for movements the previous one left:

1. the keys found in the movement against the open invoices' references (one or several
   invoices: a payment of several invoices quotes each reference);
2. the counterparty's account (IBAN) gives the customer: the one open invoice of that
   customer whose amount due equals the movement;
3. the amount alone: the one open invoice whose amount due equals the movement (no
   other open invoice owes that amount) and whose due date lies within a window
   around the movement's date.

A movement that quotes a reference is matched by it or not at all: when the invoice
it quotes is already paid, or no open invoice has that reference, steps 2 and 3 would
put the money on another customer's invoice. Nothing is guessed when two invoices fit
equally either: the movement stays for the bookkeeper.
"""

import re
from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from stdnum import iso11649

from .references import iter_references


def ogm_key(digits: str) -> str | None:
    """The 12 digits of a valid OGM, else None."""
    if len(digits) != 12 or not digits.isdigit() or not digits.isascii():
        return None
    check = int(digits[:10]) % 97 or 97
    return digits if check == int(digits[10:]) else None


def reference_key(text: str | None) -> str | None:
    """The key of a payment reference written in any usual form, else None."""
    if not text:
        return None
    compact = re.sub(r"[\s+*/.-]", "", text).upper()
    if compact.startswith("RF"):
        return compact if iso11649.is_valid(compact) else None
    return ogm_key(compact)


def reference_forms(key: str) -> list[str]:
    """The usual spellings of a reference key as an invoice stores it: an OGM as
    ``+++123/4567/89002+++``, ``***123/4567/89002***`` or its 12 digits; an RF
    reference compact or in groups of four."""
    if key.startswith("RF"):
        return [key, " ".join(key[i : i + 4] for i in range(0, len(key), 4))]
    spaced = f"{key[:3]}/{key[3:7]}/{key[7:]}"
    return [f"+++{spaced}+++", f"***{spaced}***", key]


def find_keys(text: str | None) -> list[str]:
    """The keys of the references quoted in a free text, in order, each once."""
    keys = []
    for reference in iter_references(text):
        key = reference_key(reference)
        if key and key not in keys:
            keys.append(key)
    return keys


STEPS = ("reference", "account", "amount")


@dataclass(frozen=True)
class OpenInvoice:
    id: int
    partner_id: int
    key: str | None
    residual: Decimal  # signed as the movement that pays it: positive for a customer
    due: date | None


@dataclass(frozen=True)
class Match:
    invoice_ids: tuple[int, ...]
    how: str  # "reference", "account", "amount"


class Matcher:
    """The open invoices of a company, indexed once for many movements. An invoice
    matched by account or amount is not offered to a later movement again."""

    def __init__(self, invoices, window_days=30):
        self.window_days = window_days
        self.by_key = defaultdict(list)
        self.by_partner_amount = defaultdict(list)
        self.by_amount = defaultdict(list)
        for invoice in invoices:
            if invoice.key:
                self.by_key[invoice.key].append(invoice)
            self.by_partner_amount[invoice.partner_id, invoice.residual].append(invoice)
            self.by_amount[invoice.residual].append(invoice)
        self.taken = set()

    def match(self, amount, when, keys=(), partner_id=None, steps=STEPS):
        """The invoices a movement pays, or None (see the module's docstring).
        `steps` limits the matching to some steps: a caller that first matches
        every movement by reference keeps invoices quoted later in a file from
        being taken by amount."""
        found = []
        if "reference" in steps:
            for key in keys:
                candidates = self.by_key.get(key, [])
                if len(candidates) == 1 and candidates[0] not in found:
                    found.append(candidates[0])
        if found:
            return self._take(found, "reference")
        if keys:
            # A quoted reference that fits no open invoice is never overruled by
            # the customer's account or the amount.
            return None
        if partner_id and "account" in steps:
            fitting = self._free(self.by_partner_amount.get((partner_id, amount), []))
            if len(fitting) == 1:
                return self._take(fitting, "account")
        if "amount" not in steps:
            return None
        owing = self._free(self.by_amount.get(amount, []))
        if (
            len(owing) == 1
            and owing[0].due
            and abs((owing[0].due - when).days) <= self.window_days
        ):
            return self._take(owing, "amount")
        return None

    def _free(self, invoices):
        return [invoice for invoice in invoices if invoice.id not in self.taken]

    def _take(self, invoices, how):
        self.taken.update(invoice.id for invoice in invoices)
        return Match(tuple(invoice.id for invoice in invoices), how)
