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

``--kiosks-in`` says where the kiosks run: ``process`` as above (the first passes; the
kiosks' own work shares the server's GIL), ``separate`` as deployed: the back office served
by uvicorn in a process of its own on loopback, the kiosks in ``--kiosk-processes`` other
processes posting bodies built before the clock starts (``http.client``, one connection
each); the server's CPU per request is then read from ``/proc`` (less sensitive to the
machine's load than latency). ``both`` (the default) runs the two, in that order each
round. ``--baseline-tree DIR`` also serves the separate rounds from another checkout of the
project (e.g. ``git worktree add /tmp/base main``), alternated with this one, and prints
p99 and server CPU per request this/baseline.

``--synchronous NORMAL`` takes away the fsync at every COMMIT (the back office runs FULL, an
fsync per commit, so no acknowledged sale is lost in a power cut). ``--commit-delay-ms N`` adds N ms at every COMMIT, the GIL released, as a
slower disk's fsync would (an SD card or a busy NAS): labelled as such in the output.

    .venv/bin/python bench/sqlite_writers.py [--kiosks 20 --batches 10 --batch 10 --rounds 2]
        [--kiosks-in process|separate|both] [--kiosk-processes 2] [--baseline-tree DIR]
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import signal
import socket
import statistics
import subprocess
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
from load_kiosks import bodies as kiosk_bodies  # bench/: the script's own folder

from kiosk.backoffice.app import create_app
from kiosk.backoffice.core.db import Database
from kiosk.backoffice.staff.auth import enrol_kiosk
from tests.backoffice.factories import make_sale

ROOT = Path(__file__).resolve().parents[1]
START = datetime(2026, 11, 20, 9)


PARKED, QUEUE, GROUP = "parked in BEGIN IMMEDIATE", "queue, a transaction each", "group commit"
SEPARATE = "uvicorn process, kiosks apart"  # the deployed back office: the writer queue


@dataclass
class Round:
    latencies: list[float] = field(default_factory=list)
    refused: int = 0
    cpu: float = 0.0  # process CPU seconds while the kiosks synced
    wall: float = 0.0
    writer_held: float = 0.0  # seconds the writer turn was held (queue and group commit)
    grouping: str = ""
    kiosk_cpu: float = 0.0  # separate: the kiosk processes' CPU seconds


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


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def serve(tree: Path, url: str) -> tuple[int, subprocess.Popen]:
    """The back office as deployed (``cli:app_from_env``, one uvicorn worker) from ``tree``."""
    port = free_port()
    env = {**os.environ, "PYTHONPATH": str(tree), "DATABASE_URL": url}
    process = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "--factory", "kiosk.backoffice.cli:app_from_env",
         "--host", "127.0.0.1", "--port", str(port), "--log-level", "warning",
         "--no-access-log"],
        cwd=tree, env=env,
    )  # fmt: skip
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=1)
            connection.request("GET", "/api/v1/sync/status")
            connection.getresponse().read()  # 401 without a token: the server answers
            return port, process
        except OSError:
            if process.poll() is not None:
                raise RuntimeError(f"the back office exited ({process.returncode})") from None
            time.sleep(0.2)
    process.kill()
    raise TimeoutError("back office did not start")


def process_cpu(pid: int) -> float:
    """User + system CPU seconds of process ``pid`` (and its threads) so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def run_separate(tree: Path, args: argparse.Namespace) -> Round:
    """One round against a uvicorn back office served from ``tree``, kiosks in other processes."""
    url = f"sqlite:///{tempfile.mkdtemp()}/bo.sqlite3"
    db = Database(url)
    with db.transaction() as s:
        tokens = {f"K{k:02d}": enrol_kiosk(s, f"K{k:02d}", START) for k in range(args.kiosks)}
    db.close()
    work = {k: (t, kiosk_bodies(k, args.batches, args.batch)) for k, t in tokens.items()}
    port, server = serve(tree, url)
    result = Round()
    try:
        shares = [
            list(work.items())[i :: args.kiosk_processes] for i in range(args.kiosk_processes)
        ]
        loaders = []
        for share in shares:
            spec = Path(tempfile.mkstemp(suffix=".json")[1])
            spec.write_text(json.dumps({"port": port, "kiosks": dict(share)}))
            loaders.append(
                subprocess.Popen(
                    [sys.executable, "-W", "ignore", __file__, "--load-worker", str(spec)],
                    stdin=subprocess.PIPE,
                    stdout=subprocess.PIPE,
                    text=True,
                )
            )
        for loader in loaders:  # bodies encoded, connections open
            assert loader.stdout.readline().strip() == "ready"
        cpu_began, wall_began = process_cpu(server.pid), time.perf_counter()
        for loader in loaders:
            loader.stdin.write("go\n")
            loader.stdin.flush()
        outputs = [json.loads(loader.communicate()[0]) for loader in loaders]
        result.wall = time.perf_counter() - wall_began
        result.cpu = process_cpu(server.pid) - cpu_began
        if server.poll() is not None:
            raise RuntimeError(f"the back office exited ({server.returncode}) during the run")
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
    for output in outputs:
        result.latencies += output["latencies"]
        result.refused += output["refused"]
        result.kiosk_cpu += output["cpu"]
    db = Database(url)
    with db.engine.connect() as c:  # every sale once: none lost, none doubled
        stored = c.exec_driver_sql("SELECT count(*) FROM bo_sales").scalar()
    db.close()
    if stored != args.kiosks * args.batches * args.batch:
        raise RuntimeError(f"{stored} sales stored, {args.kiosks * args.batches * args.batch} sent")
    return result


def load_worker(spec_path: str) -> None:
    """A kiosk process: each kiosk a thread posting its batches back to back (one connection
    each, the bodies encoded before ``go``); prints the latencies as JSON."""
    spec = json.loads(Path(spec_path).read_text())
    Path(spec_path).unlink()
    latencies: list[float] = []
    refused = [0]
    lock = threading.Lock()
    go = threading.Event()

    def kiosk(token: str, bodies: list[bytes]) -> None:
        headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
        connection = http.client.HTTPConnection("127.0.0.1", spec["port"], timeout=120)
        go.wait()
        for body in bodies:
            while True:
                began = time.perf_counter()
                connection.request("POST", "/api/v1/sync/outbox", body, headers)
                answer = connection.getresponse()
                text = answer.read()
                took = time.perf_counter() - began
                with lock:
                    latencies.append(took)
                if answer.status != 503:
                    assert answer.status == 200, text
                    break
                with lock:
                    refused[0] += 1
                time.sleep(float(answer.getheader("Retry-After", "1")))
        connection.close()

    threads = [
        threading.Thread(target=kiosk, args=(token, [json.dumps(b).encode() for b in bodies]))
        for token, bodies in spec["kiosks"].values()
    ]
    for t in threads:
        t.start()
    print("ready", flush=True)
    sys.stdin.readline()
    cpu_began = time.process_time()
    go.set()
    for t in threads:
        t.join()
    cpu = time.process_time() - cpu_began
    print(json.dumps({"latencies": latencies, "refused": refused[0], "cpu": cpu}))


def summary(values: list[float]) -> tuple[float, float, float]:
    ms = sorted(v * 1000 for v in values)
    return statistics.median(ms), ms[min(len(ms) - 1, int(len(ms) * 0.99))], ms[-1]


def load() -> str:
    return "/".join(f"{v:.1f}" for v in os.getloadavg())


def report(name: str, rounds: list[Round], batch: int, writer: str = "") -> tuple[float, float]:
    """Print one way's line; answer its p99 (ms) and CPU seconds per request."""
    values = [v for r in rounds for v in r.latencies]
    p50, p99, top = summary(values)
    cpu = sum(r.cpu for r in rounds) / len(values)
    rate = sum(len(r.latencies) - r.refused for r in rounds) * batch / sum(r.wall for r in rounds)
    print(
        f"  {name:30s} p50 {p50:7.1f} ms  p99 {p99:7.1f} ms  max {top:7.1f} ms  "
        f"{rate:4.0f} sales/s  CPU {1000 * cpu:5.1f} ms/request  {writer}"
        f"n={len(values)}  503s={sum(r.refused for r in rounds)}"
    )
    return p99, cpu


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
        "or NORMAL (no fsync per commit in WAL); in-process rounds only",
    )
    parser.add_argument(
        "--commit-delay-ms",
        type=float,
        default=0.0,
        help="a slower disk: this many ms more at every COMMIT (a sleep, the GIL released); "
        "in-process rounds only",
    )
    parser.add_argument(
        "--kiosks-in",
        choices=("process", "separate", "both"),
        default="both",
        help="the kiosks in the server's process (three writer modes) or in processes of "
        "their own against a uvicorn back office (as deployed)",
    )
    parser.add_argument("--kiosk-processes", type=int, default=2)
    parser.add_argument(
        "--baseline-tree",
        type=Path,
        help="another checkout of the project: its back office served in alternate separate "
        "rounds, for before/after ratios",
    )
    parser.add_argument("--load-worker", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.load_worker:
        load_worker(args.load_worker)
        return
    modes = (PARKED, QUEUE, GROUP) if args.kiosks_in != "separate" else ()
    trees = {"this tree": ROOT} if args.kiosks_in != "process" else {}
    if args.baseline_tree and trees:
        trees["baseline " + str(args.baseline_tree)] = args.baseline_tree.resolve()
    rounds: dict[str, list[Round]] = {mode: [] for mode in modes}
    apart: dict[str, list[Round]] = {name: [] for name in trees}
    load_before = load()
    for _ in range(args.rounds):
        for mode in modes:
            rounds[mode].append(run(mode, args))
        for name, tree in trees.items():
            apart[name].append(run_separate(tree, args))
    delay = f", every COMMIT {args.commit_delay_ms:g} ms slower" if args.commit_delay_ms else ""
    print(
        f"SQLite, {args.kiosks} kiosks at once, {args.batches} batches of {args.batch} each, "
        f"{args.rounds} rounds, synchronous={args.synchronous}{delay}; "
        f"load average (1/5/15 min) before {load_before}, after {load()}"
    )
    p99s, cpus = {}, {}
    if modes:
        print("  kiosks in the server's process (CPU: the whole process, kiosks included):")
    for mode in modes:
        held = sum(r.writer_held for r in rounds[mode]) / sum(r.wall for r in rounds[mode])
        writer = f"writer held {held:4.0%}  " if mode != PARKED else "writer held    —  "
        p99s[mode], cpus[mode] = report(mode, rounds[mode], args.batch, writer)
    if modes:
        print(
            f"  p99 group/queue {p99s[GROUP] / p99s[QUEUE]:.2f}  group/parked "
            f"{p99s[GROUP] / p99s[PARKED]:.2f}  queue/parked {p99s[QUEUE] / p99s[PARKED]:.2f}  "
            f"CPU per request group/queue {cpus[GROUP] / cpus[QUEUE]:.2f}"
        )
        print(f"  group commit: {'; '.join(r.grouping for r in rounds[GROUP])} (per round)")
    if trees:
        print(
            f"  uvicorn back office (cli:app_from_env, writer queue, synchronous=FULL), kiosks in "
            f"{args.kiosk_processes} other processes (CPU: the server process only):"
        )
    for name in trees:
        kiosk_cpu = sum(r.kiosk_cpu for r in apart[name]) / sum(
            len(r.latencies) for r in apart[name]
        )
        p99s[name], cpus[name] = report(
            name, apart[name], args.batch, f"kiosks' CPU {1000 * kiosk_cpu:4.1f} ms/request  "
        )
    names = list(trees)
    if len(names) == 2:
        this, base = names
        print(
            f"  this/baseline: p99 {p99s[this] / p99s[base]:.2f}  "
            f"server CPU per request {cpus[this] / cpus[base]:.2f}"
        )
    if modes and names:
        print(f"  p99 apart/in-process queue: {p99s[names[0]] / p99s[QUEUE]:.2f}")


if __name__ == "__main__":
    main()
