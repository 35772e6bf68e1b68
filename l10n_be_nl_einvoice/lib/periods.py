"""The periods of a recurring invoice plan, by pure date arithmetic.

A plan starts on a day and invoices every ``interval`` weeks, months, quarters or
years. Period k begins ``k × interval`` units after the start, computed from the start
every time, never from the previous period: nothing drifts however many periods pass.
A month-based period begins on the start's day of the month, or on the last day of a
shorter month (a plan started on 31 January has periods from 31 January, 29 February
in a leap year, 31 March, 30 April ...), and a plan started on 29 February begins on
28 February in the other years. Each period ends the day before the next one begins,
so the periods cover the calendar without gap or overlap.

The invoice of a period is dated its first day, its last day, or a fixed day: a day of
the month in the month the period begins (the 31st is the last day of a shorter
month), or for weekly plans a weekday (1 Monday ... 7 Sunday) in the period's first
week.
"""

import calendar
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

UNITS = ("week", "month", "quarter", "year")
MONTHS = {"month": 1, "quarter": 3, "year": 12}
RULES = ("start", "end", "fixed")


class PeriodError(ValueError):
    """A plan whose rhythm or dates cannot make periods."""


@dataclass(frozen=True)
class Rhythm:
    unit: str
    interval: int = 1

    def __post_init__(self):
        if self.unit not in UNITS:
            raise PeriodError(f"unknown unit {self.unit!r}: one of {', '.join(UNITS)}")
        if self.interval < 1:
            raise PeriodError(f"the interval must be at least 1, not {self.interval}")


@dataclass(frozen=True)
class Period:
    index: int
    start: date
    end: date


def last_day(year: int, month: int) -> int:
    return calendar.monthrange(year, month)[1]


def add_months(day: date, months: int) -> date:
    """``day`` moved by ``months`` months, on the same day of the month or the last
    day of a shorter month."""
    total = day.year * 12 + day.month - 1 + months
    year, month = divmod(total, 12)
    month += 1
    return date(year, month, min(day.day, last_day(year, month)))


def period_start(start: date, rhythm: Rhythm, index: int) -> date:
    """The first day of period ``index`` (0 is the one beginning on ``start``)."""
    if rhythm.unit == "week":
        return start + timedelta(weeks=index * rhythm.interval)
    return add_months(start, index * rhythm.interval * MONTHS[rhythm.unit])


def period(start: date, rhythm: Rhythm, index: int) -> Period:
    if index < 0:
        raise PeriodError(f"no period {index}: periods count from 0")
    return Period(
        index,
        period_start(start, rhythm, index),
        period_start(start, rhythm, index + 1) - timedelta(days=1),
    )


def index_of(start: date, rhythm: Rhythm, day: date) -> int:
    """The index of the period that holds ``day`` (-1 before the start)."""
    if day < start:
        return -1
    if rhythm.unit == "week":
        return (day - start).days // (7 * rhythm.interval)
    step = rhythm.interval * MONTHS[rhythm.unit]
    months = (day.year - start.year) * 12 + day.month - start.month
    index = max(months // step, 0)
    # The estimate is at most one period late or early around month ends.
    while period_start(start, rhythm, index) > day:
        index -= 1
    while period_start(start, rhythm, index + 1) <= day:
        index += 1
    return index


def invoice_date(
    item: Period, rhythm: Rhythm, rule: str, fixed_day: int | None = None
) -> date:
    """The date of the invoice of ``item`` under ``rule`` (see the module's text)."""
    if rule == "start":
        return item.start
    if rule == "end":
        return item.end
    if rule != "fixed":
        raise PeriodError(f"unknown invoice date rule {rule!r}: one of {RULES}")
    if rhythm.unit == "week":
        if not fixed_day or not 1 <= fixed_day <= 7:
            raise PeriodError("a weekly plan's fixed day is a weekday from 1 to 7")
        return item.start + timedelta(days=(fixed_day - item.start.isoweekday()) % 7)
    if not fixed_day or not 1 <= fixed_day <= 31:
        raise PeriodError("a fixed day of the month is a number from 1 to 31")
    year, month = item.start.year, item.start.month
    return date(year, month, min(fixed_day, last_day(year, month)))


def due(
    start: date,
    rhythm: Rhythm,
    rule: str,
    fixed_day: int | None,
    first_index: int,
    today: date,
    end: date | None = None,
    count: int | None = None,
) -> list[Period]:
    """The periods from ``first_index`` on whose invoice date has come by ``today``,
    within the plan: a period beginning after ``end`` or beyond ``count`` periods is
    not the plan's."""
    periods = []
    index = max(first_index, 0)
    while True:
        if count is not None and index >= count:
            break
        item = period(start, rhythm, index)
        if end is not None and item.start > end:
            break
        if invoice_date(item, rhythm, rule, fixed_day) > today:
            break
        periods.append(item)
        index += 1
    return periods


def is_finished(
    start: date,
    rhythm: Rhythm,
    next_index: int,
    end: date | None = None,
    count: int | None = None,
) -> bool:
    """Whether a plan whose next period is ``next_index`` has invoiced them all."""
    if count is not None and next_index >= count:
        return True
    return end is not None and period_start(start, rhythm, next_index) > end


def full_years(since: date, day: date) -> int:
    """Anniversaries of ``since`` passed by ``day`` (29 February's on 28 February)."""
    if day < since:
        return 0
    years = day.year - since.year
    anniversary = date(
        day.year, since.month, min(since.day, last_day(day.year, since.month))
    )
    return years - (1 if day < anniversary else 0)


def indexed_price(
    base: Decimal,
    percent: Decimal,
    since: date,
    day: date,
    digits: int = 2,
) -> Decimal:
    """``base`` raised by ``percent`` on every anniversary of ``since`` passed by
    ``day`` (compounded: 2 % twice is 4.04 %), rounded half up to ``digits``."""
    years = full_years(since, day)
    factor = (Decimal(1) + Decimal(percent) / Decimal(100)) ** years
    return (Decimal(base) * factor).quantize(
        Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP
    )
