"""bench/sync_request_parts.py at tiny scale: the served back office's parts are timed.

A real uvicorn back office on a fresh SQLite file; a few batches; every part the script
wraps reports thread CPU (a part renamed or moved in the code would drop out silently, so
the output must name each one).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "bench" / "sync_request_parts.py"


def test_function_the_parts_of_a_sync_request_are_timed():
    """GIVEN this tree WHEN 5 batches of 2 sales are posted THEN the server's CPU a request
    and every wrapped part, with the calls a request it had, are printed."""
    done = subprocess.run(
        [sys.executable, "-W", "ignore", str(SCRIPT), "--requests", "5", "--batch", "2"],
        cwd=ROOT, capture_output=True, text=True, timeout=300, check=True,
    )  # fmt: skip
    lines = done.stdout.splitlines()
    assert "5 sync requests of 2 sales" in lines[0] and "ms a request" in lines[0]
    sys.path.insert(0, str(ROOT / "bench"))
    from sync_request_parts import PARTS

    for label, _module, _path in PARTS:
        assert any(line.startswith(f"  {label} ") for line in lines[1:]), label
    epoch = next(line for line in lines if "current_epoch" in line)
    assert "(1 calls)" in epoch
