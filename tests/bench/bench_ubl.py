"""UBL export and pre-flight validation of 1,000 invoices of mixed shapes.

Anchor: Odoo's stock Peppol BIS 3 builder, in a database of stock Odoo (the same
modules and demo data, without our addons), on the same invoices, in the same run.
Measured: export time per invoice, ours (account.move.einvoice_ubl) against stock
(account.edi.xml.ubl_bis3._export_invoice), interleaved invoice by invoice; the
official validation (XSD + EN 16931 + Peppol / NLCIUS / UBL.BE) per invoice once warm;
peak memory of the process and of the validator's helper.

    ./setup/bench ubl [--count 1000]
"""

import argparse
import os
import resource
import statistics
import time
from pathlib import Path

from common import LOCAL, REPO, own_sales_journal, registry, stock_db

SHAPES = (
    "mixed_rates",
    "discounts",
    "reverse_charge",
    "intra_eu",
    "export",
    "foreign_currency",
    "credit_note",
    "early_payment",
)


def make_invoices(env, count):
    """`count` posted invoices of the Belgian demo company, cycling through SHAPES."""
    from odoo import Command, fields

    company = env["res.company"].search([("name", "=", "Atelier Lambrecht BV")])
    env = env(context=dict(env.context, allowed_company_ids=company.ids))
    partners = env["res.partner"]
    be = partners.search([("name", "=", "Bakkerij Janssens BV")])
    de = partners.search([("name", "=", "Müller Werkzeuge GmbH")])
    us = partners.search([("name", "=", "Harbor Supplies Inc.")])
    us.write({"peppol_eas": "0060", "peppol_endpoint": "123456789"})
    products = env["product.product"]
    hour = products.search([("name", "=", "Workshop hour")], limit=1)
    table = products.search([("name", "=", "Oak side table")], limit=1)
    ref = env["account.chart.template"].with_company(company).ref
    usd = env.ref("base.USD")
    usd.active = True
    env["res.currency.rate"].create(
        {"currency_id": usd.id, "company_id": company.id, "name": "2026-01-01",
         "rate": 1.1}
    )  # fmt: skip
    env.ref("product.decimal_price").digits = 4
    term = env["account.payment.term"].create(
        {"name": "2 % 10 days", "company_id": company.id, "early_discount": True,
         "discount_percentage": 2.0, "discount_days": 10,
         "early_pay_discount_computation": "mixed",
         "line_ids": [Command.create({"value": "percent", "value_amount": 100,
                                      "nb_days": 30})]}
    )  # fmt: skip

    def line(product, price, tax, qty=1, **extra):
        return Command.create(
            {"product_id": product.id, "quantity": qty, "price_unit": price,
             "tax_ids": [Command.set(ref(tax).ids)], **extra}
        )  # fmt: skip

    shapes = {
        "mixed_rates": (be, [line(table, 640, "attn_VAT-OUT-21-L"),
                             line(hour, 85, "attn_VAT-OUT-21-S", 3.5),
                             line(table, 19.99, "attn_VAT-OUT-06-L", 3),
                             line(hour, 42.5, "attn_VAT-OUT-12-S")], {}),
        "discounts": (be, [line(hour, 12.3456, "attn_VAT-OUT-21-S", 7),
                           line(table, 640, "attn_VAT-OUT-21-L", 2, discount=15),
                           line(table, -25, "attn_VAT-OUT-21-L", name="Discount")], {}),
        "reverse_charge": (be, [line(hour, 85, "attn_VAT-OUT-00-CC", 8)], {}),
        "intra_eu": (de, [line(table, 640, "attn_VAT-OUT-00-EU-L"),
                          line(hour, 85, "attn_VAT-OUT-00-EU-S", 4)], {}),
        "export": (us, [line(table, 640, "attn_VAT-OUT-00-ROW", 2)], {}),
        "foreign_currency": (be, [line(hour, 99.99, "attn_VAT-OUT-21-S", 3)],
                             {"currency_id": usd.id}),
        "credit_note": (be, [line(table, 640, "attn_VAT-OUT-21-L")],
                        {"move_type": "out_refund"}),
        "early_payment": (be, [line(table, 640, "attn_VAT-OUT-21-L"),
                               line(hour, 85, "attn_VAT-OUT-06-S", 2)],
                          {"invoice_payment_term_id": term.id}),
    }  # fmt: skip
    journal = own_sales_journal(env, company, "BUBL")
    vals_list = []
    for i in range(count):
        partner, lines, extra = shapes[SHAPES[i % len(SHAPES)]]
        vals = {
            "move_type": "out_invoice",
            "partner_id": partner.id,
            "journal_id": journal.id,
            "invoice_date": fields.Date.to_date("2026-11-10"),
            "invoice_line_ids": lines,
            **extra,
        }
        if "invoice_payment_term_id" not in extra:
            vals["invoice_date_due"] = fields.Date.to_date("2026-12-10")
        vals_list.append(vals)
    moves = env["account.move"].create(vals_list)
    moves.action_post()
    return moves


def peak_rss_mb(pid=None):
    if pid is None:
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    status = Path(f"/proc/{pid}/status").read_text()
    for row in status.splitlines():
        if row.startswith("VmHWM:"):
            return int(row.split()[1]) / 1024
    return 0.0


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", default="einvoice_bench")
    parser.add_argument("--stock-db", default="einvoice_bench_stock")
    parser.add_argument("--count", type=int, default=1000)
    args = parser.parse_args()

    stock_db(args.stock_db)
    from odoo import SUPERUSER_ID, api

    ours_reg, stock_reg = registry(args.db), registry(args.stock_db)
    with ours_reg.cursor() as ours_cr, stock_reg.cursor() as stock_cr:
        ours_env = api.Environment(ours_cr, SUPERUSER_ID, {})
        stock_env = api.Environment(stock_cr, SUPERUSER_ID, {})
        started = time.perf_counter()
        ours_moves = make_invoices(ours_env, args.count)
        stock_moves = make_invoices(stock_env, args.count)
        print(f"{args.count} invoices x 2 databases made in "
              f"{time.perf_counter() - started:.0f} s")  # fmt: skip
        stock_builder = stock_env["account.edi.xml.ubl_bis3"]
        # Warm both (templates compiled, caches filled).
        for move in ours_moves[:8]:
            move.einvoice_ubl("peppol_bis3")
        for move in stock_moves[:8]:
            stock_builder._export_invoice(move)
        ours_times, stock_times, documents = [], [], []
        for ours, stock in zip(ours_moves, stock_moves, strict=True):
            ours_env.invalidate_all()
            stock_env.invalidate_all()
            t0 = time.perf_counter()
            stock_builder._export_invoice(stock)
            t1 = time.perf_counter()
            xml = ours.einvoice_ubl("peppol_bis3")
            t2 = time.perf_counter()
            stock_times.append(t1 - t0)
            ours_times.append(t2 - t1)
            documents.append(xml.encode())
        # A few documents of the other profiles (UBL.BE with a PDF inside).
        pdf = ("invoice.pdf", (REPO / "README.md").read_bytes()[:60000])
        extra = []
        for move in ours_moves[: min(100, args.count)]:
            extra.append((move.einvoice_ubl("nlcius").encode(), "nlcius"))
            extra.append((move._einvoice_export("ublbe", pdf=pdf)[0], "ublbe"))
        ours_cr.rollback()
        stock_cr.rollback()

    from odoo.addons.l10n_be_nl_einvoice.lib.ubl_validate import get_validator

    validator = get_validator(LOCAL / "rules")
    t0 = time.perf_counter()
    validator.validate(documents[0], "peppol_bis3")
    first = time.perf_counter() - t0
    validation, fatal = [], 0
    for document in documents:
        t0 = time.perf_counter()
        report = validator.validate(document, "peppol_bis3")
        validation.append(time.perf_counter() - t0)
        fatal += not report.valid
    by_profile = {}
    for document, profile in extra:
        validator.validate(document, profile)  # warm the profile's rules
        t0 = time.perf_counter()
        report = validator.validate(document, profile)
        by_profile.setdefault(profile, []).append(time.perf_counter() - t0)
        fatal += not report.valid
    process = getattr(validator, "_process", None)
    helper_pid = process.pid if process else None

    ms = 1000
    ours_med, stock_med = statistics.median(ours_times), statistics.median(stock_times)
    print(
        f"UBL export, {args.count} invoices of {len(SHAPES)} shapes (Peppol BIS 3.0):"
    )
    print(
        f"  stock Odoo builder: median {stock_med * ms:.2f} ms, "
        f"total {sum(stock_times):.2f} s"
    )
    print(
        f"  ours:               median {ours_med * ms:.2f} ms, "
        f"total {sum(ours_times):.2f} s"
    )
    print(
        f"  ratio ours / stock: median {ours_med / stock_med:.3f}, "
        f"total {sum(ours_times) / sum(stock_times):.3f}  (target <= 1.2)"
    )
    print("Validation once warm (XSD + EN 16931 + profile rules):")
    print(f"  first document {first * ms:.0f} ms (rules compiled)")
    print(
        f"  peppol_bis3: median {statistics.median(validation) * ms:.2f} ms, "
        f"p95 {sorted(validation)[int(len(validation) * 0.95)] * ms:.2f} ms "
        "(target <= 15 ms)"
    )
    for profile, times in sorted(by_profile.items()):
        print(
            f"  {profile}: median {statistics.median(times) * ms:.2f} ms "
            f"({len(times)} documents)"
        )
    print(f"  documents failing the rules: {fatal}")
    print(f"Peak memory: Odoo process {peak_rss_mb():.0f} MB"
          + (f", validator helper {peak_rss_mb(helper_pid):.0f} MB"
             if helper_pid else ""))  # fmt: skip


if __name__ == "__main__":
    os.environ.setdefault("PYTHONHASHSEED", "0")
    main()
