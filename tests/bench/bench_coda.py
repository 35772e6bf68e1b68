"""Bank statement import: CODA files of 1,000 and 10,000 movements, where 70 % of the
credits pay open invoices by OGM.

Anchors, in the same run: OCA's `account_statement_import_coda` (installed from its
PyPI package in a copy of stock Odoo with the same demo data), which imports without
matching anything; and `pycoda`, the parser it uses. Measured: our import *including*
matching and reconciliation (target: no longer than OCA's import alone, aim: twice as
fast) and parsing alone (target: at least twice as fast as pycoda).

    ./setup/bench coda [--sizes 1000 10000]
"""

import argparse
import base64
import importlib
import random
import statistics
import time
from datetime import date, timedelta
from decimal import Decimal

from common import registry, stock_db

IBAN = "BE46063000000136"  # the demo company's bank account


def company_env(env):
    company = env["res.company"].search([("name", "=", "Atelier Lambrecht BV")])
    return env(context=dict(env.context, allowed_company_ids=company.ids)), company


def make_invoices(env, count):
    """`count` open invoices with a Belgian structured communication."""
    from odoo import Command

    env, company = company_env(env)
    journal = env["account.journal"].search(
        [("company_id", "=", company.id), ("type", "=", "sale")], limit=1
    )
    journal.invoice_reference_model = "be"
    customers = env["res.partner"].search(
        [("name", "in", ["Bakkerij Janssens BV", "Brasserie du Parc SRL"])]
    )
    product = env["product.product"].search([("name", "=", "Workshop hour")], limit=1)
    moves = env["account.move"]
    for start in range(0, count, 500):
        batch = env["account.move"].create(
            [
                {
                    "move_type": "out_invoice",
                    "partner_id": customers[i % len(customers)].id,
                    "journal_id": journal.id,
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
        moves |= batch
    return moves


def coda_file(size, invoices, sequence):
    """`size` movements: 80 % credits, 70 % of which pay an invoice by its OGM."""
    from odoo.addons.l10n_be_nl_einvoice.lib.coda_writer import Payment, write

    rng = random.Random(size)
    day = date(2026, 11, 2)
    payments, paying = [], iter(invoices)
    for i in range(size):
        when = day + timedelta(days=i % 20)
        if i % 5 == 4:
            payments.append(
                Payment(Decimal(-rng.randint(100, 99999)) / 100, when, text="Huur")
            )
            continue
        invoice = next(paying, None) if rng.random() < 0.7 else None
        if invoice is not None:
            ogm = "".join(c for c in invoice.payment_reference if c.isdigit())
            amount = Decimal(str(invoice.amount_residual))
            payments.append(Payment(amount, when, ogm=ogm, name="KLANT"))
        else:
            amount = Decimal(rng.randint(100, 99999)) / 100
            payments.append(Payment(amount, when, text=f"betaling {i}", name="ANDERE"))
    return write(IBAN, payments, sequence=sequence)


def timed(function, *args, **kwargs):
    started = time.perf_counter()
    result = function(*args, **kwargs)
    return time.perf_counter() - started, result


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", default="einvoice_bench")
    parser.add_argument("--oca-db", default="einvoice_bench_oca")
    parser.add_argument("--sizes", type=int, nargs="*", default=[1000, 10000])
    args = parser.parse_args()
    stock_db(args.oca_db, install=["account_statement_import_coda"])
    from coda.parser import Parser as PycodaParser

    from odoo import SUPERUSER_ID, api

    ours_registry, oca_registry = registry(args.db), registry(args.oca_db)
    # Our addons are importable once a registry has set Odoo's addons path.
    coda = importlib.import_module("odoo.addons.l10n_be_nl_einvoice.lib.coda")
    for number, size in enumerate(args.sizes, start=1):
        credits_paying = int(size * 0.8 * 0.7) + 10
        with ours_registry.cursor() as cr:
            env, _company = company_env(api.Environment(cr, SUPERUSER_ID, {}))
            made, invoices = timed(make_invoices, env, credits_paying)
            data = coda_file(size, invoices, sequence=number)
            cr.commit()
            print(f"\n{size} movements ({len(data) // 1024} KiB), "
                  f"{len(invoices)} open invoices made in {made:.0f} s")  # fmt: skip
            ours, result = timed(
                env["einvoice.statement.import"].import_file,
                f"bench-{size}.cod",
                base64.b64encode(data),
                background=False,
            )
            paid = sum(1 for m in invoices if m.payment_state in ("paid", "in_payment"))
            cr.rollback()
        with oca_registry.cursor() as cr:
            env, _company = company_env(api.Environment(cr, SUPERUSER_ID, {}))
            wizard = env["account.statement.import"].create(
                {
                    "statement_file": base64.b64encode(data),
                    "statement_filename": f"bench-{size}.cod",
                }
            )
            oca, _action = timed(wizard.import_file_button)
            oca_lines = env["account.bank.statement.line"].search_count(
                [("statement_id.name", "!=", False)]
            )
            cr.rollback()
        ours_parse = statistics.median(timed(coda.parse, data)[0] for _ in range(5))
        pycoda_parse = statistics.median(
            timed(PycodaParser().parse, data)[0] for _ in range(5)
        )
        print(
            f"  OCA import (no matching):        {oca:8.1f} s "
            f"({oca_lines} statement lines in that database)"
        )
        print(
            f"  ours, import + match + reconcile: {ours:8.1f} s: "
            f"{result['lines']} lines, matched {result['matched']}, "
            f"unmatched {result['unmatched']}, {paid} invoices paid"
        )
        print(f"  ratio ours / OCA: {ours / oca:.2f}  (target <= 1.0, aim 0.5)")
        print(f"  parsing: ours {ours_parse * 1000:.1f} ms, pycoda "
              f"{pycoda_parse * 1000:.1f} ms, pycoda / ours "
              f"{pycoda_parse / ours_parse:.1f}x  (target >= 2)")  # fmt: skip


if __name__ == "__main__":
    main()
