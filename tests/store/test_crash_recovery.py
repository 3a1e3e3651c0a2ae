"""kill -9 at random points during 200 checkouts: no acknowledged sale lost, none doubled."""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from kiosk.store import LocalStore
from tests.store.crash_child import sale_id

ROOT = Path(__file__).resolve().parents[2]
TARGET = 200


def _run_child_until_killed(data_dir: Path, rng: random.Random, acks: list[str]) -> bool:
    """Run the child; kill -9 it at a random moment. Returns True if it finished first."""
    child = subprocess.Popen(
        [sys.executable, "-m", "tests.store.crash_child", str(data_dir), str(TARGET)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    lines: list[str] = []
    ready = threading.Event()

    def read() -> None:
        for line in child.stdout:
            lines.append(line)
            if line == "READY\n":
                ready.set()

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    ready.wait(timeout=60)
    # kill somewhere in the middle of the next few checkouts (startup excluded)
    killer = threading.Timer(rng.uniform(0.05, 1.2), lambda: child.send_signal(signal.SIGKILL))
    killer.start()
    child.wait(timeout=120)
    killer.cancel()
    reader.join(timeout=10)
    acks.extend(line.split()[2] for line in lines if line.startswith("ACK "))
    return "DONE\n" in lines


@pytest.mark.slow
@pytest.mark.timeout(1200)
def test_kill_minus_nine_loses_and_doubles_nothing(tmp_path):
    rng = random.Random(20261122)
    data_dir = tmp_path / "kiosk"
    acks: list[str] = []
    kills = 0
    for _ in range(200):
        if _run_child_until_killed(data_dir, rng, acks):
            break
        kills += 1
    else:
        pytest.fail("the child never finished")
    assert kills >= 3, "the test must actually interrupt the child"

    db = data_dir / "kiosk.sqlite3"
    raw = sqlite3.connect(db)
    assert raw.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    committed = [row[0] for row in raw.execute("select sale_id from sales")]
    # every acknowledged sale is there, exactly once; every checkout committed exactly once
    assert set(acks) <= set(committed)
    assert len(committed) == len(set(committed)) == TARGET
    assert set(committed) == {sale_id(n) for n in range(TARGET)}
    receipt_nos = [row[0] for row in raw.execute("select receipt_no from sales order by 1")]
    assert receipt_nos == list(range(1, TARGET + 1))
    # each sale has exactly one outbox row, and no approved payment is left without its sale
    assert raw.execute("select count(*), count(distinct aggregate_id) from outbox").fetchone() == (
        TARGET,
        TARGET,
    )
    orphaned = raw.execute(
        "select count(*) from payments p left join sales s on s.sale_id = p.sale_id "
        "where p.state in ('approved', 'requested', 'created', 'unknown') and s.sale_id is null"
    ).fetchone()[0]
    assert orphaned == 0
    store = LocalStore(db)
    assert store.verify_journal().ok
    store.close()
    print(f"\ncrash test: {kills} kill -9s, {len(acks)} acks, {TARGET} sales, integrity ok")
