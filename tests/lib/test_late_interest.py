"""Statutory late-payment interest and recovery costs, computed by hand."""

from datetime import date
from decimal import Decimal

import pytest
from l10n_be_nl_einvoice_lib.late_interest import (
    NoRateError,
    RatePeriod,
    be_b2b_compensation,
    be_consumer_costs_from,
    be_consumer_damages_cap,
    be_public_holidays,
    easter,
    late_interest,
    nl_b2b_compensation,
    nl_collection_costs,
    nl_consumer_costs_from,
)

D = Decimal
BE = [
    RatePeriod(date(2023, 1, 1), D("10.5")),
    RatePeriod(date(2023, 7, 1), D("12")),
    RatePeriod(date(2024, 1, 1), D("12.5")),
]


def test_simple_interest_runs_from_the_day_after_the_due_date():
    result = late_interest(D("1000"), date(2024, 3, 31), date(2024, 4, 30), BE)
    # 30 days at 12.5 %: 1000 x 0.125 x 30 / 365
    assert result.total == D("10.27")
    (stretch,) = result.stretches
    assert (stretch.first, stretch.last, stretch.days) == (
        date(2024, 4, 1),
        date(2024, 4, 30),
        30,
    )


def test_a_rate_change_splits_the_delay():
    result = late_interest(D("1000"), date(2023, 6, 25), date(2023, 7, 5), BE)
    # 5 days at 10.5 %, 5 days at 12 %
    assert [(s.days, s.rate) for s in result.stretches] == [
        (5, D("10.5")),
        (5, D("12")),
    ]
    assert result.total == D("3.08")


def test_a_partial_payment_lowers_the_base_from_its_day():
    result = late_interest(
        D("1000"),
        date(2024, 1, 31),
        date(2024, 3, 1),
        BE,
        payments=[(date(2024, 2, 11), D("400"))],
    )
    # 10 days on 1000, then 20 days (leap February) on 600
    assert [(s.days, s.base) for s in result.stretches] == [(10, D(1000)), (20, D(600))]
    assert result.total == D("7.53")


def test_a_payment_before_the_due_date_counts_from_the_first_day_late():
    result = late_interest(
        D("1000"), date(2024, 3, 31), date(2024, 4, 30), BE, [(date(2024, 3, 1), 1000)]
    )
    assert result.total == D("0.00")
    assert not result.stretches


def test_dutch_interest_is_added_to_the_base_every_full_year():
    flat = [RatePeriod(date(2020, 1, 1), D("10"))]
    result = late_interest(
        D("10000"), date(2023, 12, 31), date(2025, 12, 31), flat, compound=True
    )
    # 2024 (366 days) on 10,000: 1,002.74; 2025 on 11,002.74: 1,100.27
    assert [s.base.quantize(D("0.01")) for s in result.stretches] == [
        D("10000.00"),
        D("11002.74"),
    ]
    assert result.total == D("2103.01")
    simple = late_interest(D("10000"), date(2023, 12, 31), date(2025, 12, 31), flat)
    assert simple.total == D("2002.74")


def test_nothing_is_due_on_or_before_the_due_date():
    assert late_interest(D("100"), date(2024, 5, 1), date(2024, 5, 1), BE).total == 0


def test_a_day_without_a_known_rate_is_named():
    with pytest.raises(NoRateError) as raised:
        late_interest(D("100"), date(2022, 12, 1), date(2023, 1, 10), BE)
    assert raised.value.day == date(2022, 12, 2)


def test_belgian_fixed_compensation_and_consumer_caps():
    assert be_b2b_compensation() == D("40.00")
    assert [
        be_consumer_damages_cap(D(v))
        for v in ("0", "100", "150", "300", "500", "1000", "100000")
    ] == [
        D("0.00"),
        D("20.00"),
        D("20.00"),
        D("45.00"),
        D("65.00"),
        D("90.00"),
        D("2000.00"),
    ]


def test_dutch_collection_cost_scale():
    assert [
        nl_collection_costs(D(v))
        for v in (
            "100",
            "1000",
            "2500",
            "5000",
            "10000",
            "200000",
            "1000000",
            "5000000",
        )
    ] == [
        D("40.00"),
        D("150.00"),
        D("375.00"),
        D("625.00"),
        D("875.00"),
        D("2775.00"),
        D("6775.00"),
        D("6775.00"),
    ]
    assert nl_b2b_compensation(D("100")) == D("40.00")


def test_waiting_periods_before_consumer_costs():
    friday = date(2026, 11, 6)
    # Paper: the term starts on the third working day after sending: Monday 9,
    # Tuesday 10, (11 November is a public holiday) Thursday 12.
    assert be_consumer_costs_from(friday, electronic=False) == date(2026, 11, 26)
    assert be_consumer_costs_from(friday, electronic=True) == date(2026, 11, 21)
    assert nl_consumer_costs_from(friday) == date(2026, 11, 21)


def test_a_day_after_the_last_known_period_has_no_rate():
    known = [RatePeriod(date(2025, 1, 1), D("11.5"), end=date(2025, 6, 30))]
    assert late_interest(D("100"), date(2025, 6, 1), date(2025, 6, 30), known).total
    with pytest.raises(NoRateError) as raised:
        late_interest(D("100"), date(2025, 6, 1), date(2025, 7, 2), known)
    assert raised.value.day == date(2025, 7, 1)


def test_easter_and_the_belgian_public_holidays():
    assert [easter(y) for y in (2024, 2025, 2026, 2038)] == [
        date(2024, 3, 31),
        date(2025, 4, 20),
        date(2026, 4, 5),
        date(2038, 4, 25),
    ]
    holidays = be_public_holidays(2026)
    assert len(holidays) == 10
    # Easter Monday, Ascension Day and Whit Monday of 2026
    assert {date(2026, 4, 6), date(2026, 5, 14), date(2026, 5, 25)} <= holidays


def test_a_paper_reminders_wait_skips_weekends_and_public_holidays():
    # Sent on Thursday 29 October 2026: Friday 30, (the weekend, 1 November) Monday
    # 2 and Tuesday 3 November: the 14 days run from the 3rd.
    assert be_consumer_costs_from(date(2026, 10, 29), electronic=False) == date(
        2026, 11, 17
    )
    # Sent on Tuesday 10 November: 11 November does not count; Thursday 12, Friday
    # 13, Monday 16.
    assert be_consumer_costs_from(date(2026, 11, 10), electronic=False) == date(
        2026, 11, 30
    )
