from datetime import date

import pytest
from l10n_be_nl_einvoice_lib.numbering import (
    NumberingError,
    Series,
    period_first_day,
    preset_layout,
    series_for,
)

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


@pytest.mark.parametrize(
    ("fmt", "text", "number"),
    [
        ("yy", "FA-2600735", 735),
        ("yy", "735", 735),
        ("yy", " FA-2600735 ", 735),
        ("yymm", "FA-2611012", 12),
        ("plain", "FA-00735", 735),
        # the form is exact: another width, year, month or prefix is not the series'
        ("yy", "FA-26000735", None),
        ("yy", "FA-260735", None),
        ("yy", "FA-2500735", None),
        ("yymm", "FA-2610012", None),
        ("yy", "CN-2600735", None),
        ("yy", "0", None),
        ("yy", "-3", None),
        ("yy", "7.5", None),
        ("yy", "", None),
    ],
)
def test_a_next_number_is_read_as_the_series_writes_it_or_as_a_counter(
    fmt, text, number
):
    assert series_for(fmt, "FA-").parse(text, NOV) == number


def test_a_prefix_of_digits_reads_as_the_series_writes_it():
    series = series_for("custom", "%(y)s", 5, "year")
    assert series.parse("2600735", NOV) == 735
    assert series.parse("735", NOV) == 735


def test_the_form_of_a_number_names_prefix_period_and_width():
    assert series_for("yy", "FA-").form(NOV) == "FA-26NNNNN"
    assert series_for("yymm", "FA-").form(NOV) == "FA-2611NNN"
    assert series_for("custom", "F/%(year)s/", 4, "year").form(NOV) == "F/2026/NNNN"


def test_a_preset_has_its_own_width_and_restart():
    assert preset_layout("yymm") == (3, "month")
    assert preset_layout("yy") == (5, "year")
    assert preset_layout("plain") == (5, "never")
    assert preset_layout("custom") is None


def test_the_first_day_of_a_period_renders_its_numbers():
    assert period_first_day("2026-11") == date(2026, 11, 1)
    assert period_first_day("2026") == date(2026, 1, 1)
    monthly = series_for("yymm", "FA-")
    assert monthly.render(period_first_day("2026-11"), 4) == "FA-2611004"
    assert series_for("plain", "FA-").render(period_first_day("all"), 4) == "FA-00004"
