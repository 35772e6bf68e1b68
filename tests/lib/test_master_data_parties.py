"""Master data of whole invoice parties, per role and channel: what blocks the
invoice and what only warns; and the problems' messages."""

import re

import pytest
from l10n_be_nl_einvoice_lib import master_data as md
from l10n_be_nl_einvoice_lib.master_data import (
    MESSAGES,
    Problem,
    check_address,
    check_bank,
    check_email,
    check_kbo,
    check_kvk,
    check_party,
    check_peppol_endpoint,
    check_vat,
)


def codes(problems):
    return [p.code for p in problems]


def blocking(problems):
    return {p.code: p.blocking for p in problems}


# Parties --------------------------------------------------------------------------

BELGIAN_SELLER = {
    "name": "Bakkerij Janssens BV",
    "is_company": True,
    "country": "BE",
    "vat": "BE0403170701",
    "company_registry": "0403.170.701",
    "street": "Kerkstraat 1",
    "zip": "9000",
    "city": "Gent",
    "email": "fin@bakkerij-janssens.be",
    "iban": "BE71096123456769",
    "bic": "GKCCBEBB",
    "peppol_scheme": "0208",
    "peppol_endpoint": "0403170701",
}
DUTCH_SELLER = {
    "name": "Bakkerij de Vries BV",
    "is_company": True,
    "country": "NL",
    "vat": "NL004495445B01",
    "company_registry": "12345678",
    "street": "Dorpsstraat 1",
    "zip": "1234 AB",
    "city": "Utrecht",
    "email": "fin@bakkerij-devries.nl",
    "iban": "NL91ABNA0417164300",
    "bic": "ABNANL2A",
    "peppol_scheme": "0106",
    "peppol_endpoint": "12345678",
}
BELGIAN_BUYER = {**BELGIAN_SELLER, "name": "Café De Hoek", "iban": "", "bic": ""}
PRIVATE_BUYER = {
    "name": "An Peeters",
    "is_company": False,
    "country": "BE",
    "street": "Stationsstraat 2",
    "zip": "2000",
    "city": "Antwerpen",
    "email": "an@example.be",
}


@pytest.mark.parametrize("channel", md.CHANNELS)
@pytest.mark.parametrize(
    ("party", "role"),
    [
        (BELGIAN_SELLER, "seller"),
        (DUTCH_SELLER, "seller"),
        (BELGIAN_BUYER, "buyer"),
        (DUTCH_SELLER, "buyer"),
    ],
)
def test_complete_parties_have_no_problem_on_any_channel(party, role, channel):
    assert check_party(party, role=role, channel=channel) == []


def test_a_private_buyer_needs_no_vat_number_nor_enterprise_number():
    for channel in (None, "email", "accountant"):
        assert check_party(PRIVATE_BUYER, role="buyer", channel=channel) == []


def test_everything_the_law_asks_of_a_seller_blocks():
    problems = check_party({"country": "BE"}, role="seller")
    assert blocking(problems) == {
        "name_missing": True,
        "street_missing": True,
        "zip_missing": True,
        "city_missing": True,
        "vat_missing": True,
        "kbo_missing": True,
    }


def test_a_belgian_sellers_enterprise_number_may_come_from_its_vat_number():
    seller = {**BELGIAN_SELLER, "company_registry": ""}
    assert check_party(seller, role="seller") == []
    seller["vat"] = "BE0403170702"
    assert blocking(check_party(seller, role="seller")) == {
        "vat_invalid": True,
        "kbo_missing": True,
    }


def test_a_belgian_seller_with_two_different_numbers_is_blocked():
    seller = {**BELGIAN_SELLER, "company_registry": "0123.456.749"}
    (problem,) = check_party(seller, role="seller")
    assert (problem.code, problem.blocking) == ("kbo_vat_mismatch", True)


@pytest.mark.parametrize(
    ("registry", "code"),
    [
        ("", "kvk_missing"),
        ("000012345678", "kvk_establishment_number"),
        ("1234567", "kvk_invalid"),
    ],
)
def test_a_dutch_seller_needs_its_kvk_number(registry, code):
    seller = {**DUTCH_SELLER, "company_registry": registry}
    (problem,) = check_party(seller, role="seller")
    assert (problem.field, problem.code, problem.blocking) == (
        "company_registry",
        code,
        True,
    )


def test_a_dutch_public_body_may_give_its_oin():
    seller = {**DUTCH_SELLER, "company_registry": "00000001234567890000"}
    assert check_party(seller, role="seller") == []


def test_a_wrong_seller_iban_blocks_but_a_wrong_bic_only_warns():
    seller = {**BELGIAN_SELLER, "iban": "BE71096123456768"}
    assert blocking(check_party(seller, role="seller")) == {"iban_invalid": True}
    seller = {**BELGIAN_SELLER, "bic": "ABNANL2A"}
    assert blocking(check_party(seller, role="seller")) == {"iban_bic_mismatch": False}
    seller = {**BELGIAN_SELLER, "bic": "ABN"}
    assert blocking(check_party(seller, role="seller")) == {"bic_invalid": False}


def test_a_buyers_bank_details_only_warn():
    buyer = {**BELGIAN_BUYER, "iban": "BE71096123456768"}
    assert blocking(check_party(buyer, role="buyer")) == {"iban_invalid": False}


def test_a_company_buyers_invalid_vat_number_blocks_a_missing_one_warns():
    buyer = {**BELGIAN_BUYER, "vat": "BE0403170702", "company_registry": ""}
    assert blocking(check_party(buyer, role="buyer")) == {"vat_invalid": True}
    buyer = {**BELGIAN_BUYER, "vat": "", "company_registry": ""}
    assert blocking(check_party(buyer, role="buyer")) == {"vat_missing": False}
    buyer = {**DUTCH_SELLER, "vat": "NL004495446B01"}
    assert blocking(check_party(buyer, role="buyer")) == {"vat_invalid": True}
    buyer = {**DUTCH_SELLER, "country": "DE", "vat": "DE136695977"}
    problems = check_party(buyer, role="buyer")
    assert blocking(problems)["vat_invalid"] is True


def test_reverse_charge_makes_the_buyers_vat_number_required():
    buyer = {**BELGIAN_BUYER, "vat": "", "company_registry": ""}
    (problem,) = check_party(buyer, role="buyer", needs_buyer_vat=True)
    assert (problem.code, problem.blocking) == ("vat_missing", True)
    (problem,) = check_party(PRIVATE_BUYER, role="buyer", needs_buyer_vat=True)
    assert (problem.code, problem.blocking) == ("vat_missing", True)


def test_a_private_buyers_wrong_vat_number_only_warns():
    buyer = {**PRIVATE_BUYER, "vat": "BE0403170702"}
    assert blocking(check_party(buyer, role="buyer")) == {"vat_invalid": False}


def test_a_company_buyers_registry_is_checked_but_only_warns():
    buyer = {**BELGIAN_BUYER, "company_registry": "0123.456.749"}
    assert blocking(check_party(buyer, role="buyer")) == {"kbo_vat_mismatch": False}
    buyer = {**DUTCH_SELLER, "company_registry": "000012345678"}
    assert blocking(check_party(buyer, role="buyer")) == {
        "kvk_establishment_number": False
    }


def test_the_buyers_address_is_required_by_law():
    buyer = {**PRIVATE_BUYER, "street": "", "city": "", "country": "", "name": ""}
    assert blocking(check_party(buyer, role="buyer")) == {
        "name_missing": True,
        "street_missing": True,
        "city_missing": True,
        "country_missing": True,
    }
    buyer = {**PRIVATE_BUYER, "zip": "200"}
    assert blocking(check_party(buyer, role="buyer")) == {"zip_invalid": True}


def test_sending_by_email_needs_the_buyers_address():
    buyer = {**PRIVATE_BUYER, "email": ""}
    assert check_party(buyer, role="buyer") == []
    assert blocking(check_party(buyer, role="buyer", channel="email")) == {
        "email_missing": True
    }
    buyer = {**PRIVATE_BUYER, "email": "an@example"}
    assert blocking(check_party(buyer, role="buyer", channel="email")) == {
        "email_invalid": True
    }
    assert blocking(check_party(buyer, role="buyer")) == {"email_invalid": False}
    seller = {**BELGIAN_SELLER, "email": ""}
    assert check_party(seller, role="seller", channel="email") == []


@pytest.mark.parametrize("role", md.ROLES)
def test_sending_by_peppol_needs_both_parties_endpoints(role):
    party = {**BELGIAN_SELLER, "peppol_endpoint": ""}
    assert check_party(party, role=role) == []
    assert blocking(check_party(party, role=role, channel="peppol")) == {
        "peppol_endpoint_missing": True
    }
    party = {**BELGIAN_SELLER, "peppol_endpoint": "0403170702"}
    assert blocking(check_party(party, role=role, channel="peppol")) == {
        "peppol_endpoint_invalid": True
    }
    assert blocking(check_party(party, role=role)) == {"peppol_endpoint_invalid": False}


def test_fields_the_accountants_software_requires_block_when_empty():
    buyer = {**PRIVATE_BUYER, "email": ""}
    problems = check_party(
        buyer,
        role="buyer",
        channel="accountant",
        target_fields=("vat", "email", "ref", "city"),
    )
    assert [(p.field, p.code, p.blocking) for p in problems] == [
        ("vat", "field_required", True),
        ("email", "field_required", True),
        ("ref", "field_required", True),
    ]
    assert "vat" in problems[0].message


def test_a_required_field_already_missing_becomes_blocking_not_repeated():
    buyer = {**BELGIAN_BUYER, "vat": "", "company_registry": ""}
    problems = check_party(
        buyer, role="buyer", channel="accountant", target_fields=("vat", "acc_number")
    )
    assert [(p.field, p.code, p.blocking) for p in problems] == [
        ("vat", "vat_missing", True),
        ("acc_number", "field_required", True),
    ]
    # party keys are understood as well as Odoo field names
    problems = check_party(buyer, role="buyer", target_fields=("iban",))
    assert ("acc_number", "field_required") in [(p.field, p.code) for p in problems]


def test_unknown_roles_and_channels_are_programming_errors():
    with pytest.raises(ValueError, match="role"):
        check_party(PRIVATE_BUYER, role="customer")
    with pytest.raises(ValueError, match="channel"):
        check_party(PRIVATE_BUYER, role="buyer", channel="fax")


# Problems -------------------------------------------------------------------------


def test_problems_are_frozen_and_compared_without_their_params():
    a = Problem("vat", "vat_missing", "The VAT number is missing.", True, {"x": 1})
    b = Problem("vat", "vat_missing", "The VAT number is missing.", True)
    assert a == b and hash(a) == hash(b)
    with pytest.raises(AttributeError):
        a.blocking = False


def test_every_message_is_filled_from_its_params():
    seen = set()
    cases = [
        check_vat("BE0403170702", "BE"),
        check_kbo("0403.170.701", "BE0123456749"),
        check_kbo("0403170702"),
        check_kbo(""),
        check_kvk("000012345678"),
        check_kvk("1"),
        check_bank("BE71096123456768", "ABN"),
        check_bank("BE71096123456769", "ABNANL2A"),
        check_address("", "1", "", "BE"),
        check_address("", "", "", ""),
        check_email("x"),
        check_email(""),
        check_peppol_endpoint("X", ""),
        check_peppol_endpoint("", "1"),
        check_peppol_endpoint("0208", "1"),
        check_party({}, role="seller", target_fields=("ref",)),
        check_party({"country": "NL"}, role="seller"),
        check_bank("", None),
    ]
    for problems in cases:
        for problem in problems:
            assert not re.search(r"[{}]", problem.message), problem
            assert problem.message.endswith("."), problem
            seen.add(problem.code)
    assert seen == set(MESSAGES)
