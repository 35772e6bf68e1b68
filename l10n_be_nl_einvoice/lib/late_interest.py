"""Statutory late-payment interest and recovery costs, Belgium and the Netherlands.

Money is ``Decimal``; dates are ``date``. The rates themselves are data (a dated table
per country and kind of transaction, with its sources), passed in as
:class:`RatePeriod` lists.

Day count. Interest runs for each calendar day of delay, at the yearly rate divided
by 365 (actual/365, as Belgian and Dutch courts and collection practice compute it,
leap years included). The first day of delay is the day after the due date; the last
one is the day the amount is computed for. A payment (or credit note) on a day lowers
the amount that bears interest from that day on. When the rate changes during the
delay, each stretch is computed at its own rate.

Compounding. Dutch statutory interest (art. 6:119 lid 2 and 6:119a lid 3 BW) is added
to the amount it runs on at the end of every full year of delay; Belgian interest is
simple.
"""

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")
DAYS_PER_YEAR = Decimal(365)


def money(value) -> Decimal:
    """`value` rounded to the cent, halves away from zero."""
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class RatePeriod:
    """A yearly rate in percent, in force from `start` until `end` (included) or,
    without an end, until the next period starts. A day after the last known end
    has no rate: a legal rate is looked up, never guessed."""

    start: date
    rate: Decimal
    end: date | None = None


@dataclass(frozen=True)
class Stretch:
    """Days `first`..`last` (both included) at `rate` on `base`."""

    first: date
    last: date
    base: Decimal
    rate: Decimal
    interest: Decimal

    @property
    def days(self):
        return (self.last - self.first).days + 1


@dataclass
class Interest:
    total: Decimal = Decimal(0)
    stretches: list = field(default_factory=list)


class NoRateError(ValueError):
    """No rate is known for a day of the delay."""

    def __init__(self, day):
        super().__init__(f"no rate known for {day.isoformat()}")
        self.day = day


def rate_on(periods, day):
    """The rate in force on `day`: the latest period that started on or before it,
    unless it ended before."""
    found = None
    for period in sorted(periods, key=lambda p: p.start):
        if period.start <= day:
            found = period
    if found is None or (found.end is not None and found.end < day):
        raise NoRateError(day)
    return found.rate


def _add_years(day, years):
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February in a year without one
        return day.replace(year=day.year + years, day=28)


def late_interest(amount, due, until, periods, payments=(), compound=False):
    """Interest on `amount` due on `due`, for the days after it up to `until`.

    `payments` are ``(day, amount)`` pairs (payments, credit notes) that lower the
    amount bearing interest from their day on; `compound` adds each full year's
    interest to that amount (Dutch law). The total is rounded to the cent once, at
    the end; each stretch keeps its exact figure."""
    amount = Decimal(amount)
    result = Interest()
    first = due + timedelta(days=1)
    if until < first or amount <= 0:
        return result
    # Every day on which something changes: a rate, a payment, a year of delay.
    changes = {p.start for p in periods if first < p.start <= until}
    changes |= {
        p.end + timedelta(days=1) for p in periods if p.end and first <= p.end < until
    }
    paid = {}
    for day, value in payments:
        day = max(day, first)
        if day <= until:
            paid[day] = paid.get(day, Decimal(0)) + Decimal(value)
            changes.add(day)
    anniversaries = set()
    if compound:
        years = 1
        while _add_years(first, years) <= until:
            anniversaries.add(_add_years(first, years))
            years += 1
        changes |= anniversaries
    base, year_interest, start = amount, Decimal(0), first
    for change in sorted(changes) + [until + timedelta(days=1)]:
        if change > start and base > 0:
            last = change - timedelta(days=1)
            rate = rate_on(periods, start)
            days = Decimal((last - start).days + 1)
            interest = base * rate / Decimal(100) * days / DAYS_PER_YEAR
            result.stretches.append(Stretch(start, last, base, rate, interest))
            result.total += interest
            year_interest += interest
        if change in anniversaries:
            base += year_interest
            year_interest = Decimal(0)
        if change in paid:
            base = max(base - paid[change], Decimal(0))
        start = change
    result.total = money(result.total)
    return result


# -- recovery costs -----------------------------------------------------------------

BE_B2B_COMPENSATION = Decimal("40.00")
NL_B2B_MINIMUM = Decimal("40.00")


def be_b2b_compensation():
    """Belgium, business to business (law of 2 August 2002, art. 6): a fixed
    compensation for recovery costs of EUR 40 per late invoice, due by law and
    without notice, besides the interest."""
    return BE_B2B_COMPENSATION


def be_consumer_damages_cap(balance):
    """Belgium, consumers (Code of Economic Law, book XIX): the most a damages
    clause may claim on an unpaid `balance`: EUR 20 up to EUR 150; EUR 30 plus 10 %
    of the part between EUR 150.01 and 500; EUR 65 plus 5 % of the part above EUR
    500, at most EUR 2,000."""
    balance = Decimal(balance)
    if balance <= 0:
        return Decimal("0.00")
    if balance <= 150:
        return Decimal("20.00")
    if balance <= 500:
        return money(Decimal(30) + (balance - 150) * Decimal("0.10"))
    return min(
        money(Decimal(65) + (balance - 500) * Decimal("0.05")), Decimal("2000.00")
    )


# Besluit vergoeding voor buitengerechtelijke incassokosten (Stb. 2012, 141), art. 2:
# (band width, percentage); the last band is open.
NL_SCALE = (
    (Decimal(2500), Decimal(15)),
    (Decimal(2500), Decimal(10)),
    (Decimal(5000), Decimal(5)),
    (Decimal(190000), Decimal(1)),
    (None, Decimal("0.5")),
)
NL_SCALE_MINIMUM = Decimal("40.00")
NL_SCALE_MAXIMUM = Decimal("6775.00")


def nl_collection_costs(principal):
    """The Netherlands: the statutory extrajudicial collection costs on `principal`
    (the unpaid amount, without interest): 15 % of the first EUR 2,500, 10 % of the
    next 2,500, 5 % of the next 5,000, 1 % of the next 190,000, 0.5 % above, at
    least EUR 40 and at most EUR 6,775 (without VAT)."""
    rest = Decimal(principal)
    if rest <= 0:
        return Decimal("0.00")
    total = Decimal(0)
    for width, percent in NL_SCALE:
        part = rest if width is None else min(rest, width)
        total += part * percent / 100
        rest -= part
        if rest <= 0:
            break
    return min(max(money(total), NL_SCALE_MINIMUM), NL_SCALE_MAXIMUM)


def nl_b2b_compensation(principal):
    """The Netherlands, business to business (art. 6:96 lid 4 BW): at least EUR 40,
    due without a reminder; the statutory scale applies unless agreed otherwise."""
    return max(nl_collection_costs(principal), NL_B2B_MINIMUM)


# -- waiting periods ----------------------------------------------------------------


def easter(year):
    """Easter Sunday of `year` (Gregorian calendar; the anonymous algorithm
    published by Meeus)."""
    a, b, c = year % 19, year // 100, year % 100
    d, e = divmod(b, 4)
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    m = (32 + 2 * e + 2 * i - h - k) % 7
    n = (a + 11 * h + 22 * m) // 451
    month, day = divmod(h + m - 7 * n + 114, 31)
    return date(year, month, day + 1)


def be_public_holidays(year):
    """The ten Belgian legal public holidays of `year` (royal decree of 18 April
    1974): New Year, Easter Monday, 1 May, Ascension Day, Whit Monday, 21 July,
    15 August, 1 November, 11 November, Christmas."""
    sunday = easter(year)
    return {
        date(year, 1, 1),
        sunday + timedelta(days=1),
        date(year, 5, 1),
        sunday + timedelta(days=39),
        sunday + timedelta(days=50),
        date(year, 7, 21),
        date(year, 8, 15),
        date(year, 11, 1),
        date(year, 11, 11),
        date(year, 12, 25),
    }


def _working_days_after(day, count):
    """The `count`-th working day after `day`: not a Saturday, a Sunday or a
    Belgian public holiday."""
    while count:
        day += timedelta(days=1)
        if day.weekday() < 5 and day not in be_public_holidays(day.year):
            count -= 1
    return day


def be_consumer_costs_from(reminder_sent, electronic):
    """Belgium, consumers (book XIX): the first day costs and damages may run after
    a free first reminder sent on `reminder_sent`. The 14-day term starts on the
    third working day after a letter is sent, or the day after an e-mail."""
    start = (
        reminder_sent + timedelta(days=1)
        if electronic
        else _working_days_after(reminder_sent, 3)
    )
    return start + timedelta(days=14)


def nl_consumer_costs_from(letter_received):
    """The Netherlands, consumers (art. 6:96 lid 6 BW, the 14-day letter): the first
    day collection costs may be charged. The consumer has 14 days, counted from the
    day after the letter was received, to pay without costs."""
    return letter_received + timedelta(days=15)
