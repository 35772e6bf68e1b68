"""Project-wide pytest hooks: a test that needs a part of the machine (Chromium, the
DevTools websocket client) fails when that part is missing instead of being skipped, so
a green run always means every test ran."""

import logging

import pytest


class _ExpectedImportOfTestFramework(logging.Filter):
    """pytest-odoo imports odoo.tests before test mode is on (test mode set globally
    would run every module's tests while the registry loads); Odoo logs that import as
    an error with a stack trace. It is expected here, so it is not shown."""

    def filter(self, record):
        return not str(record.msg).startswith("Importing test framework")


logging.getLogger("odoo.tests.common").addFilter(_ExpectedImportOfTestFramework())

MISSING_PARTS = (
    "Chrome executable not found",
    "websocket-client module is not installed",
    # Odoo's browser tests skip when the browser cannot be started or does not answer.
    "Failed to detect chrome devtools port",
)


def _browser_not_started(reason):
    """Odoo's "<browser path> not found", raised on any OSError while starting it."""
    return reason.endswith(" not found") and "chrom" in reason.rsplit("/", 1)[-1]


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if report.skipped and isinstance(report.longrepr, tuple):
        reason = str(report.longrepr[2])
        if any(part in reason for part in MISSING_PARTS) or _browser_not_started(
            reason
        ):
            report.outcome = "failed"
            report.longrepr = (
                f"{item.nodeid}: {reason} (run ./setup/test, which installs it)"
            )
