"""Invoice number series: formats, periods and rendering.

Belgian law (VAT Code art. 53 §2, Royal Decree no. 1 art. 5) and Dutch law (Wet OB
art. 35a) ask for invoice numbers that follow each other without gaps, in one or more
series. A series here is a template, a minimum width for the counter and the period
after which the counter restarts at 1. Three presets are what Belgian invoicing apps
offer:

* ``yymm``  ``FA-YYMMNNN``  restarts every month
* ``yy``    ``FA-YYNNNNN``  restarts every year
* ``plain`` ``FA-NNNNN``    never restarts

and ``custom`` takes a template with Odoo's ``ir.sequence`` placeholders ``%(year)s``,
``%(y)s`` and ``%(month)s`` (e.g. ``INV/%(year)s/``), a width and a restart period.
The counter is never cut: past its width it simply grows (``FA-26111000``).
"""

import re
from dataclasses import dataclass
from datetime import date

RESETS = ("month", "year", "never")
PRESETS = {
    # format: (suffix appended to the prefix, counter width, restart)
    "yymm": ("%(y)s%(month)s", 3, "month"),
    "yy": ("%(y)s", 5, "year"),
    "plain": ("", 5, "never"),
}
PLACEHOLDER = re.compile(r"%\((\w+)\)s")
COUNTER = re.compile(r"[0-9]{1,12}")
KNOWN_PLACEHOLDERS = {"year", "y", "month"}


class NumberingError(ValueError):
    """A series that cannot produce unique, gap-free numbers; the message says why."""


@dataclass(frozen=True)
class Series:
    template: str
    padding: int
    reset: str

    def __post_init__(self):
        check_series(self.template, self.padding, self.reset)

    def period_key(self, day: date) -> str:
        """The counter restarts when this key changes: "2026-11", "2026" or "all"."""
        if self.reset == "month":
            return f"{day.year:04d}-{day.month:02d}"
        if self.reset == "year":
            return f"{day.year:04d}"
        return "all"

    def period_start(self, day: date) -> date:
        if self.reset == "month":
            return day.replace(day=1)
        if self.reset == "year":
            return date(day.year, 1, 1)
        return date.min

    def next_period_start(self, day: date) -> date:
        """First day of the period after the one of `day` (a month for series that never
        restart: a change of such a series takes effect from the next month)."""
        if self.reset == "year":
            return date(day.year + 1, 1, 1)
        if day.month == 12:
            return date(day.year + 1, 1, 1)
        return date(day.year, day.month + 1, 1)

    def prefix(self, day: date) -> str:
        return self.template % {
            "year": f"{day.year:04d}",
            "y": f"{day.year % 100:02d}",
            "month": f"{day.month:02d}",
        }

    def render(self, day: date, number: int) -> str:
        if number < 1:
            raise NumberingError(f"invoice numbers start at 1, not {number}")
        return f"{self.prefix(day)}{number:0{self.padding}d}"

    def number_of(self, name: str, day: date):
        """The counter in `name` if it belongs to this series for `day`, else None."""
        prefix = self.prefix(day)
        rest = name[len(prefix) :] if name.startswith(prefix) else ""
        if len(rest) >= self.padding and rest.isdigit() and int(rest) > 0:
            return int(rest)
        return None

    def form(self, day: date) -> str:
        """How the numbers of the period of `day` are written: ``FA-26NNNNN``."""
        return self.prefix(day) + "N" * self.padding

    def parse(self, text: str, day: date):
        """The counter that `text` gives in the period of `day`: a number exactly as
        this series writes it (``FA-2600735``), else the counter alone (``735``);
        None if it is neither. The written form wins, so that a prefix of digits
        (``%(y)s``) reads as the series writes it."""
        text = (text or "").strip()
        number = self.number_of(text, day)
        if number and self.render(day, number) == text:
            return number
        if COUNTER.fullmatch(text) and int(text) > 0:
            return int(text)
        return None


def series_for(number_format: str, prefix: str, padding=None, reset=None) -> Series:
    """The Series of a preset (`yymm`, `yy`, `plain`) or of a `custom` template."""
    if number_format in PRESETS:
        suffix, width, restart = PRESETS[number_format]
        if PLACEHOLDER.search(prefix or ""):
            raise NumberingError(
                "placeholders such as %(year)s belong in a custom format, not in the "
                "prefix of a preset"
            )
        return Series((prefix or "") + suffix, width, restart)
    if number_format == "custom":
        return Series(prefix or "", padding or 0, reset or "")
    raise NumberingError(f"unknown number format {number_format!r}")


def preset_layout(number_format: str):
    """(counter width, restart) of a preset format; None for a custom one, whose
    width and restart are its own."""
    if number_format in PRESETS:
        _suffix, width, restart = PRESETS[number_format]
        return width, restart
    return None


def period_first_day(period: str) -> date:
    """The first day of a period key ("2026-11", "2026" or "all")."""
    if period == "all":
        return date.min
    year, _sep, month = period.partition("-")
    return date(int(year), int(month or 1), 1)


def check_series(template: str, padding: int, reset: str) -> None:
    """Refuse series whose numbers could repeat or be misread."""
    if reset not in RESETS:
        raise NumberingError(f"the restart period must be one of {', '.join(RESETS)}")
    if not isinstance(padding, int) or not 1 <= padding <= 12:
        raise NumberingError("the counter width must be between 1 and 12 digits")
    names = set(PLACEHOLDER.findall(template))
    unknown = names - KNOWN_PLACEHOLDERS
    if unknown:
        raise NumberingError(
            f"unknown placeholder(s) {', '.join(sorted(unknown))}: use %(year)s, %(y)s "
            "or %(month)s"
        )
    leftover = PLACEHOLDER.sub("", template)
    if "%" in leftover:
        raise NumberingError(
            "a % in the prefix must be one of %(year)s, %(y)s, %(month)s"
        )
    has_year = bool(names & {"year", "y"})
    # A counter that restarts must restart in a prefix that changes with it, or the
    # numbers of two periods would be the same.
    if reset == "month" and not (has_year and "month" in names):
        raise NumberingError(
            "a series that restarts every month needs the year and month"
        )
    if reset == "year" and not has_year:
        raise NumberingError("a series that restarts every year needs the year")
    # A prefix that changes within the counter's period would make one counter show
    # under several prefixes.
    if "month" in names and reset != "month":
        raise NumberingError("a series with the month in it must restart every month")
    if has_year and reset == "never":
        raise NumberingError(
            "a series with the year in it must restart every year or month"
        )
    if len(leftover) > 20 or any(ch in leftover for ch in "\n\r\t"):
        raise NumberingError("the prefix must be at most 20 characters on one line")
