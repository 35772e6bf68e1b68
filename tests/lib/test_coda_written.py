"""CODA files written here by the Febelfin rules, one record at a time: what reads,
what is refused with the line that is wrong, what is read with a warning."""

from datetime import date
from decimal import Decimal

import pytest
from l10n_be_nl_einvoice_lib.coda import (
    CodaError,
    belgian_iban,
    looks_like_coda,
    parse,
)

# -- files written here ----------------------------------------------------------

ACCOUNT = "BE68539007547034"
HEADER = (
    "0000001012672505        0000000001ADDRESSEE                 KREDBEBB   "
    "00123456749 00000" + " " * 39 + "2"
)


def _amount(value):
    return ("1" if value < 0 else "0") + f"{int(abs(value) * 1000):015d}"


def _old_balance(value, account=ACCOUNT):
    return (
        f"12001{account:<31}   EUR{_amount(value)}311225{'HOLDER':<26}"
        f"{'CURRENT ACCOUNT':<35}001"
    )


def _movement(sequence, value, text="", structured=None, **codes):
    if structured:
        zone = "1" + structured[0] + f"{structured[1]:<50}"
    else:
        zone = f"0{text:<53}"
    return (
        f"21{sequence:04d}{codes.get('detail', 0):04d}{'BANKREF':<21}{_amount(value)}"
        f"020126{codes.get('code', '00150000')}{zone}0201260010"
        f"{codes.get('next', '0')} {codes.get('link', '0')}"
    )


def _movement_2(sequence, text="", reference="", bic="", next_code="0"):
    return (
        f"22{sequence:04d}0000{text:<53}{reference:<35}{bic:<11}"
        + " " * 16
        + f"{next_code} 0"
    )


def _movement_3(sequence, account, name, text="", link="0"):
    return f"23{sequence:04d}0000{account:<34}EUR{name:<35}{text:<43}0 {link}"


def _information(sequence, detail, text, structured=None):
    zone = f"1{structured}{text:<70}" if structured else f"0{text:<73}"
    return (
        f"31{sequence:04d}{detail:04d}{'BANKREF':<21}00150000{zone}" + " " * 12 + "0 0"
    )


def _new_balance(value, account=ACCOUNT):
    return f"8001{account:<31}   EUR{_amount(value)}020126" + " " * 64 + "0"


def _trailer(records, debit, credit):
    return f"9{' ' * 15}{records:06d}{_amount(debit)[1:]}{_amount(credit)[1:]}" + (
        " " * 75 + "2"
    )


def _statement():
    return [
        HEADER,
        _old_balance(Decimal(100)),
        _movement(1, Decimal("-25.5"), structured=("101", "123456789002"), next="1"),
        _movement_2(1, reference="E2E-1", bic="GEBABEBB", next_code="1"),
        _movement_3(1, "BE71096123456769", "CUSTOMER ONE", link="1"),
        _information(1, 1, "CUSTOMER ONE", structured="001"),
        _movement(2, Decimal(40), "INVOICE 2026/0002 THANK YOU"),
        _new_balance(Decimal("114.5")),
        _trailer(7, Decimal("25.5"), Decimal(40)),
    ]


def _file(lines, newline="\n"):
    return (newline.join(lines) + newline).encode("cp1252")


def test_a_statement_written_by_the_rules_reads_in_strict_mode():
    assert {len(line) for line in _statement()} == {128}
    coda = parse(_file(_statement()))
    assert coda.encoding == "ascii"
    (statement,) = coda.statements
    assert statement.identity == (
        ACCOUNT,
        "EUR",
        1,
        date(2025, 12, 31),
        date(2026, 1, 2),
    )
    assert statement.creation_date == date(2026, 1, 1)
    paid, received = statement.movements
    assert paid.amount == Decimal("-25.500")
    assert paid.structured_reference == "+++123/4567/89002+++"
    assert (paid.counterparty_account, paid.counterparty_currency) == (
        "BE71096123456769",
        "EUR",
    )
    assert (paid.customer_reference, paid.counterparty_bic) == ("E2E-1", "GEBABEBB")
    assert paid.information[0].party.name == "CUSTOMER ONE"
    assert received.communication == "INVOICE 2026/0002 THANK YOU"
    assert received.structured_reference is None


def test_stripped_trailing_blanks_crlf_and_empty_lines_read_the_same():
    lines = _statement()
    # a blank link code (record 8) and multiple file code (record 9), then stripped
    lines[7], lines[8] = lines[7][:127] + " ", lines[8][:127] + " "
    lines = [line.rstrip() for line in lines]
    assert (len(lines[7]), len(lines[8])) == (63, 52)
    lines.insert(3, "")
    plain = parse(_file(_statement())).statements[0]
    stripped = parse(_file(lines, "\r\n")).statements[0]
    assert [m.communication for m in stripped.movements] == [
        m.communication for m in plain.movements
    ]
    assert stripped.new_balance == plain.new_balance
    assert stripped.multiple_file_code == ""
    assert [m.line for m in stripped.movements] == [3, 8]


def test_a_record_that_lost_a_character_is_refused_unless_told_to_read_it():
    lines = _statement()
    # The second movement lost a digit of its amount (40.000 reads 4.000 shifted):
    # its link code lands on position 127, which the specification leaves blank.
    lines[6] = lines[6][:40] + lines[6][41:]
    assert len(lines[6]) == 127
    with pytest.raises(CodaError) as refused:
        parse(_file(lines))
    assert str(refused.value) == (
        "line 7: the record is 127 characters long where 128 are expected, and "
        "position 127, blank in a record 21, holds '0': a character is missing"
    )
    (statement,) = parse(_file(lines), strict=False).statements
    assert statement.warnings[0].startswith("line 7: the record is 127 characters")


def test_a_new_balance_or_a_trailer_that_lost_a_character_is_refused():
    for index, kind in ((7, "8"), (8, "9")):
        lines = _statement()
        lines[index] = lines[index][:45] + lines[index][46:]
        with pytest.raises(CodaError) as refused:
            parse(_file(lines))
        assert str(refused.value).startswith(
            f"line {index + 1}: the record is 127 characters long"
        ), refused.value
        assert f"blank in a record {kind}" in str(refused.value)


def test_a_free_communication_is_joined_over_its_three_records():
    lines = _statement()
    lines[2] = _movement(1, Decimal("-25.5"), "A" * 50 + "INV", next="1")
    lines[3] = _movement_2(1, "OICE 12" + " " * 46 + "", next_code="1")
    lines[4] = _movement_3(1, "", "", text="AND MORE", link="1")
    movement = parse(_file(lines)).statements[0].movements[0]
    assert movement.communication == "A" * 50 + "INVOICE 12 AND MORE"
    assert movement.counterparty_account == ""


def test_an_rf_creditor_reference():
    lines = _statement()
    lines[6] = _movement(2, Decimal(40), structured=("100", "RF18 5390 0754 7034"))
    movement = parse(_file(lines)).statements[0].movements[1]
    assert movement.structured_reference == "RF18539007547034"
    assert movement.ogm is None


def _broken(index, line=None, insert=False, delete=False):
    lines = _statement()
    if delete:
        del lines[index]
    elif insert:
        lines.insert(index, line)
    else:
        lines[index] = line
    return _file(lines)


def _with(line, start, text):
    return line[:start] + text + line[start + len(text) :]


STATEMENT = _statement()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (
            _broken(2, STATEMENT[2][:60]),
            "line 3: record 21 is cut short: 60 characters where 128 are expected",
        ),
        (
            _broken(2, _with(STATEMENT[2], 32, "0000000000255x0")),
            "line 3: record 21 amount '0000000000255x0' is not a number",
        ),
        (
            _broken(6, _with(STATEMENT[6], 31, "2")),
            "line 7: record 21 amount sign '2' is not 0 (credit) or 1 (debit)",
        ),
        (
            _broken(6, _with(STATEMENT[6], 47, "320126")),
            "line 7: record 21 value date '320126' is not a date (DDMMYY)",
        ),
        (
            _broken(3, "7" + " " * 127, insert=True),
            "line 4: unknown record type '7'",
        ),
        (
            _broken(1, STATEMENT[2], insert=True),
            (
                "line 2: record 21 comes before the record 1 (old balance) of the "
                "statement of line 1"
            ),
        ),
        (
            _broken(0, delete=True),
            "line 1: record 1 comes outside a statement (no record 0 before it)",
        ),
        (
            _broken(8, delete=True),
            (
                "line 8: the file ends before the record 9 (trailer) of the statement "
                "of line 1"
            ),
        ),
        (
            _broken(3, _with(STATEMENT[3], 2, "0002")),
            (
                "line 4: record 22 has sequence and detail number 0002/0000, the "
                "record 21 before it 0001/0000"
            ),
        ),
        (
            _broken(0, _with(HEADER, 127, "3")),
            "line 1: record 0 version code '3' is not 1 or 2",
        ),
        (
            _broken(2, STATEMENT[2] + "x"),
            "line 3: the record is 129 characters long, 128 are expected",
        ),
        (b"", "the file holds no CODA record"),
    ],
)
def test_a_file_that_cannot_be_read_is_refused_naming_the_line(data, message):
    for strict in (True, False):
        with pytest.raises(CodaError) as error:
            parse(data, strict=strict)
        assert str(error.value) == message


@pytest.mark.parametrize(
    ("index", "line", "message"),
    [
        (
            8,
            _trailer(8, Decimal("25.5"), Decimal(40)),
            "line 9: record 9 counts 8 records 1, 2x, 3x and 8, the statement has 7",
        ),
        (
            8,
            _trailer(7, Decimal("25.5"), Decimal(41)),
            (
                "line 9: record 9 credit total 41.000 differs from the 40.000 of the "
                "movements (records 21 with detail number 0000)"
            ),
        ),
        (
            7,
            _new_balance(Decimal("114.6")),
            (
                "line 8: old balance 100.000 + movements 14.500 = 114.500, but the new "
                "balance is 114.600"
            ),
        ),
        (
            7,
            _new_balance(Decimal("114.5"), "BE71096123456769"),
            (
                "line 8: record 8 is about account BE71096123456769 EUR, "
                f"record 1 (line 2) about {ACCOUNT} EUR"
            ),
        ),
        (
            4,
            _movement_3(1, "BE71096123456769", "CUSTOMER ONE", link="0"),
            (
                "line 6: the link code of record 23 on line 5 does not announce a "
                "record 31, and a record 31 follows"
            ),
        ),
    ],
)
def test_a_file_that_does_not_add_up_is_refused_or_read_with_a_warning(
    index, line, message
):
    data = _broken(index, line)
    with pytest.raises(CodaError) as error:
        parse(data)
    assert str(error.value) == message
    (statement,) = parse(data, strict=False).statements
    assert statement.warnings == [message]
    assert len(statement.movements) == 2


def test_free_communications_after_the_new_balance():
    def free(sequence, detail, text, link):
        return f"4 {sequence:04d}{detail:04d}{' ' * 22}{text:<80}{' ' * 15}{link}"

    lines = _statement()
    lines[7] = _with(lines[7], 127, "1")
    lines[8:8] = [
        free(1, 0, "YOUR CREDIT LINE IS RENEWED UNTIL", "1"),
        free(1, 1, "31/12/2026", "1"),
        free(2, 0, "NEW FEES FROM 1/3", "0"),
    ]
    (statement,) = parse(_file(lines)).statements
    assert statement.free_communications == [
        "YOUR CREDIT LINE IS RENEWED UNTIL 31/12/2026",
        "NEW FEES FROM 1/3",
    ]


def test_details_replace_their_total_only_when_they_add_up():
    lines = [
        HEADER,
        _old_balance(Decimal(0)),
        _movement(1, Decimal(100), "COLLECTIONS", code="10550000"),
        _movement(1, Decimal(60), "INVOICE 1", code="50550000", detail=1),
        _movement(1, Decimal(40), "INVOICE 2", code="50550000", detail=2),
        _movement(2, Decimal(-10), "CHARGES", code="30437000"),
        _movement(2, Decimal(-9), "", code="80437006", detail=1),
        _new_balance(Decimal(90)),
        _trailer(7, Decimal(10), Decimal(100)),
    ]
    (statement,) = parse(_file(lines)).statements
    collections, first, second, charges, part = statement.movements
    assert collections.details == [first, second] and charges.details == [part]
    assert statement.booking_lines() == [collections, charges]
    assert statement.booking_lines(details=True) == [first, second, charges]


def test_coda_1_reads_the_belgian_account_number_and_the_counterparty_address():
    bban = "539007547034"
    lines = _statement()
    lines[0] = _with(HEADER, 127, "1")
    lines[1] = _with(_old_balance(Decimal(100), ""), 5, f"{bban} EUR0BE")
    lines[4] = f"2300010000{'063123456789':<37}{'CUSTOMER ONE':<26}" + (
        f"{'STREET 1, 1000 BRUSSEL':<52}0 1"
    )
    lines[7] = _with(_new_balance(Decimal("114.5"), ""), 4, f"{bban} EUR0BE")
    (statement,) = parse(_file(lines)).statements
    assert (statement.version, statement.account, statement.currency) == (
        1,
        bban,
        "EUR",
    )
    assert statement.iban == ACCOUNT
    movement = statement.movements[0]
    assert movement.counterparty_account == "063123456789"
    assert movement.counterparty_name == "CUSTOMER ONE"
    assert movement.counterparty_address == "STREET 1, 1000 BRUSSEL"


def test_the_iban_of_a_belgian_account_number():
    assert belgian_iban("539007547034") == "BE68539007547034"
    assert belgian_iban("BE68539007547034") is None


def test_a_coda_file_is_recognised_before_it_is_read():
    assert looks_like_coda(_file(_statement()))
    assert not looks_like_coda(b"date;amount;communication\n2026-01-02;40.00;x\n")
