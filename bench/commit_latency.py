"""Sale commit latency through the real store code, against a bare one-row INSERT floor.

Both run in the same process on the same kind of database file (WAL, synchronous=FULL,
one fsync per commit), interleaved in blocks so machine noise hits both alike. Prints p50
and p99 of each and their ratio. Goal: sale p99 within 5x the floor's p99.

    .venv/bin/python bench/commit_latency.py [--sales 10000]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
import uuid
from datetime import datetime
from pathlib import Path

from sqlalchemy import text

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from kiosk.domain.basket import Basket
from kiosk.domain.product import Product, TaxCategory
from kiosk.domain.sale import Sale, Tender
from kiosk.domain.tax import compute_totals
from kiosk.store import LocalStore
from kiosk.store.engine import sqlite_engine

PRODUCTS = [
    Product(
        f"B{i}",
        f"商品{i}",
        f"Item {i}",
        100 + i * 37,
        TaxCategory.REDUCED if i % 2 else TaxCategory.STANDARD,
        gtin=None,
        plu=str(900 + i),
    )
    for i in range(6)
]


def a_sale(receipt_no: int) -> Sale:
    basket = Basket()
    for product in PRODUCTS[: 2 + receipt_no % 5]:
        basket.add(product, 1 + receipt_no % 3)
    totals = compute_totals(basket.lines)
    now = datetime.now()
    return Sale(
        sale_id=str(uuid.uuid4()),
        kiosk_id="K01",
        receipt_no=receipt_no,
        started_at=now,
        completed_at=now,
        lines=tuple(basket.lines),
        adjustments=(),
        totals=totals,
        tenders=(Tender(str(uuid.uuid4()), "cash", "現金", "Cash", totals.total),),
    )


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(p / 100 * len(ordered)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sales", type=int, default=10_000)
    parser.add_argument("--block", type=int, default=100)
    args = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="commit-bench-"))
    store = LocalStore(workdir / "kiosk.sqlite3")
    floor_engine = sqlite_engine(workdir / "floor.sqlite3")
    with floor_engine.begin() as conn:
        conn.execute(text("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)"))

    sale_ms: list[float] = []
    floor_ms: list[float] = []
    done = 0
    started = time.perf_counter()
    while done < args.sales:
        for _ in range(args.block):
            sale = a_sale(done + 1)
            t0 = time.perf_counter()
            store.commit_sale(sale)
            sale_ms.append((time.perf_counter() - t0) * 1000)
            done += 1
        for _ in range(args.block):
            t0 = time.perf_counter()
            with floor_engine.begin() as conn:
                conn.execute(text("INSERT INTO t (v) VALUES (:v)"), {"v": "x"})
            floor_ms.append((time.perf_counter() - t0) * 1000)
        if done % 1000 == 0:
            print(
                f"  {done:>6} sales committed ({time.perf_counter() - started:.0f} s)",
                file=sys.stderr,
            )

    def row(name: str, values: list[float]) -> str:
        return (
            f"{name:<34} p50 {percentile(values, 50):7.3f} ms   "
            f"p99 {percentile(values, 99):7.3f} ms   mean {statistics.fmean(values):7.3f} ms"
        )

    print(f"commit latency, {args.sales} commits each, WAL + synchronous=FULL")
    print(row("sale (sale+lines+outbox+journal)", sale_ms))
    print(row("floor (bare one-row INSERT)", floor_ms))
    ratio50 = percentile(sale_ms, 50) / percentile(floor_ms, 50)
    ratio99 = percentile(sale_ms, 99) / percentile(floor_ms, 99)
    print(f"ratio sale/floor: p50 {ratio50:.2f}x   p99 {ratio99:.2f}x   (goal: p99 <= 5x)")
    store.close()


if __name__ == "__main__":
    main()
