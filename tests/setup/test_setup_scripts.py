"""The setup as a new user meets it: what it says when Odoo is missing, the rules cache,
and the private PostgreSQL cluster it starts when no server answers."""

import importlib.util
import os
import socket
import subprocess
import tempfile
from pathlib import Path

import pytest

from conftest import REPO, SHARED

COMMON = REPO / "setup" / "common.sh"


def bash(script, timeout=120, **env):
    full_env = {k: v for k, v in os.environ.items() if k != "ODOO_SRC"}
    full_env.update(env)
    return subprocess.run(
        ["bash", "-c", f"source {COMMON}; {script}"],
        capture_output=True,
        text=True,
        timeout=timeout,
        env=full_env,
        check=False,
    )


def test_without_odoo_the_setup_says_exactly_what_to_provide():
    result = bash(
        "find_odoo_src", EINVOICE_ODOO_SEARCH="/nonexistent", EINVOICE_OFFLINE="1"
    )
    assert result.returncode == 2
    assert "Odoo 18.0 Community source not found" in result.stderr
    assert "export ODOO_SRC=" in result.stderr
    assert "/opt/odoo" in result.stderr


def test_a_wrong_odoo_src_is_named(tmp_path):
    result = bash("find_odoo_src", ODOO_SRC=str(tmp_path))
    assert result.returncode == 2
    assert f"ODOO_SRC={tmp_path} is not an Odoo 18.0 source tree" in result.stderr


def test_ci_fails_with_that_message_when_odoo_cannot_be_found():
    env = {k: v for k, v in os.environ.items() if k != "ODOO_SRC"}
    env.update(EINVOICE_ODOO_SEARCH="/nonexistent", EINVOICE_OFFLINE="1", CI="true")
    result = subprocess.run(
        ["bash", str(REPO / ".ci" / "run")],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
        check=False,
    )
    assert result.returncode != 0
    assert "Odoo 18.0 Community source not found" in result.stderr


def test_the_odoo_source_is_found_where_the_readme_says():
    result = bash('find_odoo_src; echo "$ODOO_SRC"', EINVOICE_OFFLINE="1")
    assert result.returncode == 0, result.stderr
    assert (Path(result.stdout.strip()) / "odoo" / "release.py").is_file()


@pytest.mark.skipif(
    not (SHARED / "validation").is_dir(), reason="needs ../shared/validation"
)
def test_rules_cache_is_filled_and_checked_against_the_lock(tmp_path):
    import rules_module as rules

    assert rules.ensure(tmp_path, offline=True) == []
    entries = rules.read_lock()
    assert len(entries) >= 20
    for rel, sha, _url in entries:
        assert rules.sha256(tmp_path / rel) == sha
    # A damaged file is replaced by a good copy; nothing else changes.
    damaged = tmp_path / entries[0][0]
    damaged.write_bytes(b"<broken/>")
    assert rules.ensure(tmp_path, offline=True) == []
    assert rules.sha256(damaged) == entries[0][1]


def test_a_rule_file_that_matches_no_checksum_is_refused(tmp_path, monkeypatch):
    import rules_module as rules

    lock = tmp_path / "rules.lock"
    lock.write_text("xsd/x.xsd " + "0" * 64 + " https://example.invalid/x.xsd\n")
    monkeypatch.setattr(rules, "LOCK", lock)
    monkeypatch.setattr(rules, "SHARED", tmp_path / "none")
    missing = rules.ensure(tmp_path / "cache", offline=True)
    assert missing == [
        ("xsd/x.xsd", "not in ../shared/validation and downloads are off")
    ]
    assert not (tmp_path / "cache" / "xsd" / "x.xsd").exists()


def _free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_a_private_postgresql_cluster_is_started_and_stopped_when_none_answers():
    # A folder the unprivileged cluster owner can reach (pytest's tmp_path is private).
    local = Path(tempfile.mkdtemp(prefix="einvoice-pg-"))
    local.chmod(0o755)
    port = str(_free_port())
    try:
        result = bash(
            'ensure_postgres; [ -n "$PG_STARTED_HERE" ] && echo started;'
            ' "$VENV/bin/python" -c "import psycopg2;'
            " c = psycopg2.connect(dbname='postgres', host='127.0.0.1', port=$PGPORT);"
            " print('user', c.cursor().connection.get_dsn_parameters()['user'])\";"
            " stop_postgres",
            timeout=180,
            EINVOICE_LOCAL=str(local),
            PGPORT=port,
            PGHOST="127.0.0.1",
        )
        assert result.returncode == 0, result.stderr
        assert "started" in result.stdout
        assert "user " in result.stdout
        assert (local / "pgdata" / "PG_VERSION").is_file()
        # Stopped on the way out: nothing answers on that port any more.
        with socket.socket() as sock:
            assert sock.connect_ex(("127.0.0.1", int(port))) != 0
    finally:
        subprocess.run(["rm", "-rf", str(local)], check=False)


def test_at_another_date_the_database_python_and_the_browser_read_one_running_clock():
    # ./setup/test --date: the cluster of that date, and the processes started with
    # FAKE_ENV, agree on the day; the clock runs, a timed wait and a sleep last their
    # time, and two threads share the interpreter as they do on a real clock.
    local = Path(tempfile.mkdtemp(prefix="einvoice-at-"))
    local.chmod(0o755)
    probe = (
        "import datetime, os, re, threading, time, psycopg2\n"
        "c = psycopg2.connect(dbname='postgres', host='127.0.0.1',"
        " port=os.environ['PGPORT'])\n"
        "cr = c.cursor()\n"
        "cr.execute(\"SELECT CURRENT_DATE, now() AT TIME ZONE 'UTC'\")\n"
        "db_day, db_now = cr.fetchone()\n"
        "py_now = datetime.datetime.utcnow()\n"
        "started = time.monotonic()\n"
        "threading.Event().wait(0.3)\n"
        "time.sleep(0.2)\n"
        "print('db', db_day, 'python', datetime.date.today())\n"
        "print('apart', abs((py_now - db_now).total_seconds()) < 60)\n"
        "print('waited', round(time.monotonic() - started, 1))\n"
        "print('ticks', datetime.datetime.utcnow() > py_now)\n"
        "def work(n):\n"
        "    for _ in range(n): re.sub(r'\\w+', lambda m: 'x', 'ab ' * 3000)\n"
        "started = time.monotonic(); work(100); alone = time.monotonic() - started\n"
        "threads = [threading.Thread(target=work, args=(50,)) for _ in range(2)]\n"
        "started = time.monotonic()\n"
        "[t.start() for t in threads]; [t.join() for t in threads]\n"
        "print('threads', time.monotonic() - started < 5 * alone + 1)\n"
    )
    page = "data:text/html,<script>document.write(new Date().toISOString())</script>"
    try:
        result = bash(
            'use_date "2028-02-29 10:00:00"; ensure_postgres;'
            ' env "${FAKE_ENV[@]}" "$VENV/bin/python" -c "$PROBE";'
            " for b in google-chrome chromium chromium-browser; do"
            ' browser=$(command -v "$b") && break; done;'
            # As Odoo starts it: without the address-space limit of an Odoo process.
            " ulimit -S -v unlimited;"
            ' env "${FAKE_ENV[@]}" timeout 60 "$browser" --headless --no-sandbox'
            ' --disable-gpu --dump-dom "$PAGE" 2>/dev/null; stop_postgres',
            timeout=240,
            EINVOICE_LOCAL=str(local),
            PROBE=probe,
            PAGE=page,
        )
        assert result.returncode == 0, result.stderr
        out = result.stdout
        assert "db 2028-02-29 python 2028-02-29" in out, out
        assert "apart True" in out and "ticks True" in out, out
        assert "waited 0.5" in out, out
        assert "threads True" in out, out
        assert "<body>2028-02-29T" in out, out
        assert (local / "at-2028-02-29" / "pgdata" / "PG_VERSION").is_file()
    finally:
        subprocess.run(["rm", "-rf", str(local)], check=False)


def test_a_database_copied_for_one_test_run_is_left_alone_by_autovacuum():
    spec = importlib.util.spec_from_file_location(
        "odoo_env_module", REPO / "setup" / "odoo_env.py"
    )
    odoo_env = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(odoo_env)
    name = f"{os.environ.get('EINVOICE_TEST_DB', 'einvoice_test')}_autovacuum"
    odoo_env.db_drop(name)
    conn = odoo_env._connect()
    try:
        conn.cursor().execute(f'CREATE DATABASE "{name}"')
    finally:
        conn.close()
    try:
        conn = odoo_env._connect(name)
        try:
            conn.cursor().execute("CREATE TABLE account_move (id serial PRIMARY KEY)")
        finally:
            conn.close()
        odoo_env._without_autovacuum(name)
        conn = odoo_env._connect(name)
        try:
            cr = conn.cursor()
            cr.execute("SELECT reloptions FROM pg_class WHERE relname = 'account_move'")
            assert cr.fetchone()[0] == ["autovacuum_enabled=off"]
        finally:
            conn.close()
    finally:
        odoo_env.db_drop(name)
