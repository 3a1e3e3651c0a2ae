"""Back-office ingest (sales/s) against plain executemany (and COPY) of the same rows.

``ingest`` here is the real code path behind ``POST /api/v1/sync/outbox`` once the body is
parsed: one transaction per batch, the kiosk row locked, seq/duplicate checks, the sale
documents mapped to rows and written, stock taken down, ``last_seq`` moved on. The floors
write the very same rows, already built, one transaction per batch: ``executemany`` (Core
``insert`` with a list of rows) and, on PostgreSQL, ``COPY``. Modes alternate in rounds on a
fresh database each, so load on the machine falls on all of them alike; the medians and the
ratio ingest/executemany are printed. On PostgreSQL the same ingest also runs into the
tables as they were before the monthly partitions (``ingest plain``), to show their cost.

Besides the rate (wall clock, which the machine's load moves), each mode prints CPU time per
sale: this process's (the Python side), and on a PostgreSQL server on this machine its
backends' (read from ``/proc``), with what each implies for one free core.
``--baseline-tree DIR`` also ingests from another checkout (e.g. a worktree of main) in the
same rounds; every ingest mode then runs in a child process of its own (same events, same
driver code, only ``kiosk`` imported from the tree), so both trees start alike.
``--instructions`` instead counts, under ``valgrind --tool=callgrind``, the instructions of
each tree's ingest alone (set-up excluded; the Python side only, not the server's).

    .venv/bin/python bench/ingest_rows.py                       # SQLite (temporary file)
    .venv/bin/python bench/ingest_rows.py --url postgresql+psycopg://postgres@127.0.0.1/bench_ingest
        [--baseline-tree /path/to/main] [--instructions --sales 2000 --rounds 1]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from sqlalchemy import create_engine, insert, text
from sqlalchemy.engine import make_url

# a child process ingests with the checkout it is told (--baseline-tree), this one otherwise
sys.path.insert(0, os.environ.get("INGEST_ROWS_TREE") or str(Path(__file__).resolve().parents[1]))
from kiosk.backoffice.core.db import Database
from kiosk.backoffice.sales.ingest import OutboxEvent, ingest
from kiosk.backoffice.sales.ingest_rows import TABLE_ORDER, RowBuffer
from kiosk.backoffice.sales.ingest_sales import apply_sale
from kiosk.backoffice.staff.auth import authenticate_kiosk, enrol_kiosk
from tests.backoffice.factories import make_sale

START = datetime(2026, 11, 1, 9)
TREE_ENV = "INGEST_ROWS_TREE"
INSTRUMENT_ENV = "INGEST_ROWS_CALLGRIND"  # set: the child counts instructions of its ingest


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


@dataclass
class Sample:
    """One timed run: wall seconds, this process's CPU seconds, the database backends'
    CPU seconds (None when they cannot be read: SQLite, or a server on another machine)."""

    elapsed: float
    cpu: float
    server_cpu: float | None


class Meter:
    """Wall clock, process CPU and the CPU of the PostgreSQL backends serving ``url``'s
    database, from :meth:`start` to :meth:`stop`."""

    def __init__(self, url: str) -> None:
        parsed = make_url(url)
        self._database = parsed.database
        self._admin = None
        if parsed.get_backend_name() == "postgresql" and Path("/proc/self/stat").exists():
            self._admin = create_engine(parsed.set(database="postgres"))

    def _backends(self) -> dict[int, float]:
        """CPU seconds of each backend connected to the database (only local ones read)."""
        if self._admin is None:
            return {}
        with self._admin.connect() as c:
            pids = c.scalars(
                text("SELECT pid FROM pg_stat_activity WHERE datname = :d"), {"d": self._database}
            ).all()
        tick = os.sysconf("SC_CLK_TCK")
        cpu = {}
        for pid in pids:
            try:
                fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            except OSError:  # not on this machine, or gone
                continue
            cpu[pid] = (int(fields[11]) + int(fields[12])) / tick  # utime + stime
        return cpu

    def start(self) -> None:
        self._server = self._backends()
        _instrument("on")
        self._cpu = time.process_time()
        self._wall = time.perf_counter()

    def stop(self) -> Sample:
        elapsed = time.perf_counter() - self._wall
        _instrument("off")
        cpu = time.process_time() - self._cpu
        after = self._backends()
        if self._admin is not None:
            self._admin.dispose()
        if not after:
            return Sample(elapsed, cpu, None)
        # a backend that started during the run counts from 0; one that ended is lost (none do)
        server = sum(v - self._server.get(pid, 0.0) for pid, v in after.items())
        return Sample(elapsed, cpu, server)


def _instrument(state: str) -> None:
    """Under ``--instructions``, callgrind counts only between start and stop."""
    if os.environ.get(INSTRUMENT_ENV):
        pid = str(os.getpid())
        subprocess.run(["callgrind_control", "-i", state, pid], check=True, capture_output=True)


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


def as_received(batches: dict[str, list[list[OutboxEvent]]]) -> dict[str, list[list[OutboxEvent]]]:
    """The events as ``POST /api/v1/sync/outbox`` hands them to the ingest (through the
    tree's ``outbox_events``: with the payload's JSON text from the door's size check, which
    the request pays for before the ingest in every tree); as they are for a tree without it."""
    from kiosk.backoffice.sales import api

    door = getattr(api, "outbox_events", None)
    if door is None:
        return batches
    return {
        k: [door({"events": [_envelope(e) for e in events]}) for events in kb]
        for k, kb in batches.items()
    }


def _envelope(event: OutboxEvent) -> dict[str, Any]:
    return {
        "seq": event.seq,
        "event_id": event.event_id,
        "kind": event.kind,
        "payload": event.payload,
    }


def run_ingest(
    url: str, batches: dict[str, list[list[OutboxEvent]]], plain: bool = False
) -> Sample:
    batches = as_received(batches)  # before the meter: the request's parse is not the ingest
    db = Database(url)
    if plain:
        unpartition(db)
    tokens = enrol(db, list(batches))
    now = START + timedelta(days=1)
    meter = Meter(url)
    meter.start()
    for kiosk_id, kiosk_batches in batches.items():
        for events in kiosk_batches:
            with db.transaction() as s:
                kiosk = authenticate_kiosk(s, tokens[kiosk_id], lock=True)
                result = ingest(s, kiosk, events, now)
                assert result.applied == len(events), result
    sample = meter.stop()
    db.close()
    return sample


def save_batches(batches: dict[str, list[list[OutboxEvent]]], path: Path) -> None:
    """The events as JSON, for a child process to ingest the very same ones."""
    plain = {
        k: [[[e.seq, e.event_id, e.kind, e.payload] for e in events] for events in kb]
        for k, kb in batches.items()
    }
    path.write_text(json.dumps(plain))


def load_batches(path: Path) -> dict[str, list[list[OutboxEvent]]]:
    return {
        k: [[OutboxEvent(*e) for e in events] for events in kb]
        for k, kb in json.loads(path.read_text()).items()
    }


def run_ingest_child(
    tree: Path, url: str, events: Path, plain: bool, callgrind: Path | None = None
) -> Sample:
    """:func:`run_ingest` in a new process importing ``kiosk`` from ``tree`` (under callgrind,
    counting only the ingest, when ``callgrind`` names its output file)."""
    command = [sys.executable, __file__, "--child", "--url", url, "--events", str(events)]
    env = os.environ | {TREE_ENV: str(tree), "PYTHONPATH": str(tree)}
    if callgrind is not None:
        valgrind = ["valgrind", "--tool=callgrind", "--instr-atstart=no"]
        command = [*valgrind, f"--callgrind-out-file={callgrind}", *command]
        env[INSTRUMENT_ENV] = "1"
    done = subprocess.run(
        command + (["--plain"] if plain else []), env=env, capture_output=True, text=True
    )
    if done.returncode:
        sys.exit(f"ingest from {tree} failed:\n{done.stderr}")
    return Sample(**json.loads(done.stdout.splitlines()[-1]))


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


def run_executemany(url: str, batches_rows: list[dict[Any, list[dict]]]) -> Sample:
    db = Database(url)
    meter = Meter(url)
    meter.start()
    for rows in batches_rows:
        with db.engine.begin() as c:
            for table in TABLE_ORDER:
                c.execute(insert(table), rows[table])
    sample = meter.stop()
    db.close()
    return sample


def run_copy(url: str, batches_rows: list[dict[Any, list[dict]]]) -> Sample:
    db = Database(url)
    columns = {t: [c.name for c in t.columns if c.name != "id"] for t in TABLE_ORDER}
    meter = Meter(url)
    meter.start()
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
    sample = meter.stop()
    db.close()
    return sample


def per_sale(samples: list[Sample], sales: int, field: str) -> float | None:
    """Median µs per sale of ``field`` (``cpu`` or ``server_cpu``), None if not measured."""
    values = [getattr(x, field) for x in samples]
    if any(v is None for v in values):
        return None
    return statistics.median(values) * 1e6 / sales


def report(rates: dict[str, list[Sample]], sales: int, postgres: bool) -> None:
    def rate(mode: str) -> float:
        return statistics.median(sales / x.elapsed for x in rates[mode])

    for mode, samples in rates.items():
        runs = ", ".join(f"{sales / x.elapsed:,.0f}" for x in samples)
        cpu = per_sale(samples, sales, "cpu")
        server = per_sale(samples, sales, "server_cpu")
        line = f"  {mode:16s} median {rate(mode):9,.0f} sales/s   (runs: {runs})"
        line += f"\n  {'':16s} CPU/sale: process {cpu:5.1f} µs"
        if server is not None:
            line += f", server {server:5.1f} µs, together {cpu + server:5.1f} µs"
            line += f"  → one free core: {1e6 / cpu:,.0f}/s Python side, {1e6 / (cpu + server):,.0f}/s both"
        else:
            line += f"  → one free core: {1e6 / cpu:,.0f}/s"
        print(line)
    ratio = rate("ingest") / rate("executemany")
    print(f"  ratio ingest/executemany: {ratio:.2f}")
    if postgres:
        print(f"  ratio ingest/COPY:        {rate('ingest') / rate('copy'):.2f}")
        plain = rate("ingest") / rate("ingest plain")
        print(f"  ratio partitioned/plain:  {plain:.2f}   (monthly partitions + bo_sale_keys)")
    if "baseline" in rates:
        cpu = per_sale(rates["ingest"], sales, "cpu") / per_sale(rates["baseline"], sales, "cpu")
        line = (
            f"  this/baseline: rate {rate('ingest') / rate('baseline'):.2f}, process CPU {cpu:.2f}"
        )
        this, base = (per_sale(rates[m], sales, "server_cpu") for m in ("ingest", "baseline"))
        if this is not None and base is not None:
            line += f", server CPU {this / base:.2f}"
        print(line)


def child(args: argparse.Namespace) -> None:
    """One ingest round for a parent's ``--baseline-tree`` comparison: a Sample as JSON."""
    sample = run_ingest(args.url, load_batches(Path(args.events)), plain=args.plain)
    print(json.dumps(asdict(sample)))


def instructions(args: argparse.Namespace, url: str, here: Path) -> None:
    """Python-side instructions per sale of one ingest from each tree (callgrind: the
    machine's load does not move them; the server's work is not counted)."""
    trees = {"ingest": here}
    if args.baseline_tree:
        trees["baseline"] = args.baseline_tree.resolve()
    per_kiosk = args.sales // args.kiosks
    sales = per_kiosk * args.kiosks
    counts: dict[str, list[int]] = {name: [] for name in trees}
    with tempfile.TemporaryDirectory() as scratch:
        events, out = Path(scratch) / "events.json", Path(scratch) / "callgrind.out"
        n = 0
        for _ in range(args.rounds):
            save_batches(make_batches(args.kiosks, per_kiosk, args.batch), events)
            for name, tree in trees.items():
                n += 1
                target = fresh(url, n)
                run_ingest_child(tree, target, events, False, callgrind=out)
                drop(target)
                totals = [
                    line for line in out.read_text().splitlines() if line.startswith("totals:")
                ]
                counts[name].append(int(totals[0].split()[1]))
    print(
        f"{sales:,} sales x {args.rounds} rounds, callgrind instructions of the ingest (Python side)"
    )
    for name, values in counts.items():
        per = statistics.median(values) / sales
        print(f"  {name:10s} {per:12,.0f} per sale   (runs: {', '.join(f'{v:,}' for v in values)})")
    if "baseline" in counts:
        ratio = statistics.median(counts["ingest"]) / statistics.median(counts["baseline"])
        print(f"  this/baseline: {ratio:.3f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", help="database URL (default: temporary SQLite files)")
    parser.add_argument("--sales", type=int, default=10_000)
    parser.add_argument("--kiosks", type=int, default=10)
    parser.add_argument("--batch", type=int, default=100)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument(
        "--baseline-tree", type=Path, help="also ingest with this checkout's code (before/after)"
    )
    parser.add_argument(
        "--instructions", action="store_true", help="count instructions (callgrind), not time"
    )
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--events", help=argparse.SUPPRESS)
    parser.add_argument("--plain", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        return child(args)
    url = args.url or "sqlite:///unused"
    postgres = make_url(url).get_backend_name() == "postgresql"
    here = Path(__file__).resolve().parents[1]
    if args.instructions:
        return instructions(args, url, here)
    per_kiosk = args.sales // args.kiosks
    sales = per_kiosk * args.kiosks
    modes = ["ingest", "executemany"]
    if postgres:
        modes += ["copy", "ingest plain"]  # plain: unpartitioned tables (no key trigger)
    if args.baseline_tree:
        modes.append("baseline")
    rates: dict[str, list[Sample]] = {mode: [] for mode in modes}
    n = 0
    with tempfile.TemporaryDirectory() as scratch:
        events = Path(scratch) / "events.json"
        for _ in range(args.rounds):
            batches = make_batches(args.kiosks, per_kiosk, args.batch)  # fresh sale ids
            built = rows_of(batches)
            if args.baseline_tree:
                save_batches(batches, events)
            for mode in modes:
                n += 1
                target = fresh(url, n)
                plain = mode == "ingest plain"
                if mode == "baseline":
                    sample = run_ingest_child(args.baseline_tree.resolve(), target, events, False)
                elif mode.startswith("ingest") and args.baseline_tree:
                    sample = run_ingest_child(here, target, events, plain)
                elif mode.startswith("ingest"):
                    sample = run_ingest(target, batches, plain=plain)
                elif mode == "executemany":
                    sample = run_executemany(target, built)
                else:
                    sample = run_copy(target, built)
                drop(target)
                rates[mode].append(sample)
    backend = "PostgreSQL" if postgres else "SQLite"
    print(
        f"{backend}: {sales:,} sales x {args.rounds} rounds, {args.kiosks} kiosks, batch {args.batch}"
    )
    report(rates, sales, postgres)


if __name__ == "__main__":
    main()
