"""Matching bank movements to open invoices by reference, account and amount."""

from datetime import date
from decimal import Decimal

import pytest
from l10n_be_nl_einvoice_lib.payment_matching import (
    Matcher,
    OpenInvoice,
    find_keys,
    reference_forms,
    reference_key,
)

OGM = "+++090/9337/55493+++"  # 0909337554 % 97 = 93


@pytest.mark.parametrize(
    "text",
    [OGM, "***090/9337/55493***", "090/9337/55493", "090933755493", " 090 9337 55493 "],
)
def test_every_usual_form_of_an_ogm_has_the_same_key(text):
    assert reference_key(text) == "090933755493"


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("RF18 5390 0754 7034", "RF18539007547034"),
        ("rf18539007547034", "RF18539007547034"),
        ("RF19 5390 0754 7034", None),  # wrong check digits
        ("090933755494", None),  # wrong OGM check digits
        ("", None),
        (None, None),
    ],
)
def test_references_are_checked(text, key):
    assert reference_key(text) == key


def test_keys_are_found_in_free_text():
    text = (
        f"Betaling factuur {OGM} en RF18 5390 0754 7034 Invoice 12, "
        "IBAN BE71096123456769"
    )
    assert find_keys(text) == ["090933755493", "RF18539007547034"]
    assert find_keys("rekening 1234567890123456") == []


def invoice(id_, key=None, residual="100.00", partner=1, due=date(2026, 11, 30)):
    return OpenInvoice(id_, partner, key, Decimal(residual), due)


def test_reference_first_then_account_then_amount():
    matcher = Matcher(
        [
            invoice(1, "090933755493"),
            invoice(2, "RF18539007547034", "250.00", partner=2),
            invoice(3, None, "75.50", partner=3),
            invoice(4, None, "42.00", partner=4, due=date(2026, 11, 20)),
        ]
    )
    when = date(2026, 11, 25)
    by_reference = matcher.match(Decimal("30.00"), when, ["090933755493"])
    assert (by_reference.invoice_ids, by_reference.how) == ((1,), "reference")
    several = matcher.match(
        Decimal("350.00"), when, ["090933755493", "RF18539007547034"]
    )
    assert several.invoice_ids == (1, 2)
    by_account = matcher.match(Decimal("75.50"), when, [], partner_id=3)
    assert (by_account.invoice_ids, by_account.how) == ((3,), "account")
    by_amount = matcher.match(Decimal("42.00"), when)
    assert (by_amount.invoice_ids, by_amount.how) == ((4,), "amount")
    # Each of those is taken now: the same amount again finds nothing.
    assert matcher.match(Decimal("42.00"), when) is None


def test_nothing_is_guessed_between_equal_candidates():
    matcher = Matcher([invoice(1), invoice(2)])
    assert matcher.match(Decimal("100.00"), date(2026, 11, 25)) is None
    far = Matcher([invoice(1, due=date(2026, 1, 1))])
    assert far.match(Decimal("100.00"), date(2026, 11, 25)) is None


def test_a_quoted_reference_that_fits_no_open_invoice_is_never_matched_by_amount():
    # The reference of an invoice already paid (not among the open ones) and one
    # that no invoice has: another customer's invoice of the same amount and due
    # date, or of the same customer's account, is not a guess to make.
    matcher = Matcher([invoice(1, "090933755493", partner=7), invoice(2, partner=8)])
    when = date(2026, 11, 25)
    paid_elsewhere = "RF18539007547034"
    assert matcher.match(Decimal("100.00"), when, [paid_elsewhere]) is None
    assert (
        matcher.match(Decimal("100.00"), when, [paid_elsewhere], partner_id=8) is None
    )
    # Without a reference the same movement may be matched (one invoice of that
    # customer and amount).
    assert matcher.match(Decimal("100.00"), when, [], partner_id=8).invoice_ids == (2,)


def test_amount_alone_only_when_one_open_invoice_owes_it():
    # Two invoices of the amount, one far from the payment's date: the near one is
    # not taken, since the far one owes the same amount.
    matcher = Matcher([invoice(1), invoice(2, due=date(2026, 1, 1))])
    assert matcher.match(Decimal("100.00"), date(2026, 11, 25)) is None


@pytest.mark.parametrize(
    ("key", "forms"),
    [
        (
            "090933755493",
            ["+++090/9337/55493+++", "***090/9337/55493***", "090933755493"],
        ),
        ("RF18539007547034", ["RF18539007547034", "RF18 5390 0754 7034"]),
    ],
)
def test_the_stored_forms_of_a_reference(key, forms):
    assert reference_forms(key) == forms
    assert {reference_key(form) for form in forms} == {key}
