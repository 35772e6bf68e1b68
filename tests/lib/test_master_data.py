"""Master data of invoice parties, each check on its own: numbers in their published
forms and with a changed digit, then properties over any text (hypothesis). The valid
numbers are the examples python-stdnum and schwifty test with."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from l10n_be_nl_einvoice_lib import master_data as md
from l10n_be_nl_einvoice_lib.master_data import (
    check_address,
    check_bank,
    check_email,
    check_kbo,
    check_kvk,
    check_peppol_endpoint,
    check_vat,
    normalise_vat,
)


def codes(problems):
    return [p.code for p in problems]


def blocking(problems):
    return {p.code: p.blocking for p in problems}


# VAT -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("vat", "country"),
    [
        ("BE0403170701", "BE"),
        ("BE 0403.170.701", "BE"),
        ("be0403170701", None),
        ("0403170701", "BE"),  # written without the prefix: the party's country's
        ("0403.170.701", "BE"),
        ("NL004495445B01", "NL"),
        ("004495445B01", "NL"),
        ("NL 0044.95.445.B.01", "NL"),
        ("NL004495445B01", "BE"),  # a Belgian party registered in NL: its own prefix
        ("DE136695976", "DE"),
        ("EL094259216", "GR"),
        ("094259216", "GR"),
        ("CHE-123.456.788 MWST", "CH"),  # outside the EU: not checked
        ("12-3456789", "US"),
        ("0403170702", None),  # no prefix and no country: nothing to check against
    ],
)
def test_valid_vat_numbers_and_numbers_outside_the_eu_give_no_problem(vat, country):
    assert check_vat(vat, country) == []


@pytest.mark.parametrize(
    ("vat", "country", "reason"),
    [
        ("BE0403170702", "BE", "checksum"),
        ("0403170702", "BE", "checksum"),
        ("BE2403170743", "BE", "format"),  # mod 97 holds, but no 2 in front
        ("BE04031707011", "BE", "length"),
        ("NL004495446B01", "NL", "checksum"),
        ("NL004495445B1", "NL", "format"),
        ("004495446B01", "NL", "checksum"),
        ("DE136695977", "DE", "checksum"),
        ("BE0403170702", "US", "checksum"),  # an EU prefix is checked anywhere
        ("CHE123456788", "BE", "format"),  # a Belgian party with a Swiss number
    ],
)
def test_invalid_vat_numbers_name_the_number_and_the_reason(vat, country, reason):
    (problem,) = check_vat(vat, country)
    assert (problem.field, problem.code, problem.blocking) == (
        "vat",
        "vat_invalid",
        True,
    )
    assert problem.params["reason"] == reason
    assert vat in problem.message
    assert md.REASONS[reason] in problem.message


def test_a_missing_vat_number_is_its_own_problem():
    assert codes(check_vat("", "BE")) == ["vat_missing"]
    assert codes(check_vat(False, "BE")) == ["vat_missing"]  # Odoo's empty field


@pytest.mark.parametrize(
    ("vat", "country", "normalised"),
    [
        ("be 0403.170.701", None, "BE0403170701"),
        ("403170701", "BE", "BE0403170701"),  # 9 digits, as written before 2005
        ("004495445B01", "nl", "NL004495445B01"),
        ("GR094259216", None, "EL094259216"),  # VIES writes Greece EL
        ("094259216", "GR", "EL094259216"),
        ("BE0403170702", "BE", None),
        ("CHE123456788", "CH", None),
        ("", "BE", None),
        (None, None, None),
    ],
)
def test_vat_numbers_are_normalised_to_the_compact_form_with_prefix(
    vat, country, normalised
):
    assert normalise_vat(vat, country) == normalised


# Company registers ----------------------------------------------------------------


@pytest.mark.parametrize(
    "number", ["0403.170.701", "0403170701", "403170701", "BE0403170701", "0123456749"]
)
def test_valid_belgian_enterprise_numbers(number):
    assert check_kbo(number) == []


@pytest.mark.parametrize(
    ("number", "reason"),
    [
        ("0403.170.702", "checksum"),
        ("2403170743", "format"),  # mod 97 holds, but starts with 2
        ("04031707", "length"),
        ("04031707011", "length"),
        ("0403.17O.701", "format"),  # a letter O for a zero
    ],
)
def test_invalid_belgian_enterprise_numbers(number, reason):
    (problem,) = check_kbo(number)
    assert (problem.field, problem.code) == ("company_registry", "kbo_invalid")
    assert problem.params == {"number": number, "reason": reason}
    assert number in problem.message


def test_the_enterprise_number_must_be_the_belgian_vat_number():
    assert check_kbo("0403.170.701", "BE0403170701") == []
    assert check_kbo("0403.170.701", "0403170701") == []  # bare digits: Belgian
    assert check_kbo("0403.170.701", "NL004495445B01") == []  # not a Belgian number
    assert check_kbo("0403.170.701", "BE0403170702") == []  # vat_invalid says it
    (problem,) = check_kbo("0403.170.701", "BE0123456749")
    assert problem.code == "kbo_vat_mismatch"
    assert "0403.170.701" in problem.message and "BE0123456749" in problem.message
    assert codes(check_kbo("")) == ["kbo_missing"]


@pytest.mark.parametrize(
    "number",
    [
        "12345678",
        "1234 5678",
        "12345670",  # fails the old 11-test: not applied since 2016
    ],
)
def test_a_kvk_number_is_any_8_digits(number):
    assert check_kvk(number) == []


@pytest.mark.parametrize(
    ("number", "code"),
    [
        ("", "kvk_missing"),
        ("1234567", "kvk_invalid"),
        ("123456789", "kvk_invalid"),  # an RSIN
        ("NL12345678", "kvk_invalid"),
        ("000012345678", "kvk_establishment_number"),
        ("0000 1234 5678", "kvk_establishment_number"),
    ],
)
def test_other_kvk_numbers_are_refused(number, code):
    (problem,) = check_kvk(number)
    assert (problem.field, problem.code) == ("company_registry", code)


def test_an_establishment_number_is_told_apart_from_the_kvk_number():
    (problem,) = check_kvk("000012345678")
    assert "000012345678" in problem.message
    assert "8-digit KvK number" in problem.message


# Bank -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("iban", "bic"),
    [
        ("BE71096123456769", None),
        ("BE71096123456769", "GKCCBEBB"),
        ("be71 0961 2345 6769", "gkccbebbxxx"),
        ("NL91ABNA0417164300", "ABNANL2A"),
        ("NL91ABNA0417164300", "ABNANL2AXXX"),
        ("NL20INGB0001234567", "INGBNL2A"),
        ("BE68539007547034", "GKCCBEBB"),  # bank unknown to schwifty: no mismatch
        ("DE89370400440532013000", "ABNANL2A"),  # banks compared for BE and NL only
    ],
)
def test_valid_bank_details(iban, bic):
    assert check_bank(iban, bic) == []


@pytest.mark.parametrize(
    ("iban", "reason"),
    [
        ("BE71096123456768", "checksum"),
        ("NL91ABNA0417164301", "checksum"),
        ("NL91ABNA041716430", "length"),
        ("XX71096123456769", "country"),
        # IBAN check digits right, Belgian account check digits (mod 97) wrong
        ("BE98096123456768", "checksum"),
    ],
)
def test_invalid_ibans(iban, reason):
    (problem,) = check_bank(iban)
    assert (problem.field, problem.code) == ("acc_number", "iban_invalid")
    assert problem.params["reason"] == reason
    assert iban in problem.message


@pytest.mark.parametrize(
    ("bic", "reason"), [("ABNA", "length"), ("ABNAXX2A", "country")]
)
def test_invalid_bics(bic, reason):
    (problem,) = check_bank("NL91ABNA0417164300", bic)
    assert (problem.field, problem.code) == ("bank_bic", "bic_invalid")
    assert problem.params["reason"] == reason


@pytest.mark.parametrize(
    ("iban", "bic", "expected"),
    [
        ("BE71096123456769", "ABNANL2A", "GKCCBEBB"),
        ("NL91ABNA0417164300", "INGBNL2A", "ABNANL2A"),
        ("NL91ABNA0417164300", "GEBABEBB", "ABNANL2A"),
    ],
)
def test_a_bic_of_another_bank_than_the_ibans_is_a_mismatch(iban, bic, expected):
    (problem,) = check_bank(iban, bic)
    assert (problem.field, problem.code) == ("bank_bic", "iban_bic_mismatch")
    assert problem.params["expected"] == expected
    assert bic in problem.message and iban in problem.message


def test_an_invalid_iban_and_bic_are_both_reported_and_a_missing_iban_too():
    assert codes(check_bank("BE71096123456768", "ABN")) == [
        "iban_invalid",
        "bic_invalid",
    ]
    assert codes(check_bank("", None)) == ["iban_missing"]


# Address and contact --------------------------------------------------------------


@pytest.mark.parametrize(
    ("zip_code", "country"),
    [
        ("1000", "BE"),
        ("9999", "BE"),
        ("1234 AB", "NL"),
        ("1234ab", "NL"),
        ("75001", "FR"),
        ("SW1A 1AA", "GB"),
        ("anything", "DE"),  # other countries: only present
    ],
)
def test_valid_postal_codes(zip_code, country):
    assert check_address("Street 1", zip_code, "City", country) == []


@pytest.mark.parametrize(
    ("zip_code", "country"),
    [
        ("0999", "BE"),
        ("10000", "BE"),
        ("B-1000", "BE"),
        ("100", "BE"),
        ("1234", "NL"),
        ("0123 AB", "NL"),  # no leading zero
        ("1234 SA", "NL"),  # SA, SD and SS are not used
        ("1000", "NL"),
    ],
)
def test_invalid_belgian_and_dutch_postal_codes(zip_code, country):
    (problem,) = check_address("Street 1", zip_code, "City", country)
    assert (problem.field, problem.code) == ("zip", "zip_invalid")
    assert zip_code in problem.message


def test_missing_address_parts_name_their_field():
    problems = check_address(" ", "", None, "")
    assert [(p.field, p.code) for p in problems] == [
        ("street", "street_missing"),
        ("zip", "zip_missing"),
        ("city", "city_missing"),
        ("country_id", "country_missing"),
    ]


def test_a_hong_kong_address_is_complete_without_a_postal_code():
    assert check_address("1 Queen's Road", "", "Hong Kong", "HK") == []
    assert codes(check_address("Hauptstr. 1", "", "Berlin", "DE")) == ["zip_missing"]


@pytest.mark.parametrize(
    "value",
    ["fin@bakkerij-janssens.be", "fin@x.be; admin@y.nl", "Boekhouding <fin@x.be>"],
)
def test_valid_email_addresses(value):
    assert check_email(value) == []


def test_invalid_and_missing_email_addresses():
    (problem,) = check_email("fin@x.be; boekhouding; fin@example")
    assert (problem.field, problem.code) == ("email", "email_invalid")
    assert problem.params["email"] == "boekhouding; fin@example"
    assert codes(check_email("")) == ["email_missing"]
    assert codes(check_email(" ; ")) == ["email_missing"]


@pytest.mark.parametrize(
    ("scheme", "endpoint"),
    [
        ("0208", "0403170701"),
        ("9925", "BE0403170701"),
        ("9925", "be0403170701"),
        ("9925", "0403170701"),
        ("0106", "12345678"),
        ("0190", "00000001234567890000"),
        ("9944", "NL004495445B01"),
        ("0088", "5412345000013"),  # a GLN: other schemes need only a value
    ],
)
def test_valid_peppol_endpoints(scheme, endpoint):
    assert check_peppol_endpoint(scheme, endpoint) == []


@pytest.mark.parametrize(
    ("scheme", "endpoint"),
    [
        ("0208", "0403170702"),
        ("0208", "0403.170.701"),  # looked up as written: no dots
        ("0208", "BE0403170701"),
        ("9925", "BE0403170702"),
        ("0106", "1234567"),
        ("0106", "000012345678"),
        ("0190", "0000000123456789000"),
        ("9944", "NL004495446B01"),
        ("9944", "004495445"),
    ],
)
def test_invalid_peppol_endpoints(scheme, endpoint):
    (problem,) = check_peppol_endpoint(scheme, endpoint)
    assert (problem.field, problem.code) == (
        "peppol_endpoint",
        "peppol_endpoint_invalid",
    )
    assert endpoint in problem.message and scheme in problem.message


def test_a_peppol_address_needs_a_scheme_and_an_endpoint():
    assert [(p.field, p.code) for p in check_peppol_endpoint("", "")] == [
        ("peppol_eas", "peppol_eas_missing"),
        ("peppol_endpoint", "peppol_endpoint_missing"),
    ]
    assert codes(check_peppol_endpoint("BE", "0403170701")) == ["peppol_eas_invalid"]


# Properties -----------------------------------------------------------------------

PROPERTIES = settings(max_examples=300, deadline=None)


@PROPERTIES
@given(st.text(), st.sampled_from(["BE", "NL", "DE", "GR", "US", "", None]))
def test_any_text_gives_problems_not_errors_and_normalising_is_stable(vat, country):
    problems = check_vat(vat, country)
    assert all(p.code in ("vat_missing", "vat_invalid") for p in problems)
    normalised = normalise_vat(vat, country)
    if normalised is not None:
        assert problems == []
        assert check_vat(normalised) == []
        assert normalise_vat(normalised) == normalised


@PROPERTIES
@given(st.integers(min_value=1, max_value=19_999_999))
def test_every_enterprise_number_is_valid_as_kbo_vat_and_endpoint(base):
    number = f"{base:08d}{97 - base % 97:02d}"
    written = f"{number[:4]}.{number[4:7]}.{number[7:]}"
    assert check_kbo(written, "BE" + number) == []
    assert check_vat(number, "BE") == []
    assert check_peppol_endpoint("0208", number) == []
    wrong = f"{base:08d}{(97 - base % 97) % 97 + 1:02d}"
    assert codes(check_kbo(wrong)) == ["kbo_invalid"]
