"""Generate N synthetic sales straight into a back-office database (for the query benchmarks).

PostgreSQL: COPY in chunks (fast); SQLite: executemany. Sales spread over ``--days`` days
from 2025-01-01, 50 kiosks, totals 100–20,000 yen, one in ten with a counterparty (member).
Indexes are those of the migrations; the tables are emptied first.

    .venv/bin/python bench/backoffice_generate.py --url postgresql+psycopg://postgres@127.0.0.1/bench_bo --sales 1000000
"""

from __future__ import annotations

import argparse
import json
import random
import time
import uuid
from datetime import datetime, timedelta

from sqlalchemy import text

from kiosk.backoffice.core.db import Database

COLUMNS = (
    "sale_id", "kiosk_id", "store_id", "kiosk_seq", "receipt_no", "completed_at", "business_date",
    "total", "tax_total", "gross_standard", "tax_standard", "gross_reduced", "tax_reduced",
    "counterparty", "member_id", "received_at", "document",
)  # fmt: skip
METHODS = ("cash", "credit", "paypay", "suica")


def rows(n: int, days: int, seed: int = 1):
    rng = random.Random(seed)
    start = datetime(2025, 1, 1, 8)
    seqs: dict[str, int] = {}
    span = days * 86400
    for i in range(n):
        at = start + timedelta(seconds=int(i * span / n))
        kiosk = f"K{rng.randrange(50):02d}"
        seqs[kiosk] = seqs.get(kiosk, 0) + 1
        reduced = rng.randrange(0, 8000)
        standard = rng.randrange(100, 12000)
        member = f"M{rng.randrange(20000):05d}" if rng.random() < 0.1 else None
        sale_id = str(uuid.UUID(int=rng.getrandbits(128), version=4))
        doc = json.dumps({"sale_id": sale_id, "kiosk_id": kiosk, "total": reduced + standard})
        yield (
            sale_id, kiosk, "S01", seqs[kiosk], seqs[kiosk], at, at.date(), reduced + standard,
            reduced * 8 // 108 + standard // 11, standard, standard // 11, reduced, reduced * 8 // 108,
            member or "", member, at, doc,
        ), (sale_id, at.date(), kiosk, METHODS[i % 4], reduced + standard)  # fmt: skip


def generate(url: str, n: int, days: int) -> None:
    db = Database(url)
    with db.engine.begin() as c:
        for table in ("bo_sale_payments", "bo_sale_lines", "bo_sales"):
            c.execute(text(f"DELETE FROM {table}"))
    began = time.perf_counter()
    if db.engine.dialect.name == "postgresql":
        raw = db.engine.raw_connection()
        try:
            cur = raw.cursor()
            with cur.copy(f"COPY bo_sales ({', '.join(COLUMNS)}) FROM STDIN") as sales_copy:
                payments = []
                for sale, payment in rows(n, days):
                    sales_copy.write_row(sale)
                    payments.append(payment)
            with cur.copy(
                "COPY bo_sale_payments (sale_id, business_date, kiosk_id, method, amount) FROM STDIN"
            ) as pay_copy:
                for p in payments:
                    pay_copy.write_row(p)
            raw.commit()
            cur.execute("ANALYZE bo_sales")
            cur.execute("ANALYZE bo_sale_payments")
            raw.commit()
        finally:
            raw.close()
    else:
        raw = db.engine.raw_connection()
        try:
            cur = raw.cursor()
            cur.execute("BEGIN")
            batch_s, batch_p = [], []
            for sale, payment in rows(n, days):
                batch_s.append(sale)
                batch_p.append(payment)
                if len(batch_s) == 50_000:
                    _sqlite_insert(cur, batch_s, batch_p)
                    batch_s, batch_p = [], []
            _sqlite_insert(cur, batch_s, batch_p)
            cur.execute("COMMIT")
            cur.execute("ANALYZE")
        finally:
            raw.close()
    print(f"generated {n:,} sales over {days} days in {time.perf_counter() - began:.1f} s")
    db.close()


def _sqlite_insert(cur, sales, payments) -> None:
    marks = ", ".join("?" * len(COLUMNS))
    cur.executemany(
        f"INSERT INTO bo_sales ({', '.join(COLUMNS)}) VALUES ({marks})",
        [tuple(str(v) if isinstance(v, datetime) else v for v in s) for s in sales],
    )
    cur.executemany(
        "INSERT INTO bo_sale_payments (sale_id, business_date, kiosk_id, method, amount) VALUES (?, ?, ?, ?, ?)",
        payments,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", required=True)
    parser.add_argument("--sales", type=int, default=1_000_000)
    parser.add_argument("--days", type=int, default=365)
    args = parser.parse_args()
    generate(args.url, args.sales, args.days)


if __name__ == "__main__":
    main()
