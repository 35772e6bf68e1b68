"""Bank statement import: a CODA file of 10,000 movements against 2,000 open invoices.
80 % of the movements are credits: 2,000 of them pay the open invoices by their OGM
(spread over the file), the others are payments without a reference or with some
other text; the rest are debits.

Anchors, in the same run: OCA's `account_statement_import_coda` (installed from its
PyPI package in a copy of stock Odoo with the same demo data), which imports without
matching anything; and `pycoda`, the parser it uses.

Measured, each side in a process of its own (started after the invoices exist, so
its memory is the import's): the wall time of the whole import, ours *including*
matching and reconciliation, the way it runs in production (a file that big is queued
by the request, then imported by the import cron in steps: each step is timed, real
and CPU, against Odoo's default limits, limit_time_real 120 s and limit_time_cpu
60 s), the peak resident memory of the process during the import, the lines and what
was matched. Targets: OCA's import alone takes at least twice as long as ours, every
step within the limits; parsing alone at least twice as fast as pycoda.

The open invoices are made once in the benchmark's database and kept there (marked
by their reference): a later run on the same database reuses them.

    ./setup/bench coda [--sizes 10000] [--invoices 2000]
"""

import argparse
import base64
import importlib
import random
import statistics
import time
from datetime import date, timedelta
from decimal import Decimal

from common import (
    PeakMemory,
    in_process,
    own_sales_journal,
    quiet_logs,
    registry,
    stock_db,
)

IBAN = "BE46063000000136"  # the demo company's bank account
COMPANY = "Atelier Lambrecht BV"
MARK = "coda benchmark"  # the reference of the open invoices the benchmark makes
LIMIT_CPU, LIMIT_REAL = 60, 120  # Odoo's defaults, seconds
SLEEP_BEFORE_GO = 70  # the longest sleep of a cron worker before a go
CRON = "l10n_be_nl_einvoice.ir_cron_einvoice_statement_import"
OTHER_TEXTS = ("betaling {i}", "voorschot project {i}", "facture mars", "huur garage")


def company_env(env):
    company = env["res.company"].search([("name", "=", COMPANY)])
    return env(context=dict(env.context, allowed_company_ids=company.ids)), company


def open_invoice_domain(company):
    return [
        ("company_id", "=", company.id),
        ("state", "=", "posted"),
        ("move_type", "in", ("out_invoice", "out_refund")),
        ("payment_state", "in", ("not_paid", "partial")),
    ]


def ensure_invoices(env, count):
    """`count` open invoices with a Belgian structured communication, made by an
    earlier run or now (then committed)."""
    from odoo import Command

    env, company = company_env(env)
    moves = env["account.move"]
    have = moves.search([*open_invoice_domain(company), ("ref", "=", MARK)], order="id")
    if len(have) >= count:
        return have[:count]
    journal = own_sales_journal(env, company, "BCODA")
    journal.invoice_reference_model = "be"
    customers = env["res.partner"].search(
        [("name", "in", ["Bakkerij Janssens BV", "Brasserie du Parc SRL"])]
    )
    product = env["product.product"].search([("name", "=", "Workshop hour")], limit=1)
    for start in range(len(have), count, 500):
        batch = moves.create(
            [
                {
                    "move_type": "out_invoice",
                    "partner_id": customers[i % len(customers)].id,
                    "journal_id": journal.id,
                    "ref": MARK,
                    "invoice_date": date(2026, 10, 1),
                    "invoice_date_due": date(2026, 11, 1),
                    "invoice_line_ids": [
                        Command.create(
                            {
                                "product_id": product.id,
                                "price_unit": 10 + (i % 500),
                                "tax_ids": [Command.clear()],
                            }
                        )
                    ],
                }
                for i in range(start, min(count, start + 500))
            ]
        )
        batch.action_post()
        have |= batch
        env.cr.commit()
        env.invalidate_all()
    return have


def coda_file(size, invoices, sequence):
    """`size` movements: every fifth a debit, the others credits; as many credits as
    there are `invoices` (or all of them) pay one invoice each by its OGM, at
    random places; the other credits quote no reference: half of them no text at
    all, half some other text. `invoices` are (OGM digits, amount) pairs."""
    from odoo.addons.l10n_be_nl_einvoice.lib.coda_writer import Payment, write

    rng = random.Random(size)
    day = date(2026, 11, 2)
    credits = [i for i in range(size) if i % 5 != 4]
    paying = sorted(rng.sample(credits, min(len(invoices), len(credits))))
    pays = dict(zip(paying, invoices, strict=False))
    payments = []
    for i in range(size):
        when = day + timedelta(days=i % 20)
        if i % 5 == 4:
            amount = Decimal(-rng.randint(100, 99999)) / 100
            payments.append(Payment(amount, when, text="Huur"))
        elif i in pays:
            ogm, amount = pays[i]
            payments.append(Payment(amount, when, ogm=ogm, name="KLANT"))
        else:
            amount = Decimal(rng.randint(100, 99999)) / 100
            text = rng.choice(OTHER_TEXTS).format(i=i) if i % 2 else ""
            payments.append(Payment(amount, when, text=text, name="ANDERE"))
    return write(IBAN, payments, sequence=sequence)


def timed(function, *args, **kwargs):
    started = time.perf_counter()
    result = function(*args, **kwargs)
    return time.perf_counter() - started, result


class Steps:
    """The real and CPU time of each step (a request, or one call of a cron)."""

    def __init__(self):
        self.list = []  # (what, real, cpu)

    def run(self, what, function, *args, **kwargs):
        real, cpu = time.perf_counter(), time.process_time()
        result = function(*args, **kwargs)
        self.list.append((what, time.perf_counter() - real, time.process_time() - cpu))
        return result


def run_cron(env, xmlid, steps):
    """The cron as Odoo's runner calls it: again and again while it reports work
    done and work remaining (progress API), the cache emptied after each call as
    the runner's commit would."""
    cron = env.ref(xmlid)

    def call(progress):
        cron.ir_actions_server_id.with_context(ir_cron_progress_id=progress.id).run()
        env.flush_all()

    while True:
        progress = env["ir.cron.progress"].create(
            {"cron_id": cron.id, "remaining": 0, "done": 0}
        )
        steps.run("cron step", call, progress)
        env.invalidate_all()
        if not progress.remaining or not progress.done:
            return


def prepare(db, sizes, count, results):
    """In a process of its own: the open invoices (committed) and the files."""
    from odoo import SUPERUSER_ID, api

    quiet_logs()
    with registry(db).cursor() as cr:
        env, company = company_env(api.Environment(cr, SUPERUSER_ID, {}))
        made, invoices = timed(ensure_invoices, env, count)
        cr.commit()
        pairs = [
            (
                "".join(c for c in invoice.payment_reference if c.isdigit()),
                Decimal(str(invoice.amount_residual)),
            )
            for invoice in invoices
        ]
        files = {
            size: coda_file(size, pairs, sequence=number)
            for number, size in enumerate(sizes, start=1)
        }
        open_count = env["account.move"].search_count(open_invoice_domain(company))
    results.put({"made": made, "files": files, "open": open_count})


def run_ours(db, name, data, count, results):
    """In a process of its own: the file imported as a user would, through the
    request that queues it and the import cron; nothing is kept."""
    from odoo import SUPERUSER_ID, api

    quiet_logs()
    with registry(db).cursor() as cr:
        env, company = company_env(api.Environment(cr, SUPERUSER_ID, {}))
        invoices = env["account.move"].search(
            [*open_invoice_domain(company), ("ref", "=", MARK)], order="id"
        )[:count]
        steps = Steps()
        with PeakMemory() as memory:
            started = time.perf_counter()
            answer = steps.run(
                "request",
                env["einvoice.statement.import"].import_file,
                name,
                base64.b64encode(data),
            )
            if answer.get("job_ids"):
                run_cron(env, CRON, steps)
                failed = env["einvoice.statement.import.job"].search(
                    [("id", "in", answer["job_ids"]), ("state", "!=", "done")]
                )
                if failed:
                    raise RuntimeError(f"import not done: {failed.mapped('summary')}")
            wall = time.perf_counter() - started
        lines = env["account.bank.statement.line"].search(
            [("statement_id.reference", "=", name)]
        )
        matched = {"reference": 0, "account": 0, "amount": 0, "unmatched": 0}
        for line in lines:
            if line.einvoice_match:
                matched[line.einvoice_match] += 1
        paid = sum(1 for m in invoices if m.payment_state in ("paid", "in_payment"))
        cr.rollback()
    results.put(measured(wall, steps, memory, len(lines), matched=matched, paid=paid))


def measured(wall, steps, memory, lines, **extra):
    """What a side's process sends back."""
    return {
        "wall": wall,
        "steps": steps.list,
        "peak": memory.peak,
        "start": memory.start,
        "lines": lines,
        **extra,
    }


def run_oca(db, name, data, results):
    """In a process of its own: OCA's import wizard on the file; nothing is kept."""
    from odoo import SUPERUSER_ID, api

    quiet_logs()
    with registry(db).cursor() as cr:
        env, _company = company_env(api.Environment(cr, SUPERUSER_ID, {}))
        statement_lines = env["account.bank.statement.line"]
        before = statement_lines.search_count([])
        steps = Steps()
        with PeakMemory() as memory:
            started = time.perf_counter()
            wizard = env["account.statement.import"].create(
                {"statement_file": base64.b64encode(data), "statement_filename": name}
            )
            steps.run("request", wizard.import_file_button)
            env.flush_all()
            wall = time.perf_counter() - started
        lines = statement_lines.search_count([]) - before
        cr.rollback()
    results.put(measured(wall, steps, memory, lines))


def parsing(db, data, results):
    """Our parser and pycoda on the same file, the median of 5 runs each."""
    registry(db)  # sets Odoo's addons path, where our parser lives
    from coda.parser import Parser as PycodaParser

    coda = importlib.import_module("odoo.addons.l10n_be_nl_einvoice.lib.coda")
    ours = statistics.median(timed(coda.parse, data)[0] for _ in range(5))
    pycoda = statistics.median(timed(PycodaParser().parse, data)[0] for _ in range(5))
    results.put((ours, pycoda))


def describe_steps(steps):
    """The steps in a few words, and whether each stays within Odoo's limits."""
    real = max(step[1] for step in steps)
    cpu = max(step[2] for step in steps)
    within = real <= LIMIT_REAL and cpu <= LIMIT_CPU
    shown = ", ".join(f"{what} {r:.1f} s ({c:.1f} s CPU)" for what, r, c in steps[:6])
    if len(steps) > 6:
        shown += f", … ({len(steps)} steps)"
    # A cron worker's go calls the cron up to 10 times under one limit, whose time
    # in all counts from before the worker's sleep (up to 70 s) between goes; the
    # import starts a step only while half of the go's time and processor time
    # are left (`_time_left_in_go`): the goes those steps make.
    cron = [step for step in steps if step[0] == "cron step"]
    budget = max(LIMIT_REAL - SLEEP_BEFORE_GO, LIMIT_REAL / 4)
    goes, go = [], []
    for step in cron:
        real_so_far = sum(s[1] for s in go)
        cpu_so_far = sum(s[2] for s in go)
        if go and (
            len(go) == 10 or real_so_far >= budget / 2 or cpu_so_far >= LIMIT_CPU / 2
        ):
            goes.append(go)
            go = []
        go.append(step)
    if go:
        goes.append(go)
    cycle = ""
    if len(cron) > 1:
        go_real = max(sum(step[1] for step in g) for g in goes)
        go_cpu = max(sum(step[2] for step in g) for g in goes)
        cycle = (
            f"; {len(goes)} goes of the cron worker, the longest {go_real:.1f} s "
            f"({go_cpu:.1f} s CPU) of the {budget:.0f} s a go has after its sleep"
        )
        within = within and go_real <= budget and go_cpu <= LIMIT_CPU
    verdict = "within" if within else "OVER"
    return (
        f"{shown}\n      longest step {real:.1f} s real, {cpu:.1f} s CPU: "
        f"{verdict} the limits ({LIMIT_REAL} s real, {LIMIT_CPU} s CPU){cycle}"
    )


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", default="einvoice_bench")
    parser.add_argument("--oca-db", default="einvoice_bench_oca")
    parser.add_argument("--sizes", type=int, nargs="*", default=[10000])
    parser.add_argument("--invoices", type=int, default=2000)
    args = parser.parse_args()
    stock_db(args.oca_db, install=["account_statement_import_coda"])
    prepared = in_process(prepare, args.db, args.sizes, args.invoices)
    for size in args.sizes:
        data = prepared["files"][size]
        name = f"bench-{size}.cod"
        print(
            f"\n{size} movements ({len(data) // 1024} KiB) against {args.invoices} "
            f"open invoices ({prepared['open']} open in the company; made in "
            f"{prepared['made']:.0f} s)"
        )
        ours = in_process(run_ours, args.db, name, data, args.invoices)
        oca = in_process(run_oca, args.oca_db, name, data)
        ours_parse, pycoda_parse = in_process(parsing, args.db, data)
        print(
            f"  OCA import (no matching):         {oca['wall']:7.1f} s, "
            f"{oca['lines']} statement lines; peak memory {oca['peak']:.0f} MiB "
            f"(+{oca['peak'] - oca['start']:.0f} MiB)\n"
            f"      {describe_steps(oca['steps'])}"
        )
        matched = ours["matched"]
        print(
            f"  ours, import + match + reconcile: {ours['wall']:7.1f} s, "
            f"{ours['lines']} lines, matched {matched['reference']} by reference, "
            f"{matched['account']} by account, {matched['amount']} by amount, "
            f"{matched['unmatched']} unmatched, {ours['paid']} invoices paid; "
            f"peak memory {ours['peak']:.0f} MiB "
            f"(+{ours['peak'] - ours['start']:.0f} MiB)\n"
            f"      {describe_steps(ours['steps'])}"
        )
        ratio = oca["wall"] / ours["wall"]
        cpu = sum(step[2] for step in oca["steps"]) / sum(
            step[2] for step in ours["steps"]
        )
        print(
            f"  time OCA / ours: {ratio:.2f}  (target >= 2: "
            f"{'met' if ratio >= 2 else 'NOT met'}); CPU time of the Odoo "
            f"process OCA / ours: {cpu:.2f} (the rest is time in the database)"
        )
        print(f"  parsing: ours {ours_parse * 1000:.1f} ms, pycoda "
              f"{pycoda_parse * 1000:.1f} ms, pycoda / ours "
              f"{pycoda_parse / ours_parse:.1f}x  (target >= 2)")  # fmt: skip


if __name__ == "__main__":
    main()
