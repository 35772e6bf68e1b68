from datetime import date
from decimal import Decimal

import pytest
from l10n_be_nl_einvoice_lib.coda import (
    CodaError,
    looks_like_coda,
    parse,
)
from l10n_be_nl_einvoice_lib.coda_writer import Payment, write

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


def test_a_file_saved_again_as_utf16_reads_as_the_bank_wrote_it():
    raw = write(
        "BE46063000000136",
        [Payment(Decimal("12.50"), date(2026, 11, 3), text="Facture 12 café")],
    )
    for bom_order in ("utf-16", "utf-16-be"):
        text = raw.decode("cp1252")
        unicode = text.encode(bom_order)
        if bom_order == "utf-16-be":
            unicode = b"\xfe\xff" + unicode
        assert looks_like_coda(unicode)
        again = parse(unicode)
        assert again.encoding == "utf-16"
        assert again.statements == parse(raw).statements
