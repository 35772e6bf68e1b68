"""Odoo's own tests of invoice numbering, onchanges, UBL/CII export and Peppol, run on a
database with our addons installed, their outcome compared with the checked-in list of
deliberate differences (expected_differences.txt next to this file).

test_odoo_own_tests.py runs them: the run starts in the background as soon as pytest
has collected that test, beside the rest of the suite, and the test waits for it. By
hand (from the repository, with the venv's Python):

    .venv/bin/python tests/odoo_suite/odoo_own_tests.py           # with our addons
    .venv/bin/python tests/odoo_suite/odoo_own_tests.py --stock   # stock Odoo

Each run uses a fresh copy of a cached database (setup/odoo_env.py odoo-suite-db).
"""

import argparse
import contextlib
import dataclasses
import os
import re
import signal
import socket
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
LOCAL = Path(os.environ.get("EINVOICE_LOCAL", REPO / ".local"))
EXPECTED = Path(__file__).with_name("expected_differences.txt")
# The tests: Odoo's invoice numbering and invoice onchanges (two classes of `account`),
# and every test of its UBL/CII export and Peppol modules. All are post_install tests:
# they run on a database where the modules are installed, without -i or -u.
TEST_TAGS = (
    "/account:TestSequenceMixin",
    "/account:TestAccountMoveOutInvoiceOnchanges",
    "/account_edi_ubl_cii",
    "/l10n_account_edi_ubl_cii_tests",
    "/account_peppol",
)
KINDS = ("FAIL", "ERROR")

_RECORD = re.compile(
    r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d+ \d+ (?P<level>[A-Z]+) \S+ (?P<logger>\S+): "
    r"(?P<message>.*)$"
)
_TEST_LOGGER = re.compile(r"^odoo\.addons\.(?P<module>\w+)\.tests\b")
_TEST = re.compile(r"^(?:Subtest )?(?P<cls>\w+)\.(?P<method>\w+)")
_SUMMARY = re.compile(r"(\d+) failed, (\d+) error\(s\) of (\d+) tests")


def default_db():
    return os.environ.get("EINVOICE_TEST_DB", "einvoice_test") + "_odoo"


def logfile_for(db):
    return LOCAL / "logs" / f"{db}.tests.log"


# -- running ---------------------------------------------------------------------------


def run_command(db, stock=False):
    """The command that prepares a fresh copy of the database and runs the tests in it
    (this file's `run` sub-command)."""
    command = [sys.executable, __file__, "run", "--db", db]
    return [*command, "--stock"] if stock else command


def start(db, stock=False):
    """Start the run in the background (its own process group); its output goes to
    `<logfile>.out`, Odoo's log to `logfile_for(db)`."""
    logfile = logfile_for(db)
    logfile.parent.mkdir(parents=True, exist_ok=True)
    logfile.unlink(missing_ok=True)  # never judge an earlier run's log
    out = logfile.with_suffix(".out")
    with out.open("wb") as handle:
        return subprocess.Popen(
            run_command(db, stock),
            stdout=handle,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )


def stop(process):
    """End a run started by `start` and what it started (Odoo), if still running."""
    if process.poll() is None:
        with contextlib.suppress(ProcessLookupError):  # it ended meanwhile
            os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=60)


def _free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def run(db, stock=False):
    """Copy the cached database to `db`, run the tests in it; Odoo's exit code.

    Odoo starts its HTTP server whenever it runs tests, --no-http or not: here on a
    free port, not the configured one, where it would take requests meant for the
    server of that configuration (the demo's, or a PDF's request for its styles) and
    hold them until its tests end."""
    logfile = logfile_for(db)
    logfile.unlink(missing_ok=True)  # Odoo appends; judge this run only
    setup = [sys.executable, str(REPO / "setup" / "odoo_env.py")]
    conf = subprocess.run(
        [*setup, "config"], check=True, capture_output=True, text=True
    ).stdout.strip()
    subprocess.run(
        [*setup, "odoo-suite-db", "--name", db, *(["--stock"] if stock else [])],
        check=True,
        stdout=subprocess.DEVNULL,
    )
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "odoo",
            "-c",
            conf,
            "-d",
            db,
            "--no-http",
            f"--http-port={_free_port()}",
            "--stop-after-init",
            "--test-enable",
            "--test-tags",
            ",".join(TEST_TAGS),
            "--log-level=info",
            f"--logfile={logfile}",
        ],
        check=False,
    )
    return result.returncode


# -- reading the outcome ---------------------------------------------------------------


@dataclasses.dataclass
class Failure:
    test: str  # module:Class.method
    kind: str  # FAIL or ERROR
    text: str  # what Odoo logged: the description and the traceback

    def short(self, lines=12):
        body = [line for line in self.text.splitlines()[1:] if line.strip()]
        return "\n".join(f"      {line}" for line in body[-lines:])


@dataclasses.dataclass
class Outcome:
    ran: set
    failures: dict  # test id -> Failure (the texts of several records joined)
    records: int  # failure records logged (a test with subtests may log several)
    summary: tuple | None  # (failed, errors, tests) as Odoo counted them
    other_errors: list  # ERROR/CRITICAL records that are no test's failure

    @property
    def tests(self):
        return self.summary[2] if self.summary else len(self.ran)

    def counts(self):
        failed = sum(f.kind == "FAIL" for f in self.failures.values())
        errors = len(self.failures) - failed
        return self.tests - len(self.failures), failed, errors

    def line(self):
        passed, failed, errors = self.counts()
        return (
            f"{self.tests} tests: {passed} passed, {failed} failed, {errors} error(s)"
        )


def _records(text):
    record = None
    for line in text.splitlines():
        match = _RECORD.match(line)
        if match:
            if record:
                yield record
            record = [match, [line]]
        elif record:
            record[1].append(line)
    if record:
        yield record


def parse_log(text):
    ran, failures, others = set(), {}, []
    records, summary = 0, None
    for match, lines in _records(text):
        message, logger = match["message"], match["logger"]
        module = _TEST_LOGGER.match(logger)
        if module and message.startswith("Starting "):
            test = _TEST.match(message[len("Starting ") :])
            if test:
                ran.add(f"{module['module']}:{test['cls']}.{test['method']}")
            continue
        if logger == "odoo.tests.result" and _SUMMARY.search(message):
            summary = tuple(int(n) for n in _SUMMARY.search(message).groups())
            continue
        if match["level"] not in ("ERROR", "CRITICAL"):
            continue
        kind, _sep, description = message.partition(": ")
        if module and kind in KINDS:
            records += 1
            test = _TEST.match(description)
            name = f"{test['cls']}.{test['method']}" if test else description
            test_id = f"{module['module']}:{name}"
            if test_id in failures:
                failures[test_id].text += "\n" + "\n".join(lines)
            else:
                failures[test_id] = Failure(test_id, kind, "\n".join(lines))
            continue
        others.append("\n".join(lines))
    return Outcome(ran, failures, records, summary, others)


# -- the list of expected differences --------------------------------------------------


@dataclasses.dataclass(frozen=True)
class Expected:
    test: str
    kind: str
    shows: str  # a piece of text the failure shows
    reason: str  # the rule of ours the difference follows


def read_expected(path=EXPECTED):
    """The listed differences by test id: lines `test | kind | shows | reason`, `#`
    starts a comment. A malformed line is an error naming its line number."""
    expected = {}
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        fields = [part.strip() for part in line.split(" | ")]
        if len(fields) != 4 or not all(fields) or fields[1] not in KINDS:
            raise ValueError(
                f"{path.name} line {number}: expected 'module:Class.method | FAIL or "
                f"ERROR | text the failure shows | reason', got: {raw!r}"
            )
        if fields[0] in expected:
            raise ValueError(f"{path.name} line {number}: {fields[0]} listed twice")
        expected[fields[0]] = Expected(*fields)
    return expected


def compare(outcome, expected):
    """What is wrong with a run, as paragraphs to print (empty: as expected)."""
    problems = []
    if outcome.summary is None or not outcome.ran:
        problems.append("Odoo did not report a test run (see the log).")
    elif outcome.records != outcome.summary[0] + outcome.summary[1]:
        problems.append(
            f"Odoo counted {outcome.summary[0]} failed and {outcome.summary[1]} "
            f"error(s), the log shows {outcome.records} failure record(s)."
        )
    unexpected = [f for t, f in sorted(outcome.failures.items()) if t not in expected]
    if unexpected:
        problems.append(
            "Failures of Odoo's own tests with our addons installed that are not "
            "deliberate (not in tests/odoo_suite/expected_differences.txt): fix them, "
            "or list them with the legal rule they follow:\n"
            + "\n".join(f"  {f.test}  {f.kind}\n{f.short()}" for f in unexpected)
        )
    otherwise = [
        (e, outcome.failures[t])
        for t, e in sorted(expected.items())
        if t in outcome.failures
        and (
            outcome.failures[t].kind != e.kind
            or e.shows not in outcome.failures[t].text
        )
    ]
    if otherwise:
        problems.append(
            "Listed differences that fail otherwise than listed (kind, or the text "
            "they should show):\n"
            + "\n".join(
                f"  {e.test}  listed {e.kind} showing {e.shows!r}, got {f.kind}\n"
                f"{f.short()}"
                for e, f in otherwise
            )
        )
    passing = [
        t for t in sorted(expected) if t in outcome.ran and t not in outcome.failures
    ]
    if passing:
        problems.append(
            "Listed differences that now pass: remove them from "
            "tests/odoo_suite/expected_differences.txt:\n"
            + "\n".join(f"  {t}" for t in passing)
        )
    missing = [t for t in sorted(expected) if t not in outcome.ran]
    if missing and outcome.ran:
        problems.append(
            "Listed tests that did not run (renamed or removed in Odoo?):\n"
            + "\n".join(f"  {t}" for t in missing)
        )
    if outcome.other_errors:
        problems.append(
            "Errors logged outside a test's failure:\n"
            + "\n".join(f"  {e.splitlines()[0]}" for e in outcome.other_errors[:20])
        )
    return problems


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("command", nargs="?", choices=["run", "check"], default="check")
    parser.add_argument("--db", default=default_db())
    parser.add_argument("--stock", action="store_true", help="stock Odoo, no addons")
    args = parser.parse_args(argv)
    rc = run(args.db, stock=args.stock)
    if args.command == "run":
        return rc
    outcome = parse_log(logfile_for(args.db).read_text(errors="replace"))
    label = "stock Odoo" if args.stock else "with our addons"
    print(f"Odoo's own tests, {label}: {outcome.line()} (log: {logfile_for(args.db)})")
    for test, failure in sorted(outcome.failures.items()):
        print(f"  {failure.kind:5} {test}")
    if args.stock:
        return 1 if outcome.failures or outcome.summary is None else 0
    problems = compare(outcome, read_expected())
    print("\n\n".join(problems) or "As expected: every failure is a listed difference.")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
