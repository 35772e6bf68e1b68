"""The channel of a customer's invoices by law: Belgian VAT-registered businesses and
the Dutch government over Peppol, others on Peppol when registered there, e-mail
otherwise; the customer's own choice, e-mail in addition, and what to do when the law
wants Peppol but the customer cannot be reached there."""

from datetime import date, datetime, timedelta

import pytest
from l10n_be_nl_einvoice_lib.peppol_channel import (
    PROBLEMS,
    REASONS,
    Customer,
    choose,
    lookup_due,
)

TODAY = date.today()
BE_BUSINESS = {
    "is_business": True,
    "country": "BE",
    "vat": "BE 0555.444.368",
    "peppol_scheme": "0208",
    "peppol_endpoint": "0555444368",
}


def be_business(**values):
    return Customer(**{**BE_BUSINESS, **values})


def test_a_belgian_business_on_peppol_gets_peppol_with_its_vat_number():
    choice = choose("BE", be_business(peppol_state="valid", checked_on=TODAY))
    assert choice.methods == ("peppol",)
    assert choice.reason == "be_b2b"
    assert choice.params == {"vat": "BE0555444368"}
    assert choice.message() == "Belgian business customer with VAT BE0555444368"
    assert (choice.obligation, choice.problem) == ("be_b2b", None)


@pytest.mark.parametrize(
    "values, problem",
    [
        ({"peppol_state": "not_valid", "checked_on": TODAY}, "not_found"),
        ({"peppol_state": "not_valid_format"}, "wrong_format"),
        ({"peppol_state": "not_verified"}, "not_checked"),
        ({"peppol_state": None}, "not_checked"),
        ({"peppol_endpoint": None}, "no_address"),
    ],
)
def test_a_belgian_business_not_on_peppol_gets_email_and_a_problem(values, problem):
    choice = choose("BE", be_business(**values))
    assert choice.methods == ("email",)
    assert choice.reason == "be_b2b_not_on_peppol"
    assert (choice.obligation, choice.problem) == ("be_b2b", problem)


def test_a_bare_belgian_vat_number_counts_for_a_customer_in_belgium():
    choice = choose("BE", be_business(vat="0555444368", peppol_state="valid"))
    assert choice.params == {"vat": "BE0555444368"}
    # Without a VAT number a Belgian business is under no obligation.
    choice = choose("BE", be_business(vat=None, peppol_state="not_valid"))
    assert (choice.methods, choice.reason, choice.obligation) == (
        ("email",),
        "business",
        None,
    )


def test_the_belgian_obligation_is_a_belgian_companys():
    # A Dutch company invoicing a Belgian business: Peppol only as it is registered.
    on = choose("NL", be_business(peppol_state="valid"))
    assert (on.methods, on.reason, on.obligation) == (("peppol",), "on_peppol", None)
    off = choose("NL", be_business(peppol_state="not_valid"))
    assert (off.methods, off.reason, off.problem) == (("email",), "business", None)


def test_a_consumer_gets_email():
    choice = choose("BE", Customer(is_business=False, country="BE"))
    assert (choice.methods, choice.reason, choice.problem) == (
        ("email",),
        "consumer",
        None,
    )
    assert choice.message() == "consumer"


def test_the_dutch_government_gets_peppol_by_its_oin():
    oin = {
        "is_business": True,
        "country": "NL",
        "peppol_scheme": "0190",
        "peppol_endpoint": "00000001003214345000",
    }
    for company in ("BE", "NL"):
        choice = choose(company, Customer(**oin, peppol_state="valid"))
        assert (choice.methods, choice.reason, choice.obligation) == (
            ("peppol",),
            "nl_government",
            "nl_government",
        )
        assert choice.params == {"endpoint": "00000001003214345000"}
    choice = choose("NL", Customer(**oin, peppol_state="not_valid"))
    assert (choice.methods, choice.reason, choice.problem) == (
        ("email",),
        "nl_government_not_on_peppol",
        "not_found",
    )


def test_a_dutch_customer_registered_on_peppol_gets_peppol():
    customer = Customer(
        is_business=True,
        country="NL",
        vat="NL200000007B01",
        peppol_scheme="0106",
        peppol_endpoint="12345678",
        peppol_state="valid",
    )
    choice = choose("NL", customer)
    assert (choice.methods, choice.reason) == (("peppol",), "nl_on_peppol")
    assert choice.message() == "Dutch customer registered on Peppol"


def test_a_channel_chosen_on_the_customer_wins_and_is_warned_against_the_law():
    choice = choose("BE", be_business(peppol_state="valid", chosen="email"))
    assert (choice.methods, choice.reason) == (("email",), "chosen")
    assert (choice.obligation, choice.problem) == ("be_b2b", "chosen_other")
    # A letter to a consumer: chosen, nothing against it.
    consumer = Customer(is_business=False, country="BE", chosen="snailmail")
    choice = choose("BE", consumer)
    assert (choice.methods, choice.reason, choice.problem) == (
        ("snailmail",),
        "chosen",
        None,
    )


def test_peppol_chosen_on_a_customer_not_on_peppol_falls_back_to_the_rule():
    choice = choose("BE", be_business(peppol_state="not_valid", chosen="peppol"))
    assert (choice.methods, choice.reason, choice.problem) == (
        ("email",),
        "be_b2b_not_on_peppol",
        "not_found",
    )
    # Chosen and by law: the law is the better reason.
    choice = choose("BE", be_business(peppol_state="valid", chosen="peppol"))
    assert (choice.methods, choice.reason) == (("peppol",), "be_b2b")


def test_also_by_email_adds_email_to_the_main_channel():
    choice = choose("BE", be_business(peppol_state="valid", also_email=True))
    assert choice.methods == ("peppol", "email")
    assert choice.also_email
    # Already by e-mail: once.
    choice = choose("BE", Customer(is_business=False, also_email=True))
    assert (choice.methods, choice.also_email) == (("email",), False)


def test_an_answer_from_before_the_network_went_down_is_said_so():
    choice = choose("BE", be_business(peppol_state="valid", unreachable=True))
    assert choice.methods == ("peppol",)
    assert choice.unreachable


def test_every_reason_and_problem_has_its_sentence():
    customers = [
        be_business(peppol_state=state, chosen=chosen)
        for state in ("valid", "not_valid", "not_valid_format", None)
        for chosen in (None, "email", "peppol")
    ] + [Customer(is_business=False), Customer(is_business=True, country="NL")]
    for customer in customers:
        choice = choose("BE", customer)
        assert choice.reason in REASONS
        assert choice.problem is None or choice.problem in PROBLEMS
        choice.message()


# When to look up again ----------------------------------------------------------------

NOW = datetime.combine(TODAY, datetime.min.time()) + timedelta(hours=12)


def test_a_registration_is_looked_up_when_never_or_long_ago_checked():
    assert lookup_due(None, None, NOW, 7)
    assert not lookup_due(TODAY, None, NOW, 7)
    assert not lookup_due(TODAY - timedelta(days=6), None, NOW, 7)
    assert lookup_due(TODAY - timedelta(days=7), None, NOW, 7)


def test_a_network_that_was_down_is_not_asked_again_within_the_hour():
    stale = TODAY - timedelta(days=30)
    assert not lookup_due(stale, NOW - timedelta(minutes=10), NOW, 7)
    assert not lookup_due(None, NOW - timedelta(minutes=59), NOW, 7)
    assert lookup_due(stale, NOW - timedelta(minutes=61), NOW, 7)
