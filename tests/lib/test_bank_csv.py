"""Bank CSV statements: every sample export is recognised and read, whatever the
encoding, line ends or separator it arrives with (amounts, dates, references, layouts
of one's own and errors: test_bank_csv_values.py)."""

from datetime import date
from decimal import Decimal

import pytest
from l10n_be_nl_einvoice_lib.bank_csv import (
    PRESETS,
    BankCsvError,
    detect,
    read,
)

from conftest import SHARED

SAMPLES = SHARED / "bank-csv"
needs_samples = pytest.mark.skipif(
    not SAMPLES.is_dir(), reason=f"{SAMPLES} (bank export samples) is not here"
)

OGM = "+++090/9337/55493+++"  # 0909337554 mod 97 = 93
RF = "RF18539007547034"  # the example of ISO 11649

# sample -> (preset, values of its first movement)
WITH_A_MOVEMENT = {
    "be_argenta_xlsx_columns.txt": (
        "be_argenta",
        {
            "date": date(2018, 4, 24),
            "amount": Decimal("-125.00"),
            "counterparty_name": "Adams White",
            "counterparty_account": "BE68539007547034",
            "account": "BE46539007547034",
            "reference": "7SLLCW65XDZQU891",
            "communication": "Comment of transaction",
        },
    ),
    "be_belfius_nl.csv": (
        "be_belfius_nl",
        {
            "line": 14,  # under the query's filters and the last balance
            "date": date(2025, 11, 24),
            "value_date": date(2025, 11, 22),
            "amount": Decimal("-67.90"),
            "counterparty_name": "Bancontact Payconiq Co",
            "account": "BE81063756944024",
            "currency": "EUR",
            "details": "BANCONTACT - AANKOOP",
            "reference": "00010-52",
        },
    ),
    "be_bnp_paribas_fortis_fr_v1_legacy.csv": (
        "be_bnp_v1_fr",
        {
            "date": date(2017, 2, 4),
            "amount": Decimal("-1.11"),
            "account": "BE02275045085140",
            "reference": "2017-0049",
        },
    ),
    "be_bnp_paribas_fortis_fr_v3.csv": (
        "be_bnp_v3_fr",
        {
            "date": date(2023, 3, 28),
            "amount": Decimal(18),
            "counterparty_name": "ccccc-ccccccccc",
            "counterparty_account": "BE00020002000202",
            "communication": "reprise marchandise",
            "reference": "2023-00127",
        },
    ),
    "be_bnp_paribas_fortis_nl_v2_legacy.csv": (
        "be_bnp_v2_nl",
        {
            "date": date(2021, 10, 11),
            "amount": Decimal("-49.56"),  # a decimal point, unlike the other rows
            "account": "BE50001582721718",
        },
    ),
    "be_bnp_paribas_fortis_nl_v3.csv": (
        "be_bnp_v3_nl",
        {
            "date": date(2026, 6, 17),
            "amount": Decimal("-12.05"),
            "account": "BE82001453755568",
            "reference": "2026-00001",
        },
    ),
    "be_ing_nl_new.csv": (
        "be_ing",
        {
            "date": date(2020, 12, 21),
            "value_date": date(2020, 12, 22),
            "amount": Decimal("-151.80"),
            "account": "378-1568321-22",
            "counterparty_account": "184-5135486-18",
            "reference": "23",
        },
    ),
    "be_kbc_nl.csv": (
        "be_kbc",
        {
            "date": date(2019, 8, 8),
            "value_date": date(2019, 8, 10),
            "amount": Decimal("32.00"),
            "balance": Decimal("100.0"),
            "currency": "EUR",
        },
    ),
    "nl_abnamro_xls_nl.csv": (
        "nl_abnamro_csv",
        {
            "date": date(2024, 1, 31),
            "amount": Decimal("-85.50"),
            "balance": Decimal("914.50"),
            "account": "123456789",
            "details": "Huur januari",
        },
    ),
    "nl_ing_comma.csv": (
        "nl_ing_comma",
        {
            "date": date(2020, 2, 13),
            "value_date": date(2020, 2, 13),  # "Valutadatum: 13-02-2020"
            "amount": Decimal("-1.25"),  # "Af"
            "counterparty_name": "Kosten OranjePakket met korting",
            "account": "NL42INGB0001085276",
            "currency": "EUR",
            "details": "Diversen",
        },
    ),
}

# sample holding only a header -> (preset, movements written under it, values read)
HEADER_ONLY = {
    "be_fintro_fr.csv": (
        "be_fintro_fr",
        (
            "2024-0007;05/03/2024;04/03/2024;1.250,00;EUR;BE71 0961 2345 6769;"
            "VIREMENT EN EUROS;BE68 5390 0754 7034;+++090/9337/55493+++;DUPONT SPRL"
        ),
        {
            "date": date(2024, 3, 5),
            "value_date": date(2024, 3, 4),
            "amount": Decimal("1250.00"),
            "counterparty_name": "DUPONT SPRL",
            "counterparty_account": "BE71096123456769",
            "account": "BE68539007547034",
            "structured_reference": OGM,
            "reference": "2024-0007",
        },
    ),
    "be_ing_nl_old.csv": (
        "be_ing_old",
        (
            "03-01-2012;JANSSENS BVBA;310-1234567-89;001-2345678-90;OV;;1.500,00;"
            "FACTUUR 2012/001\n"
            "04/01/2012;PROXIMUS;310-1234567-89;;DOM;12,50;;Factuur 090933755493"
        ),
        {
            "date": date(2012, 1, 3),
            "amount": Decimal("1500.00"),
            "counterparty_name": "JANSSENS BVBA",
            "counterparty_account": "001-2345678-90",
            "communication": "FACTUUR 2012/001",
        },
    ),
    "be_kbc_nl_variant.csv": (
        "be_kbc_variant",
        (
            "BE68539007547034; ;MIJN BEDRIJF BV;EUR; 2024003;15/03/2024;"
            "EUROPESE OVERSCHRIJVING VAN KLANT NV;15/03/2024;1.210,00;5.432,10;"
            "1.210,00;;BE71096123456769;GKCCBEBB;KLANT NV;Kerkstraat 1 9000 Gent;"
            "090933755493;"
        ),
        {
            "date": date(2024, 3, 15),
            "amount": Decimal("1210.00"),
            "balance": Decimal("5432.10"),
            "counterparty_name": "KLANT NV",
            "counterparty_account": "BE71096123456769",
            "counterparty_bic": "GKCCBEBB",
            "structured_reference": OGM,
        },
    ),
    "nl_ing_english.csv": (
        "nl_ing_english",
        (
            '"20240105","Albert Heijn 1234","NL20INGB0001234567","","BA","Debit",'
            '"23,45","Payment terminal","Card sequence no.: 001","1.234,56",""'
        ),
        {
            "date": date(2024, 1, 5),
            "amount": Decimal("-23.45"),
            "balance": Decimal("1234.56"),
            "counterparty_name": "Albert Heijn 1234",
            "currency": "EUR",
            "details": "Payment terminal",
        },
    ),
    "nl_ing_semicolon.csv": (
        "nl_ing_semicolon",
        (
            '"20240131";"Klant BV";"NL20INGB0001234567";"NL91ABNA0417164300";"OV";'
            '"Bij";"605,00";"Overschrijving";"Naam: Klant BV Omschrijving: factuur '
            "FA-2401 RF18 5390 0754 7034 IBAN: NL91ABNA0417164300 Valutadatum: "
            '30-01-2024";"1.839,56";""'
        ),
        {
            "date": date(2024, 1, 31),
            "value_date": date(2024, 1, 30),
            "amount": Decimal("605.00"),
            "balance": Decimal("1839.56"),
            "counterparty_name": "Klant BV",
            "counterparty_account": "NL91ABNA0417164300",
            "structured_reference": RF,
        },
    ),
    "nl_rabobank.csv": (
        "nl_rabobank",
        (
            '"NL11RABO0123456789","EUR","RABONL2U","000000000000001234","2024-02-01",'
            '"2024-02-02","+1.210,00","+3.456,78","BE71096123456769","Klant NV","","",'
            '"GKCCBEBB","cb","","","","","+++090/9337/55493+++","Factuur FA-2401001",'
            '"","","","","",""\n'
            '"NL11RABO0123456789","EUR","RABONL2U","000000000000001235","2024-02-02",'
            '"2024-02-02","-12,50","+3.444,28","NL91ABNA0417164300","Leverancier BV",'
            '"","","ABNANL2A","ei","","","","","1234567890123456","Incasso januari",'
            '"","","","","",""'
        ),
        {
            "date": date(2024, 2, 1),
            "value_date": date(2024, 2, 2),
            "amount": Decimal("1210.00"),
            "balance": Decimal("3456.78"),
            "currency": "EUR",
            "account": "NL11RABO0123456789",
            "counterparty_name": "Klant NV",
            "counterparty_account": "BE71096123456769",
            "counterparty_bic": "GKCCBEBB",
            "communication": "Factuur FA-2401001",
            "structured_reference": OGM,
            "reference": "000000000000001234",
        },
    ),
}

# Samples that are a bank's column list, not an export: tested in their own tests.
COLUMN_LISTS = {
    "nl_abnamro_tab_noheader.txt": "nl_abnamro_tab",
    "nl_rabobank_legacy_positional.txt": "nl_rabobank_legacy",
}


def assert_values(row, expected):
    assert {name: getattr(row, name) for name in expected} == expected


@needs_samples
def test_every_sample_export_is_covered_here():
    samples = {
        p.name
        for p in SAMPLES.iterdir()
        if p.suffix in (".csv", ".txt") and p.is_file()
    }
    assert samples == set(WITH_A_MOVEMENT) | set(HEADER_ONLY) | set(COLUMN_LISTS)


@needs_samples
@pytest.mark.parametrize("sample", sorted(WITH_A_MOVEMENT))
def test_a_sample_export_is_recognised_and_its_first_movement_read(sample):
    preset, expected = WITH_A_MOVEMENT[sample]
    data = (SAMPLES / sample).read_bytes()
    assert detect(data).name == preset
    rows = read(data)
    assert_values(rows[0], {"line": 2, **expected})


@needs_samples
@pytest.mark.parametrize("sample", sorted(HEADER_ONLY))
def test_a_sample_header_is_recognised_and_reads_the_movements_under_it(sample):
    preset, lines, expected = HEADER_ONLY[sample]
    header = (SAMPLES / sample).read_bytes()
    assert detect(header).name == preset
    # A header alone is said to hold no movements, not read as an empty statement.
    with pytest.raises(BankCsvError, match="no movements"):
        read(header)
    rows = read(header.rstrip(b"\r\n") + b"\r\n" + lines.encode())
    assert len(rows) == len(lines.splitlines())
    assert_values(rows[0], {"line": 2, **expected})


@needs_samples
def test_debit_and_credit_columns_give_the_sign():
    header = (SAMPLES / "be_ing_nl_old.csv").read_bytes()
    rows = read(header + HEADER_ONLY["be_ing_nl_old.csv"][1].encode())
    assert [r.amount for r in rows] == [Decimal("1500.00"), Decimal("-12.50")]
    assert rows[1].structured_reference == OGM  # bare digits in the message


@needs_samples
def test_a_dutch_payment_reference_is_kept_as_the_message():
    _preset, lines, _values = HEADER_ONLY["nl_rabobank.csv"]
    rows = read((SAMPLES / "nl_rabobank.csv").read_bytes() + lines.encode())
    assert rows[1].amount == Decimal("-12.50")
    assert rows[1].structured_reference is None
    assert rows[1].communication == "1234567890123456 Incasso januari"


@needs_samples
def test_abn_amro_tab_export_reads_its_columns_and_its_labelled_description():
    layout = PRESETS[COLUMN_LISTS["nl_abnamro_tab_noheader.txt"]]
    columns = (SAMPLES / "nl_abnamro_tab_noheader.txt").read_text().strip().split("\t")
    assert layout.account == columns.index("accountNumber")
    assert layout.currency == columns.index("mutationcode(currency)")
    assert layout.date == columns.index("transactiondate(YYYYMMDD)")
    assert layout.amount == columns.index("amount")
    assert layout.details == (columns.index("description"),)
    # The list puts the value date before the balances; the bank's TXT*.TAB files
    # write the opening and closing balances first, then the value date.
    assert set(columns[3:6]) == {"valuedate", "startsaldo", "endsaldo"}
    assert (layout.balance, layout.value_date) == (4, 5)

    data = (
        b"123456789\tEUR\t20240131\t1000,00\t914,50\t20240130\t-85,50\t"
        b"SEPA Overboeking                 IBAN: NL91ABNA0417164300        "
        b"BIC: ABNANL2A                    Naam: Verhuur BV                "
        b"Omschrijving: huur januari\r\n"
        b"123456789\tEUR\t20240201\t914,50\t2124,50\t20240201\t1210,00\t"
        b"/TRTP/SEPA OVERBOEKING/IBAN/BE71096123456769/BIC/GKCCBEBB/NAME/Klant NV"
        b"/REMI/+++090/9337/55493+++/EREF/NOTPROVIDED\r\n"
    )
    assert detect(data).name == "nl_abnamro_tab"
    rent, payment = read(data)
    assert_values(
        rent,
        {
            "date": date(2024, 1, 31),
            "value_date": date(2024, 1, 30),
            "amount": Decimal("-85.50"),
            "balance": Decimal("914.50"),
            "account": "123456789",
            "currency": "EUR",
            "counterparty_name": "Verhuur BV",
            "counterparty_account": "NL91ABNA0417164300",
            "counterparty_bic": "ABNANL2A",
            "communication": "huur januari",
        },
    )
    assert_values(
        payment,
        {
            "line": 2,
            "amount": Decimal("1210.00"),
            "counterparty_name": "Klant NV",
            "counterparty_account": "BE71096123456769",
            "counterparty_bic": "GKCCBEBB",
            "structured_reference": OGM,
        },
    )


@needs_samples
def test_rabobank_legacy_export_reads_its_columns_by_position():
    layout = PRESETS[COLUMN_LISTS["nl_rabobank_legacy_positional.txt"]]
    text = (SAMPLES / "nl_rabobank_legacy_positional.txt").read_text()
    columns = text.strip().split(",")
    assert layout.account == columns.index("REKENINGNUMMER_REKENINGHOUDER")
    assert layout.currency == columns.index("MUNTSOORT")
    assert layout.value_date == columns.index("RENTEDATUM(YYYYMMDD)")
    assert layout.sign == columns.index("BY_AF_CODE(C/D)")
    assert layout.amount == columns.index("BEDRAG(unsigned)")
    assert layout.counterparty_account == columns.index("TEGENREKENING")
    assert layout.counterparty_name == columns.index("NAAR_NAAM")
    assert layout.date == columns.index("BOEKDATUM(YYYYMMDD)")
    assert [columns[i] for i in layout.communication] == [
        *(f"OMSCHR{n}" for n in range(1, 7)),
        "END_TO_END_ID",
    ]

    data = (
        b'"NL11RABO0123456789","EUR",20160105,"D",12.50,"NL91ABNA0417164300",'
        b'"LEVERANCIER BV",20160104,"ei","","FACTUUR 2015-123","","","","","",'
        b'"E2E-1","",""\n'
        b'"NL11RABO0123456789","EUR",20160106,"C",1210.00,"BE71096123456769",'
        b'"KLANT NV",20160106,"cb","","+++090/9337/55493+++","","","","","","","",""\n'
    )
    assert detect(data).name == "nl_rabobank_legacy"
    debit, credit = read(data)
    assert_values(
        debit,
        {
            "line": 1,
            "date": date(2016, 1, 4),
            "value_date": date(2016, 1, 5),
            "amount": Decimal("-12.50"),
            "counterparty_name": "LEVERANCIER BV",
            "communication": "FACTUUR 2015-123 E2E-1",
        },
    )
    assert (credit.amount, credit.structured_reference) == (Decimal("1210.00"), OGM)


# -- files as they arrive ----------------------------------------------------------


@needs_samples
def test_an_export_in_windows_1252_or_utf_16_is_recognised():
    text = (SAMPLES / "be_bnp_paribas_fortis_fr_v1_legacy.csv").read_text("utf-8")
    for data in (text.encode("cp1252"), text.encode("utf-16")):
        assert detect(data).name == "be_bnp_v1_fr"
        assert read(data)[0].details.startswith("AVEC LA CARTE")


@needs_samples
def test_a_byte_order_mark_and_carriage_returns_only_are_no_obstacle():
    header = (SAMPLES / "be_kbc_nl.csv").read_text().splitlines()[0]
    line = "BE68539007547034; ;X;EUR; 1;0{0}/01/2024;BETALING;0{0}/01/2024;-1,00;9,00"
    data = "\r".join([header, line.format(1), line.format(2)]) + "\r"
    rows = read(b"\xef\xbb\xbf" + data.encode())
    assert [(r.line, r.date.day) for r in rows] == [(2, 1), (3, 2)]


@needs_samples
def test_an_export_re_saved_with_another_separator_is_recognised():
    text = (SAMPLES / "be_argenta_xlsx_columns.txt").read_text()
    layout = detect(text.replace("\t", ";").encode())
    assert (layout.name, layout.separator) == ("be_argenta", ";")


@needs_samples
def test_payments_the_bank_refused_are_left_out():
    header = (SAMPLES / "be_bnp_paribas_fortis_nl_v3.csv").read_text().splitlines()[0]
    lines = [
        (
            "2026-00002;18/06/2026;18/06/2026;-500,00;EUR;BE82001453755568;Overschrijving;"
            "BE71096123456769;HUISBAAS;Huur;OVERSCHRIJVING;Geweigerd;Onvoldoende saldo"
        ),
        (
            "2026-00003;19/06/2026;19/06/2026;-500,00;EUR;BE82001453755568;Overschrijving;"
            "BE71096123456769;HUISBAAS;Huur;OVERSCHRIJVING;Uitgevoerd;"
        ),
    ]
    rows = read("\n".join([header, *lines]).encode())
    assert [(r.line, r.reference) for r in rows] == [(3, "2026-00003")]


def test_each_preset_is_a_valid_layout_under_its_own_name():
    for name, layout in PRESETS.items():
        assert layout.name == name
        assert layout.bank
        assert layout.has_header or layout.pattern, name
    headers = [p.header_names for p in PRESETS.values() if p.has_header]
    assert len(set(headers)) == len(headers)
