"""Loaded by every Python process of a test run at another date (./setup/test --date,
which puts this folder on PYTHONPATH); nowhere else.

Under libfaketime 0.9.10 (Debian 12) with the monotonic clock left alone, as Python's
timed waits need it (see use_date in setup/common.sh), ``time.sleep`` of Python 3.11+
fails with "OSError: [Errno 22] Invalid argument": it sleeps with clock_nanosleep() to
an absolute time on the monotonic clock, and libfaketime shifts that deadline anyway
(libfaketime issue #426). A sleep with a relative timeout is not shifted."""

import select
import time


def _sleep(seconds):
    if seconds < 0:
        raise ValueError("sleep length must be non-negative")
    # select() restarts after a signal with the time that is left (PEP 475).
    select.select([], [], [], seconds)


time.sleep = _sleep
