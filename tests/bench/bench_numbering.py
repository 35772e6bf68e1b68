"""Benchmark of legal invoice numbering against Odoo's own numbering, in one run.

* batch: one call posts 500 draft invoices (target: at most 1.05 x stock);
* parallel: 1 client, then 4 clients, post 100 invoices each, one call per invoice,
  against a server with 4 workers (targets: throughput at least stock's with 1 and
  with 4 clients, 4 clients at least 1.8 x one client, no error reaches a client);
  the time of each call, p50 and p95;
* PostgreSQL ERRORs the postings logged, by message (read from PostgreSQL's log
  where this user may read it; target: none from the numbering; Odoo itself logs a
  "could not serialize access" when two postings for the same customer raise its
  customer rank at once, on both journals).

Both journals live in the same database, with the same customer, product lines and
dates; "stock" is a sales journal with legal numbering off, numbered by Odoo.

    ./setup/bench numbering
"""

import argparse
import collections
import glob
import os
import statistics
import threading
import time
import xmlrpc.client
from datetime import date

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
    """Throughput (invoices/s), the errors clients got, and the time of each call."""
    errors, threads, times = [], [], []

    def client(ids):
        own = rpc.clone()
        for move_id in ids:
            started = time.perf_counter()
            try:
                own("account.move", "action_post", [move_id])
            except xmlrpc.client.Fault as fault:
                errors.append(fault.faultString.strip().splitlines()[-1])
            times.append(time.perf_counter() - started)

    started = time.perf_counter()
    for ids in chunks:
        threads.append(threading.Thread(target=client, args=(ids,)))
        threads[-1].start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    return sum(len(c) for c in chunks) / elapsed, errors, times


def percentile(values, share):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


class PostgresErrors:
    """The ERRORs PostgreSQL logs for one database, counted from its log file
    (Debian's cluster log, where the user running this may read it)."""

    def __init__(self, db):
        self.db = db
        files = sorted(glob.glob("/var/log/postgresql/postgresql-*-main.log"))
        self.path = files[-1] if files and os.access(files[-1], os.R_OK) else None

    def mark(self):
        return os.path.getsize(self.path) if self.path else 0

    def since(self, mark):
        """ERROR lines of the database since `mark`; None where the log is not
        readable."""
        if not self.path:
            return None
        with open(self.path, "rb") as log:
            log.seek(mark)
            text = log.read().decode(errors="replace")
        return [line for line in text.splitlines() if f"@{self.db} ERROR:" in line]


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
    day = date.today().isoformat()
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

        pg_errors = PostgresErrors(args.db)
        logged = {"stock": [], "ours": []}
        posted = {"stock": 0, "ours": 0}
        batch = {"stock": [], "ours": []}
        for round_no in range(args.rounds):
            order = ("stock", "ours") if round_no % 2 == 0 else ("ours", "stock")
            for kind in order:
                mark = pg_errors.mark()
                batch[kind].append(post_batch(rpc, take(kind, BATCH)))
                logged[kind] += pg_errors.since(mark) or []
                posted[kind] += BATCH
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
                mark = pg_errors.mark()
                one = post_parallel(rpc, [take(kind, PER_CLIENT)])
                chunks = [take(kind, PER_CLIENT) for _i in range(CLIENTS)]
                many = post_parallel(rpc, chunks)
                logged[kind] += pg_errors.since(mark) or []
                posted[kind] += PER_CLIENT * (1 + CLIENTS)
                runs[kind].append((one, many))
        result = {}
        for kind in ("stock", "ours"):
            one = statistics.median(r[0][0] for r in runs[kind])
            many = statistics.median(r[1][0] for r in runs[kind])
            errors = [e for r in runs[kind] for e in r[0][1] + r[1][1]]
            times_one = [t for r in runs[kind] for t in r[0][2]]
            times_many = [t for r in runs[kind] for t in r[1][2]]
            result[kind] = (one, many, errors)
            print(
                f"  {kind:5}  1 client {one:6.1f}/s (p50 "
                f"{percentile(times_one, 0.5) * 1000:4.0f} ms, p95 "
                f"{percentile(times_one, 0.95) * 1000:4.0f} ms)   {CLIENTS} clients "
                f"{many:6.1f}/s (p50 {percentile(times_many, 0.5) * 1000:4.0f} ms, "
                f"p95 {percentile(times_many, 0.95) * 1000:4.0f} ms)   scaling "
                f"{many / one:4.2f}x   errors {len(errors)}"
            )
            for error in errors[:3]:
                print(f"         error: {error}")
        one, many, errors = result["ours"]
        print(
            f"  ours: {CLIENTS}-client throughput / 1-client: {many / one:.2f}"
            " (target >= 1.8)"
        )
        print(
            f"  ours / stock, 1 client: {one / result['stock'][0]:.2f}  (target >= 1)"
        )
        print(
            f"  ours / stock, {CLIENTS} clients: {many / result['stock'][1]:.2f}"
            "  (target >= 1)"
        )
        if pg_errors.path:
            for kind in ("stock", "ours"):
                print(
                    f"  PostgreSQL ERRORs logged while posting, {kind}: "
                    f"{len(logged[kind])} for {posted[kind]} invoices (target: 0)"
                )
                messages = collections.Counter(
                    line.split(" ERROR:", 1)[-1].strip() for line in logged[kind]
                )
                for message, count in messages.most_common(5):
                    print(f"         {count:5}  {message}")
        else:
            print("  PostgreSQL's log is not readable here: ERRORs not counted")
        print(
            "\nours gap-free and unique after the run:",
            check_gap_free(rpc, journals["ours"]),
        )


if __name__ == "__main__":
    main()
