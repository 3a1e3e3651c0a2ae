"""20 kiosks syncing into the SQLite back office at once: request latency, p50/p99.

Each kiosk is a thread posting batches of ``--batch`` sales one after another, as relays
do, through the real HTTP API (in-process). Two ways, alternated in rounds on fresh
databases: writers parked in ``BEGIN IMMEDIATE`` (SQLite's busy handler, as before) and the
writer queue (``kiosk.backoffice.core.writer_queue``). Printed: p50/p99/max of the requests and
the ratio queue/parked.

    .venv/bin/python bench/sqlite_writers.py [--kiosks 20 --batches 10 --batch 10]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import threading
import time
import uuid
from datetime import datetime, timedelta
from pathlib import Path

from fastapi.testclient import TestClient

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from kiosk.backoffice.app import create_app
from kiosk.backoffice.core.db import Database
from kiosk.backoffice.staff.auth import enrol_kiosk
from tests.backoffice.factories import make_sale

START = datetime(2026, 11, 20, 9)


def run(queued: bool, kiosks: int, batches: int, batch: int) -> tuple[list[float], int]:
    db = Database(f"sqlite:///{tempfile.mkdtemp()}/bo.sqlite3")
    if not queued:
        db.writers = None
    with db.transaction() as s:
        tokens = {f"K{k:02d}": enrol_kiosk(s, f"K{k:02d}", START) for k in range(kiosks)}
    app = create_app(db)
    latencies: list[float] = []
    refused = [0]
    lock = threading.Lock()

    def kiosk(kiosk_id: str) -> None:
        headers = {"Authorization": f"Bearer {tokens[kiosk_id]}"}
        seq = 0
        with TestClient(app) as client:
            for _ in range(batches):
                events = []
                for _ in range(batch):
                    seq += 1
                    sale = make_sale(seq, START + timedelta(seconds=seq), kiosk_id=kiosk_id)
                    doc = sale.to_document() | {"sale_id": str(uuid.uuid4())}
                    events.append(
                        {"seq": seq, "event_id": str(uuid.uuid4()), "kind": "sale", "payload": doc}
                    )
                while True:
                    began = time.perf_counter()
                    answer = client.post(
                        "/api/v1/sync/outbox", json={"events": events}, headers=headers
                    )
                    took = time.perf_counter() - began
                    with lock:
                        latencies.append(took)
                    if answer.status_code != 503:
                        assert answer.status_code == 200, answer.text
                        break
                    with lock:
                        refused[0] += 1
                    time.sleep(float(answer.headers.get("Retry-After", "1")))

    threads = [threading.Thread(target=kiosk, args=(k,)) for k in tokens]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    db.close()
    return latencies, refused[0]


def summary(values: list[float]) -> tuple[float, float, float]:
    ms = sorted(v * 1000 for v in values)
    return statistics.median(ms), ms[min(len(ms) - 1, int(len(ms) * 0.99))], ms[-1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kiosks", type=int, default=20)
    parser.add_argument("--batches", type=int, default=10)
    parser.add_argument("--batch", type=int, default=10)
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()
    results: dict[str, list[float]] = {"parked in BEGIN IMMEDIATE": [], "writer queue": []}
    refusals = 0
    for _ in range(args.rounds):
        for name in results:
            values, refused = run(name == "writer queue", args.kiosks, args.batches, args.batch)
            results[name] += values
            refusals += refused if name == "writer queue" else 0
    print(
        f"SQLite, {args.kiosks} kiosks at once, {args.batches} batches of {args.batch} each, "
        f"{args.rounds} rounds"
    )
    p99s = {}
    for name, values in results.items():
        p50, p99, top = summary(values)
        p99s[name] = p99
        print(
            f"  {name:28s} p50 {p50:7.1f} ms  p99 {p99:7.1f} ms  max {top:7.1f} ms  n={len(values)}"
        )
    ratio = p99s["writer queue"] / p99s["parked in BEGIN IMMEDIATE"]
    print(f"  p99 queue/parked: {ratio:.2f}   (503 answers from a full queue: {refusals})")


if __name__ == "__main__":
    main()
