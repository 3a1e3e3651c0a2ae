"""20 kiosks syncing into the SQLite back office at once: request latency, p50/p99.

Each kiosk is a thread posting batches of ``--batch`` sales one after another, as relays
do, through the real HTTP API (in-process). Three ways, alternated in rounds on fresh
databases, in one process: writers parked in ``BEGIN IMMEDIATE`` (SQLite's busy handler, as
first built), the writer queue with one transaction per batch
(``kiosk.backoffice.core.writer_queue``, the second pass), and group commit (the waiting
batches in one transaction, a savepoint each: ``kiosk.backoffice.core.group_commit``, what
the back office does now). Printed: p50/p99/max of the requests; the process's CPU time per
request while the kiosks sync (server and the simulated kiosks share the process: in this
closed loop latency ≈ kiosks × CPU per request ÷ the share of a core the machine gives); how
much of the time the writer held the database (below 100 %, the writer is not what requests
wait for); the ratios; the batches per transaction; the load average before and after.

``--synchronous NORMAL`` takes away the fsync at every COMMIT (the back office runs FULL, an
fsync per commit, so no acknowledged sale is lost in a power cut). ``--commit-delay-ms N`` adds N ms at every COMMIT, the GIL released, as a
slower disk's fsync would (an SD card or a busy NAS): labelled as such in the output.

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
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
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


@dataclass
class Round:
    latencies: list[float] = field(default_factory=list)
    refused: int = 0
    cpu: float = 0.0  # process CPU seconds while the kiosks synced
    wall: float = 0.0
    writer_held: float = 0.0  # seconds the writer turn was held (queue and group commit)
    grouping: str = ""


def tune(db: Database, synchronous: str, commit_delay_ms: float) -> None:
    if synchronous != "FULL":  # the back office's own setting is FULL (as the kiosk's)
        db.engine.dispose()
        event.listen(
            db.engine,
            "connect",
            lambda dbapi, _r: dbapi.execute(f"PRAGMA synchronous={synchronous}"),
        )
    if commit_delay_ms:
        event.listen(db.engine, "commit", lambda _c: time.sleep(commit_delay_ms / 1000))


def time_the_writer(db: Database, result: Round) -> None:
    """Add up how long the writer turn is held (turns taken by this process)."""
    if db.writers is None:
        return
    turn = db.writers.turn

    @contextmanager
    def timed(**kwargs) -> Iterator[None]:
        with turn(**kwargs):
            began = time.perf_counter()
            try:
                yield
            finally:
                result.writer_held += time.perf_counter() - began

    db.writers.turn = timed  # type: ignore[method-assign]


def run(mode: str, args: argparse.Namespace) -> Round:
    db = Database(f"sqlite:///{tempfile.mkdtemp()}/bo.sqlite3", group_commit=mode == GROUP)
    tune(db, args.synchronous, args.commit_delay_ms)
    if mode == PARKED:
        db.writers = None
    with db.transaction() as s:
        tokens = {f"K{k:02d}": enrol_kiosk(s, f"K{k:02d}", START) for k in range(args.kiosks)}
    app = create_app(db)
    result = Round()
    lock = threading.Lock()

    def kiosk(kiosk_id: str) -> None:
        headers = {"Authorization": f"Bearer {tokens[kiosk_id]}"}
        seq = 0
        with TestClient(app) as client:
            for _ in range(args.batches):
                events = []
                for _ in range(args.batch):
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
                        result.latencies.append(took)
                    if answer.status_code != 503:
                        assert answer.status_code == 200, answer.text
                        break
                    with lock:
                        result.refused += 1
                    time.sleep(float(answer.headers.get("Retry-After", "1")))

    threads = [threading.Thread(target=kiosk, args=(k,)) for k in tokens]
    time_the_writer(db, result)
    cpu_began, wall_began = time.process_time(), time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    result.cpu = time.process_time() - cpu_began
    result.wall = time.perf_counter() - wall_began
    if db.groups is not None:
        result.grouping = f"{db.groups.batches} batches in {db.groups.groups} transactions"
    db.close()
    return result


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
        default="FULL",
        help="SQLite's synchronous: FULL (the back office's, an fsync per commit) "
        "or NORMAL (no fsync per commit in WAL)",
    )
    parser.add_argument(
        "--commit-delay-ms",
        type=float,
        default=0.0,
        help="a slower disk: this many ms more at every COMMIT (a sleep, the GIL released)",
    )
    args = parser.parse_args()
    modes = (PARKED, QUEUE, GROUP)
    rounds: dict[str, list[Round]] = {mode: [] for mode in modes}
    load_before = load()
    for _ in range(args.rounds):
        for mode in modes:
            rounds[mode].append(run(mode, args))
    delay = f", every COMMIT {args.commit_delay_ms:g} ms slower" if args.commit_delay_ms else ""
    print(
        f"SQLite, {args.kiosks} kiosks at once, {args.batches} batches of {args.batch} each, "
        f"{args.rounds} rounds, synchronous={args.synchronous}{delay}; "
        f"load average (1/5/15 min) before {load_before}, after {load()}"
    )
    p99s, cpus = {}, {}
    for mode in modes:
        values = [v for r in rounds[mode] for v in r.latencies]
        p50, p99, top = summary(values)
        p99s[mode], cpus[mode] = p99, sum(r.cpu for r in rounds[mode]) / len(values)
        held = sum(r.writer_held for r in rounds[mode]) / sum(r.wall for r in rounds[mode])
        writer = f"writer held {held:4.0%}" if mode != PARKED else "writer held    —"
        refused = sum(r.refused for r in rounds[mode])
        rate = (
            sum(len(r.latencies) - r.refused for r in rounds[mode])
            * args.batch
            / sum(r.wall for r in rounds[mode])
        )
        print(
            f"  {mode:26s} p50 {p50:7.1f} ms  p99 {p99:7.1f} ms  max {top:7.1f} ms  "
            f"{rate:4.0f} sales/s  CPU {1000 * cpus[mode]:5.1f} ms/request  {writer}  "
            f"n={len(values)}  503s={refused}"
        )
    print(
        f"  p99 group/queue {p99s[GROUP] / p99s[QUEUE]:.2f}  group/parked "
        f"{p99s[GROUP] / p99s[PARKED]:.2f}  queue/parked {p99s[QUEUE] / p99s[PARKED]:.2f}  "
        f"CPU per request group/queue {cpus[GROUP] / cpus[QUEUE]:.2f}"
    )
    print(f"  group commit: {'; '.join(r.grouping for r in rounds[GROUP])} (per round)")


if __name__ == "__main__":
    main()
