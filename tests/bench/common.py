"""Helpers of the benchmarks: an Odoo server with workers on a copy of the test
template, and an XML-RPC client. Not collected by pytest (files are bench_*.py)."""

import contextlib
import logging
import multiprocessing
import os
import socket
import subprocess
import sys
import threading
import time
import urllib.request
import xmlrpc.client
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
LOCAL = Path(os.environ.get("EINVOICE_LOCAL", REPO / ".local"))


def registry(db):
    """Odoo's registry of `db`, Odoo configured from .local/odoo.conf once."""
    import odoo
    from odoo.tools import config

    if not getattr(registry, "configured", False):
        config.parse_config(["-c", str(LOCAL / "odoo.conf"), "--log-level=warn"])
        registry.configured = True
    return odoo.modules.registry.Registry(db)


def stock_db(name, install=()):
    """A fresh copy of stock Odoo (the same modules and demo data, without our
    addons), with the anchor's modules in `install`."""
    command = [sys.executable, str(REPO / "setup" / "odoo_env.py"), "stock-db",
               "--name", name]  # fmt: skip
    if install:
        command += ["--install", *install]
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL)


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def odoo_server(db, workers=4):
    port = free_port()
    log = LOCAL / "logs" / f"{db}-server.log"
    # odoo-bin, not `python -m odoo`: with workers, Odoo starts its websocket process
    # by re-running its own command line, which only works from a script.
    import odoo

    odoo_bin = Path(odoo.__file__).resolve().parent.parent / "odoo-bin"
    launcher = [str(odoo_bin)] if odoo_bin.is_file() else ["-m", "odoo"]
    cmd = [
        sys.executable, *launcher, "-c", str(LOCAL / "odoo.conf"), "-d", db,
        f"--db-filter=^{db}$", f"--http-port={port}", f"--workers={workers}",
        "--max-cron-threads=0", "--limit-time-real=1200", "--limit-time-cpu=1200",
        "--limit-memory-soft=4294967296", "--limit-memory-hard=6442450944",
        f"--logfile={log}", "--log-level=warn",
    ]  # fmt: skip
    server = subprocess.Popen(cmd)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                with urllib.request.urlopen(f"{url}/web/login", timeout=10) as response:
                    if response.status == 200:
                        break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise RuntimeError(f"Odoo did not start (see {log})") from None
                time.sleep(0.5)
        yield url
    finally:
        server.terminate()
        server.wait(timeout=60)


class Rpc:
    def __init__(self, url, db, login="admin", password="admin"):
        self.url, self.db, self.password = url, db, password
        common = xmlrpc.client.ServerProxy(f"{url}/xmlrpc/2/common", allow_none=True)
        self.uid = common.authenticate(db, login, password, {})
        self.proxy = xmlrpc.client.ServerProxy(
            f"{url}/xmlrpc/2/object", allow_none=True
        )

    def __call__(self, model, method, *args, **kwargs):
        return self.proxy.execute_kw(
            self.db, self.uid, self.password, model, method, list(args), kwargs
        )

    def clone(self):
        """A client with its own connection, for one thread."""
        return Rpc(self.url, self.db, password=self.password)


def _status_mib(field):
    """A memory figure of this process from /proc/self/status (VmRSS, VmHWM), in
    MiB."""
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith(f"{field}:"):
                return int(line.split()[1]) / 1024
    return 0.0


def rss_mib():
    """This process's resident memory, in MiB."""
    return _status_mib("VmRSS")


class PeakMemory:
    """The highest resident memory of this process while the block runs (`peak`,
    and `start`, the memory before it). The kernel's high-water mark is reset when
    the block starts, so `peak` is exact; where it cannot be reset, the memory is
    sampled every 50 ms."""

    def __enter__(self):
        self.start = self.peak = rss_mib()
        try:
            with open("/proc/self/clear_refs", "w", encoding="ascii") as refs:
                refs.write("5")  # resets VmHWM to the current VmRSS
            self._watermark = True
        except OSError:
            self._watermark = False
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._watch, daemon=True)
        self._thread.start()
        return self

    def _watch(self):
        while not self._stop.wait(0.05):
            self.peak = max(self.peak, rss_mib())

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, rss_mib())
        if self._watermark:
            self.peak = max(self.peak, _status_mib("VmHWM"))


class CountingInbox:
    """An SMTP handler that counts the messages it accepts, in a counter shared
    with the benchmark's child processes (multiprocessing.Value)."""

    def __init__(self, counter):
        self.counter = counter

    async def handle_DATA(self, server, session, envelope):
        with self.counter.get_lock():
            self.counter.value += 1
        return "250 OK"


def loopback_mail_server(env, port):
    """Odoo's mail queue pointed at the SMTP server on `port` only."""
    env["ir.mail_server"].search([]).active = False
    env["ir.mail_server"].create(
        {
            "name": "loopback",
            "smtp_host": "127.0.0.1",
            "smtp_port": port,
            "smtp_encryption": "none",
        }
    )


def own_sales_journal(env, company, code):
    """A sales journal of the benchmark's own in `company` (a copy of its first one,
    found again by `code` when an earlier run committed it). A legal series keeps
    its invoice dates in number order, and the demo invoices are dated from the day
    the database was made: the benchmark's invoices, at the dates it gives them,
    post in a series of their own. Stock Odoo gets the same journal, numbered its
    own way."""
    journals = env["account.journal"]
    own = journals.search([("company_id", "=", company.id), ("code", "=", code)])
    if own:
        return own
    first = journals.search(
        [("company_id", "=", company.id), ("type", "=", "sale")], limit=1
    )
    return first.copy({"name": f"Benchmark {code}", "code": code})


def drain_queue(env):
    """Send what the mail queue holds, as its cron does; the number of e-mails."""
    mails = env["mail.mail"].search([("state", "=", "outgoing")])
    mails.send(auto_commit=False)
    return len(mails)


def in_process(target, *args):
    """`target(*args, results)` in a child process of its own (its memory measured
    apart from the other side's); what it put in `results`."""
    context = multiprocessing.get_context("fork")
    results = context.Queue()
    process = context.Process(target=target, args=(*args, results))
    process.start()
    result = results.get()
    process.join()
    return result


def quiet_logs():
    """Keep the mail queue's lines and the distribution wkhtmltopdf's warnings out of
    the benchmark's output."""
    logging.getLogger("odoo.addons.base.models.ir_actions_report").setLevel(
        logging.ERROR
    )
    logging.getLogger("mail.log").setLevel(logging.WARNING)
