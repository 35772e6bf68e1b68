"""Project-wide pytest hooks: a test that needs a part of the machine (Chromium, the
DevTools websocket client) fails when that part is missing instead of being skipped, so
a green run always means every test ran."""

import pytest

MISSING_PARTS = (
    "Chrome executable not found",
    "websocket-client module is not installed",
)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if report.skipped and isinstance(report.longrepr, tuple):
        reason = str(report.longrepr[2])
        if any(part in reason for part in MISSING_PARTS):
            report.outcome = "failed"
            report.longrepr = (
                f"{item.nodeid}: {reason} (run ./setup/test, which installs it)"
            )
