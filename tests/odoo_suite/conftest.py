"""Start Odoo's own tests in the background as soon as pytest knows it will run
test_odoo_own_tests.py, so that they run beside the rest of the suite; that test runs
last and waits for them."""

import pytest

from . import odoo_own_tests

TEST_FILE = "test_odoo_own_tests.py"
WAITING_TEST = "test_odoos_own_tests_pass_but_for_the_listed_differences"
_runs = {}


def _ours(items):
    return [item for item in items if item.path.name == TEST_FILE]


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items):
    ours = _ours(items)
    items[:] = [item for item in items if item not in ours] + ours


def pytest_collection_finish(session):
    waiting = [item for item in _ours(session.items) if item.name == WAITING_TEST]
    if waiting and not session.config.option.collectonly:
        db = odoo_own_tests.default_db()
        _runs[db] = odoo_own_tests.start(db)


def pytest_unconfigure():
    # A session that ends before the test (-x, Ctrl-C) stops the run it started.
    for process in _runs.values():
        odoo_own_tests.stop(process)


@pytest.fixture(scope="session")
def odoo_own_tests_run():
    """(database, process) of the background run; started here if it was not."""
    db = odoo_own_tests.default_db()
    if db not in _runs:
        _runs[db] = odoo_own_tests.start(db)
    return db, _runs[db]
