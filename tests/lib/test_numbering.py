from datetime import date

import pytest
from l10n_be_nl_einvoice_lib.numbering import NumberingError, Series, series_for

NOV = date(2026, 11, 23)


@pytest.mark.parametrize(
    ("fmt", "expected", "key"),
    [
        ("yymm", "FA-2611007", "2026-11"),
        ("yy", "FA-2600007", "2026"),
        ("plain", "FA-00007", "all"),
    ],
)
def test_the_three_belgian_formats(fmt, expected, key):
    series = series_for(fmt, "FA-")
    assert series.render(NOV, 7) == expected
    assert series.period_key(NOV) == key
    assert series.number_of(expected, NOV) == 7


def test_odoo_style_custom_series_continues_odoo_names():
    series = series_for("custom", "INV/%(year)s/", 5, "year")
    assert series.render(NOV, 6) == "INV/2026/00006"
    assert series.number_of("INV/2026/00005", NOV) == 5
    assert series.number_of("INV/2025/00005", NOV) is None
    assert series.number_of("RINV/2026/00005", NOV) is None


def test_a_counter_past_its_width_grows_instead_of_wrapping():
    assert series_for("yymm", "FA-").render(NOV, 1000) == "FA-26111000"


def test_periods_and_when_a_change_takes_effect():
    monthly, yearly, plain = (series_for(f, "FA-") for f in ("yymm", "yy", "plain"))
    assert monthly.period_start(NOV) == date(2026, 11, 1)
    assert monthly.next_period_start(date(2026, 12, 31)) == date(2027, 1, 1)
    assert yearly.next_period_start(NOV) == date(2027, 1, 1)
    assert plain.next_period_start(NOV) == date(2026, 12, 1)
    assert plain.period_start(NOV) == date.min


@pytest.mark.parametrize(
    ("template", "padding", "reset", "message"),
    [
        ("FA-", 5, "month", "needs the year and month"),
        ("FA-%(year)s-", 5, "month", "needs the year and month"),
        ("FA-", 5, "year", "needs the year"),
        ("FA-%(y)s%(month)s", 3, "year", "must restart every month"),
        ("FA-%(year)s/", 5, "never", "must restart every year or month"),
        ("FA-%(day)s", 5, "never", "unknown placeholder(s) day"),
        ("FA-%s", 5, "never", "a % in the prefix"),
        ("FA-", 0, "never", "between 1 and 12"),
        ("FA-", 5, "week", "restart period"),
    ],
)
def test_series_that_could_repeat_a_number_are_refused(
    template, padding, reset, message
):
    with pytest.raises(
        NumberingError, match=message.replace("(", r"\(").replace(")", r"\)")
    ):
        Series(template, padding, reset)


def test_presets_take_no_placeholders_and_numbers_start_at_one():
    with pytest.raises(NumberingError, match="custom format"):
        series_for("yy", "FA-%(year)s")
    with pytest.raises(NumberingError, match="start at 1"):
        series_for("plain", "FA-").render(NOV, 0)
    with pytest.raises(NumberingError, match="unknown number format"):
        series_for("weekly", "FA-")
