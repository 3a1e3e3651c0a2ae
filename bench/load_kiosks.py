"""Load test: many simulated kiosks against a multi-worker back office, over loopback.

Starts ``uvicorn --factory … --workers W`` on a fresh PostgreSQL database, enrols ``--kiosks``
kiosks (and the sales' products, so every batch takes stock as in a store), and lets each
deliver ``--batches`` batches of ``--batch`` sales the way a relay does (one request at a
time per kiosk, in order), at most ``--concurrency`` requests in flight. Worker counts 1 and
``--workers`` (e.g. ``2,4``) alternate for ``--rounds`` rounds, each on a fresh database.

On a shared 2-core machine the wall-clock rate cannot scale with workers (the load
generator, PostgreSQL and the workers share the cores), so the script also measures what
"near-linear" needs and the machine's load does not change much:

* **CPU seconds per stored sale** of every worker process and of the database's backends
  (``/proc/<pid>/stat``), and of the load generator itself: if adding workers costs no more
  CPU per sale, the work divides between them and throughput scales with the cores given;
* **waits between workers**: PostgreSQL's wait events of the database's backends sampled
  every 20 ms (row and transaction locks, advisory locks, LWLocks such as the NOTIFY queue),
  and in each worker the time spent waiting for a pooled connection (the pool is patched to
  time it: this factory, ``load_kiosks:instrumented_app``, wraps ``cli:app_from_env``).

The load generator runs in a process of its own: raw asyncio streams, keep-alive HTTP/1.1,
each request's bytes (headers and JSON body) built before the clock starts, only the status
line and Content-Length read back. Every sale is checked stored exactly once at the end and
each kiosk's ``last_seq`` complete; a request resent after a dropped connection is counted.

``--worker-cpu 0.3`` gives each worker process a cgroup of its own capped at 0.3 of a core
(``cpu_budget.py``; PostgreSQL and the load generator stay unconstrained): with 1, 2, 3 workers
asking 0.3, 0.6, 0.9 core of 2, throughput can follow the workers' capacity on a small
machine. The report says whether the cap was binding (CPU used close to the budget); when it
was not, the throughput ratio says nothing about scaling.

    .venv/bin/python bench/load_kiosks.py --kiosks 500 --workers 2,4 --rounds 2 \\
        --url postgresql+psycopg://postgres@127.0.0.1/bench_load
    sudo .venv/bin/python bench/load_kiosks.py --workers 2,3 --rounds 2 --worker-cpu 0.3
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
STATS_DIR_ENV = "LOADTEST_STATS_DIR"
if STATS_DIR_ENV not in os.environ:  # in a served worker, the tree on PYTHONPATH is served
    sys.path.insert(0, str(ROOT))

START = datetime(2026, 11, 20, 9)
RETRIES = 3
SAMPLE_S = 0.02  # wait-event sampling period
BINDING = 0.85  # a worker that used this share of its CPU budget was held back by it


# --- the back office, instrumented --------------------------------------------------------


def instrumented_app() -> Any:
    """``cli:app_from_env`` with its pool checkouts and NOTIFYs timed; written at shutdown
    (and a ``<pid>.ready`` file once warmed up) to ``$LOADTEST_STATS_DIR``."""
    from sqlalchemy.pool import QueuePool

    from kiosk.backoffice.cli import app_from_env
    from kiosk.backoffice.core import change_feed

    stats: Counter[str] = Counter()
    lock = threading.Lock()

    def timed(name: str, original: Any) -> Any:
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            began = time.perf_counter()
            try:
                return original(*args, **kwargs)
            finally:
                with lock:
                    stats[f"{name}_s"] += time.perf_counter() - began
                    stats[f"{name}_n"] += 1

        return wrapper

    QueuePool._do_get = timed("checkout", QueuePool._do_get)  # type: ignore[method-assign]
    QueuePool._create_connection = timed("connect", QueuePool._create_connection)  # type: ignore[method-assign]
    feed = change_feed.ChangeFeed
    for name in ("publish", "send_changed", "_deliver"):  # send_changed: notices off-request
        if hasattr(feed, name):
            setattr(feed, name, timed(name.strip("_"), getattr(feed, name)))

    app = app_from_env()
    folder = Path(os.environ[STATS_DIR_ENV])
    inner = app.router.lifespan_context

    from contextlib import asynccontextmanager

    @asynccontextmanager
    async def lifespan(application: Any) -> Any:
        async with inner(application) as state:
            (folder / f"{os.getpid()}.ready").write_text("")
            yield state
        (folder / f"{os.getpid()}.json").write_text(json.dumps(dict(stats)))

    app.router.lifespan_context = lifespan
    return app


def fresh(url: str) -> None:
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    parsed = make_url(url)
    admin = create_engine(parsed.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as c:
        c.execute(text(f'DROP DATABASE IF EXISTS "{parsed.database}" WITH (FORCE)'))
        c.execute(text(f'CREATE DATABASE "{parsed.database}"'))
    admin.dispose()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def serve(
    tree: Path, url: str, workers: int, stats: Path
) -> tuple[int, subprocess.Popen, list[int]]:
    """uvicorn with ``workers`` processes serving ``tree``'s back office (this script's
    instrumenting factory around it); answers once every worker has warmed up."""
    port = free_port()
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join((str(tree), str(ROOT / "bench"))),
        "DATABASE_URL": url,
        STATS_DIR_ENV: str(stats),
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "--factory", "load_kiosks:instrumented_app",
         "--host", "127.0.0.1", "--port", str(port), "--workers", str(workers),
         "--log-level", "warning", "--no-access-log"],
        cwd=tree, env=env,
    )  # fmt: skip
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        ready = [int(p.stem) for p in stats.glob("*.ready")]
        if len(ready) == workers:
            return port, process, ready
        if process.poll() is not None:
            raise RuntimeError(f"the back office exited ({process.returncode})")
        time.sleep(0.1)
    process.kill()
    raise TimeoutError("back office did not start")


def process_cpu(pid: int) -> float:
    """User + system CPU seconds of process ``pid`` (all its threads) so far; 0 if gone."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


# --- PostgreSQL: backends' CPU and wait events --------------------------------------------


class Sampler(threading.Thread):
    """Every ``SAMPLE_S``: the database's backends' wait events, and the last CPU reading of
    every backend seen (pooled connections come and go; a gone one keeps its last reading)."""

    def __init__(self, url: str) -> None:
        super().__init__(daemon=True)
        import psycopg
        from sqlalchemy.engine import make_url

        parsed = make_url(url)
        self.database = parsed.database
        conninfo = parsed.set(drivername="postgresql").render_as_string(hide_password=False)
        self.connection = psycopg.connect(conninfo, autocommit=True)
        self.stop = threading.Event()
        self.waits: Counter[str] = Counter()  # "Lock/transactionid" → samples
        self.active = 0  # backend-samples in a statement (waiting or not)
        self.samples = 0
        self.cpu_start: dict[int, float] = {}
        self.cpu_last: dict[int, float] = {}

    def backends(self) -> list[tuple[int, str, str | None, str | None]]:
        return self.connection.execute(
            "SELECT pid, state, wait_event_type, wait_event FROM pg_stat_activity "
            "WHERE datname = %s AND pid <> pg_backend_pid() AND backend_type = 'client backend'",
            (self.database,),
        ).fetchall()

    def begin(self) -> None:
        for pid, *_ in self.backends():
            self.cpu_start[pid] = self.cpu_last[pid] = process_cpu(pid)
        self.start()

    def run(self) -> None:
        while not self.stop.wait(SAMPLE_S):
            self.samples += 1
            for pid, state, kind, name in self.backends():
                self.cpu_start.setdefault(pid, 0.0)  # opened during the run
                self.cpu_last[pid] = process_cpu(pid) or self.cpu_last.get(pid, 0.0)
                if state == "active":
                    self.active += 1
                    if kind and kind != "Client":  # Client/ClientRead: idle, the app's turn
                        self.waits[f"{kind}/{name}"] += 1

    def end(self) -> float:
        """Stop; answer the backends' CPU seconds during the run."""
        self.stop.set()
        self.join()
        for pid, *_ in self.backends():
            self.cpu_last[pid] = process_cpu(pid) or self.cpu_last.get(pid, 0.0)
        self.connection.close()
        return sum(self.cpu_last[p] - self.cpu_start.get(p, 0.0) for p in self.cpu_last)


# --- the load generator (a process of its own) ---------------------------------------------


PROBE = b"GET /api/v1/sync/status HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"


def request_bytes(token: str, body: dict) -> bytes:
    payload = json.dumps(body, separators=(",", ":")).encode()
    head = (
        "POST /api/v1/sync/outbox HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        f"Authorization: Bearer {token}\r\nContent-Type: application/json\r\n"
        f"Content-Length: {len(payload)}\r\n\r\n"
    )
    return head.encode() + payload


async def generate(
    port: int, kiosks: list[list[bytes]], concurrency: int, between: Any = None
) -> dict[str, Any]:
    """Each kiosk's requests in order, one in flight per kiosk, ``concurrency`` connections.
    ``between``: called (in a thread) after the connections are open, before the clock."""
    queue: asyncio.Queue[int | None] = asyncio.Queue()
    for k in range(len(kiosks)):
        queue.put_nowait(k)
    sent = [0] * len(kiosks)
    left = [len(kiosks)]
    latencies: list[float] = []
    errors: list[str] = []
    refused = [0]
    opening = asyncio.Lock()

    async def exchange(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, data: bytes):
        writer.write(data)
        head = await reader.readuntil(b"\r\n\r\n")
        status = int(head[9:12])
        length = 0
        for line in head.split(b"\r\n"):
            if line[:15].lower() == b"content-length:":
                length = int(line[15:])
        body = await reader.readexactly(length)
        retry = 1.0
        if status == 503:
            for line in head.split(b"\r\n"):
                if line[:12].lower() == b"retry-after:":
                    retry = float(line[12:])
        return status, body, retry

    async def connect() -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
        # one at a time, each answered (a 401 probe) before the next: the workers share one
        # listening socket, and 32 connections opened at once were mostly accepted by
        # whichever worker woke first, leaving the others idle for the whole run
        async with opening:
            reader, writer = await asyncio.open_connection("127.0.0.1", port)
            await exchange(reader, writer, PROBE)
        return reader, writer

    async def connection(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        while (k := await queue.get()) is not None:
            for attempt in range(RETRIES + 1):
                began = time.perf_counter()
                try:
                    status, body, retry = await exchange(reader, writer, kiosks[k][sent[k]])
                except (OSError, asyncio.IncompleteReadError) as exc:
                    # a relay resends the same batch (idempotent); counted, not hidden
                    errors.append(f"{type(exc).__name__}: {exc}")
                    if attempt == RETRIES:
                        raise
                    writer.close()
                    reader, writer = await connect()
                    continue
                latencies.append(time.perf_counter() - began)
                if status == 503:
                    refused[0] += 1
                    await asyncio.sleep(retry)
                    continue
                assert status == 200, body
                break
            sent[k] += 1
            if sent[k] < len(kiosks[k]):
                queue.put_nowait(k)
            else:
                left[0] -= 1
                if not left[0]:
                    for _ in range(concurrency):
                        queue.put_nowait(None)
        writer.close()

    opened = [await connect() for _ in range(concurrency)]  # before the clock
    if between is not None:
        await asyncio.to_thread(between)
    began = time.perf_counter()
    await asyncio.gather(*(connection(*pair) for pair in opened))
    return {
        "wall": time.perf_counter() - began,
        "latencies": latencies,
        "errors": errors,
        "refused": refused[0],
    }


def load_worker(spec_path: str) -> None:
    spec = json.loads(Path(spec_path).read_text())
    Path(spec_path).unlink()
    kiosks = [[request_bytes(token, b) for b in bodies] for token, bodies in spec["kiosks"]]
    warm = [[request_bytes(token, b) for b in bodies] for token, bodies in spec["warm"]]
    print("ready", flush=True)
    sys.stdin.readline()
    # the warm-up kiosks first, untimed: every worker's pool filled, its first requests paid
    asyncio.run(generate(spec["port"], warm, spec["concurrency"]))
    cpu = [0.0]

    def warmed() -> None:  # the connections are open: the orchestrator reads the CPU clocks
        print("warm", flush=True)
        sys.stdin.readline()
        cpu[0] = time.process_time()

    result = asyncio.run(generate(spec["port"], kiosks, spec["concurrency"], warmed))
    result["cpu"] = time.process_time() - cpu[0]
    print(json.dumps(result), flush=True)


# --- one round ----------------------------------------------------------------------------


def bodies(kiosk_id: str, batches: int, batch: int) -> list[dict]:
    from tests.backoffice.factories import make_sale

    out, seq = [], 0
    for _ in range(batches):
        events = []
        for _ in range(batch):
            seq += 1
            doc = make_sale(seq, START + timedelta(seconds=seq), kiosk_id=kiosk_id).to_document()
            doc["sale_id"] = str(uuid.uuid4())
            events.append(
                {"seq": seq, "event_id": str(uuid.uuid4()), "kind": "sale", "payload": doc}
            )
        out.append({"events": events})
    return out


def add_products(session: Any) -> None:
    """The sales' products in master data: every batch's stock UPDATE then hits their rows
    (as in a store, where most kiosks sell the same few products) instead of no row."""
    from kiosk.backoffice.masterdata.models import ProductRow
    from tests.backoffice.factories import PRODUCTS

    for p in PRODUCTS:
        session.add(
            ProductRow(sku=p.sku, name_ja=p.name_ja, price=p.price, tax=p.tax.value, on_hand=10**9)
        )


@dataclass
class Round:
    workers: int
    sales: int
    wall: float
    latencies: list[float]
    errors: list[str]
    refused: int
    worker_cpu: list[float]  # per worker process
    master_cpu: float
    db_cpu: float
    generator_cpu: float
    waits: Counter[str]
    active: int
    samples: int
    pool: dict[str, float] = field(default_factory=dict)  # summed over the workers
    budget: float | None = None  # cores a worker (--worker-cpu)
    throttling: list[Any] = field(default_factory=list)  # cpu_budget.Throttling a worker

    def budget_used(self) -> list[float]:
        """Each worker's CPU during the run as a share of its budget (empty: no budget)."""
        if not self.budget:
            return []
        return [cpu / (self.wall * self.budget) for cpu in self.worker_cpu]

    @property
    def rate(self) -> float:
        return self.sales / self.wall


def one(tree: Path, url: str, workers: int, args: argparse.Namespace) -> Round:
    from sqlalchemy import text

    from kiosk.backoffice.core.db import Database
    from kiosk.backoffice.staff.auth import enrol_kiosk

    fresh(url)
    db = Database(url)
    with db.transaction() as s:
        tokens = {f"K{k:04d}": enrol_kiosk(s, f"K{k:04d}", START) for k in range(args.kiosks)}
        if args.stock:
            add_products(s)
    with db.transaction() as s:  # one batch each, before the clock (see load_worker)
        warm_tokens = {f"W{k:04d}": enrol_kiosk(s, f"W{k:04d}", START) for k in range(args.concurrency)}  # fmt: skip
    work = [(t, bodies(k, args.batches, args.batch)) for k, t in tokens.items()]
    warm = [(t, bodies(k, 1, args.batch)) for k, t in warm_tokens.items()]
    stats = Path(tempfile.mkdtemp(prefix="load_kiosks_"))
    budgets = None
    if args.worker_cpu:
        from bench.cpu_budget import CpuBudgets

        budgets = CpuBudgets(args.worker_cpu, args.worker_cpu_period_us)
    port, server, pids = serve(tree, url, workers, stats)
    spec = Path(tempfile.mkstemp(suffix=".json")[1])
    spec.write_text(
        json.dumps({"port": port, "concurrency": args.concurrency, "kiosks": work, "warm": warm})
    )
    generator = subprocess.Popen(
        [sys.executable, __file__, "--load-worker", str(spec)],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        for pid in pids if budgets is not None else []:  # before the warm-up: capped throughout
            budgets.confine(pid)
        assert generator.stdout and generator.stdin
        assert generator.stdout.readline().strip() == "ready"  # requests built, off the clock
        generator.stdin.write("go\n")
        generator.stdin.flush()
        assert generator.stdout.readline().strip() == "warm"  # warm-up kiosks done
        sampler = Sampler(url)
        throttled_began = budgets.throttling() if budgets is not None else {}
        cpu_began = [process_cpu(p) for p in pids]
        master_began = process_cpu(server.pid)
        sampler.begin()
        generator.stdin.write("go\n")
        generator.stdin.flush()
        output = json.loads(generator.communicate()[0])
        db_cpu = sampler.end()
        worker_cpu = [process_cpu(p) - c for p, c in zip(pids, cpu_began, strict=True)]
        throttled_end = budgets.throttling() if budgets is not None else {}
        throttling = [throttled_end[p] - throttled_began[p] for p in pids if p in throttled_end]
        # one worker: uvicorn serves in its own process, already counted as the worker
        master_cpu = process_cpu(server.pid) - master_began if server.pid not in pids else 0.0
        if server.poll() is not None:
            raise RuntimeError(f"the back office exited ({server.returncode}) during the run")
    finally:
        if generator.poll() is None:
            generator.kill()
        try:
            server.send_signal(signal.SIGTERM)
            server.wait(timeout=60)
        finally:
            if budgets is not None:  # also on Ctrl-C or an error; emptied groups come off
                budgets.release()
    pool: Counter[str] = Counter()
    for path in stats.glob("*.json"):
        pool.update(json.loads(path.read_text()))
    shutil.rmtree(stats)
    sales = args.kiosks * args.batches * args.batch
    stored_sales = sales + args.concurrency * args.batch  # the warm-up kiosks' too
    with db.engine.connect() as c:  # every sale once: none lost, none doubled by a resend
        stored, distinct = c.execute(
            text("SELECT count(*), count(DISTINCT sale_id) FROM bo_sales")
        ).one()
        behind = c.scalar(
            text("SELECT count(*) FROM bo_kiosks WHERE last_seq <> :n AND kiosk_id LIKE 'K%'"),
            {"n": args.batches * args.batch},
        )
    db.close()
    if stored != stored_sales or distinct != stored_sales or behind:
        raise RuntimeError(f"{stored} sales stored ({distinct} distinct), {stored_sales} sent; "
                           f"{behind} kiosks' last_seq short")  # fmt: skip
    return Round(
        workers, sales, output["wall"], output["latencies"], output["errors"], output["refused"],
        worker_cpu, master_cpu, db_cpu, output["cpu"], sampler.waits, sampler.active,
        sampler.samples, dict(pool), args.worker_cpu, throttling,
    )  # fmt: skip


# --- report -------------------------------------------------------------------------------


def ratio(a: float, b: float) -> str:
    """``a/b`` as "1.23x"; a CPU reading of 0 (under a clock tick, tiny runs) gives "—"."""
    return f"{a / b:.2f}x" if b else "—"


def p99_ms(values: list[float]) -> float:
    ms = sorted(v * 1000 for v in values)
    return ms[min(len(ms) - 1, int(len(ms) * 0.99))]


@dataclass
class Summary:
    workers: int
    rounds: list[Round]
    tree: str = "this tree"

    def total(self, name: str) -> float:
        return sum(getattr(r, name) for r in self.rounds)

    @property
    def sales(self) -> int:
        return sum(r.sales for r in self.rounds)

    @property
    def rate(self) -> float:
        return self.sales / self.total("wall")

    def per_sale_ms(self, cpu: float) -> float:
        return 1000 * cpu / self.sales

    @property
    def worker_cpu(self) -> float:
        return sum(sum(r.worker_cpu) for r in self.rounds)

    @property
    def latencies(self) -> list[float]:
        return [v for r in self.rounds for v in r.latencies]


def binding(s: Summary) -> bool:
    """Every worker of every round used at least ``BINDING`` of its CPU budget."""
    return all(used >= BINDING for r in s.rounds for used in r.budget_used())


def budget_line(s: Summary) -> str:
    used = [u for r in s.rounds for u in r.budget_used()]
    periods = sum(t.periods for r in s.rounds for t in r.throttling)
    throttled = sum(t.throttled for r in s.rounds for t in r.throttling)
    verdict = (
        "BINDING (the budget, not the machine, held the workers back)"
        if binding(s)
        else f"NOT binding (a worker used under {BINDING:.0%} of it: the machine held it back)"
    )
    return (
        f"    CPU budget {s.rounds[0].budget:.2f} core a worker: used "
        f"{', '.join(f'{u:.0%}' for u in used)} of it (each worker, per round); throttled in "
        f"{throttled} of {periods} periods ({throttled / periods if periods else 0:.0%}): {verdict}"
    )


def report(summaries: list[Summary]) -> None:
    for s in summaries:
        ms = sorted(v * 1000 for v in s.latencies)
        pool = Counter[str]()
        waits: Counter[str] = Counter()
        for r in s.rounds:
            pool.update(r.pool)
            waits.update(r.waits)
        active = sum(r.active for r in s.rounds) or 1
        print(
            f"  {s.tree}, {s.workers} worker(s): {s.rate:7,.0f} sales/s  p50 {statistics.median(ms):7.1f} ms"
            f"  p99 {p99_ms(s.latencies):7.1f} ms   resent {sum(len(r.errors) for r in s.rounds)}"
            f"  503s {s.total('refused')}"
        )
        split = ", ".join(
            f"{1000 * c / (s.sales / len(s.rounds)):.2f}"
            for c in (cpu for r in s.rounds for cpu in r.worker_cpu)
        )
        print(
            f"    CPU ms per stored sale: workers {s.per_sale_ms(s.worker_cpu):.3f} "
            f"(each worker, per round: {split}; uvicorn master "
            f"{s.per_sale_ms(s.total('master_cpu')):.3f})  PostgreSQL backends "
            f"{s.per_sale_ms(s.total('db_cpu')):.3f}  load generator "
            f"{s.per_sale_ms(s.total('generator_cpu')):.3f}"
        )
        checkout_wait = pool["checkout_s"] - pool["connect_s"]
        print(
            f"    pool: {int(pool['checkout_n'])} checkouts, waited {checkout_wait:.2f} s in all "
            f"(connects {int(pool['connect_n'])}, {pool['connect_s']:.2f} s); bumps "
            f"{int(pool['publish_n'])} ({pool['publish_s']:.2f} s in requests), NOTIFY "
            f"transactions {int(pool['send_changed_n']) or int(pool['publish_n'])}, notices "
            f"received {int(pool['deliver_n'])}"
        )
        top = ", ".join(f"{k} {v / active:.1%}" for k, v in waits.most_common(6)) or "none"
        print(
            f"    PostgreSQL waits, share of {active} active-backend samples "
            f"(every {SAMPLE_S * 1000:.0f} ms): {top}"
        )
        if s.rounds[0].budget:
            print(budget_line(s))
        for error in sorted({e for r in s.rounds for e in r.errors})[:3]:
            print(f"    resent after: {error}")


def main(argv: list[str] | None = None) -> dict[int, tuple[float, float]]:
    """Run the rounds; {workers: (sales/s, p99 ms)}."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default="postgresql+psycopg://postgres@127.0.0.1/bench_load")
    parser.add_argument("--kiosks", type=int, default=500)
    parser.add_argument("--batches", type=int, default=2)
    parser.add_argument("--batch", type=int, default=10)
    parser.add_argument("--workers", default="2", help="worker counts to compare with 1: 2 or 2,4")
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--rounds", type=int, default=1, help="worker counts alternated")
    parser.add_argument(
        "--no-stock",
        dest="stock",
        action="store_false",
        help="leave the products out of master data (the stock UPDATE then matches no row)",
    )
    parser.add_argument(
        "--baseline-tree",
        type=Path,
        help="another checkout of the project (e.g. git archive of main): its back office "
        "served in alternate rounds too, for before/after ratios",
    )
    parser.add_argument(
        "--worker-cpu",
        type=float,
        metavar="CORES",
        help="cap each worker process at CORES of a core (a cgroup each; needs root): "
        "e.g. 0.3 for 1, 2, 3 workers on 2 cores, PostgreSQL and the generator left the rest",
    )
    parser.add_argument(
        "--worker-cpu-period-us",
        type=int,
        default=100_000,
        help="the cgroup's enforcement period (the quota is CORES of it); default 100000",
    )
    parser.add_argument("--load-worker", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker_cpu is not None and not args.load_worker:
        from bench.cpu_budget import CgroupUnavailable, find_hierarchy, quota_us

        try:  # refused before any database is made
            quota_us(args.worker_cpu, args.worker_cpu_period_us)
            find_hierarchy()
        except (ValueError, CgroupUnavailable) as exc:
            parser.error(str(exc))
    if args.load_worker:
        load_worker(args.load_worker)
        return {}
    counts = [1, *(int(w) for w in str(args.workers).split(",") if int(w) != 1)]
    trees = {"this tree": ROOT}
    if args.baseline_tree:
        trees["baseline"] = args.baseline_tree.resolve()
    began, load_before = time.strftime("%H:%M", time.gmtime()), os.getloadavg()
    rounds: dict[tuple[str, int], list[Round]] = {(t, w): [] for t in trees for w in counts}
    for _ in range(args.rounds):
        for workers in counts:
            for name, tree in trees.items():
                rounds[(name, workers)].append(one(tree, args.url, workers, args))
    print(
        f"{args.kiosks} kiosks x {args.batches} batches of {args.batch} sales, at most "
        f"{args.concurrency} requests in flight, loopback, {args.rounds} round(s) alternated, "
        f"stock {'taken' if args.stock else 'not in master data'}; {began}–"
        f"{time.strftime('%H:%M', time.gmtime())} UTC, load average {load_before[0]:.1f} → "
        f"{os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs"
    )
    if args.baseline_tree:
        print(f"  baseline: {args.baseline_tree}")
    summaries = {key: Summary(key[1], r, key[0]) for key, r in rounds.items()}
    report(list(summaries.values()))
    for name in trees:
        base = summaries[(name, 1)]
        for w in counts[1:]:
            s = summaries[(name, w)]
            print(
                f"  {name}, {w} workers / 1: throughput {ratio(s.rate, base.rate)} (ideal "
                f"{w}.00x)   worker CPU "
                f"per sale {ratio(s.worker_cpu, base.worker_cpu)}   PostgreSQL CPU per sale "
                f"{ratio(s.total('db_cpu'), base.total('db_cpu'))}   p99 "
                f"{ratio(p99_ms(s.latencies), p99_ms(base.latencies))}"
            )
    if args.baseline_tree:
        for w in counts:
            s, b = summaries[("this tree", w)], summaries[("baseline", w)]
            print(
                f"  this/baseline, {w} worker(s): throughput {ratio(s.rate, b.rate)}   worker CPU "
                f"per sale {ratio(s.worker_cpu, b.worker_cpu)}   p99 "
                f"{ratio(p99_ms(s.latencies), p99_ms(b.latencies))}"
            )
    if args.worker_cpu:
        loose = [f"{t}, {w}" for (t, w), s in summaries.items() if not binding(s)]
        print(
            f"  CPU budget binding for every worker count: the throughput ratios measure scaling "
            f"with worker capacity ({args.worker_cpu:.2f} core a worker)"
            if not loose
            else f"  CPU budget NOT binding for {'; '.join(loose)} worker(s): the ratios with "
            f"those counts say nothing about scaling with worker capacity"
        )
    print("  every sale stored exactly once, every kiosk's last_seq complete, in every round")
    return {w: (s.rate, p99_ms(s.latencies)) for (t, w), s in summaries.items() if t == "this tree"}


if __name__ == "__main__":
    main()
