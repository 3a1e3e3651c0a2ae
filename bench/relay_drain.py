"""Kiosk outbox relay: draining N sales against the bare POSTs of the same batches.

The kiosk store holds ``--sales`` committed sales (the relay's backlog alert may print). The floor POSTs the very batches the
relay would send (bodies built up front) to one fresh in-process back office (SQLite); the
drain is ``OutboxRelay.run`` against another: the same POSTs plus reading the outbox and
marking each acknowledged batch sent. Printed: both times and their ratio (goal <= 1.1).

    .venv/bin/python bench/relay_drain.py [--sales 2000]
"""

from __future__ import annotations

import argparse
import statistics
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
from tests.backoffice.factories import make_sale

START = datetime(2026, 11, 20, 9)


class Online:
    online = True


def back_office() -> tuple[TestClient, str]:
    db = Database(f"sqlite:///{tempfile.mkdtemp()}/bo.sqlite3")
    with db.transaction() as s:
        token = enrol_kiosk(s, "K01", START)
    return TestClient(create_app(db)), token


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sales", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    store = LocalStore(Path(tempfile.mkdtemp()) / "kiosk.sqlite3")
    began = time.perf_counter()
    for n in range(1, args.sales + 1):
        store.commit_sale(make_sale(n, START + timedelta(seconds=n)))
    print(f"{args.sales:,} sales committed in {time.perf_counter() - began:.1f} s")

    bares, drains = [], []
    for _ in range(args.rounds):  # alternated, so load on the machine falls on both alike
        with store.transaction() as session:  # unsent again: every round drains all of them
            session.execute(update(OutboxRow).values(sent_at=None))
        client, token = back_office()
        probe = OutboxRelay(store, client, token, runtime=Online())
        rows = store.unsent_outbox(args.sales)
        bodies = [probe._batch(rows[i : i + 100]) for i in range(0, len(rows), 100)]
        headers = {"Authorization": f"Bearer {token}"}
        began = time.perf_counter()
        for body in bodies:
            response = client.post("/api/v1/sync/outbox", json=body, headers=headers)
            assert response.status_code == 200
        bares.append(time.perf_counter() - began)

        client, token = back_office()
        relay = OutboxRelay(store, client, token, runtime=Online(), sleep=lambda s: None)
        began = time.perf_counter()
        relay.run(len(bodies) + 5, stop_when_idle=True)
        drains.append(time.perf_counter() - began)
        assert not store.unsent_outbox(1), "the relay left sales unsent"
    bare, drain = statistics.median(bares), statistics.median(drains)
    print(f"  bare POSTs of the {len(bodies)} batches      median {bare:6.2f} s  ({_list(bares)})")
    print(f"  relay drain (read, POST, mark sent) median {drain:6.2f} s  ({_list(drains)})")
    print(f"  ratio drain/bare: {drain / bare:.2f}   (goal <= 1.1)")


def _list(values: list[float]) -> str:
    return ", ".join(f"{v:.2f}" for v in values)


if __name__ == "__main__":
    main()
