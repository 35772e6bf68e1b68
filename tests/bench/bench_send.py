"""Sending 500 invoices through Odoo's Send, 300 to a customer on Peppol and 200 by
e-mail (PDF + UBL), until the Peppol access point and the SMTP server on loopback
have every document.

Anchor, in the same run: stock Odoo's Send & Print (`account.move.send`) in a
database of stock Odoo (the same modules and demo data, without our addons), on the
same invoices, through the same stand-in of Odoo's Peppol access point and the same
SMTP server. Stock's batch rendering needs wkhtmltopdf with patched Qt; on a
distribution build its batch call sends nothing, so the anchor is measured the way it
does work there: one invoice per call (its batch call is tried once on 2 invoices and
its outcome printed).

Measured: wall time from the request to the last document received (ours: the list's
Send, its background chunks through Odoo's sending cron, then the mail queue; stock:
its calls, then its mail queue), invoices per second, the ratio (target: at least 8),
the Send dialog of one invoice (opening it and sending), where our time goes (PDF,
UBL, the official rules, the mail queue), and the process's resident memory after
each chunk (flat: no growth with the batch).

    ./setup/bench send [--count 500] [--peppol 300]
"""

import argparse
import base64
import os
import sys
import time
from collections import defaultdict
from contextlib import ExitStack, contextmanager
from datetime import date
from unittest.mock import patch

from common import (
    drain_queue,
    free_port,
    loopback_mail_server,
    own_sales_journal,
    quiet_logs,
    registry,
    rss_mib,
    stock_db,
)

try:
    from aiosmtpd.controller import Controller
except ImportError:
    sys.exit("aiosmtpd is missing: ./setup/test installs the requirements")

ID_CLIENT = "einvoice-bench-client"
REFRESH_TOKEN = base64.b64encode(os.urandom(32)).decode()
PEPPOL_ID = ("0208", "0555444368")


class Inbox:
    def __init__(self):
        self.count = 0

    async def handle_DATA(self, server, session, envelope):
        self.count += 1
        return "250 OK"


@contextmanager
def peppol_on_loopback(env, access_point):
    """The company registered on Peppol (as Odoo's registration leaves it), its
    proxy user talking to the stand-in, the customer's Peppol look-up answered
    here: nothing reaches the internet."""
    env["ir.config_parameter"].set_param("account_peppol.edi.mode", "test")
    company = env.company
    company.account_peppol_proxy_state = "receiver"
    users = env["account_edi_proxy_client.user"]
    users.create(
        {
            "id_client": ID_CLIENT,
            "company_id": company.id,
            "proxy_type": "peppol",
            "edi_mode": "test",
            "edi_identification": users._get_proxy_identification(company, "peppol"),
            "private_key_id": env["certificate.key"]
            ._generate_rsa_private_key(company, name="peppol_bench.key")
            .id,
            "refresh_token": REFRESH_TOKEN,
        }
    )
    urls = {"peppol": {"prod": access_point.url, "test": access_point.url}}
    with ExitStack() as stack:
        stack.enter_context(
            patch.object(type(users), "_get_proxy_urls", lambda self: urls)
        )
        stack.enter_context(
            patch.object(
                type(env["res.partner"]),
                "_get_peppol_verification_state",
                lambda self, endpoint, eas, edi_format: (
                    "valid" if (eas, endpoint) == PEPPOL_ID else "not_valid"
                ),
            )
        )
        # Odoo's Peppol sending commits as it goes (as in production): the
        # benchmark's databases are fresh copies, thrown away after the run.
        yield


def prepare(env, count, peppol, port):
    """`count` posted invoices of the Belgian demo company: `peppol` of them to a
    customer on Peppol, the others to a customer by e-mail."""
    from odoo import Command

    company = env["res.company"].search([("name", "=", "Atelier Lambrecht BV")])
    env = env(context=dict(env.context, allowed_company_ids=company.ids))
    loopback_mail_server(env, port)
    on_peppol = env["res.partner"].search([("name", "=", "Bakkerij Janssens BV")])
    on_peppol.write(
        {
            "peppol_eas": PEPPOL_ID[0],
            "peppol_endpoint": PEPPOL_ID[1],
            "invoice_edi_format": "ubl_bis3",
            "email": "fin@bakkerij-janssens.be",
        }
    )
    on_peppol.with_company(company).invoice_sending_method = "peppol"
    by_email = on_peppol.copy(
        {
            "name": "Drukkerij Peeters BV",
            "email": "boekhouding@drukkerij-peeters.be",
            "peppol_eas": False,
            "peppol_endpoint": False,
        }
    )
    by_email.with_company(company).invoice_sending_method = "email"
    hour = env["product.product"].search([("name", "=", "Workshop hour")], limit=1)
    journal = own_sales_journal(env, company, "BSEND")
    moves = env["account.move"].create(
        [
            {
                "move_type": "out_invoice",
                "partner_id": (on_peppol if i < peppol else by_email).id,
                "journal_id": journal.id,
                "invoice_date": date(2026, 11, 10),
                "invoice_line_ids": [
                    Command.create({"product_id": hour.id, "quantity": 1 + i % 9})
                ],
            }
            for i in range(count)
        ]
    )
    moves.action_post()
    return moves


class Timings:
    """Where the time of our sending goes: each wrapped method's own wall time."""

    def __init__(self):
        self.seconds = defaultdict(float)

    def wrap(self, stack, cls, name, part):
        original = getattr(cls, name)
        timings = self

        def timed(*args, **kwargs):
            started = time.perf_counter()
            try:
                return original(*args, **kwargs)
            finally:
                timings.seconds[part] += time.perf_counter() - started

        stack.enter_context(patch.object(cls, name, timed))


def run_ours(env, moves, access_point):
    from odoo.addons.l10n_be_nl_einvoice.lib import ubl_validate
    from odoo.addons.l10n_be_nl_einvoice.models.einvoice_send_batch import CHUNK

    timings = Timings()
    with ExitStack() as stack:
        timings.wrap(stack, type(env["einvoice.document"]), "render_pdfs", "PDF")
        timings.wrap(
            stack, type(env["account.edi.xml.ubl_bis3"]), "_export_invoice", "UBL"
        )
        timings.wrap(stack, ubl_validate.ValidatorProcess, "validate_many", "rules")
        one = moves[-1]
        rest = moves - one
        memory = [rss_mib()]
        started = time.perf_counter()
        action = rest.action_send_and_print()
        wizard = env[action["res_model"]].with_context(**action["context"]).create({})
        wizard.action_send_and_print()
        waiting = [("id", "in", rest.ids), ("sending_data", "!=", False)]
        while env["account.move"].search_count(waiting):
            env["account.move"]._cron_account_move_send()
            # The cron runner commits after each call, which empties the cache.
            env.flush_all()
            env.invalidate_all()
            memory.append(rss_mib())
        queue_started = time.perf_counter()
        queued = drain_queue(env)
        timings.seconds["queue"] += time.perf_counter() - queue_started
        elapsed = time.perf_counter() - started
        # The Send dialog of one invoice, as a user opens it (every field the form
        # shows), then sends it.
        started = time.perf_counter()
        action = one.action_send_and_print()
        wizard = env[action["res_model"]].with_context(**action["context"]).create({})
        wizard.read([name for name, field in wizard._fields.items()
                     if field.type != "binary"])  # fmt: skip
        opened = time.perf_counter() - started
        wizard.action_send_and_print()
        dialog = time.perf_counter() - started
        drain_queue(env)
    ledger = env["einvoice.transmission"].search([("move_id", "in", rest.ids)])
    states = defaultdict(int)
    for transmission in ledger:
        states[f"{transmission.channel} {transmission.state}"] += 1
    return {
        "elapsed": elapsed,
        "count": len(rest),
        "queued": queued,
        "memory": memory,
        "chunk": CHUNK,
        "dialog": (opened, dialog),
        "timings": dict(timings.seconds),
        "ledger": dict(states),
    }


def run_stock(env, moves, access_point):
    from PyPDF2.errors import PyPdfError

    from odoo.exceptions import UserError, ValidationError

    sender = env["account.move.send"]
    try:
        # A savepoint, not a rollback: the invoices to measure stay.
        with env.cr.savepoint():
            sender._generate_and_send_invoices(moves[:2])
            drain_queue(env)
        batch_outcome = "the batch of 2 went"
    except (UserError, ValidationError, PyPdfError) as error:
        # Odoo's batch on Debian's wkhtmltopdf: PyPDF2 reads an empty file.
        env.invalidate_all()
        batch_outcome = f"failed: {str(error).splitlines()[0][:120]}"
    rest = moves[2:]
    started = time.perf_counter()
    for move in rest:
        sender._generate_and_send_invoices(move)
    drain_queue(env)
    return {"elapsed": time.perf_counter() - started, "count": len(rest),
            "batch": batch_outcome}  # fmt: skip


def measure(odoo_registry, args, inbox, access_point, run):
    """`run` on fresh invoices of that database; what it returns, with the
    documents the SMTP server and the access point received meanwhile. Nothing of
    the sending is kept."""
    from odoo import SUPERUSER_ID, api

    with odoo_registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        company = env["res.company"].search([("name", "=", "Atelier Lambrecht BV")])
        env = env(context=dict(env.context, allowed_company_ids=company.ids))
        with peppol_on_loopback(env, access_point):
            moves = prepare(env, args.count, args.peppol, args.port)
            mails, documents = inbox.count, len(access_point.documents)
            result = run(moves.env, moves, access_point)
            result["mails"] = inbox.count - mails
            result["peppol"] = len(access_point.documents) - documents
        cr.rollback()
    return result


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", default="einvoice_bench")
    parser.add_argument("--stock-db", default="einvoice_bench_stock")
    parser.add_argument("--count", type=int, default=500)
    parser.add_argument("--peppol", type=int, default=300)
    args = parser.parse_args()
    stock_db(args.stock_db)
    quiet_logs()
    sys.path.insert(0, str(__import__("common").REPO / "l10n_be_nl_einvoice" / "tests"))
    from peppol_access_point import PeppolAccessPoint

    inbox = Inbox()
    smtp = Controller(inbox, hostname="127.0.0.1", port=free_port())
    smtp.start()
    args.port = smtp.port
    access_point = PeppolAccessPoint(ID_CLIENT, REFRESH_TOKEN).start()
    try:
        ours = measure(registry(args.db), args, inbox, access_point, run_ours)
        stock = measure(registry(args.stock_db), args, inbox, access_point, run_stock)
    finally:
        smtp.stop()
        access_point.stop()
    ours_rate = ours["count"] / ours["elapsed"]
    stock_rate = stock["count"] / stock["elapsed"]
    print(f"\n{args.count} invoices sent: {args.peppol} over Peppol, "
          f"{args.count - args.peppol} by e-mail (PDF + UBL)")  # fmt: skip
    print(f"  stock batch Send & Print on 2 invoices: {stock['batch']}")
    print(f"  stock, one invoice per call: {stock['elapsed']:7.1f} s for "
          f"{stock['count']} ({stock_rate:.2f}/s): {stock['peppol']} to the access "
          f"point, {stock['mails']} e-mails")  # fmt: skip
    print(f"  ours, the list's Send:       {ours['elapsed']:7.1f} s for "
          f"{ours['count']} ({ours_rate:.2f}/s): {ours['peppol']} to the access "
          f"point, {ours['mails']} e-mails ({ours['queued']} queued)")  # fmt: skip
    print(f"  throughput ours / stock: {ours_rate / stock_rate:.2f}  (target >= 8)")
    opened, sent = ours["dialog"]
    print(f"  Send dialog of one invoice: opened in {opened:.2f} s, sent in "
          f"{sent:.2f} s in all (target < 1 s)")  # fmt: skip
    parts = ", ".join(f"{part} {seconds:.1f} s"
                      for part, seconds in sorted(ours["timings"].items()))  # fmt: skip
    print(f"  where our time goes: {parts} (of {ours['elapsed']:.1f} s)")
    print(f"  our ledger: {ours['ledger']}")
    memory = ours["memory"]
    growth = memory[-1] - memory[1] if len(memory) > 1 else 0
    print(f"  memory after each chunk of {ours['chunk']}: "
          f"{' '.join(f'{m:.0f}' for m in memory)} MiB "
          f"(growth {growth:+.0f} MiB after the first chunk)")  # fmt: skip


if __name__ == "__main__":
    main()
