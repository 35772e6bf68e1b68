"""A big bank statement file, imported in the background by a server as it runs in
production: with workers and Odoo's default time limits (60 s of processor time,
120 s in all, for a request and for a go of the cron runner). The cron worker is
killed in the middle of the import, as a time limit or a restart would: the import
goes on where it stopped, every line once, and the sender is told.

The file has EINVOICE_BIG_STATEMENT movements (1,500 by default; the figure in the
README was measured with 10,000), a fifth of them debits and most credits paying an
open invoice by its structured reference."""

import base64
import json
import os
import re
import signal
import subprocess
import sys
import time
import xmlrpc.client
from decimal import Decimal
from pathlib import Path

import psycopg2

import odoo
from odoo import SUPERUSER_ID, Command, api, fields

REPO = Path(__file__).resolve().parents[2]
LOCAL = Path(os.environ.get("EINVOICE_LOCAL", REPO / ".local"))
MOVEMENTS = int(os.environ.get("EINVOICE_BIG_STATEMENT", "1500"))
IBAN = "BE46063000000136"  # the demo company's bank account
CRON = "l10n_be_nl_einvoice.ir_cron_einvoice_statement_import"
# Odoo's defaults, written out: the server's configuration file sets others.
DEFAULT_LIMITS = [
    "--limit-time-cpu=60",
    "--limit-time-real=120",
    "--limit-time-real-cron=-1",
    "--limit-memory-soft=2147483648",
    "--limit-memory-hard=2684354560",
]


def _sql(query, params=(), dbname="postgres"):
    """Rows of `query`, on a connection of its own, outside a transaction."""
    cfg = odoo.tools.config
    connection = psycopg2.connect(
        dbname=dbname,
        host=cfg["db_host"] or None,
        port=cfg["db_port"] or None,
        user=cfg["db_user"] or None,
    )
    connection.autocommit = True
    try:
        with connection.cursor() as cr:
            cr.execute(query, params)
            return cr.fetchall() if cr.description else []
    finally:
        connection.close()


def _prepare(db, out):
    """Open invoices to pay, an accounting manager who sends the file, the import
    cron the only active scheduled action; writes to `out` the manager's login
    (also the password), the file, its amounts, the invoices and the company.
    Run in a process of its own: this one's Odoo is set up for the suite."""
    odoo.tools.config.parse_config(["-c", str(LOCAL / "odoo.conf"), "-d", db])
    registry = odoo.modules.registry.Registry(db)
    from odoo.addons.l10n_be_nl_einvoice.lib.coda_writer import Payment, write

    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        company = env["res.company"].search([("name", "=", "Atelier Lambrecht BV")])
        env = env(context={"allowed_company_ids": company.ids})
        journal = env["account.journal"].search(
            [("company_id", "=", company.id), ("type", "=", "sale")], limit=1
        )
        journal.invoice_reference_model = "be"
        customer = env["res.partner"].search([("name", "=", "Bakkerij Janssens BV")])
        today = fields.Date.context_today(env["account.move"])
        count = MOVEMENTS // 5
        invoices = env["account.move"].create(
            [
                {
                    "move_type": "out_invoice",
                    "partner_id": customer.id,
                    "journal_id": journal.id,
                    "invoice_date": today,
                    "invoice_line_ids": [
                        Command.create(
                            {
                                "name": f"Werk {i}",
                                "price_unit": 10 + i,
                                "tax_ids": [Command.clear()],
                            }
                        )
                    ],
                }
                for i in range(count)
            ]
        )
        invoices.action_post()
        manager = env["res.users"].create(
            {
                "name": "Boekhouder Werkers",
                "login": "boekhouder-werkers",
                "password": "boekhouder-werkers",
                "company_id": company.id,
                "company_ids": [Command.set(company.ids)],
                "groups_id": [
                    Command.set(
                        [
                            env.ref("base.group_user").id,
                            env.ref("account.group_account_manager").id,
                        ]
                    )
                ],
            }
        )
        cron = env.ref(CRON)
        env["ir.cron"].search([("id", "!=", cron.id)]).active = False
        payments, paying = [], iter(invoices)
        for i in range(MOVEMENTS):
            invoice = next(paying, None) if i % 5 else None
            if invoice is not None:
                ogm = "".join(c for c in invoice.payment_reference if c.isdigit())
                amount = Decimal(str(invoice.amount_residual))
                payments.append(Payment(amount, today, ogm=ogm, name="KLANT"))
            elif i % 5:
                payments.append(Payment(Decimal("12.50"), today, text=f"gift {i}"))
            else:
                payments.append(
                    Payment(Decimal(f"-{1 + i % 97}.25"), today, text="Huur")
                )
        data = write(IBAN, payments)
        cr.commit()
        Path(out).write_text(
            json.dumps(
                {
                    "login": manager.login,
                    "data": base64.b64encode(data).decode(),
                    "amounts": [str(p.amount) for p in payments],
                    "invoice_ids": invoices.ids,
                    "company_id": company.id,
                }
            )
        )


class Server:
    """odoo-bin with two HTTP workers, a cron worker and Odoo's default limits."""

    def __init__(self, db):
        self.db = db
        self.log = LOCAL / "logs" / f"{db}-server.log"
        self.log.parent.mkdir(parents=True, exist_ok=True)
        self.log.unlink(missing_ok=True)
        import socket

        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            self.port = sock.getsockname()[1]
        odoo_bin = Path(odoo.__file__).resolve().parent.parent / "odoo-bin"
        self.process = subprocess.Popen(
            [
                sys.executable,
                str(odoo_bin),
                "-c",
                str(LOCAL / "odoo.conf"),
                "-d",
                db,
                f"--db-filter=^{db}$",
                f"--http-port={self.port}",
                "--workers=2",
                "--max-cron-threads=1",
                *DEFAULT_LIMITS,
                f"--logfile={self.log}",
                "--log-level=info",
            ]
        )
        self.url = f"http://127.0.0.1:{self.port}"
        deadline = time.monotonic() + 120
        while True:
            try:
                xmlrpc.client.ServerProxy(f"{self.url}/xmlrpc/2/common").version()
                break
            except OSError:
                assert self.process.poll() is None, f"Odoo did not start: {self.log}"
                assert time.monotonic() < deadline, f"Odoo did not start: {self.log}"
                time.sleep(0.5)

    def stop(self):
        self.process.terminate()
        try:
            self.process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            self.process.kill()

    def kill_cron_worker(self):
        """SIGKILL the worker running the import: the one process of this server
        with a database connection busy on this database."""
        names = [
            row[0]
            for row in _sql(
                "SELECT DISTINCT application_name FROM pg_stat_activity "
                "WHERE datname = %s AND state <> 'idle' AND pid <> pg_backend_pid()",
                [self.db],
            )
        ]
        pids = {int(name.split("-")[1]) for name in names if name.startswith("odoo-")}
        children = {
            int(path.name)
            for path in Path("/proc").iterdir()
            if path.name.isdigit() and _parent(path) == self.process.pid
        }
        busy = pids & children
        for pid in busy:
            os.kill(pid, signal.SIGKILL)
        return busy


def _parent(proc):
    try:
        return int((proc / "stat").read_text().rsplit(")", 1)[1].split()[1])
    except (OSError, IndexError, ValueError):
        return None


def scenario():
    """The whole run, on a copy of the test template: what the test checks. Run in
    a thread beside the rest of the suite (conftest.py): it mostly waits for the
    server."""
    database = f"{odoo.tools.config['db_name']}_workers"
    subprocess.run(
        [sys.executable, str(REPO / "setup" / "odoo_env.py"), "test-db"]
        + ["--name", database],
        check=True,
        stdout=subprocess.DEVNULL,
    )
    out = LOCAL / f"{database}-prepared.json"
    subprocess.run([sys.executable, __file__, database, str(out)], check=True)
    prepared = json.loads(out.read_text())
    login, company_id = prepared["login"], prepared["company_id"]
    server = Server(database)
    seen = {"prepared": prepared, "log": server.log}
    try:
        common = xmlrpc.client.ServerProxy(f"{server.url}/xmlrpc/2/common")
        uid = common.authenticate(database, login, login, {})
        rpc = xmlrpc.client.ServerProxy(
            f"{server.url}/xmlrpc/2/object", allow_none=True
        )

        def call(model, method, *args, **kwargs):
            kwargs["context"] = {"allowed_company_ids": [company_id]}
            return rpc.execute_kw(
                database, uid, login, model, method, list(args), kwargs
            )

        started = time.monotonic()
        queued = call(
            "einvoice.statement.import",
            "import_file",
            "big.cod",
            prepared["data"],
            background=True,
        )
        [job_id] = queued["job_ids"]
        killed, job = set(), {}
        deadline = started + max(600, MOVEMENTS * 0.2)
        while time.monotonic() < deadline:
            [job] = call(
                "einvoice.statement.import.job",
                "read",
                [job_id],
                ["state", "lines_done", "lines_total", "summary", "statement_ids"],
            )
            if job["state"] in ("done", "failed"):
                break
            # A step of as many lines as fit may take a quarter of the file or
            # more: the worker is killed while it imports the lines after the
            # first step's (committed) ones.
            if not killed and 0 < job["lines_done"] < MOVEMENTS:
                killed = server.kill_cron_worker()
            time.sleep(1)
        seen.update(job=job, killed=killed, took=time.monotonic() - started)
        seen["lines"] = call(
            "account.bank.statement.line",
            "search_read",
            [("statement_id", "in", job.get("statement_ids") or [])],
            ["amount"],
            order="id",
        )
        seen["invoices"] = call(
            "account.move", "read", prepared["invoice_ids"], ["payment_state"]
        )
        seen["statements"] = call(
            "account.bank.statement",
            "read",
            job.get("statement_ids") or [],
            ["is_complete"],
        )
        [me] = call("res.users", "read", [uid], ["partner_id"])
        seen["partner_id"] = me["partner_id"][0]
        seen["told"] = call(
            "mail.message",
            "search_read",
            [("model", "=", "einvoice.statement.import.job"), ("res_id", "=", job_id)],
            ["partner_ids"],
        )
    finally:
        server.stop()
        odoo.sql_db.close_db(database)
        _sql(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
    return seen


def test_a_big_file_finishes_in_steps_under_the_default_limits(statement_workers_run):
    seen = statement_workers_run()
    job, log = seen["job"], seen["log"]
    assert job.get("state") == "done", (job, log)
    assert seen["killed"], "the cron worker was not caught importing"
    assert (job["lines_done"], job["lines_total"]) == (MOVEMENTS, MOVEMENTS)
    # Every line once, in the file's order, though a step was cut off.
    assert [Decimal(str(line["amount"])) for line in seen["lines"]] == [
        Decimal(amount) for amount in seen["prepared"]["amounts"]
    ]
    assert {i["payment_state"] for i in seen["invoices"]} <= {"paid", "in_payment"}
    assert [s["is_complete"] for s in seen["statements"]] == [True]
    # The sender is told.
    assert any(seen["partner_id"] in m["partner_ids"] for m in seen["told"])
    # Each call of the import cron, as the cron runner logged it.
    text = log.read_text(errors="replace")
    calls = [
        float(seconds)
        for seconds in re.findall(
            r"Job 'E-invoicing: import queued bank statement files' \(\d+\) done in "
            r"([0-9.]+)s",
            text,
        )
    ]
    assert "timeout after" not in text and "CPU time limit" not in text, log
    print(
        f"\n{MOVEMENTS} movements in {seen['took']:.0f} s on a server with workers "
        f"and the default limits: {len(calls)} steps, the longest {max(calls):.1f} "
        f"s; the cron worker killed once (pid {', '.join(map(str, seen['killed']))})"
    )
    # A step starts only while more than half of the go's limits are left: one
    # shorter than that half never meets them, even on a loaded machine.
    assert max(calls) < 60


if __name__ == "__main__":
    _prepare(*sys.argv[1:3])
