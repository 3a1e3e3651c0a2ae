"""Kiosk outbox relay: draining N sales against the bare POSTs of the same batches.

The kiosk store holds ``--sales`` committed sales (the relay's backlog alert may print). Two
floors POST the very batches the relay would send to a fresh in-process back office (SQLite)
each: ``bare`` with the batch documents built up front and encoded by httpx (``json=``, the
floor of the earlier passes), ``bytes`` with the bodies encoded up front too (nothing left
but the POSTs). The drain is ``OutboxRelay.run`` against another: the same POSTs plus reading
the outbox, building the body and marking each acknowledged batch sent. ``previous`` is the
relay as this pass found it (77b2930: payloads decoded from the store and encoded again for
the POST, a status probe at the end of every drain). The ways run in rotated order in every
round, each after a WAL checkpoint, so the machine's load falls on all of them alike.
Printed: medians of wall and CPU time (client and in-process back office both run here; CPU
is moved far less by other processes' load) and their ratios to both floors (goal <= 1.1).

    .venv/bin/python bench/relay_drain.py [--sales 2000] [--rounds 3]
    .venv/bin/python bench/relay_drain.py --instructions [--sales 400]

``--instructions`` runs the same set-up under ``valgrind --tool=callgrind`` once for each way
and once doing nothing after it (in parallel), and prints each way's instructions beyond the
set-up and their ratios: counts the machine's load does not move.
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy import update

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from kiosk.backoffice.app import create_app
from kiosk.backoffice.core.db import Database
from kiosk.backoffice.staff.auth import enrol_kiosk
from kiosk.store.local import LocalStore
from kiosk.store.models import OutboxRow
from kiosk.sync.relay import OutboxRelay
from kiosk.sync.wire import wire_event
from tests.backoffice.factories import make_sale

START = datetime(2026, 11, 20, 9)
WAYS = ("bare", "bytes", "drain", "previous")
URL = "/api/v1/sync/outbox"


class Online:
    online = True


class PreviousRelay(OutboxRelay):
    """The relay as this pass found it (77b2930): payloads decoded, encoded again by httpx,
    and the status probe at the end of every drain."""

    def _unsent(self, limit):
        return self.store.unsent_outbox(limit)

    def _batch(self, rows):
        return {"store_instance": self.store.instance_id, "events": [wire_event(r) for r in rows]}

    def send_once(self):
        self._answered = False
        return super().send_once()


def documents(store: LocalStore, sales: int) -> list[dict]:
    """The batches of 100 the relay sends, as documents (payloads decoded)."""
    rows = store.unsent_outbox(sales)
    return [
        {"store_instance": store.instance_id, "events": [wire_event(r) for r in rows[i : i + 100]]}
        for i in range(0, len(rows), 100)
    ]


def fresh_outbox(store: LocalStore) -> None:
    """Every sale unsent again, and the WAL checkpointed, so each way starts alike."""
    with store.transaction() as session:
        session.execute(update(OutboxRow).values(sent_at=None))
    with store.engine.connect() as conn:  # on the driver's connection: outside BEGIN
        conn.connection.driver_connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")


def run_way(way: str, store: LocalStore, sales: int) -> tuple[float, float]:
    """Wall and CPU seconds of one way against a fresh back office (set-up not timed)."""
    fresh_outbox(store)
    client, token = back_office()
    headers = {"Authorization": f"Bearer {token}"}
    client.get("/api/v1/sync/status", headers=headers)  # the app's first request: in every way
    docs = documents(store, sales)
    bodies = [json.dumps(d, ensure_ascii=False, separators=(",", ":")).encode() for d in docs]
    relay_type = OutboxRelay if way == "drain" else PreviousRelay
    relay = relay_type(store, client, token, runtime=Online(), sleep=lambda s: None)
    began, cpu = time.perf_counter(), time.process_time()
    if way == "bare":
        for doc in docs:
            assert client.post(URL, json=doc, headers=headers).status_code == 200
    elif way == "bytes":
        typed = {**headers, "Content-Type": "application/json"}
        for body in bodies:
            assert client.post(URL, content=body, headers=typed).status_code == 200
    elif way != "none":
        relay.run(len(docs) + 5, stop_when_idle=True)
    took = time.perf_counter() - began, time.process_time() - cpu
    if way in ("drain", "previous"):
        assert not store.unsent_outbox(1), "the relay left sales unsent"
    return took


def committed_store(sales: int) -> LocalStore:
    store = LocalStore(Path(tempfile.mkdtemp()) / "kiosk.sqlite3")
    for n in range(1, sales + 1):
        store.commit_sale(make_sale(n, START + timedelta(seconds=n)))
    return store


def instruction_counts(sales: int) -> None:
    ways = ("none", *WAYS)
    runs = {
        way: subprocess.Popen(
            [
                "valgrind",
                "--tool=callgrind",
                f"--callgrind-out-file=/tmp/relay-{way}.callgrind",
                sys.executable,
                __file__,
                "--measure",
                way,
                "--sales",
                str(sales),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        for way in ways
    }
    counts = {}
    for way, run in runs.items():
        _, err = run.communicate()
        counts[way] = int(re.search(r"Collected : (\d+)", err).group(1))
        Path(f"/tmp/relay-{way}.callgrind").unlink(missing_ok=True)
    extra = {way: counts[way] - counts["none"] for way in WAYS}
    print(f"relay drain, {sales} sales, callgrind instructions beyond the set-up")
    for way, n in extra.items():
        print(f"  {way:9s} {n / 1e6:9.1f} M")
    for way in ("drain", "previous"):
        print(
            f"  {way}/bare {extra[way] / extra['bare']:.3f}   "
            f"{way}/bytes {extra[way] / extra['bytes']:.3f}   (goal <= 1.1)"
        )


def back_office() -> tuple[TestClient, str]:
    db = Database(f"sqlite:///{tempfile.mkdtemp()}/bo.sqlite3")
    with db.transaction() as s:
        token = enrol_kiosk(s, "K01", START)
    return TestClient(create_app(db)), token


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sales", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--instructions", action="store_true")
    parser.add_argument("--measure", choices=("none", *WAYS))
    args = parser.parse_args()
    if args.measure:
        run_way(args.measure, committed_store(args.sales), args.sales)
        return
    if args.instructions:
        instruction_counts(args.sales)
        return
    began = time.perf_counter()
    store = committed_store(args.sales)
    print(f"{args.sales:,} sales committed in {time.perf_counter() - began:.1f} s")
    wall: dict[str, list[float]] = {way: [] for way in WAYS}
    cpu: dict[str, list[float]] = {way: [] for way in WAYS}
    for n in range(args.rounds):
        for way in WAYS[n % len(WAYS) :] + WAYS[: n % len(WAYS)]:  # rotated every round
            took, used = run_way(way, store, args.sales)
            wall[way].append(took)
            cpu[way].append(used)
    for name, times in (("wall", wall), ("CPU", cpu)):
        median = {way: statistics.median(times[way]) for way in WAYS}
        print(f"  {name} time, median of {args.rounds} rounds (each round's value in brackets)")
        for way in WAYS:
            print(f"    {way:9s} {median[way]:6.2f} s  ({_list(times[way])})")
        for way in ("drain", "previous"):
            print(
                f"    {way}/bare {median[way] / median['bare']:.2f}   "
                f"{way}/bytes {median[way] / median['bytes']:.2f}   (goal <= 1.1)"
            )


def _list(values: list[float]) -> str:
    return ", ".join(f"{v:.2f}" for v in values)


if __name__ == "__main__":
    main()
