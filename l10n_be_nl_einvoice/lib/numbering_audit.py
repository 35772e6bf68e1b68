"""Audit of invoice number series: what a tax inspector checks first.

Input: one `Issued` per numbered document (also documents numbered before the legal
numbering was installed). Output: per series and period, the first and last number,
the count, and every anomaly: a missing number, a number used twice, a name that is not
the one its number should have, a date before the date of an earlier number. Numbers
given back by the legal deletion of the last invoice are not anomalies: they were
re-used by the next invoice. Neither are the numbers before the one a series was
continued from: an earlier program issued them. A number on a document reset to
draft is issued all the same (the document keeps it); the report says which.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date


@dataclass(frozen=True)
class Issued:
    series: str  # e.g. "Customer Invoices / FA-26" (journal and prefix)
    period: str  # "2026-11", "2026" or "all"
    number: int
    name: str
    expected_name: str | None = None  # None when the series cannot tell
    starts_at_one: bool = True  # False for series from before the legal numbering
    day: date | None = None  # the invoice date, when known
    draft: bool = False  # reset to draft since, keeping its number


@dataclass
class SeriesReport:
    series: str
    period: str
    first: int = 0
    last: int = 0
    count: int = 0
    anomalies: list = field(default_factory=list)
    continued_from: int | None = None  # the first number after an earlier program's
    drafts: list = field(default_factory=list)  # names of the numbers on drafts now


def audit(issued, starts=None):
    """One SeriesReport per (series, period), sorted; each with its anomalies.
    `starts`: {(series, period): number} of the series continued from a number, the
    numbers before it issued by an earlier program."""
    starts = starts or {}
    groups = defaultdict(list)
    for doc in issued:
        groups[(doc.series, doc.period)].append(doc)
    reports = []
    for (series, period), docs in sorted(groups.items()):
        numbers = sorted(doc.number for doc in docs)
        report = SeriesReport(series, period, numbers[0], numbers[-1], len(docs))
        seen = defaultdict(list)
        for doc in docs:
            seen[doc.number].append(doc.name)
            if doc.expected_name is not None and doc.name != doc.expected_name:
                report.anomalies.append(
                    ("name", doc.number, f"{doc.name} should read {doc.expected_name}")
                )
        for number, names in sorted(seen.items()):
            if len(names) > 1:
                report.anomalies.append(("duplicate", number, ", ".join(sorted(names))))
        latest = None  # the document with the latest date so far, by number
        for doc in sorted(docs, key=lambda doc: doc.number):
            if doc.day is None:
                continue
            if latest is not None and doc.day < latest.day:
                text = (
                    f"{doc.name} ({doc.day.isoformat()}) after {latest.name} "
                    f"({latest.day.isoformat()})"
                )
                report.anomalies.append(("date", doc.number, text))
            elif latest is None or doc.day > latest.day:
                latest = doc
        report.drafts = [
            doc.name for doc in sorted(docs, key=lambda d: d.number) if doc.draft
        ]
        report.continued_from = starts.get((series, period))
        if report.continued_from:
            start = report.continued_from
        elif all(doc.starts_at_one for doc in docs):
            start = 1
        else:
            start = numbers[0]
        missing = sorted(set(range(start, numbers[-1] + 1)) - set(seen))
        for first, last in _ranges(missing):
            report.anomalies.append(
                ("gap", first, str(first) if first == last else f"{first}-{last}")
            )
        report.anomalies.sort(key=lambda a: (a[1], a[0]))
        reports.append(report)
    return reports


def _ranges(numbers):
    """[1, 2, 3, 7] -> [(1, 3), (7, 7)]"""
    ranges = []
    for number in numbers:
        if ranges and number == ranges[-1][1] + 1:
            ranges[-1] = (ranges[-1][0], number)
        else:
            ranges.append((number, number))
    return ranges
