"""When a posted document is due for the accountant's mailboxes.

Three schedules, chosen per company:

* ``grace``: N minutes after it was (last) posted. During that window a document can
  still be reset to draft and corrected, or deleted, and nothing goes: the window
  starts again when it is posted again.
* ``month``: once its month is over (its accounting date lies before the first day
  of the current month), and at least N minutes after posting, so that a document
  posted on the first of the month for the month before still has its window.
* ``manual``: never on its own; a person sends a period by hand.

Documents dated before a mailbox's start date never go on their own (they were
handled before the mailbox existed); a person can still send them by hand.
"""

from dataclasses import dataclass
from datetime import date, datetime, timedelta

SCHEDULES = ("grace", "month", "manual")


@dataclass(frozen=True)
class Cutoffs:
    """A document is due when posted at or before `posted_before` and, when
    `dated_before` is set, dated before it."""

    posted_before: datetime
    dated_before: date | None


def cutoffs(schedule: str, now: datetime, today: date, grace_minutes: int):
    """The cutoffs of `schedule` at `now` (UTC, naive as Odoo stores it), `today`
    being the date where the company is; None for a schedule that never sends."""
    if schedule not in SCHEDULES:
        raise ValueError(f"unknown schedule {schedule!r}")
    if schedule == "manual":
        return None
    posted_before = now - timedelta(minutes=max(grace_minutes, 0))
    if schedule == "grace":
        return Cutoffs(posted_before, None)
    return Cutoffs(posted_before, today.replace(day=1))
