from datetime import date
from decimal import Decimal

import pytest
from l10n_be_nl_einvoice_lib.coda import (
    CodaError,
    belgian_iban,
    looks_like_coda,
    parse,
)

from conftest import SHARED

CODA = SHARED / "coda"
FILES = CODA / "files"
needs_samples = pytest.mark.skipif(
    not FILES.is_dir(), reason="the CODA sample files (shared/coda) are not here"
)


def _manifest():
    """file (relative to files/) -> the "cnt/sum/bal ok" column of MANIFEST.md."""
    rows = {}
    for row in (CODA / "MANIFEST.md").read_text(encoding="utf-8").splitlines():
        cells = [cell.strip() for cell in row.split("|")]
        if len(cells) > 9 and cells[1].startswith("`files/"):
            rows[cells[1].strip("`").removeprefix("files/")] = cells[9]
    return rows


def _adds_up(column):
    return all(
        flag in ("y", "-") for group in column.split(",") for flag in group.split("/")
    )


SAMPLES = (
    sorted(p.relative_to(FILES).as_posix() for p in FILES.rglob("*") if p.is_file())
    if FILES.is_dir()
    else []
)
MANIFEST = _manifest() if FILES.is_dir() else {}
# Samples that cannot be read at all, and the line the error names.
UNREADABLE = {
    "ruby-coda_standard/invalid.cod": 18,  # a record 1 cut to 14 characters
    # record 8 dated 42/31/32: a date edited by hand in that version of the sample
    "pdevemy-php-coda-parser/variants/refs_tags_v1.1__sample2.cod": 17,
}
# Totals that add up, but record 8 names another account than record 1: the sample
# was anonymised in one place and not in the other.
OTHER_ACCOUNT_IN_RECORD_8 = {
    "noviat-apps/Ontvangen_CODA.2011-01-11-18.59.15.txt",
    "odoo/Ontvangen_CODA.2011-01-11-18.59.15_CRLF.txt",
}
CONSISTENT = [
    name
    for name in SAMPLES
    if _adds_up(MANIFEST.get(name, "n")) and name not in OTHER_ACCOUNT_IN_RECORD_8
]
INCONSISTENT = [
    name
    for name in SAMPLES
    if name not in CONSISTENT
    and name not in UNREADABLE
    and name not in OTHER_ACCOUNT_IN_RECORD_8
]


def _sample(name, strict=True):
    return parse((FILES / name).read_bytes(), strict=strict)


def _balances(statement, details=False):
    booked = sum(m.amount for m in statement.booking_lines(details=details))
    return statement.old_balance + booked == statement.new_balance


def _no_total_booked_with_its_details(statement):
    booked = statement.booking_lines(details=True)
    ids = {id(m) for m in booked}
    for movement in booked:
        pending = list(movement.details)
        while pending:
            detail = pending.pop()
            assert id(detail) not in ids
            pending.extend(detail.details)
    assert sum(m.amount for m in booked) == sum(
        m.amount for m in statement.booking_lines()
    )


# -- every sample file -----------------------------------------------------------


@needs_samples
@pytest.mark.parametrize("name", SAMPLES)
def test_every_sample_file_has_its_line_in_the_manifest(name):
    assert name in MANIFEST


@needs_samples
@pytest.mark.parametrize("name", CONSISTENT)
def test_a_sample_that_adds_up_reads_in_strict_mode_and_balances(name):
    coda = _sample(name)
    assert coda.statements and not coda.warnings
    for statement in coda.statements:
        assert _balances(statement)
        assert _balances(statement, details=True)
        _no_total_booked_with_its_details(statement)


@needs_samples
@pytest.mark.parametrize("name", sorted(OTHER_ACCOUNT_IN_RECORD_8))
def test_a_record_8_about_another_account_is_refused_in_strict_mode(name):
    with pytest.raises(CodaError, match="record 8 is about account") as error:
        _sample(name)
    assert error.value.line == 23
    (statement,) = _sample(name, strict=False).statements
    assert [w.split(":")[0] for w in statement.warnings] == ["line 23"]
    assert _balances(statement)


@needs_samples
@pytest.mark.parametrize("name", INCONSISTENT)
def test_a_sample_that_does_not_add_up_reads_with_warnings_only_when_tolerant(name):
    coda = _sample(name, strict=False)
    assert coda.warnings
    assert all(w.startswith("line ") for w in coda.warnings)
    for statement in coda.statements:
        _no_total_booked_with_its_details(statement)
    with pytest.raises(CodaError) as error:
        _sample(name)
    assert error.value.line
    assert str(error.value).startswith(f"line {error.value.line}: ")


@needs_samples
@pytest.mark.parametrize(("name", "line"), sorted(UNREADABLE.items()))
def test_an_unreadable_sample_is_refused_in_both_modes(name, line):
    with pytest.raises(CodaError) as error:
        _sample(name, strict=False)
    assert error.value.line == line
    with pytest.raises(CodaError):
        _sample(name)


# -- what the samples say --------------------------------------------------------


@needs_samples
def test_the_richest_sample_reads_whole():
    (statement,) = _sample("febelfin-coda-pypi/CODA.txt").statements
    assert (statement.bic, statement.bank_id) == ("KREDBEBB", "725")
    assert (statement.account_structure, statement.account) == (0, "435000000080")
    assert statement.iban == "BE47435000000080"
    assert statement.currency == "EUR"
    assert statement.creation_date == date(2006, 12, 6)
    assert statement.old_balance == 0
    assert statement.new_balance == Decimal("9405296.99")
    assert len(statement.movements) == 111
    assert statement.trailer_records == 260

    by_number = {(m.sequence, m.detail): m for m in statement.movements}
    paid = by_number[53, 0]
    assert paid.structured_code == "101"
    assert paid.ogm == "269021157996"
    assert paid.structured_reference == "+++269/0211/57996+++"
    assert paid.amount == Decimal("817.56")
    assert paid.counterparty_account == "370121620105"
    assert paid.counterparty_name == "LA CROIX D OR SPRL"

    foreign = by_number[42, 2].original_amount
    assert foreign.currency == "NOK"
    assert foreign.original_amount == Decimal("56059.600")
    assert foreign.rate == Decimal("8.32950600")
    assert foreign.gross_amount == foreign.eur_amount == Decimal("6730.24")


@needs_samples
def test_a_globalised_total_and_its_details_are_booked_once():
    (statement,) = _sample("febelfin-coda-pypi/CODA.txt").statements
    total = next(m for m in statement.movements if (m.sequence, m.detail) == (7, 0))
    assert total.transaction_code.type == "1"  # globalised by the customer
    assert total.globalisation_code == 1
    assert [d.amount for d in total.details] == [
        Decimal(-4000),
        Decimal(-27000),
        Decimal(-97000),
    ]
    assert all(d.is_detail for d in total.details)
    totals, details = statement.booking_lines(), statement.booking_lines(True)
    assert total in totals and not set(map(id, total.details)) & set(map(id, totals))
    assert total not in details and all(d in details for d in total.details)
    assert len(totals) == 59 and len(details) == 85
    assert _balances(statement) and _balances(statement, details=True)


@needs_samples
def test_information_records_are_attached_to_their_movement():
    (statement,) = _sample("febelfin-coda-pypi/CODA.txt").statements
    by_number = {(m.sequence, m.detail): m for m in statement.movements}
    (info,) = by_number[3, 0].information
    assert info.structured_code == "001"
    assert info.party.name == "Olgerdin Egill Skallagrims"
    assert info.party.street == "Grjothalsi 7"
    assert info.party.locality == "11110 Reykjavik"
    # 31, 32 and 33 of a securities purchase (010) make one communication
    (securities,) = by_number[28, 0].information
    assert securities.structured_code == "010"
    assert securities.communication.endswith("20102006intekening 000002500000000")
    assert [i.structured_code for i in by_number[49, 0].information] == ["007"] * 4


@needs_samples
def test_two_statements_in_one_file_are_told_apart():
    first, second = _sample(
        "oca-l10n-belgium/Coda_iban_v2_3_multi_statements.txt"
    ).statements
    assert first.identity == (
        "BE13001676096039",
        "EUR",
        36,
        date(2014, 3, 28),
        date(2014, 3, 29),
    )
    assert second.identity == (
        "BE13001676096039",
        "EUR",
        37,
        date(2014, 3, 29),
        date(2014, 3, 31),
    )
    assert first.identity != second.identity
    assert second.old_balance == first.new_balance
    assert [m.amount for m in second.booking_lines()] == [Decimal(100000)]


@needs_samples
def test_a_windows_1252_file_with_crlf_keeps_its_accents():
    coda = _sample("typescript-coda-parser-triptyk/12298862.BC2")
    assert coda.encoding == "cp1252"
    (statement,) = coda.statements
    assert statement.account_description == "Compte à vue"
    assert statement.account == "BE75363112201051"
    assert len(statement.movements) == 26
    instant = next(m for m in statement.movements if m.sequence == 24)
    assert instant.information_text.startswith(
        "Virement instantané en euros Instantané le 26/01"
    )
    # a communication the bank cut over two information records, mid-word
    icarus = next(m for m in statement.movements if m.sequence == 3)
    assert "Info personnelle: 202301251124423353ISABEL" in icarus.information_text


@needs_samples
def test_a_utf8_file_with_129_byte_lines_reads_as_its_windows_1252_twin():
    utf8 = _sample("pdevemy-php-coda-parser/variants/refs_tags_v1.1__sample1.cod")
    cp1252 = _sample(
        "pdevemy-php-coda-parser/variants/add-transaction-details__sample1.cod"
    )
    assert (utf8.encoding, cp1252.encoding) == ("utf-8", "cp1252")
    assert utf8.statements[0].movements[2].counterparty_name == "KLANT3 NAAMï"
    assert utf8.statements == cp1252.statements


@needs_samples
def test_a_sepa_direct_debit_collection_and_its_details():
    (statement,) = _sample("php-coda-parser/sample10.cod").statements
    total, first, second = statement.movements
    assert total.transaction_code.code == "10550000"
    assert [m.amount for m in statement.booking_lines()] == [Decimal(1000)]
    assert statement.booking_lines(details=True) == [first, second]
    debit = second.direct_debit
    assert second.structured_code == "127"
    assert debit.settlement_date == date(2024, 6, 6)
    assert (debit.type, debit.scheme, debit.paid) == ("1", "2", "0")
    assert debit.creditor_id == "BE25ZZZ548413215"
    assert debit.mandate_reference == "SEPA-00000002"
    assert debit.communication == "243690000142"
    assert second.counterparty_account == "BE25646548413215"
    assert second.counterparty_name == "KLANT2 MET NAAM2"
    assert second.customer_reference == "243690000142"
    assert second.category_purpose == "SUPP"


@needs_samples
def test_a_free_communication_record_4():
    (statement,) = _sample("php-coda-parser/sample6.cod", strict=False).statements
    assert statement.free_communications == ["THIS IS A PUBLIC MESSAGE"]
    assert statement.movements[1].structured_reference == "+++112/4554/46812+++"
    assert any("new balance is -500012.100" in w for w in statement.warnings)


@needs_samples
def test_an_invalid_file_names_its_lines():
    with pytest.raises(CodaError, match=r"^line 13: record 8 is about account"):
        _sample("ruby-coda_standard/invalid.cod")
    with pytest.raises(CodaError) as error:
        _sample("ruby-coda_standard/invalid.cod", strict=False)
    assert str(error.value) == (
        "line 18: record 1 is cut short: 14 characters where 128 are expected"
    )


@needs_samples
def test_a_minimal_file():
    coda = _sample("tryton/CODA.txt")
    (statement,) = coda.statements
    (movement,) = statement.movements
    assert statement.bic == "BBRUBEBB0"  # as written, a 9th character included
    assert statement.holder_name == "DUNDER MIFFLIN"
    assert statement.identity == (
        "BE47435000000080",
        "EUR",
        1,
        date(2017, 7, 1),
        date(2017, 8, 1),
    )
    assert movement.amount == Decimal("100.00")
    assert (movement.value_date, movement.entry_date) == (
        date(2017, 7, 20),
        date(2017, 7, 19),
    )
    assert movement.communication == "COMMUNICATION"
    assert movement.counterparty_account == movement.counterparty_name == ""
    assert movement.transaction_code.family == "01"


@needs_samples
def test_an_empty_file_keeps_its_balance():
    (statement,) = _sample("febelfin-coda-pypi/CODA-empty.txt").statements
    assert statement.movements == []
    assert statement.new_balance == statement.old_balance
    assert statement.new_balance_date is None


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
