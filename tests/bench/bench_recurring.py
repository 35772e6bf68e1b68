"""1,000 recurring plans due on the same day, invoiced in one run: ours generates,
posts (legal numbering) and e-mails each invoice with its PDF and UBL until a real SMTP
server on loopback has accepted every message.

Anchor, in the same run: OCA's `contract` (installed from its PyPI package in a copy
of stock Odoo with the same demo data) generating the same invoices from 1,000
contracts with its scheduled method; it makes draft invoices and neither posts nor
sends them.

Measured, each side in a process of its own: wall time of the run, invoices per
second, and the resident memory after each chunk of ours (flat: no growth with the
number of plans) and the peak of each side.

    ./setup/bench recurring [--plans 1000]
"""

import argparse
import multiprocessing
import sys
import time
from datetime import date

from common import (
    CountingInbox,
    PeakMemory,
    drain_queue,
    free_port,
    in_process,
    loopback_mail_server,
    quiet_logs,
    registry,
    rss_mib,
    stock_db,
)

try:
    from aiosmtpd.controller import Controller
except ImportError:
    sys.exit("aiosmtpd is missing: ./setup/test installs the requirements")

COMPANY = "Atelier Lambrecht BV"


def customers(env, count, port):
    """The demo company, its mail queue pointed at the loopback server, and `count`
    customers with an e-mail address."""
    company = env["res.company"].search([("name", "=", COMPANY)])
    env = env(context=dict(env.context, allowed_company_ids=company.ids))
    loopback_mail_server(env, port)
    partners = env["res.partner"].create(
        [
            {
                "name": f"Abonnee {i:04d} BV",
                "is_company": True,
                "email": f"facturen{i:04d}@abonnee.example",
                "street": f"Stationsstraat {1 + i % 150}",
                "zip": "2000",
                "city": "Antwerpen",
                "country_id": env.ref("base.be").id,
            }
            for i in range(count)
        ]
    )
    product = env["product.product"].search([("name", "=", "Workshop hour")], limit=1)
    return env, company, partners, product


def run_ours(env, count, port, today):
    from odoo import Command

    env, company, partners, product = customers(env, count, port)
    plans = env["einvoice.recurring.plan"].create(
        [
            {
                "name": f"Onderhoud {partner.name}",
                "partner_id": partner.id,
                "date_start": today,
                "invoice_action": "send",
                "line_ids": [
                    Command.create(
                        {
                            "product_id": product.id,
                            "name": "Onderhoudscontract",
                            "quantity": 1,
                            "price_unit": 50 + i % 200,
                            "tax_ids": [
                                Command.set(
                                    product.taxes_id.filtered(
                                        lambda t: t.company_id == company
                                    ).ids
                                )
                            ],
                        }
                    )
                ],
            }
            for i, partner in enumerate(partners)
        ]
    )
    plans.action_start()
    env.flush_all()
    env.invalidate_all()
    Plan = env["einvoice.recurring.plan"]
    Batch = env["einvoice.send.batch"]
    memory = []
    with PeakMemory() as peak:
        started = time.perf_counter()
        while Plan.search_count(
            [("state", "=", "running"), ("next_date", "<=", today)]
        ):
            Plan._cron_generate()
            # The cron runner commits after each call, which empties the cache.
            env.flush_all()
            env.invalidate_all()
            memory.append(rss_mib())
        generated = time.perf_counter() - started
        while Batch.search_count([("state", "=", "running")]):
            env["account.move"]._cron_account_move_send()
            env.flush_all()
            env.invalidate_all()
            memory.append(rss_mib())
        drain_queue(env)
        elapsed = time.perf_counter() - started
    moves = env["account.move"].search(
        [("einvoice_recurring_plan_id", "in", plans.ids)]
    )
    posted = len(moves.filtered(lambda m: m.state == "posted"))
    sent = env["einvoice.transmission"].search_count(
        [("move_id", "in", moves.ids), ("state", "in", ("sending", "sent"))]
    )
    failed = plans.filtered(lambda p: p.state == "attention")
    detail = (
        f"{posted} posted, {sent} e-mailed; generated and posted in {generated:.1f} s "
        f"({len(moves) / generated:.1f}/s), then PDF, UBL checked by the official "
        f"rules and e-mail in {elapsed - generated:.1f} s"
    )
    if failed:
        detail += f", {len(failed)} plans set aside: {failed[0].problem}"
    return len(moves), elapsed, peak, memory, detail


def run_oca(env, count, port, today):
    env, _company, partners, product = customers(env, count, port)
    contracts = env["contract.contract"].create(
        [
            {
                "name": f"Onderhoud {partner.name}",
                "partner_id": partner.id,
                "contract_type": "sale",
                "line_recurrence": False,
                "recurring_rule_type": "monthly",
                "recurring_interval": 1,
                "date_start": today,
                "contract_line_ids": [
                    (
                        0,
                        0,
                        {
                            "product_id": product.id,
                            "name": "Onderhoudscontract",
                            "quantity": 1,
                            "uom_id": product.uom_id.id,
                            "price_unit": 50 + i % 200,
                        },
                    )
                ],
            }
            for i, partner in enumerate(partners)
        ]
    )
    env.flush_all()
    env.invalidate_all()
    with PeakMemory() as peak:
        started = time.perf_counter()
        env["contract.contract"].cron_recurring_create_invoice(today)
        env.flush_all()
        elapsed = time.perf_counter() - started
    moves = env["account.move"].search(
        [("invoice_line_ids.contract_line_id.contract_id", "in", contracts.ids)]
    )
    states = {m.state for m in moves}
    return len(moves), elapsed, peak, [], f"invoices left {', '.join(sorted(states))}"


def measure(db, count, port, counter, run, results):
    from odoo import SUPERUSER_ID, api

    quiet_logs()
    today = date.today()
    with registry(db).cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        before = counter.value
        made, elapsed, peak, memory, detail = run(env, count, port, today)
        arrived = counter.value - before
        cr.rollback()
    results.put(
        {
            "made": made,
            "elapsed": elapsed,
            "peak": peak.peak - peak.start,
            "start": peak.start,
            "memory": memory,
            "detail": detail,
            "arrived": arrived,
        }
    )


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", default="einvoice_bench")
    parser.add_argument("--stock-db", default="einvoice_bench_oca_contract")
    parser.add_argument("--plans", type=int, default=1000)
    args = parser.parse_args()
    stock_db(args.stock_db, install=["contract"])
    counter = multiprocessing.get_context("fork").Value("i", 0)
    smtp = Controller(CountingInbox(counter), hostname="127.0.0.1", port=free_port())
    smtp.start()
    try:
        ours = in_process(measure, args.db, args.plans, smtp.port, counter, run_ours)
        oca = in_process(
            measure, args.stock_db, args.plans, smtp.port, counter, run_oca
        )
    finally:
        smtp.stop()
    print(f"\n{args.plans} recurring plans due on the same day")
    for name, result in (("OCA contract", oca), ("ours", ours)):
        rate = result["made"] / result["elapsed"]
        print(
            f"  {name:13} {result['elapsed']:7.1f} s for {result['made']} invoices "
            f"({rate:.1f}/s); {result['detail']}; {result['arrived']} messages "
            f"arrived; peak memory +{result['peak']:.0f} MiB over "
            f"{result['start']:.0f} MiB"
        )
    memory = ours["memory"]
    if len(memory) > 2:
        print(
            f"  ours, memory after each chunk: {memory[0]:.0f} ... {memory[-1]:.0f} "
            f"MiB (growth {memory[-1] - memory[1]:+.0f} MiB after the first chunk)"
        )
    print(
        f"  invoices per second ours / OCA: "
        f"{(ours['made'] / ours['elapsed']) / (oca['made'] / oca['elapsed']):.2f}  "
        f"(target >= 1, while also posting and sending)"
    )


if __name__ == "__main__":
    main()
