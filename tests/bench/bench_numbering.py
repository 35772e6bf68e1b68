"""Benchmark of legal invoice numbering against Odoo's own numbering, in one run.

* batch: one call posts 500 draft invoices (target: at most 1.05 x stock);
* parallel: 4 clients post 100 invoices each, one call per invoice, against a server
  with 4 workers (targets: no error reaches a client, total throughput at least that
  of one client).

Both journals live in the same database, with the same customer, product lines and
dates; "stock" is a sales journal with legal numbering off, numbered by Odoo.

    ./setup/bench numbering
"""

import argparse
import statistics
import threading
import time
import xmlrpc.client

from common import Rpc, odoo_server

BATCH = 500
CLIENTS = 4
PER_CLIENT = 100


def make_journal(rpc, code, ours):
    company_id = rpc("res.company", "search", [("name", "=", "Atelier Lambrecht BV")])[
        0
    ]
    income = rpc(
        "account.account",
        "search",
        [("company_ids", "in", [company_id]), ("account_type", "=", "income")],
        limit=1,
    )[0]
    values = {
        "name": f"Bench {code}",
        "code": code,
        "type": "sale",
        "company_id": company_id,
        "default_account_id": income,
        "einvoice_numbering": ours,
    }
    if ours:
        values.update(
            einvoice_number_prefix=f"{code}-", einvoice_refund_prefix=f"{code}C-"
        )
    return rpc("account.journal", "create", values)


def make_drafts(rpc, journal_id, count, day):
    partner = rpc("res.partner", "search", [("name", "=", "Bakkerij Janssens BV")])[0]
    ids = []
    for start in range(0, count, 100):
        ids += rpc(
            "account.move",
            "create",
            [
                {
                    "move_type": "out_invoice",
                    "journal_id": journal_id,
                    "partner_id": partner,
                    "invoice_date": day,
                    "invoice_line_ids": [
                        (
                            0,
                            0,
                            {
                                "name": "Workshop hour",
                                "quantity": 2,
                                "price_unit": 85.0,
                            },
                        ),
                        (
                            0,
                            0,
                            {
                                "name": "Oak side table",
                                "quantity": 1,
                                "price_unit": 640.0,
                            },
                        ),
                    ],
                }
                for _i in range(start, min(count, start + 100))
            ],
        )
    return ids


def post_batch(rpc, ids):
    started = time.perf_counter()
    rpc("account.move", "action_post", ids)
    return time.perf_counter() - started


def post_parallel(rpc, chunks):
    errors, threads = [], []

    def client(ids):
        own = rpc.clone()
        for move_id in ids:
            try:
                own("account.move", "action_post", [move_id])
            except xmlrpc.client.Fault as fault:
                errors.append(fault.faultString.strip().splitlines()[-1])

    started = time.perf_counter()
    for ids in chunks:
        threads.append(threading.Thread(target=client, args=(ids,)))
        threads[-1].start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    return sum(len(c) for c in chunks) / elapsed, errors


def check_gap_free(rpc, journal_id):
    moves = rpc(
        "account.move",
        "search_read",
        [("journal_id", "=", journal_id), ("state", "=", "posted")],
        fields=["name", "einvoice_number"],
    )
    numbers = sorted(m["einvoice_number"] for m in moves)
    names = {m["name"] for m in moves}
    return numbers == list(range(1, len(numbers) + 1)) and len(names) == len(moves)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", default="einvoice_bench")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    day = "2026-11-16"
    with odoo_server(args.db, workers=CLIENTS) as url:
        rpc = Rpc(url, args.db)
        journals = {
            "stock": make_journal(rpc, "BST", False),
            "ours": make_journal(rpc, "BOU", True),
        }
        need = 10 + args.rounds * (BATCH + PER_CLIENT + CLIENTS * PER_CLIENT)
        print(f"creating {need} draft invoices per journal ...", flush=True)
        drafts = {
            kind: make_drafts(rpc, jid, need, day) for kind, jid in journals.items()
        }

        def take(kind, count):
            ids, drafts[kind] = drafts[kind][:count], drafts[kind][count:]
            return ids

        for kind in journals:  # warm both paths (caches, prepared plans)
            post_batch(rpc, take(kind, 10))

        batch = {"stock": [], "ours": []}
        for round_no in range(args.rounds):
            order = ("stock", "ours") if round_no % 2 == 0 else ("ours", "stock")
            for kind in order:
                batch[kind].append(post_batch(rpc, take(kind, BATCH)))
        print(f"\nbatch: {BATCH} invoices in one call, {args.rounds} rounds (median)")
        med = {k: statistics.median(v) for k, v in batch.items()}
        for kind in ("stock", "ours"):
            times = ", ".join(f"{t:.2f}" for t in batch[kind])
            print(
                f"  {kind:5}  {med[kind]:6.2f} s  ({BATCH / med[kind]:5.0f} invoices/s)"
                f"  [{times}]"
            )
        print(
            f"  ratio ours / stock: {med['ours'] / med['stock']:.3f}  (target <= 1.05)"
        )

        print(
            f"\nparallel: one call per invoice, server with {CLIENTS} workers (median)"
        )
        runs = {"stock": [], "ours": []}
        for round_no in range(args.rounds):
            order = ("stock", "ours") if round_no % 2 == 0 else ("ours", "stock")
            for kind in order:
                one, errors_one = post_parallel(rpc, [take(kind, PER_CLIENT)])
                chunks = [take(kind, PER_CLIENT) for _i in range(CLIENTS)]
                many, errors_many = post_parallel(rpc, chunks)
                runs[kind].append((one, many, errors_one + errors_many))
        result = {}
        for kind in ("stock", "ours"):
            one = statistics.median(r[0] for r in runs[kind])
            many = statistics.median(r[1] for r in runs[kind])
            errors = [e for r in runs[kind] for e in r[2]]
            result[kind] = (one, many, errors)
            print(
                f"  {kind:5}  1 client {one:6.1f}/s   {CLIENTS} clients {many:6.1f}/s "
                f"  scaling {many / one:4.2f}x   errors {len(errors)}"
            )
            for error in errors[:3]:
                print(f"         error: {error}")
        one, many, errors = result["ours"]
        print(
            f"  ours: {CLIENTS}-client throughput / 1-client: {many / one:.2f}"
            " (target >= 1)"
        )
        print(f"  ours / stock, 1 client: {one / result['stock'][0]:.2f}")
        print(f"  ours / stock, {CLIENTS} clients: {many / result['stock'][1]:.2f}")
        print(
            "\nours gap-free and unique after the run:",
            check_gap_free(rpc, journals["ours"]),
        )


if __name__ == "__main__":
    main()
