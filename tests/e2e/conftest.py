"""The big statement import on a server with workers (test_statement_import_workers.py)
mostly waits for that server: it starts in a thread as soon as pytest knows it will
run, so that it runs beside the rest of the suite; the test waits for it."""

import threading

import pytest

from . import test_statement_import_workers as workers

TEST = "test_a_big_file_finishes_in_steps_under_the_default_limits"
_run = {}


def _start():
    if "thread" in _run:
        return

    def run():
        try:
            _run["seen"] = workers.scenario()
        except BaseException as error:  # noqa: BLE001 - raised again by the test
            _run["error"] = error

    _run["thread"] = threading.Thread(target=run, daemon=True)
    _run["thread"].start()


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items):
    # Last but Odoo's own tests: the others run while it waits for its server.
    ours = [item for item in items if item.name == TEST]
    items[:] = [item for item in items if item not in ours] + ours


def pytest_collection_finish(session):
    if not session.config.option.collectonly and any(
        item.name == TEST for item in session.items
    ):
        _start()


@pytest.fixture
def statement_workers_run():
    def wait():
        _start()
        _run["thread"].join(timeout=1800)
        if "error" in _run:
            raise _run["error"]
        return _run["seen"]

    return wait
