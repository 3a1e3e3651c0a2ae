"""``kiosk journal verify`` memory: peak RSS verifying 1k and 100k journal rows.

Each verification runs in a fresh process (peak RSS is per process); the floor is the same
process verifying an empty journal. Rows are made with the real hash chain (bulk-inserted,
so the set-up is quick). Goal: flat memory, i.e. the 100k figure close to the 1k one.

    .venv/bin/python bench/journal_verify.py [--rows 1000 100000]
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from datetime import datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from sqlalchemy import insert

from kiosk.store import journal
from kiosk.store.local import LocalStore
from kiosk.store.models import JournalRow

ROOT = Path(__file__).resolve().parents[1]
# VmHWM, not ru_maxrss: ru_maxrss survives exec, so a child would report its parent's peak
CHILD = """
import sys
from kiosk.store.local import LocalStore
store = LocalStore(sys.argv[1])
if sys.argv[2] == "old":  # the previous verify: ORM rows, all fetched at once
    from sqlalchemy import select
    from kiosk.store.models import JournalRow
    with store._sessions() as session:
        rows = session.scalars(select(JournalRow).order_by(JournalRow.seq)).all()
        check = type("Check", (), {"rows": len(rows), "ok": True})
else:
    check = store.verify_journal()
assert check.ok, check
hwm = next(l for l in open("/proc/self/status") if l.startswith("VmHWM:")).split()[1]
print(check.rows, hwm)
"""


def make_store(rows: int) -> Path:
    path = Path(tempfile.mkdtemp()) / "kiosk.sqlite3"
    store = LocalStore(path)
    with store.transaction() as session:
        start = session.query(JournalRow).count()
        prev = session.query(JournalRow.hash).order_by(JournalRow.seq.desc()).limit(1).scalar()
        prev = prev or journal.GENESIS
        at = datetime(2026, 11, 20, 9)
        payload = journal.canonical({"sale_id": "x" * 36, "total": 1234, "lines": list(range(20))})
        batch = []
        for seq in range(start + 1, start + rows + 1):
            when = at + timedelta(seconds=seq)
            digest = journal.row_hash(prev, seq, when, "sale", payload)
            batch.append(
                {
                    "seq": seq,
                    "at": when,
                    "kind": "sale",
                    "payload": payload,
                    "prev_hash": prev,
                    "hash": digest,
                }
            )
            prev = digest
        for i in range(0, len(batch), 10_000):
            session.execute(insert(JournalRow), batch[i : i + 10_000])
    store.close()  # the last connection checkpoints the WAL, as a kiosk's file would be
    return path


def peak_rss_mib(path: Path, how: str = "new") -> tuple[int, float]:
    out = subprocess.run(
        [sys.executable, "-c", CHILD, str(path), how],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
        env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"},
    ).stdout.split()
    return int(out[0]), int(out[1]) / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, nargs="+", default=[1000, 100_000])
    args = parser.parse_args()
    _, floor = peak_rss_mib(make_store(0))
    print("journal verify, peak RSS of a fresh process")
    print(f"  empty journal (floor)      {floor:7.1f} MiB")
    figures = {}
    for rows in args.rows:
        path = make_store(rows)
        checked, mib = peak_rss_mib(path)
        _, old = peak_rss_mib(path, "old")
        figures[rows] = mib
        print(
            f"  {checked:>8,} rows              {mib:7.1f} MiB   ({mib / floor:.2f}x the floor)"
            f"   previous verify (all rows as ORM objects) {old:7.1f} MiB"
        )
    low, high = min(figures), max(figures)
    print(
        f"  {high:,} rows / {low:,} rows: {figures[high] / figures[low]:.2f}x   (goal: flat, ~1x)"
    )


if __name__ == "__main__":
    main()
