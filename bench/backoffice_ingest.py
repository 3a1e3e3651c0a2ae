"""Ingest rate of the back office (sales/s) on SQLite and PostgreSQL.

Many kiosks post batches of 100 sales through the real HTTP API (FastAPI TestClient,
in-process, so the number is the server's own cost: JSON, auth, idempotency checks, inserts)
from ``--threads`` client threads.

    .venv/bin/python bench/backoffice_ingest.py --sales 20000 --kiosks 20
    .venv/bin/python bench/backoffice_ingest.py --url postgresql+psycopg://postgres@127.0.0.1/bench_ingest
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import threading
import time
import uuid
from datetime import datetime, timedelta
from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from kiosk.backoffice.app import create_app
from kiosk.backoffice.core.db import Database
from kiosk.backoffice.staff.auth import enrol_kiosk

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from tests.backoffice.factories import make_sale


def fresh_postgres(url: str) -> str:
    parsed = make_url(url)
    admin = create_engine(parsed.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as c:
        c.execute(text(f'DROP DATABASE IF EXISTS "{parsed.database}" WITH (FORCE)'))
        c.execute(text(f'CREATE DATABASE "{parsed.database}"'))
    admin.dispose()
    return url


def run(url: str, sales: int, kiosks: int, threads: int, batch: int) -> float:
    db = Database(url)
    start = datetime(2026, 11, 1, 9)
    with db.transaction() as s:
        tokens = {f"K{k:03d}": enrol_kiosk(s, f"K{k:03d}", start) for k in range(kiosks)}
    per_kiosk = sales // kiosks
    payloads: dict[str, list[dict]] = {}
    for kiosk_id in tokens:
        events = []
        for n in range(1, per_kiosk + 1):
            sale = make_sale(n, start + timedelta(seconds=n * 7), kiosk_id=kiosk_id)
            doc = sale.to_document() | {"sale_id": str(uuid.uuid4())}
            events.append({"seq": n, "event_id": str(uuid.uuid4()), "kind": "sale", "payload": doc})
        payloads[kiosk_id] = [
            {"events": events[i : i + batch]} for i in range(0, len(events), batch)
        ]
    app = create_app(db)
    ids = list(tokens)

    def worker(mine: list[str]) -> None:
        with TestClient(app) as client:
            for kiosk_id in mine:
                headers = {"Authorization": f"Bearer {tokens[kiosk_id]}"}
                for body in payloads[kiosk_id]:
                    response = client.post("/api/v1/sync/outbox", json=body, headers=headers)
                    assert response.status_code == 200, response.text

    workers = [threading.Thread(target=worker, args=(ids[i::threads],)) for i in range(threads)]
    began = time.perf_counter()
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    elapsed = time.perf_counter() - began
    db.close()
    return per_kiosk * kiosks / elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", help="database URL (default: a temporary SQLite file)")
    parser.add_argument("--sales", type=int, default=20_000)
    parser.add_argument("--kiosks", type=int, default=20)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--batch", type=int, default=100)
    args = parser.parse_args()
    if args.url and args.url.startswith("postgresql"):
        url = fresh_postgres(args.url)
    else:
        url = args.url or f"sqlite:///{tempfile.mkdtemp()}/bench.sqlite3"
    rate = run(url, args.sales, args.kiosks, args.threads, args.batch)
    backend = make_url(url).get_backend_name()
    # a busy self-checkout: one sale every 90 s at peak = 0.011 sales/s; keep 10× headroom
    print(
        f"{backend}: {rate:,.0f} sales/s ingested ({args.sales:,} sales, {args.kiosks} kiosks, {args.threads} threads, batch {args.batch})"
    )
    print(f"  ≈ {rate / (1 / 90) / 10:,.0f} kiosks at peak with 10× headroom")


if __name__ == "__main__":
    main()
