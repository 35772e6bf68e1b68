"""How a run of Odoo's own tests is read and judged against the list of expected
differences: on a log written as Odoo 18 writes it."""

import pytest

from . import odoo_own_tests

A = "odoo.addons.account.tests.test_a"
B = "odoo.addons.account_peppol.tests.test_b"


def record(level, logger, message, stamp="2026-12-07 15:51:29,137"):
    """A log line as Odoo writes it (tests that freeze the clock log their date)."""
    return f"{stamp} 10997 {level} db {logger}: {message}"


FROZEN = "2023-01-01 00:00:00,000"
LOG = "\n".join(
    [
        record("INFO", "odoo.service.server", "Starting post tests"),
        record("INFO", A, "Starting TestA.test_one ..."),
        record("INFO", A, "Starting TestA.test_two ..."),
        record("INFO", A, "=" * 70),
        record("ERROR", A, "FAIL: TestA.test_two"),
        "Traceback (most recent call last):",
        '  File "test_a.py", line 3, in test_two',
        "    self.assertEqual(invoice.name, 'INV/2019/00001')",
        "AssertionError: 'FA-1900001' != 'INV/2019/00001'",
        record("INFO", B, "Starting TestB.test_three ...", FROZEN),
        record("ERROR", B, "ERROR: Subtest TestB.test_three (case=1)", FROZEN),
        "Traceback (most recent call last):",
        "odoo.exceptions.UserError: Fix the master data before posting",
        record("ERROR", B, "ERROR: Subtest TestB.test_three (case=2)", FROZEN),
        "Traceback (most recent call last):",
        "odoo.exceptions.UserError: Fix the master data before posting",
        record("INFO", B, "Starting TestB.test_four ..."),
        record(
            "ERROR",
            "odoo.tests.result",
            "1 failed, 2 error(s) of 4 tests when loading database 'db'",
        ),
        "",
    ]
)


def expected(*lines):
    return {
        line.split(" | ")[0]: odoo_own_tests.Expected(*line.split(" | "))
        for line in lines
    }


NUMBERING = (
    "account:TestA.test_two | FAIL | 'FA-1900001' | Legal numbering: our series "
    "names the invoice by its invoice date"
)
MASTER_DATA = (
    "account_peppol:TestB.test_three | ERROR | Fix the master data | Master data "
    "gate: a Belgian company posts only with valid master data"
)


def test_a_log_is_read_test_by_test():
    outcome = odoo_own_tests.parse_log(LOG)
    assert outcome.ran == {
        "account:TestA.test_one",
        "account:TestA.test_two",
        "account_peppol:TestB.test_three",
        "account_peppol:TestB.test_four",
    }
    assert sorted(outcome.failures) == [
        "account:TestA.test_two",
        "account_peppol:TestB.test_three",
    ]
    assert outcome.failures["account:TestA.test_two"].kind == "FAIL"
    # Two failing subtests are one test, both texts kept.
    assert outcome.failures["account_peppol:TestB.test_three"].text.count("case=") == 2
    assert (outcome.records, outcome.summary) == (3, (1, 2, 4))
    assert outcome.line() == "4 tests: 2 passed, 1 failed, 1 error(s)"
    assert outcome.other_errors == []


def test_listed_differences_failing_as_listed_pass():
    outcome = odoo_own_tests.parse_log(LOG)
    assert odoo_own_tests.compare(outcome, expected(NUMBERING, MASTER_DATA)) == []


def test_an_unlisted_failure_is_named_with_its_traceback():
    outcome = odoo_own_tests.parse_log(LOG)
    [problem] = odoo_own_tests.compare(outcome, expected(MASTER_DATA))
    assert "not deliberate" in problem
    assert "account:TestA.test_two  FAIL" in problem
    assert "AssertionError: 'FA-1900001' != 'INV/2019/00001'" in problem


def test_a_listed_test_that_passes_or_fails_otherwise_is_reported():
    outcome = odoo_own_tests.parse_log(LOG)
    now_passing = "account:TestA.test_one | FAIL | x | a reason"
    problems = odoo_own_tests.compare(
        outcome,
        expected(
            NUMBERING.replace("'FA-1900001'", "'CN-1900001'"), MASTER_DATA, now_passing
        ),
    )
    assert len(problems) == 2
    assert "otherwise than listed" in problems[0]
    assert "account:TestA.test_two" in problems[0]
    assert "now pass" in problems[1] and "account:TestA.test_one" in problems[1]


def test_a_listed_test_that_did_not_run_and_a_missing_summary_are_reported():
    outcome = odoo_own_tests.parse_log(LOG)
    gone = "account:TestA.test_renamed | FAIL | x | a reason"
    [problem] = odoo_own_tests.compare(outcome, expected(NUMBERING, MASTER_DATA, gone))
    assert "did not run" in problem and "test_renamed" in problem
    cut = odoo_own_tests.parse_log(LOG.rsplit("\n", 2)[0])
    assert "did not report a test run" in odoo_own_tests.compare(cut, {})[0]


def test_errors_logged_outside_a_failure_are_reported():
    bad_query = record("ERROR", "odoo.sql_db", "bad query: SELECT 1")
    log = LOG.replace(
        "Starting TestB.test_four ...", f"Starting TestB.test_four ...\n{bad_query}"
    )
    outcome = odoo_own_tests.parse_log(log)
    problems = odoo_own_tests.compare(outcome, expected(NUMBERING, MASTER_DATA))
    assert problems == [f"Errors logged outside a test's failure:\n  {bad_query}"]


def test_a_malformed_line_of_the_list_is_named(tmp_path):
    path = tmp_path / "expected.txt"
    path.write_text("# comment\n\naccount:TestA.test_two | FAIL | no reason\n")
    with pytest.raises(ValueError, match="line 3"):
        odoo_own_tests.read_expected(path)
    path.write_text(f"{NUMBERING}\n{NUMBERING}\n")
    with pytest.raises(ValueError, match="listed twice"):
        odoo_own_tests.read_expected(path)
