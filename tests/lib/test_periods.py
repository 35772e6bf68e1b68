"""Periods of recurring plans: worked examples, then properties over any start day,
rhythm and number of years (hypothesis)."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from l10n_be_nl_einvoice_lib.periods import (
    PeriodError,
    Rhythm,
    due,
    full_years,
    index_of,
    indexed_price,
    invoice_date,
    is_finished,
    last_day,
    period,
)

MONTHLY = Rhythm("month")
starts = st.dates(min_value=date(1990, 1, 1), max_value=date(2090, 12, 31))
# Generous on a loaded machine: these check dates, not speed.
PROPERTIES = settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
rhythms = st.builds(
    Rhythm, st.sampled_from(["week", "month", "quarter", "year"]), st.integers(1, 6)
)


def test_the_31st_falls_on_the_last_day_of_shorter_months_and_comes_back():
    starts_of = [period(date(2027, 1, 31), MONTHLY, k).start for k in range(4)]
    assert starts_of == [
        date(2027, 1, 31),
        date(2027, 2, 28),
        date(2027, 3, 31),
        date(2027, 4, 30),
    ]
    # January's period runs to the day before 28 February.
    assert period(date(2027, 1, 31), MONTHLY, 0).end == date(2027, 2, 27)
    assert period(date(2028, 1, 31), MONTHLY, 1).start == date(2028, 2, 29)


def test_a_leap_day_plan_is_on_28_february_in_other_years():
    yearly = Rhythm("year")
    assert [period(date(2028, 2, 29), yearly, k).start for k in range(5)] == [
        date(2028, 2, 29),
        date(2029, 2, 28),
        date(2030, 2, 28),
        date(2031, 2, 28),
        date(2032, 2, 29),
    ]


def test_quarters_weeks_and_invoice_date_rules():
    quarterly = Rhythm("quarter")
    q = period(date(2027, 1, 1), quarterly, 2)
    assert (q.start, q.end) == (date(2027, 7, 1), date(2027, 9, 30))
    assert invoice_date(q, quarterly, "start") == date(2027, 7, 1)
    assert invoice_date(q, quarterly, "end") == date(2027, 9, 30)
    assert invoice_date(q, quarterly, "fixed", 31) == date(2027, 7, 31)
    feb = period(date(2027, 1, 1), MONTHLY, 1)
    assert invoice_date(feb, MONTHLY, "fixed", 31) == date(2027, 2, 28)
    fortnight = Rhythm("week", 2)
    w = period(date(2027, 1, 6), fortnight, 1)  # a Wednesday
    assert (w.start, w.end) == (date(2027, 1, 20), date(2027, 2, 2))
    # Fixed weekday 1 (Monday): the first Monday on or after the period's start.
    assert invoice_date(w, fortnight, "fixed", 1) == date(2027, 1, 25)


def test_due_periods_stop_at_today_the_end_and_the_count():
    start = date(2027, 1, 1)
    got = due(start, MONTHLY, "start", None, 0, date(2027, 4, 15))
    assert [p.index for p in got] == [0, 1, 2, 3]
    # Invoiced at the end of the period: April's is not due on 15 April.
    got = due(start, MONTHLY, "end", None, 0, date(2027, 4, 15))
    assert [p.index for p in got] == [0, 1, 2]
    got = due(start, MONTHLY, "start", None, 2, date(2030, 1, 1), end=date(2027, 6, 1))
    assert [p.index for p in got] == [2, 3, 4, 5]
    got = due(start, MONTHLY, "start", None, 0, date(2030, 1, 1), count=3)
    assert [p.index for p in got] == [0, 1, 2]
    assert is_finished(start, MONTHLY, 3, count=3)
    assert is_finished(start, MONTHLY, 6, end=date(2027, 6, 1))
    assert not is_finished(start, MONTHLY, 5, end=date(2027, 6, 1))


def test_bad_plans_are_refused_with_the_reason():
    with pytest.raises(PeriodError, match="unit"):
        Rhythm("day")
    with pytest.raises(PeriodError, match="at least 1"):
        Rhythm("month", 0)
    with pytest.raises(PeriodError, match="1 to 31"):
        invoice_date(period(date(2027, 1, 1), MONTHLY, 0), MONTHLY, "fixed", 32)


def test_a_yearly_index_compounds_on_each_anniversary():
    since = date(2027, 3, 1)
    assert indexed_price(Decimal(100), Decimal(2), since, date(2028, 2, 29)) == (
        Decimal("100.00")
    )
    assert indexed_price(Decimal(100), Decimal(2), since, date(2028, 3, 1)) == (
        Decimal("102.00")
    )
    assert indexed_price(Decimal(100), Decimal(2), since, date(2029, 3, 1)) == (
        Decimal("104.04")
    )
    assert full_years(date(2028, 2, 29), date(2029, 2, 28)) == 1


@PROPERTIES
@given(starts, rhythms, st.integers(0, 400))
def test_periods_follow_each_other_without_gap_or_overlap(start, rhythm, k):
    this, following = period(start, rhythm, k), period(start, rhythm, k + 1)
    assert this.start <= this.end
    assert this.end + timedelta(days=1) == following.start


@PROPERTIES
@given(starts, rhythms, st.integers(0, 400))
def test_no_drift_however_many_periods(start, rhythm, k):
    """Period k's start is the start moved k steps at once: the day of the month is
    the start's (or the month's last), whatever months came between."""
    begin = period(start, rhythm, k).start
    if rhythm.unit == "week":
        assert (begin - start).days == 7 * rhythm.interval * k
    else:
        step = {"month": 1, "quarter": 3, "year": 12}[rhythm.unit] * rhythm.interval
        months = (begin.year - start.year) * 12 + begin.month - start.month
        assert months == step * k
        assert begin.day == min(start.day, last_day(begin.year, begin.month))


@PROPERTIES
@given(starts, rhythms, st.integers(0, 3000))
def test_every_day_is_in_exactly_the_period_index_of_names(start, rhythm, days):
    day = start + timedelta(days=days)
    k = index_of(start, rhythm, day)
    item = period(start, rhythm, k)
    assert item.start <= day <= item.end


@PROPERTIES
@given(
    starts,
    rhythms,
    st.sampled_from(["start", "end", "fixed"]),
    st.integers(1, 31),
    st.integers(0, 2000),
)
def test_due_periods_are_consecutive_and_never_in_the_future(
    start, rhythm, rule, fixed, days
):
    fixed_day = min(fixed, 7) if rhythm.unit == "week" else fixed
    today = start + timedelta(days=days)
    periods = due(start, rhythm, rule, fixed_day, 0, today)
    assert [p.index for p in periods] == list(range(len(periods)))
    for item in periods:
        assert invoice_date(item, rhythm, rule, fixed_day) <= today
    following = period(start, rhythm, len(periods))
    assert invoice_date(following, rhythm, rule, fixed_day) > today
    # Split in two runs (a crash, a restart), the same periods.
    half = len(periods) // 2
    assert periods == periods[:half] + due(start, rhythm, rule, fixed_day, half, today)
