"""Live sales page across two worker processes: ingest to page event, same vs other worker.

Two back-office workers (uvicorn, one PostgreSQL database, an hour's refresh so only a
notification wakes a page) with the live stream open on worker A. A sale is posted to A
(the floor: the in-process bus) or to B (LISTEN/NOTIFY), alternately, and the time from
sending the sale to the page's next ``day`` event is taken. Goal: ≤ 1 s whatever worker.

    .venv/bin/python bench/live_wake.py [--sales 20] [--url postgresql+psycopg://…/bench_live]
"""

from __future__ import annotations

import argparse
import signal
import statistics
import sys
import time
from datetime import datetime
from pathlib import Path

import httpx
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from kiosk.backoffice.core.db import Database
from kiosk.backoffice.staff.auth import Role, add_staff, enrol_kiosk
from tests.backoffice.helpers import event
from tests.backoffice.test_function_live_across_workers import _wait_up, _worker
from tests.e2e.test_live_sales import day_events

PASSWORD = "bench-live-wake"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default="postgresql+psycopg://postgres@127.0.0.1/bench_live")
    parser.add_argument("--sales", type=int, default=20)
    args = parser.parse_args()
    parsed = make_url(args.url)
    admin = create_engine(parsed.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as c:
        c.execute(text(f'DROP DATABASE IF EXISTS "{parsed.database}" WITH (FORCE)'))
        c.execute(text(f'CREATE DATABASE "{parsed.database}"'))
    db = Database(args.url)
    with db.transaction() as s:
        token = enrol_kiosk(s, "K01", datetime.now())
        add_staff(s, "attendant", PASSWORD, Role.ATTENDANT, datetime.now(), "bench")
    db.close()
    workers = [_worker(args.url), _worker(args.url)]
    waits: dict[str, list[float]] = {
        "same worker (in-process bus)": [],
        "other worker (NOTIFY)": [],
    }
    try:
        for base, process in workers:
            _wait_up(base, process)
        (a, _), (b, _) = workers
        timeout = httpx.Timeout(10, read=60)
        with httpx.Client(base_url=a, timeout=timeout, headers={"Origin": a}) as page:
            page.post("/login", data={"username": "attendant", "password": PASSWORD})
            with page.stream("GET", "/live/events") as stream:
                days = day_events(stream.iter_lines())
                next(days)
                for seq in range(1, args.sales + 1):
                    target, name = (a, "same worker (in-process bus)") if seq % 2 else (
                        b, "other worker (NOTIFY)")  # fmt: skip
                    began = time.perf_counter()
                    answer = httpx.post(
                        f"{target}/api/v1/sync/outbox",
                        json={"events": [event(seq, datetime.now(), n=seq)]},
                        headers={"Authorization": f"Bearer {token}"},
                        timeout=30,
                    )
                    assert answer.status_code == 200, answer.text
                    day = next(days)
                    waits[name].append(time.perf_counter() - began)
                    assert day["sales"] >= seq
    finally:
        for _, process in workers:
            process.send_signal(signal.SIGTERM)
        for _, process in workers:
            process.wait(timeout=30)
        with admin.connect() as c:
            c.execute(text(f'DROP DATABASE IF EXISTS "{parsed.database}" WITH (FORCE)'))
    print("sale posted → live page's next event (page open on worker A), 1 h refresh")
    floor = statistics.median(waits["same worker (in-process bus)"])
    for name, values in waits.items():
        ms = [v * 1000 for v in values]
        print(f"  {name:30s} median {statistics.median(ms):7.1f} ms   max {max(ms):7.1f} ms")
    other = statistics.median(waits["other worker (NOTIFY)"])
    print(f"  other/same (median): {other / floor:.2f}   (goal: <= 1 s whatever worker)")


if __name__ == "__main__":
    main()
