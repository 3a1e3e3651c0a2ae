"""Back-office ingest (sales/s) against plain executemany (and COPY) of the same rows.

``ingest`` here is the real code path behind ``POST /api/v1/sync/outbox`` once the body is
parsed: one transaction per batch, the kiosk row locked, seq/duplicate checks, the sale
documents mapped to rows and written, stock taken down, ``last_seq`` moved on. The floors
write the very same rows, already built, one transaction per batch: ``executemany`` (Core
``insert`` with a list of rows) and, on PostgreSQL, ``COPY``. Modes alternate in rounds on a
fresh database each, so load on the machine falls on all of them alike; the medians and the
ratio ingest/executemany are printed. On PostgreSQL the same ingest also runs into the
tables as they were before the monthly partitions (``ingest plain``), to show their cost.

    .venv/bin/python bench/ingest_rows.py                       # SQLite (temporary file)
    .venv/bin/python bench/ingest_rows.py --url postgresql+psycopg://postgres@127.0.0.1/bench_ingest
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
import uuid
from datetime import datetime, timedelta
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from sqlalchemy import create_engine, insert, text
from sqlalchemy.engine import make_url

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from kiosk.backoffice.core.db import Database
from kiosk.backoffice.sales.ingest import OutboxEvent, ingest
from kiosk.backoffice.sales.ingest_rows import TABLE_ORDER, RowBuffer
from kiosk.backoffice.sales.ingest_sales import apply_sale
from kiosk.backoffice.staff.auth import authenticate_kiosk, enrol_kiosk
from tests.backoffice.factories import make_sale

START = datetime(2026, 11, 1, 9)


def fresh(url: str, n: int) -> str:
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        return f"sqlite:///{tempfile.mkdtemp()}/bench{n}.sqlite3"
    name = f"{parsed.database}_{n}"
    admin = create_engine(parsed.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as c:
        c.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        c.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return parsed.set(database=name).render_as_string(hide_password=False)


def drop(url: str) -> None:
    parsed = make_url(url)
    if parsed.get_backend_name() != "postgresql":
        return
    admin = create_engine(parsed.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as c:
        c.execute(text(f'DROP DATABASE IF EXISTS "{parsed.database}" WITH (FORCE)'))
    admin.dispose()


def make_batches(kiosks: int, per_kiosk: int, batch: int) -> dict[str, list[list[OutboxEvent]]]:
    batches: dict[str, list[list[OutboxEvent]]] = {}
    for k in range(kiosks):
        kiosk_id = f"K{k:03d}"
        events = []
        for n in range(1, per_kiosk + 1):
            sale = make_sale(n, START + timedelta(seconds=n * 7), kiosk_id=kiosk_id)
            doc = sale.to_document() | {"sale_id": str(uuid.uuid4())}
            events.append(OutboxEvent(n, str(uuid.uuid4()), "sale", doc))
        batches[kiosk_id] = [events[i : i + batch] for i in range(0, len(events), batch)]
    return batches


def enrol(db: Database, kiosks: list[str]) -> dict[str, str]:
    with db.transaction() as s:
        return {k: enrol_kiosk(s, k, START) for k in kiosks}


def unpartition(db: Database) -> None:
    """Undo migration 0003_sales_partitions (plain tables, as before it) for a comparison."""
    from alembic import command

    from kiosk.backoffice.core.db import alembic_config

    config = alembic_config(db.engine)
    with db.engine.begin() as c:
        config.attributes["connection"] = c
        command.downgrade(config, "sales_partitions@-1")


def run_ingest(url: str, batches: dict[str, list[list[OutboxEvent]]], plain: bool = False) -> float:
    db = Database(url)
    if plain:
        unpartition(db)
    tokens = enrol(db, list(batches))
    now = START + timedelta(days=1)
    began = time.perf_counter()
    for kiosk_id, kiosk_batches in batches.items():
        for events in kiosk_batches:
            with db.transaction() as s:
                kiosk = authenticate_kiosk(s, tokens[kiosk_id], lock=True)
                result = ingest(s, kiosk, events, now)
                assert result.applied == len(events), result
    elapsed = time.perf_counter() - began
    db.close()
    return elapsed


def rows_of(batches: dict[str, list[list[OutboxEvent]]]) -> list[dict[Any, list[dict]]]:
    """The rows ingest writes for each batch, built up front (the floors' input)."""
    out = []
    now = START + timedelta(days=1)
    for kiosk_id, kiosk_batches in batches.items():
        kiosk = SimpleNamespace(kiosk_id=kiosk_id, store_id="S01")
        for events in kiosk_batches:
            ctx = SimpleNamespace(
                kiosk=kiosk, now=now, day_start=datetime.min.time(), known_sales=set()
            )
            ctx.rows = RowBuffer()
            for event in events:
                apply_sale(ctx, event)  # type: ignore[arg-type]
            out.append(ctx.rows.rows)
    return out


def run_executemany(url: str, batches_rows: list[dict[Any, list[dict]]]) -> float:
    db = Database(url)
    began = time.perf_counter()
    for rows in batches_rows:
        with db.engine.begin() as c:
            for table in TABLE_ORDER:
                c.execute(insert(table), rows[table])
    elapsed = time.perf_counter() - began
    db.close()
    return elapsed


def run_copy(url: str, batches_rows: list[dict[Any, list[dict]]]) -> float:
    import json

    db = Database(url)
    columns = {t: [c.name for c in t.columns if c.name != "id"] for t in TABLE_ORDER}
    began = time.perf_counter()
    for rows in batches_rows:
        with db.engine.begin() as c:
            cursor = c.connection.driver_connection.cursor()
            for table in TABLE_ORDER:
                names = columns[table]
                with cursor.copy(f"COPY {table.name} ({', '.join(names)}) FROM STDIN") as copy:
                    for row in rows[table]:
                        copy.write_row(
                            [json.dumps(row[n]) if n == "document" else row[n] for n in names]
                        )
    elapsed = time.perf_counter() - began
    db.close()
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", help="database URL (default: temporary SQLite files)")
    parser.add_argument("--sales", type=int, default=10_000)
    parser.add_argument("--kiosks", type=int, default=10)
    parser.add_argument("--batch", type=int, default=100)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    url = args.url or "sqlite:///unused"
    postgres = make_url(url).get_backend_name() == "postgresql"
    per_kiosk = args.sales // args.kiosks
    sales = per_kiosk * args.kiosks
    rates: dict[str, list[float]] = {"ingest": [], "executemany": []}
    if postgres:
        rates["copy"] = []
        rates["ingest plain"] = []  # the same ingest into unpartitioned tables (no key trigger)
    n = 0
    for _ in range(args.rounds):
        batches = make_batches(args.kiosks, per_kiosk, args.batch)  # fresh sale ids each round
        built = rows_of(batches)
        for mode in rates:
            n += 1
            target = fresh(url, n)
            if mode == "ingest":
                elapsed = run_ingest(target, batches)
            elif mode == "ingest plain":
                elapsed = run_ingest(target, batches, plain=True)
            elif mode == "executemany":
                elapsed = run_executemany(target, built)
            else:
                elapsed = run_copy(target, built)
            drop(target)
            rates[mode].append(sales / elapsed)
    backend = "PostgreSQL" if postgres else "SQLite"
    print(
        f"{backend}: {sales:,} sales x {args.rounds} rounds, {args.kiosks} kiosks, batch {args.batch}"
    )
    for mode, values in rates.items():
        print(
            f"  {mode:12s} median {statistics.median(values):9,.0f} sales/s"
            f"   (runs: {', '.join(f'{v:,.0f}' for v in values)})"
        )
    ratio = statistics.median(rates["ingest"]) / statistics.median(rates["executemany"])
    print(f"  ratio ingest/executemany: {ratio:.2f}")
    if postgres:
        copy = statistics.median(rates["ingest"]) / statistics.median(rates["copy"])
        print(f"  ratio ingest/COPY:        {copy:.2f}")
        plain = statistics.median(rates["ingest"]) / statistics.median(rates["ingest plain"])
        print(f"  ratio partitioned/plain:  {plain:.2f}   (monthly partitions + bo_sale_keys)")


if __name__ == "__main__":
    main()
