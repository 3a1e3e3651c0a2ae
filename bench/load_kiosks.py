"""Load test: many simulated kiosks against a multi-worker back office, over loopback.

Starts ``uvicorn --factory kiosk.backoffice.cli:app_from_env --workers W`` on a fresh
PostgreSQL database, enrols ``--kiosks`` kiosks, and lets each deliver ``--batches`` batches
of ``--batch`` sales the way a relay does (one request at a time per kiosk), at most
``--concurrency`` requests in flight (bounded: the load generator shares the machine).
Printed: sales/s and request p50/p99 for 1 worker and for W workers, and their ratio.

    .venv/bin/python bench/load_kiosks.py --kiosks 500 --workers 2 \\
        --url postgresql+psycopg://postgres@127.0.0.1/bench_load
"""

from __future__ import annotations

import argparse
import asyncio
import os
import signal
import socket
import statistics
import subprocess
import sys
import time
import uuid
from datetime import datetime, timedelta
from pathlib import Path

import httpx
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from kiosk.backoffice.core.db import Database
from kiosk.backoffice.staff.auth import enrol_kiosk
from tests.backoffice.factories import make_sale

ROOT = Path(__file__).resolve().parents[1]
START = datetime(2026, 11, 20, 9)
RETRIES = 3


def fresh(url: str) -> str:
    parsed = make_url(url)
    admin = create_engine(parsed.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as c:
        c.execute(text(f'DROP DATABASE IF EXISTS "{parsed.database}" WITH (FORCE)'))
        c.execute(text(f'CREATE DATABASE "{parsed.database}"'))
    admin.dispose()
    return url


def serve(url: str, workers: int) -> tuple[str, subprocess.Popen]:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {**os.environ, "PYTHONPATH": str(ROOT), "DATABASE_URL": url}
    process = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "--factory", "kiosk.backoffice.cli:app_from_env",
         "--host", "127.0.0.1", "--port", str(port), "--workers", str(workers),
         "--log-level", "warning"],
        cwd=ROOT, env=env,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{base}/login", timeout=1).status_code == 200:
                return base, process
        except httpx.TransportError:
            time.sleep(0.2)
    process.kill()
    raise TimeoutError("back office did not start")


def bodies(kiosk_id: str, batches: int, batch: int) -> list[dict]:
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


async def drive(base: str, work: dict[str, tuple[str, list[dict]]], concurrency: int):
    gate = asyncio.Semaphore(concurrency)
    latencies: list[float] = []
    errors: list[str] = []
    limits = httpx.Limits(max_connections=concurrency)
    async with httpx.AsyncClient(base_url=base, timeout=120, limits=limits) as client:

        async def kiosk(token: str, batches: list[dict]) -> None:
            for body in batches:
                for attempt in range(RETRIES + 1):
                    async with gate:
                        began = time.perf_counter()
                        try:
                            r = await client.post(
                                "/api/v1/sync/outbox", json=body,
                                headers={"Authorization": f"Bearer {token}"},
                            )  # fmt: skip
                        except httpx.TransportError as exc:
                            # a relay resends the same batch (idempotent); counted, not hidden
                            errors.append(f"{type(exc).__name__}: {exc}")
                            if attempt == RETRIES:
                                raise
                            continue
                        latencies.append(time.perf_counter() - began)
                    assert r.status_code == 200, r.text
                    break

        began = time.perf_counter()
        await asyncio.gather(*(kiosk(t, b) for t, b in work.values()))
        return time.perf_counter() - began, latencies, errors


def one(url: str, workers: int, args: argparse.Namespace) -> tuple[float, list[float], list[str]]:
    fresh(url)
    db = Database(url)
    with db.transaction() as s:
        tokens = {f"K{k:04d}": enrol_kiosk(s, f"K{k:04d}", START) for k in range(args.kiosks)}
    work = {k: (t, bodies(k, args.batches, args.batch)) for k, t in tokens.items()}
    base, process = serve(url, workers)
    try:
        elapsed, latencies, errors = asyncio.run(drive(base, work, args.concurrency))
        if process.poll() is not None:
            raise RuntimeError(f"the back office exited ({process.returncode}) during the run")
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=30)
    sales = args.kiosks * args.batches * args.batch
    with db.engine.connect() as c:  # every sale once: none lost, none doubled by a resend
        stored = c.scalar(text("SELECT count(*) FROM bo_sales"))
    db.close()
    if stored != sales:
        raise RuntimeError(f"{stored} sales stored, {sales} sent")
    return sales / elapsed, latencies, errors


def main(argv: list[str] | None = None) -> dict[int, tuple[float, float]]:
    """Run both rounds; {workers: (sales/s, p99 ms)}."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default="postgresql+psycopg://postgres@127.0.0.1/bench_load")
    parser.add_argument("--kiosks", type=int, default=500)
    parser.add_argument("--batches", type=int, default=2)
    parser.add_argument("--batch", type=int, default=10)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--concurrency", type=int, default=32)
    args = parser.parse_args(argv)
    print(
        f"{args.kiosks} kiosks x {args.batches} batches of {args.batch} sales, "
        f"at most {args.concurrency} requests in flight, loopback; "
        f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs"
    )
    results = {}
    for workers in (1, args.workers):
        rate, latencies, errors = one(args.url, workers, args)
        ms = sorted(v * 1000 for v in latencies)
        p99 = ms[min(len(ms) - 1, int(len(ms) * 0.99))]
        results[workers] = (rate, p99)
        print(
            f"  {workers} worker(s): {rate:8,.0f} sales/s   request p50 {statistics.median(ms):7.1f} ms"
            f"   p99 {p99:7.1f} ms   resent after a transport error: {len(errors)}"
        )
        for error in sorted(set(errors))[:3]:
            print(f"    {error}")
    ratio = results[args.workers][0] / results[1][0]
    print(f"  {args.workers} workers / 1 worker: {ratio:.2f}x   (every sale stored exactly once)")
    return results


if __name__ == "__main__":
    main()
