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


@pytest.fixture(scope="session", autouse=True)
def _reports_fetch_their_styles_from_this_run(request):
    """wkhtmltopdf fetches a report's styles over HTTP from the database's report
    URL, by default web.base.url, that is the configured HTTP port; the Odoo server
    of a test run listens on a port pytest-odoo chooses. The test database (a copy
    made for this run) is pointed at that server, so that no other server on the
    configured port (the demo's, Odoo's own tests beside the suite) answers, or keeps
    a rendering waiting. The report styles are made here, and the server answers a
    first request, before a test renders from several threads: Python 3.11 can fail
    with a SystemError when two threads parse code at once, which the server's first
    request (every module's manifest read) and a first bundle did."""
    if not request.config.pluginmanager.hasplugin("odoo") or not (
        request.config.getoption("--odoo-http")
    ):
        return
    request.getfixturevalue("load_http")
    import requests

    from odoo import SUPERUSER_ID, api
    from odoo.modules.registry import Registry
    from odoo.tests.common import get_db_name
    from odoo.tools import config

    url = f"http://{config['http_interface'] or '127.0.0.1'}:{config['http_port']}"
    with Registry(get_db_name()).cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        env["ir.config_parameter"].set_param("report.url", url)
        qweb = env["ir.qweb"]
        js_bundles, css_bundles = qweb._get_bundles_to_pregenarate()
        for name in sorted(js_bundles):
            if name.startswith("web.report_assets"):
                qweb._get_asset_bundle(name, css=False, js=True).js()
        for name in sorted(css_bundles):
            if name.startswith("web.report_assets"):
                qweb._get_asset_bundle(name, css=True, js=False).css()
    requests.get(f"{url}/web/health", timeout=120).raise_for_status()
