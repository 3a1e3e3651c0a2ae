"""Where one sync request's server CPU goes: the served back office, its parts timed.

The back office is served as deployed (``uvicorn --factory kiosk.backoffice.cli:app_from_env``
on loopback, a fresh SQLite database, one enrolled kiosk) with a few functions of the sync
path wrapped to add up their thread CPU (``time.thread_time``: the worker thread's own, not
the other threads'); one kiosk posts ``--requests`` batches of ``--batch`` sales back to
back (after 20 unmeasured ones), and the server's CPU a request (``/proc``) is printed with
each part's. cProfile's per-call overhead (about 3x here) hid what is cheap and what is
not; these wrappers cost a few µs a request. Indented parts are inside the one above.

    .venv/bin/python bench/sync_request_parts.py [--requests 300 --batch 10] [--tree DIR]

``--tree DIR`` serves another checkout (e.g. ``git worktree add /tmp/base main``): the parts
that tree lacks are left out.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
START = datetime(2026, 11, 20, 9)

# (label, module, attribute path): wrapped in the server before uvicorn starts
PARTS = [
    ("door: check_json (event loop)", "kiosk.backoffice.core.door", "check_json"),
    ("worker thread, all", None, None),
    ("  outbox_events (schemas)", "kiosk.backoffice.sales.api", "outbox_events"),
    ("  Database.grouped (writes)", "kiosk.backoffice.core.db", "Database.grouped"),
    ("    authenticate_kiosk (+BEGIN)", "kiosk.backoffice.sales.api", "authenticate_kiosk"),
    ("    place", "kiosk.backoffice.kiosks.identity", "place"),
    ("      current_epoch", "kiosk.backoffice.kiosks.identity", "current_epoch"),
    ("    ingest", "kiosk.backoffice.kiosks.identity", "ingest"),
    ("      stored_sale_ids", "kiosk.backoffice.sales.ingest", "stored_sale_ids"),
    ("      day_start", "kiosk.backoffice.core.business_day", "day_start"),
    ("      rows.flush", "kiosk.backoffice.sales.ingest_rows", "RowBuffer.flush"),
    ("    COMMIT (sqlite3)", "sqlalchemy.engine.default", "DefaultDialect.do_commit"),
]


def serve_timed() -> None:
    """In the server process: wrap the parts, add up thread CPU, write it at exit."""
    import atexit
    import functools
    import importlib
    import threading

    import anyio.to_thread

    totals: dict[str, list[float]] = {label: [0.0, 0] for label, _m, _a in PARTS}

    def timed(label: str, func):
        @functools.wraps(func)
        def inner(*args, **kwargs):
            began = time.thread_time()
            try:
                return func(*args, **kwargs)
            finally:
                totals[label][0] += time.thread_time() - began
                totals[label][1] += 1

        return inner

    run_sync = anyio.to_thread.run_sync

    async def worker(func, *args, **kwargs):
        return await run_sync(timed("worker thread, all", func), *args, **kwargs)

    anyio.to_thread.run_sync = worker
    for label, module, path in PARTS:
        if module is None:
            continue
        try:
            owner = importlib.import_module(module)
            *outer, name = path.split(".")
            for part in outer:
                owner = getattr(owner, part)
            setattr(owner, name, timed(label, getattr(owner, name)))
        except (ImportError, AttributeError):
            del totals[label]  # another tree without this part
    loop_thread = threading.get_native_id()

    def loop_cpu() -> float:
        fields = Path(f"/proc/self/task/{loop_thread}/stat").read_text().rsplit(")", 1)[1]
        return (int(fields.split()[11]) + int(fields.split()[12])) / os.sysconf("SC_CLK_TCK")

    began = {"loop": 0.0}

    def reset(*_args) -> None:
        for value in totals.values():
            value[0], value[1] = 0.0, 0
        began["loop"] = loop_cpu()

    def write() -> None:
        totals["event loop thread, all"] = [loop_cpu() - began["loop"], 1]
        Path(os.environ["PARTS_OUT"]).write_text(json.dumps(totals))

    atexit.register(write)
    signal.signal(signal.SIGUSR1, reset)
    import uvicorn

    sys.argv = ["uvicorn", *sys.argv[2:]]
    uvicorn.main()


def process_cpu(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--batch", type=int, default=10)
    parser.add_argument("--tree", type=Path, default=ROOT)
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT / "bench"))
    from load_kiosks import bodies as kiosk_bodies

    from kiosk.backoffice.core.db import Database
    from kiosk.backoffice.staff.auth import enrol_kiosk

    folder = Path(tempfile.mkdtemp())
    url = f"sqlite:///{folder}/bo.sqlite3"
    db = Database(url)
    with db.transaction() as s:
        token = enrol_kiosk(s, "K00", START)
    db.close()
    bodies = [json.dumps(b).encode() for b in kiosk_bodies("K00", args.requests + 20, args.batch)]
    from sqlite_writers import free_port  # bench/: the script's own folder

    port = free_port()
    out = folder / "parts.json"
    env = {**os.environ, "PYTHONPATH": str(args.tree), "DATABASE_URL": url, "PARTS_OUT": str(out)}
    server = subprocess.Popen(
        [sys.executable, "-W", "ignore", __file__, "--serve-timed", "--factory",
         "kiosk.backoffice.cli:app_from_env", "--host", "127.0.0.1", "--port", str(port),
         "--log-level", "warning", "--no-access-log"],
        cwd=args.tree, env=env,
    )  # fmt: skip
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    deadline = time.monotonic() + 60
    while True:
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
            connection.request("GET", "/api/v1/sync/status")
            connection.getresponse().read()
            break
        except OSError:
            if time.monotonic() > deadline or server.poll() is not None:
                server.kill()
                raise SystemExit("the back office did not start") from None
            time.sleep(0.2)

    def post(body: bytes) -> None:
        connection.request("POST", "/api/v1/sync/outbox", body, headers)
        answer = connection.getresponse()
        answer.read()
        if answer.status != 200:
            raise SystemExit(f"sync answered {answer.status}")

    for body in bodies[:20]:  # warm: compiled statements, caches
        post(body)
    server.send_signal(signal.SIGUSR1)
    time.sleep(0.3)
    cpu, wall = process_cpu(server.pid), time.perf_counter()
    for body in bodies[20:]:
        post(body)
    cpu, wall = process_cpu(server.pid) - cpu, time.perf_counter() - wall
    server.send_signal(signal.SIGINT)
    server.wait(timeout=60)
    n = args.requests
    print(
        f"{args.tree}: {n} sync requests of {args.batch} sales, one kiosk; server CPU "
        f"{1000 * cpu / n:.2f} ms a request (wall {1000 * wall / n:.1f} ms); load "
        + "/".join(f"{v:.1f}" for v in os.getloadavg())
    )
    for label, (seconds, calls) in json.loads(out.read_text()).items():
        times = f" ({calls / n:g} calls)" if label in {p[0] for p in PARTS} else ""
        print(f"  {label:34s} {1000 * seconds / n:6.3f} ms a request{times}")


if __name__ == "__main__":
    if sys.argv[1:2] == ["--serve-timed"]:
        serve_timed()
    else:
        main()
