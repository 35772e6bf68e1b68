"""Bank CSV exports: amounts, dates and references as banks write them, a layout
of one's own, and the errors that name the line and the column."""

from datetime import date
from decimal import Decimal

import pytest
from l10n_be_nl_einvoice_lib.bank_csv import (
    PRESETS,
    BankCsvError,
    Layout,
    detect,
    find_structured_reference,
    parse_amount,
    parse_date,
    read,
)
from test_bank_csv import OGM, RF, assert_values

# -- amounts and dates -------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "decimal", "thousands", "amount"),
    [
        ("1.234,56", ",", ".", "1234.56"),
        ("-1,234.56", ",", ".", "-1234.56"),
        ("1 234,56", ",", ".", "1234.56"),
        ("1\u00a0234,56", ",", ".", "1234.56"),
        ("+12,00", ",", ".", "12.00"),
        ("-49.56", ",", ".", "-49.56"),
        ("18", ",", ".", "18"),
        ("250,56-", ",", ".", "-250.56"),
        ("1.234.567,89", ",", ".", "1234567.89"),
        ("1,234,567.89", ".", ",", "1234567.89"),
        ("1.234", ",", ".", "1234"),
        ("1,234", ",", ".", "1.234"),
        ("1,234", ".", ",", "1234"),
        ("1,234", ".", "", "1.234"),
        ("0,5", ",", ".", "0.5"),
        (",50", ",", ".", "0.50"),
        ("12,00 EUR", ",", ".", "12.00"),
        ("€ -3,10", ",", ".", "-3.10"),
        ("\u22127,00", ",", ".", "-7.00"),
        ("1'234.50", ".", "'", "1234.50"),
    ],
)
def test_amounts_as_banks_write_them(text, decimal, thousands, amount):
    assert parse_amount(text, decimal, thousands) == Decimal(amount)
    assert isinstance(parse_amount(text, decimal, thousands), Decimal)


@pytest.mark.parametrize(
    "text", ["", "12,3x", "1.23.4", "1,2,3", "12,", "--5", "1.234,56,7", "EUR", "1e5"]
)
def test_what_is_not_an_amount(text):
    with pytest.raises(BankCsvError, match="is not an amount"):
        parse_amount(text)


@pytest.mark.parametrize(
    ("text", "fmt"),
    [
        ("31/12/2026", "%d/%m/%Y"),
        ("31-12-2026", "%d-%m-%Y"),
        ("20261231", "%Y%m%d"),
        ("2026-12-31", "%Y-%m-%d"),
        ("31.12.2026", "%d.%m.%Y"),
        (" 31/12/2026 21:30:53", "%d/%m/%Y"),
    ],
)
def test_dates_as_banks_write_them(text, fmt):
    assert parse_date(text, ("%d.%m.%y", fmt)) == date(2026, 12, 31)


def test_what_is_not_a_date_says_which_format_was_expected():
    with pytest.raises(BankCsvError) as caught:
        parse_date("30/02/2026", ("%d/%m/%Y", "%Y%m%d"))
    assert str(caught.value) == (
        "'30/02/2026' is not a date (expected dd/mm/yyyy or yyyymmdd)"
    )


# -- structured references ---------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "reference"),
    [
        (OGM, OGM),
        ("***090/9337/55493***", OGM),
        ("Factuur +++ 090 / 9337 / 55493 +++ dank u", OGM),
        ("betaling 090933755493", OGM),
        ("COMMUNICATION: 090/9337/55493 DATE VALEUR", OGM),
        ("+++000/0000/09797+++", "+++000/0000/09797+++"),  # remainder 0 is written 97
        ("+++090/9337/55494+++", None),  # check digits off by one
        ("090933755494", None),
        ("REF 10909337554930", None),  # part of a longer number
        ("BE68090933755493", None),  # inside an account number
        (RF, RF),
        ("uw ref. rf18 5390 0754 7034.", RF),
        ("RF18 5390 0754 7034 FACTUUR", RF),
        ("RF18 5390 0754 7035", None),  # check digits off
        ("RF18539007547034 and 090933755493", RF),
        ("", None),
        (None, None),
    ],
)
def test_a_structured_reference_is_found_in_free_text(text, reference):
    assert find_structured_reference(text) == reference


# -- a layout of one's own ---------------------------------------------------------

MY_BANK = {
    "name": "my_bank",
    "bank": "My Bank",
    "separator": "tab",
    "date": "Booked",
    "value_date": "Value",
    "debit": "Out",
    "credit": "In",
    "counterparty_name": "Who",
    "communication": ["Message", "Extra"],
    "date_formats": ["dd.mm.yyyy"],
    "decimal": ".",
    "thousands": ",",
}


def test_a_layout_of_ones_own_reads_its_bank():
    layout = Layout.from_dict(MY_BANK)
    data = (
        b"Account statement\n"
        b"Booked\tValue\tWho\tOut\tIn\tMessage\tExtra\n"
        b"02.01.2026\t01.01.2026\tCustomer Ltd\t\t1,234.56\tInvoice\t"
        b"+++090/9337/55493+++\n"
        b"03.01.2026\t\tSupplier\t99.00\t\tRF18 5390 0754 7034\t\n"
    )
    first, second = read(data, layout)
    assert_values(
        first,
        {
            "line": 3,
            "date": date(2026, 1, 2),
            "value_date": date(2026, 1, 1),
            "amount": Decimal("1234.56"),
            "counterparty_name": "Customer Ltd",
            "communication": f"Invoice {OGM}",
            "structured_reference": OGM,
        },
    )
    assert (second.amount, second.value_date, second.structured_reference) == (
        Decimal("-99.00"),
        None,
        RF,
    )
    assert detect(data, [*PRESETS.values(), layout]).name == "my_bank"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"dtae": "Booked"}, "Unknown setting dtae"),
        ({"date": None}, "it has no column for the date"),
        ({"debit": None}, "it has no column for the amount"),
        ({"amount": "Sum"}, "either an amount column or debit and credit"),
        (
            {"sign": "D/C", "debit": None, "credit": None},
            "it has no column for the amount",
        ),
        ({"value_date": 2}, "all by their position"),
        ({"separator": ";;"}, "the separator is one character"),
        ({"thousands": "."}, "the thousands separator"),
        ({"date_formats": ["someday"]}, "The date format someday is not understood"),
        ({"encodings": ["klingon"]}, "unknown encoding klingon"),
        ({"communication": [""]}, "is a header name or a position"),
    ],
)
def test_a_layout_of_ones_own_is_checked(change, message):
    with pytest.raises(BankCsvError, match=message):
        Layout.from_dict({**MY_BANK, **change})


def test_a_column_the_file_lacks_is_named():
    data = b"Booked\tValue\tWho\tOut\tIncoming\tMessage\n02.01.2026\t\tX\t1\t\tY\n"
    with pytest.raises(BankCsvError) as caught:
        read(data, Layout.from_dict(MY_BANK))
    assert str(caught.value) == "line 1: the header has no column 'Extra', 'In'"


# -- errors ------------------------------------------------------------------------

KBC_HEADER = (
    "Rekeningnummer;Rubrieknaam;Naam;Munt;Afschriftnummer;Datum;Omschrijving;Valuta;"
    "Bedrag;Saldo;credit;debet;rekeningnummer tegenpartij;BIC tegenpartij;"
    "Naam tegenpartij;Adres tegenpartij;gestructureerde mededeling;Vrije mededeling"
)
KBC_LINE = "BE68539007547034; ;X;EUR; 1;{date};BETALING;02/01/2024;{amount};9,00"


@pytest.mark.parametrize(
    ("date_", "amount", "error"),
    [
        ("02/01/2024", "12,3x", "line 3, column 'Bedrag': '12,3x' is not an amount"),
        ("02/01/2024", "", "line 3, column 'Bedrag': the amount is missing"),
        (
            "2024-01-02",
            "1,00",
            "line 3, column 'Datum': '2024-01-02' is not a date (expected dd/mm/yyyy)",
        ),
        ("", "1,00", "line 3, column 'Datum': the date is missing"),
    ],
)
def test_a_bad_row_stops_the_import_and_says_where(date_, amount, error):
    good = KBC_LINE.format(date="01/01/2024", amount="1,00")
    bad = KBC_LINE.format(date=date_, amount=amount)
    with pytest.raises(BankCsvError) as caught:
        read(f"{KBC_HEADER}\n{good}\n{bad}\n{good}".encode())
    assert str(caught.value) == error
    assert caught.value.line == 3


def test_an_error_keeps_its_translatable_template_apart():
    with pytest.raises(BankCsvError) as caught:
        read(f"{KBC_HEADER}\n{KBC_LINE.format(date='01/01/2024', amount='x')}".encode())
    error = caught.value
    assert (error.message, error.params) == (
        "'%(value)s' is not an amount",
        {"value": "x"},
    )
    assert (error.line, error.column) == (2, "Bedrag")


def test_a_debit_credit_mark_that_is_neither_is_refused():
    data = (
        b'"Datum","Naam / Omschrijving","Rekening","Tegenrekening","Code","Af Bij",'
        b'"Bedrag (EUR)","MutatieSoort","Mededelingen"\n'
        b'"20240102","X","NL20INGB0001234567","","GT","Op","1,00","Online",""\n'
    )
    with pytest.raises(BankCsvError) as caught:
        read(data)
    assert str(caught.value).startswith("line 2, column 'Af Bij': 'Op' says neither")


def test_a_bad_cell_in_a_file_without_header_is_named_by_its_position():
    data = b'"NL11RABO0123456789","EUR",20160105,"D",12.5x,"","",20160104\n'
    with pytest.raises(BankCsvError) as caught:
        read(data, PRESETS["nl_rabobank_legacy"])
    assert str(caught.value) == "line 1, column 5: '12.5x' is not an amount"


def test_an_unknown_export_is_refused_quoting_its_first_lines():
    with pytest.raises(BankCsvError) as caught:
        detect(b"\nfoo;bar\n1;2\n3;4\n5;6\n")
    message = str(caught.value)
    assert "line 2: foo;bar\n  line 3: 1;2\n  line 4: 3;4\n" in message
    assert "line 5" not in message
    assert caught.value.line is None
    with pytest.raises(BankCsvError, match="The file is empty"):
        read(b"  \r\n")


def test_a_line_with_more_fields_than_the_header_is_refused():
    line = KBC_LINE.format(date="01/01/2024", amount="1,00") + ";" * 8
    assert len(read(f"{KBC_HEADER}\n{line};\n".encode())) == 1  # a trailing separator
    with pytest.raises(BankCsvError) as caught:
        read(f"{KBC_HEADER}\n{line};BETALING\n".encode())
    assert str(caught.value) == "line 2: the line has 19 fields where the header has 18"


def test_a_missing_date_in_a_file_without_header_is_named_by_its_position():
    data = b'"NL11RABO0123456789","EUR",20160105,"D",12.50,"","",""\n'
    with pytest.raises(BankCsvError) as caught:
        read(data, PRESETS["nl_rabobank_legacy"])
    assert str(caught.value) == "line 1, column 8: the date is missing"
