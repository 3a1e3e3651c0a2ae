"""Kiosk outbox relay: draining N sales against the bare POSTs of the same batches.

The kiosk store holds ``--sales`` committed sales (the relay's backlog alert may print). The floor POSTs the very batches the
relay would send (bodies built up front) to one fresh in-process back office (SQLite); the
drain is ``OutboxRelay.run`` against another: the same POSTs plus reading the outbox and
marking each acknowledged batch sent. Printed: both times and their ratio (goal <= 1.1), and
the same for the process's CPU time (client and in-process back office both run here), which
other processes' load moves far less than wall time.

    .venv/bin/python bench/relay_drain.py [--sales 2000]
    .venv/bin/python bench/relay_drain.py --instructions [--sales 300]

``--instructions`` runs the same set-up under ``valgrind --tool=callgrind`` four times (then
nothing, the bare POSTs, the drain, the previous drain; in parallel) and prints each one's
instructions beyond the set-up, and their ratios: counts the machine's load does not move.
"""

from __future__ import annotations

import argparse
import re
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy import select, update

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from kiosk.backoffice.app import create_app
from kiosk.backoffice.core.db import Database
from kiosk.backoffice.staff.auth import enrol_kiosk
from kiosk.store.local import LocalStore
from kiosk.store.models import OutboxRow
from kiosk.sync.relay import OutboxRelay
from tests.backoffice.factories import make_sale

START = datetime(2026, 11, 20, 9)


class Online:
    online = True


class PreviousStore:
    """The store as the relay read it before (ORM objects, the session's BEGIN IMMEDIATE)."""

    def __init__(self, store: LocalStore) -> None:
        self._store = store

    def __getattr__(self, name: str):
        return getattr(self._store, name)

    def unsent_outbox(self, limit: int = 100) -> list[OutboxRow]:
        with self._store._sessions() as session:
            query = (
                select(OutboxRow)
                .where(OutboxRow.sent_at.is_(None))
                .order_by(OutboxRow.seq)
                .limit(limit)
            )
            return list(session.scalars(query))


class PreviousRelay(OutboxRelay):
    """The relay as it was: the backlog counted after every cycle."""

    def check_backlog_after(self, result):
        return self.check_backlog()


def timed_drain(relay: OutboxRelay, cycles: int) -> tuple[float, float]:
    """Wall and CPU seconds of a drain."""
    began, cpu = time.perf_counter(), time.process_time()
    relay.run(cycles, stop_when_idle=True)
    return time.perf_counter() - began, time.process_time() - cpu


def measured(way: str, sales: int) -> None:
    """One process's work for ``--instructions``: the set-up, then ``way`` once."""
    store = LocalStore(Path(tempfile.mkdtemp()) / "kiosk.sqlite3")
    for n in range(1, sales + 1):
        store.commit_sale(make_sale(n, START + timedelta(seconds=n)))
    client, token = back_office()
    probe = OutboxRelay(store, client, token, runtime=Online())
    rows = store.unsent_outbox(sales)
    bodies = [probe._batch(rows[i : i + 100]) for i in range(0, len(rows), 100)]
    headers = {"Authorization": f"Bearer {token}"}
    client.get("/api/v1/sync/status", headers=headers)  # the app's first request: in every way
    if way == "bare":
        for body in bodies:
            assert client.post("/api/v1/sync/outbox", json=body, headers=headers).status_code == 200
    elif way in ("drain", "previous"):
        relay_type = OutboxRelay if way == "drain" else PreviousRelay
        kiosk = store if way == "drain" else PreviousStore(store)
        relay_type(kiosk, client, token, runtime=Online(), sleep=lambda s: None).run(
            len(bodies) + 5, stop_when_idle=True
        )
        assert not store.unsent_outbox(1)


def instruction_counts(sales: int) -> None:
    ways = ("none", "bare", "drain", "previous")
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
    extra = {way: counts[way] - counts["none"] for way in ways[1:]}
    print(f"relay drain, {sales} sales, callgrind instructions beyond the set-up")
    for way, n in extra.items():
        print(f"  {way:9s} {n / 1e6:9.1f} M")
    print(
        f"  drain/bare {extra['drain'] / extra['bare']:.3f}   "
        f"previous/bare {extra['previous'] / extra['bare']:.3f}   (goal <= 1.1)"
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
    parser.add_argument("--measure", choices=("none", "bare", "drain", "previous"))
    args = parser.parse_args()
    if args.measure:
        measured(args.measure, args.sales)
        return
    if args.instructions:
        instruction_counts(args.sales)
        return
    store = LocalStore(Path(tempfile.mkdtemp()) / "kiosk.sqlite3")
    began = time.perf_counter()
    for n in range(1, args.sales + 1):
        store.commit_sale(make_sale(n, START + timedelta(seconds=n)))
    print(f"{args.sales:,} sales committed in {time.perf_counter() - began:.1f} s")

    bares, drains, bare_cpu, drain_cpu, previous, previous_cpu = [], [], [], [], [], []
    for _ in range(args.rounds):  # alternated, so load on the machine falls on both alike
        with store.transaction() as session:  # unsent again: every round drains all of them
            session.execute(update(OutboxRow).values(sent_at=None))
        client, token = back_office()
        probe = OutboxRelay(store, client, token, runtime=Online())
        rows = store.unsent_outbox(args.sales)
        bodies = [probe._batch(rows[i : i + 100]) for i in range(0, len(rows), 100)]
        headers = {"Authorization": f"Bearer {token}"}
        began, cpu = time.perf_counter(), time.process_time()
        for body in bodies:
            response = client.post("/api/v1/sync/outbox", json=body, headers=headers)
            assert response.status_code == 200
        bares.append(time.perf_counter() - began)
        bare_cpu.append(time.process_time() - cpu)

        for way, wall, cpus in (
            (OutboxRelay, drains, drain_cpu),
            (PreviousRelay, previous, previous_cpu),
        ):
            with store.transaction() as session:
                session.execute(update(OutboxRow).values(sent_at=None))
            client, token = back_office()
            kiosk = store if way is OutboxRelay else PreviousStore(store)
            relay = way(kiosk, client, token, runtime=Online(), sleep=lambda s: None)
            took, cpu = timed_drain(relay, len(bodies) + 5)
            wall.append(took)
            cpus.append(cpu)
            assert not store.unsent_outbox(1), "the relay left sales unsent"
    bare, drain = statistics.median(bares), statistics.median(drains)
    before = statistics.median(previous)
    print(f"  bare POSTs of the {len(bodies)} batches      median {bare:6.2f} s  ({_list(bares)})")
    print(f"  relay drain (read, POST, mark sent) median {drain:6.2f} s  ({_list(drains)})")
    print(f"  previous relay drain                median {before:6.2f} s  ({_list(previous)})")
    print(
        f"  ratio drain/bare: {drain / bare:.2f}   previous/bare {before / bare:.2f}   (goal <= 1.1)"
    )
    bare_c, drain_c = statistics.median(bare_cpu), statistics.median(drain_cpu)
    print(
        f"  CPU time: bare {bare_c:.2f} s ({_list(bare_cpu)}), drain {drain_c:.2f} s ({_list(drain_cpu)})"
    )
    before_c = statistics.median(previous_cpu)
    print(f"  CPU time of the previous drain {before_c:.2f} s ({_list(previous_cpu)})")
    print(f"  CPU ratio drain/bare: {drain_c / bare_c:.2f}   previous/bare {before_c / bare_c:.2f}")


def _list(values: list[float]) -> str:
    return ", ".join(f"{v:.2f}" for v in values)


if __name__ == "__main__":
    main()
