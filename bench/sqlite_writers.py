"""20 kiosks syncing into the SQLite back office at once: request latency, p50/p99.

Each kiosk is a thread posting batches of ``--batch`` sales one after another, as relays
do, through the real HTTP API (in-process). Three ways, alternated in rounds on fresh
databases, in one process: writers parked in ``BEGIN IMMEDIATE`` (SQLite's busy handler, as
first built), the writer queue with one transaction per batch
(``kiosk.backoffice.core.writer_queue``, the second pass), and group commit (the waiting
batches in one transaction, a savepoint each: ``kiosk.backoffice.core.group_commit``, what
the back office does now). Printed: p50/p99/max of the requests; the process's CPU time per
request while the kiosks sync (server and the simulated kiosks: in this closed loop latency ≈
kiosks × CPU per request ÷ the share of a core the machine gives); the ratios; the batches
per transaction; the load average before and after.

    .venv/bin/python bench/sqlite_writers.py [--kiosks 20 --batches 10 --batch 10 --rounds 2]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import threading
import time
import uuid
from datetime import datetime, timedelta
from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy import event

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from kiosk.backoffice.app import create_app
from kiosk.backoffice.core.db import Database
from kiosk.backoffice.staff.auth import enrol_kiosk
from tests.backoffice.factories import make_sale

START = datetime(2026, 11, 20, 9)


PARKED, QUEUE, GROUP = "parked in BEGIN IMMEDIATE", "queue, a transaction each", "group commit"


def run(
    mode: str, kiosks: int, batches: int, batch: int, synchronous: str = "NORMAL"
) -> tuple[list[float], int, str, float]:
    db = Database(f"sqlite:///{tempfile.mkdtemp()}/bo.sqlite3")
    if synchronous != "NORMAL":  # the back office's own setting is NORMAL (kiosk: FULL)
        db.engine.dispose()
        event.listen(
            db.engine,
            "connect",
            lambda dbapi, _r: dbapi.execute(f"PRAGMA synchronous={synchronous}"),
        )
    if mode != GROUP:
        db.groups = None  # each batch its own transaction, behind the queue or parked
    if mode == PARKED:
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
    cpu_began = time.process_time()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    cpu = time.process_time() - cpu_began  # the kiosks' syncing, server and clients
    grouping = ""
    if db.groups is not None:
        grouping = f"{db.groups.batches} batches in {db.groups.groups} transactions"
    db.close()
    return latencies, refused[0], grouping, cpu


def summary(values: list[float]) -> tuple[float, float, float]:
    ms = sorted(v * 1000 for v in values)
    return statistics.median(ms), ms[min(len(ms) - 1, int(len(ms) * 0.99))], ms[-1]


def load() -> str:
    return "/".join(f"{v:.1f}" for v in os.getloadavg())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kiosks", type=int, default=20)
    parser.add_argument("--batches", type=int, default=10)
    parser.add_argument("--batch", type=int, default=10)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument(
        "--synchronous",
        choices=("NORMAL", "FULL"),
        default="NORMAL",
        help="SQLite's synchronous: NORMAL (the back office's, no fsync per commit in WAL) "
        "or FULL (an fsync per commit)",
    )
    args = parser.parse_args()
    results: dict[str, list[float]] = {PARKED: [], QUEUE: [], GROUP: []}
    refusals = dict.fromkeys(results, 0)
    cpu = dict.fromkeys(results, 0.0)
    groupings: list[str] = []
    load_before = load()
    for _ in range(args.rounds):
        for mode in results:
            values, refused, grouping, seconds = run(
                mode, args.kiosks, args.batches, args.batch, args.synchronous
            )
            results[mode] += values
            cpu[mode] += seconds
            refusals[mode] += refused
            groupings += [grouping] if grouping else []
    print(
        f"SQLite, {args.kiosks} kiosks at once, {args.batches} batches of {args.batch} each, "
        f"{args.rounds} rounds, synchronous={args.synchronous}; load average (1/5/15 min) "
        f"before {load_before}, after {load()}"
    )
    p99s = {}
    for mode, values in results.items():
        p50, p99, top = summary(values)
        p99s[mode] = p99
        print(
            f"  {mode:28s} p50 {p50:7.1f} ms  p99 {p99:7.1f} ms  max {top:7.1f} ms  "
            f"CPU {1000 * cpu[mode] / len(values):5.1f} ms/request  n={len(values)}  "
            f"503s={refusals[mode]}"
        )
    print(
        f"  p99 group/queue {p99s[GROUP] / p99s[QUEUE]:.2f}  group/parked "
        f"{p99s[GROUP] / p99s[PARKED]:.2f}  queue/parked {p99s[QUEUE] / p99s[PARKED]:.2f}"
    )
    print(f"  CPU per request group/queue {cpu[GROUP] / cpu[QUEUE]:.2f}")
    print(f"  group commit: {'; '.join(groupings)} (per round)")


if __name__ == "__main__":
    main()
