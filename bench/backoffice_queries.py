"""The 電帳法 search and the monthly report over the generated sales, against COUNT(*).

Run bench/backoffice_generate.py first. Each query runs ``--repeat`` times (best taken);
the ratio is its time over a plain ``SELECT COUNT(*) FROM bo_sales`` in the same run.
"""

from __future__ import annotations

import argparse
import time
from datetime import date

from sqlalchemy import func, select

from kiosk.backoffice.core.db import Database
from kiosk.backoffice.exports import service as exports
from kiosk.backoffice.reports import service as reports
from kiosk.backoffice.sales.models import SaleRow


def best(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        began = time.perf_counter()
        fn()
        times.append(time.perf_counter() - began)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", required=True)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    db = Database(args.url)
    with db.reading() as s:
        n = s.scalar(select(func.count()).select_from(SaleRow))
        base = best(lambda: s.scalar(select(func.count()).select_from(SaleRow)), args.repeat)
        q = exports.SearchQuery
        cases = {
            "search: one day": q(date(2025, 6, 1), date(2025, 6, 1)),
            "search: one month, ¥5,000–¥6,000": q(date(2025, 6, 1), date(2025, 6, 30), 5000, 6000),
            "search: counterparty only": q(counterparty="M01234"),
            "search: all three combined": q(
                date(2025, 3, 1), date(2025, 9, 30), 1000, 15000, "M01234"
            ),
            "search: amount only ¥19,000–¥19,100": q(amount_min=19000, amount_max=19100),
        }
        print(f"{db.engine.dialect.name}: {n:,} sales; COUNT(*) {base * 1000:.1f} ms")
        for name, query in cases.items():
            t = best(lambda query=query: exports.search(s, query), args.repeat)
            hits = exports.search(s, query)[0]
            print(
                f"  {name:40} {t * 1000:8.1f} ms  ×{t / base:6.2f} of COUNT(*)  ({hits:,} hits, page of 100)"
            )
        t = best(lambda: reports.month_report(s, 2025, 6), args.repeat)
        print(
            f"  {'monthly report (June 2025)':40} {t * 1000:8.1f} ms  ×{t / base:6.2f} of COUNT(*)"
        )
    db.close()


if __name__ == "__main__":
    main()
