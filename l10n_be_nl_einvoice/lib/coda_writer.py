"""Writing CODA 2.6 files: the test fixtures and benchmark files of the suite.

A bank statement as a Belgian bank sends it, from plain values: records 0 (header),
1 (old balance), 21/22/23 per movement (with the structured OGM communication or free
text, the counterparty's name and IBAN), 8 (new balance) and 9 (trailer with the record
count and the debit and credit sums), each 128 characters, CRLF-terminated.
"""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal


@dataclass
class Payment:
    amount: Decimal  # credit positive, debit negative
    when: date
    ogm: str = ""  # 12 digits: a structured communication (101)
    text: str = ""  # else a free communication
    name: str = ""  # counterparty
    iban: str = ""  # counterparty account


def _field(value, length):
    text = str(value)[:length]
    return text + " " * (length - len(text))


def _num(value, length):
    return f"{value:0{length}d}"[-length:]


def _day(value):
    return value.strftime("%d%m%y") if value else "000000"


def _amount(value):
    return "1" if value < 0 else "0", _num(int(abs(value) * 1000), 15)


def _account_zone(iban, currency):
    # Structure 2 (Belgian IBAN): 31 positions of IBAN, 3 of extension, 3 currency.
    return _field(iban, 34) + _field(currency, 3)


def _record(text):
    assert len(text) == 128, (len(text), text)
    return text


def write(
    iban,
    payments,
    sequence=1,
    old_balance=Decimal(0),
    holder="ATELIER LAMBRECHT BV",
    bic="GEBABEBB",
    currency="EUR",
    created=None,
    last=True,
):
    """The bytes of a one-statement CODA file of `payments` on `iban`."""
    created = created or max((p.when for p in payments), default=date(2026, 1, 1))
    first = min((p.when for p in payments), default=created)
    records = [
        _record(
            "0" + "0000" + _day(created) + "200" + "05" + " " + " " * 7
            + _field("", 10) + _field(holder, 26) + _field(bic, 11)
            + "00712345630" + " " + "00000" + " " * 16 + " " * 16 + " " * 7 + "2"
        ),
        _record(
            "1" + "2" + _num(sequence, 3) + _account_zone(iban, currency)
            + "".join(_amount(old_balance)) + _day(first) + _field(holder, 26)
            + _field("Compte courant", 35) + _num(sequence, 3)
        ),
    ]  # fmt: skip
    debit = credit = Decimal(0)
    for index, payment in enumerate(payments, start=1):
        sign, amount = _amount(payment.amount)
        if payment.amount < 0:
            debit -= payment.amount
        else:
            credit += payment.amount
        if payment.ogm:
            communication = "1" + "101" + _field(payment.ogm, 50)
        else:
            communication = "0" + _field(payment.text, 53)
        records += [
            _record(
                "21" + _num(index, 4) + "0000" + _field(f"REF{index:018d}", 21)
                + sign + amount + _day(payment.when) + "00150000" + communication
                + _day(payment.when) + _num(sequence, 3) + "0" + "1" + " " + "0"
            ),
            _record(
                "22" + _num(index, 4) + "0000" + " " * 53 + _field("", 35)
                + _field("KREDBEBB", 11) + " " * 3 + " " * 13 + "1" + " " + "0"
            ),
            _record(
                "23" + _num(index, 4) + "0000" + _field(payment.iban, 34)
                + _field(currency if payment.iban else "", 3)
                + _field(payment.name, 35) + " " * 43 + "0" + " " + "0"
            ),
        ]  # fmt: skip
    new_balance = old_balance + credit - debit
    records += [
        _record(
            "8" + _num(sequence, 3) + _account_zone(iban, currency)
            + "".join(_amount(new_balance)) + _day(created) + " " * 64 + "0"
        ),
    ]  # fmt: skip
    count = len(records) - 1  # records 1, 2x and 8
    records.append(
        _record(
            "9" + " " * 15 + _num(count, 6) + _amount(debit)[1] + _amount(credit)[1]
            + " " * 75 + ("2" if last else "1")
        )
    )  # fmt: skip
    return ("\r\n".join(records) + "\r\n").encode("cp1252")
