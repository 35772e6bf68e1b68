"""A payment reminder run over 2,000 customers with 10,000 overdue invoices: the
preview of who gets what, then sending every reminder until a real SMTP server on
loopback has accepted every message.

Anchor, in the same run: OCA's `account_invoice_overdue_reminder` (installed from its
PyPI package in a copy of stock Odoo with the same demo data) on the same customers and
invoices: its start wizard in mass mode (one step per customer, its e-mail rendered),
then "Validate" on all steps and the mail queue. Its e-mail lists the invoices in the
body; it is measured without its option to attach every invoice's PDF (on by default:
it renders each invoice again, which alone would take longer than everything else
here). Ours does more per customer: late-payment interest and the fixed compensation
per invoice, a reminder PDF from the report engine, the ledger record, the level on
each invoice.

Measured, each side in a process of its own: wall time of the preview and of the
sending (to the last message accepted), time per customer, and the peak resident memory
while it runs (above the process's memory before the run).

    ./setup/bench reminders [--customers 2000] [--invoices 10000]
"""

import argparse
import multiprocessing
import sys
import time
from datetime import date, timedelta

from common import (
    CountingInbox,
    PeakMemory,
    drain_queue,
    free_port,
    in_process,
    loopback_mail_server,
    own_sales_journal,
    quiet_logs,
    registry,
    stock_db,
)

try:
    from aiosmtpd.controller import Controller
except ImportError:
    sys.exit("aiosmtpd is missing: ./setup/test installs the requirements")

OCA_MODULE = "account_invoice_overdue_reminder"
COMPANY = "Atelier Lambrecht BV"


def prepare(env, customers, invoices, port, today):
    """`customers` business customers with an e-mail address sharing `invoices`
    posted invoices, all overdue (8 to 57 days late), and the mail queue pointed
    at the loopback server."""
    from odoo import Command

    company = env["res.company"].search([("name", "=", COMPANY)])
    env = env(context=dict(env.context, allowed_company_ids=company.ids))
    loopback_mail_server(env, port)
    belgium = env.ref("base.be")
    partners = env["res.partner"].create(
        [
            {
                "name": f"Klant {i:04d} BV",
                "is_company": True,
                "email": f"boekhouding{i:04d}@klant.example",
                "street": f"Kerkstraat {1 + i % 200}",
                "zip": "9000",
                "city": "Gent",
                "country_id": belgium.id,
            }
            for i in range(customers)
        ]
    )
    product = env["product.product"].search([("name", "=", "Workshop hour")], limit=1)
    journal = own_sales_journal(env, company, "BREM")
    moves = env["account.move"]

    def late(i):
        return 8 + (i * 7) % 50

    # Posted oldest first: a series keeps its invoice dates in number order.
    order = sorted(range(invoices), key=lambda i: (-late(i), i))
    for start in range(0, invoices, 500):
        values = []
        for i in order[start : start + 500]:
            due = today - timedelta(days=late(i))
            values.append(
                {
                    "move_type": "out_invoice",
                    "partner_id": partners[i % customers].id,
                    "journal_id": journal.id,
                    "invoice_date": due - timedelta(days=30),
                    "invoice_date_due": due,
                    "invoice_line_ids": [
                        Command.create(
                            {
                                "product_id": product.id,
                                "quantity": 1 + i % 9,
                                "price_unit": 50 + (i % 400),
                            }
                        )
                    ],
                }
            )
        batch = env["account.move"].create(values)
        batch.action_post()
        moves |= batch
        env.flush_all()
        env.invalidate_all()
    return company, moves


def carry_rate_forward(env, today):
    """The shipped rate table may end before today (a rate not yet added): for the
    benchmark, the last Belgian commercial rate is carried up to today, so that
    interest is computed for every day (rolled back with the rest)."""
    rates = env["einvoice.legal.rate"]
    last = rates.search(
        [("country_id.code", "=", "BE"), ("kind", "=", "commercial")],
        order="date_from desc",
        limit=1,
    )
    if last.date_to and last.date_to < today:
        rates.create(
            {
                "country_id": last.country_id.id,
                "kind": "commercial",
                "date_from": last.date_to + timedelta(days=1),
                "date_to": date(today.year, 12, 31),
                "rate": last.rate,
                "publication": "benchmark: the last rate carried forward",
                "evidence": "derived",
            }
        )


def run_ours(env, company, today):
    reminders = env["einvoice.reminder"]
    # A company that claims the statutory interest and compensation from the first
    # reminder on (Belgian B2B: due without notice).
    levels = env["einvoice.reminder.level"]
    levels._ensure_defaults(company)
    levels.search([("company_id", "=", company.id)]).write(
        {"charge_interest": True, "charge_fees": True}
    )
    carry_rate_forward(env, today)
    with PeakMemory() as memory:
        started = time.perf_counter()
        wizard = env["einvoice.reminder.run"].create(
            {"company_id": company.id, "date": today}
        )
        customers = len(wizard.line_ids)
        interest = sum(wizard.line_ids.mapped("interest"))
        fees = sum(wizard.line_ids.mapped("fees"))
        preview = time.perf_counter() - started
        started = time.perf_counter()
        wizard.action_send()
        while reminders.search_count([("state", "=", "queued")]):
            reminders._cron_send()
            # The cron runner commits after each chunk, which empties the cache.
            env.flush_all()
            env.invalidate_all()
        made = time.perf_counter() - started
        queued = drain_queue(env)
        send = time.perf_counter() - started
    sent = reminders.search_count([("state", "=", "sent")])
    detail = (
        f"interest EUR {interest:,.2f}, compensation EUR {fees:,.2f}; "
        f"reminders made in {made:.1f} s, the mail queue in {send - made:.1f} s"
    )
    return customers, preview, send, sent, queued, memory, detail


def run_oca(env, company, today):
    company.overdue_reminder_attach_invoice = False
    steps = env["overdue.reminder.step"]
    with PeakMemory() as memory:
        started = time.perf_counter()
        wizard = env["overdue.reminder.start"].create(
            {"interface": "mass", "partner_policy": "invoice_contact"}
        )
        wizard.run()
        todo = steps.search([("state", "=", "draft")])
        customers = len(todo)
        preview = time.perf_counter() - started
        started = time.perf_counter()
        todo.validate()
        made = time.perf_counter() - started
        queued = drain_queue(env)
        send = time.perf_counter() - started
    sent = env["overdue.reminder.action"].search_count([])
    detail = (
        f"no interest, no fees; reminders made in {made:.1f} s, the mail queue in "
        f"{send - made:.1f} s"
    )
    return customers, preview, send, sent, queued, memory, detail


def measure(db, args, port, counter, run, results):
    """In a process of its own: the data, then `run` on it; nothing is kept."""
    from odoo import SUPERUSER_ID, api

    quiet_logs()
    today = date.today()
    with registry(db).cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        started = time.perf_counter()
        company, _moves = prepare(env, args.customers, args.invoices, port, today)
        made = time.perf_counter() - started
        env = env(context=dict(env.context, allowed_company_ids=company.ids))
        before = counter.value
        customers, preview, send, sent, queued, memory, detail = run(
            env, company.with_env(env), today
        )
        arrived = counter.value - before
        cr.rollback()
    results.put(
        {
            "made": made,
            "customers": customers,
            "preview": preview,
            "send": send,
            "sent": sent,
            "queued": queued,
            "arrived": arrived,
            "peak": memory.peak - memory.start,
            "start": memory.start,
            "detail": detail,
        }
    )


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", default="einvoice_bench")
    parser.add_argument("--stock-db", default="einvoice_bench_oca_reminder")
    parser.add_argument("--customers", type=int, default=2000)
    parser.add_argument("--invoices", type=int, default=10000)
    args = parser.parse_args()
    stock_db(args.stock_db, install=[OCA_MODULE])
    counter = multiprocessing.get_context("fork").Value("i", 0)
    smtp = Controller(CountingInbox(counter), hostname="127.0.0.1", port=free_port())
    smtp.start()
    try:
        ours = in_process(measure, args.db, args, smtp.port, counter, run_ours)
        oca = in_process(measure, args.stock_db, args, smtp.port, counter, run_oca)
    finally:
        smtp.stop()
    print(
        f"\nPayment reminders: {args.customers} customers, {args.invoices} overdue "
        f"invoices (made in {ours['made']:.0f} s and {oca['made']:.0f} s)"
    )
    for name, result in (("OCA overdue reminder", oca), ("ours", ours)):
        per = (result["preview"] + result["send"]) / max(result["customers"], 1)
        print(
            f"  {name:21} preview {result['preview']:6.1f} s, send "
            f"{result['send']:6.1f} s for {result['customers']} customers "
            f"({per * 1000:.0f} ms per customer); {result['sent']} reminders, "
            f"{result['arrived']} messages arrived; peak memory "
            f"+{result['peak']:.0f} MiB over {result['start']:.0f} MiB; "
            f"{result['detail']}"
        )
    total_ours = ours["preview"] + ours["send"]
    total_oca = oca["preview"] + oca["send"]
    print(
        f"  time OCA / ours: preview {oca['preview'] / ours['preview']:.2f}, "
        f"send {oca['send'] / ours['send']:.2f}, "
        f"whole run {total_oca / total_ours:.2f}  (target >= 1)"
    )


if __name__ == "__main__":
    main()
