"""E-mailing 500 invoices (PDF + UBL) to customers, until a real SMTP server on loopback
has accepted every message.

Anchor, in the same run: stock Odoo's Send & Print (`account.move.send`, e-mail with the
PDF and the Peppol BIS 3 UBL) in a database of stock Odoo (the same modules and demo
data, without our addons), on the same number of invoices. Stock's batch rendering
needs wkhtmltopdf with patched Qt; on a distribution build its batch call sends nothing,
so the anchor is measured the way it does work there: one invoice per call. The batch
call is tried once on 2 invoices and its outcome printed.

Measured: wall time from the request to the last message accepted by the SMTP server
(ours: the background batch, chunk by chunk, then the mail queue; stock: its calls,
then its mail queue), invoices per second, the ratio (target: at least 1, aim 2), and
the process's resident memory after each chunk of ours (flat: no growth with the batch).

    ./setup/bench email [--count 500]
"""

import argparse
import logging
import sys
import time
from datetime import date

from common import (
    drain_queue,
    free_port,
    loopback_mail_server,
    own_sales_journal,
    registry,
    rss_mib,
    stock_db,
)

try:
    from aiosmtpd.controller import Controller
except ImportError:
    sys.exit("aiosmtpd is missing: ./setup/test installs the requirements")


class Inbox:
    def __init__(self):
        self.count = 0

    async def handle_DATA(self, server, session, envelope):
        self.count += 1
        return "250 OK"


def prepare(env, count, port):
    """`count` posted invoices of the Belgian demo company to a customer with an
    e-mail address, and the mail queue pointed at the loopback server."""
    from odoo import Command

    company = env["res.company"].search([("name", "=", "Atelier Lambrecht BV")])
    env = env(context=dict(env.context, allowed_company_ids=company.ids))
    loopback_mail_server(env, port)
    customer = env["res.partner"].search([("name", "=", "Bakkerij Janssens BV")])
    customer.email = "fin@bakkerij-janssens.be"
    customer.invoice_edi_format = "ubl_bis3"
    hour = env["product.product"].search([("name", "=", "Workshop hour")], limit=1)
    journal = own_sales_journal(env, company, "BMAIL")
    moves = env["account.move"].create(
        [
            {
                "move_type": "out_invoice",
                "partner_id": customer.id,
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


def run_ours(env, moves, inbox):
    from odoo.addons.l10n_be_nl_einvoice.models.einvoice_send_batch import CHUNK

    memory = [rss_mib()]
    started = time.perf_counter()
    result = moves.einvoice_send_email(background=True)
    batch = env["einvoice.send.batch"].browse(result["batch_id"])
    while batch.state == "running":
        env["account.move"]._cron_account_move_send()
        # The cron runner commits after each chunk, which empties the cache.
        env.flush_all()
        env.invalidate_all()
        memory.append(rss_mib())
    queued = drain_queue(env)
    elapsed = time.perf_counter() - started
    sent = batch.transmission_ids.filtered(lambda t: t.state == "sent")
    return elapsed, len(sent), queued, memory, CHUNK


def run_stock(env, moves, inbox):
    sender = env["account.move.send"]
    settings = {"sending_methods": {"email"}, "invoice_edi_format": "ubl_bis3"}
    first = inbox.count
    try:
        # A savepoint, not a rollback: the invoices to measure stay.
        with env.cr.savepoint():
            sender._generate_and_send_invoices(moves[:2], **settings)
            drain_queue(env)
        batch_outcome = f"{inbox.count - first} of 2 messages arrived"
    except Exception as error:  # noqa: BLE001 - the anchor's outcome, whatever it is
        env.invalidate_all()
        batch_outcome = f"failed: {str(error).splitlines()[0][:120]}"
    rest = moves[2:]
    started = time.perf_counter()
    for move in rest:
        sender._generate_and_send_invoices(move, **settings)
    drain_queue(env)
    return time.perf_counter() - started, len(rest), batch_outcome


def measure(odoo_registry, count, port, inbox, run):
    """`run` on `count` fresh invoices of that database; what it returns, and the
    number of messages the SMTP server accepted meanwhile. Nothing of the sending
    is kept."""
    from odoo import SUPERUSER_ID, api

    with odoo_registry.cursor() as cr:
        moves = prepare(api.Environment(cr, SUPERUSER_ID, {}), count, port)
        before = inbox.count
        result = run(moves.env, moves, inbox)
        arrived = inbox.count - before
        cr.rollback()
    return (*result, arrived)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", default="einvoice_bench")
    parser.add_argument("--stock-db", default="einvoice_bench_stock")
    parser.add_argument("--count", type=int, default=500)
    args = parser.parse_args()
    stock_db(args.stock_db)
    logging.getLogger("mail.log").setLevel(logging.WARNING)
    inbox = Inbox()
    smtp = Controller(inbox, hostname="127.0.0.1", port=free_port())
    smtp.start()
    try:
        ours, sent, queued, memory, chunk, arrived = measure(
            registry(args.db), args.count, smtp.port, inbox, run_ours
        )
        stock, stock_count, batch_outcome, stock_arrived = measure(
            registry(args.stock_db), args.count, smtp.port, inbox, run_stock
        )
    finally:
        smtp.stop()
    ours_rate, stock_rate = sent / ours, stock_count / stock
    print(
        f"\n{args.count} invoices e-mailed with PDF and UBL to a loopback SMTP server"
    )
    print(f"  stock batch Send & Print on 2 invoices: {batch_outcome}")
    print(f"  stock, one invoice per call: {stock:7.1f} s for {stock_count} "
          f"({stock_rate:.2f}/s), {stock_arrived} messages arrived")  # fmt: skip
    print(f"  ours, background batch:      {ours:7.1f} s for {sent} "
          f"({ours_rate:.2f}/s), {arrived} messages arrived, "
          f"{queued} via the queue")  # fmt: skip
    print(f"  throughput ours / stock: {ours_rate / stock_rate:.2f}  "
          f"(target >= 1, aim 2)")  # fmt: skip
    growth = memory[-1] - memory[1]
    print(f"  memory after each chunk of {chunk}: "
          f"{' '.join(f'{m:.0f}' for m in memory)} MiB "
          f"(growth {growth:+.0f} MiB after the first chunk)")  # fmt: skip


if __name__ == "__main__":
    main()
