"""The cash method's own durable notes: what each payment key took, so a restart can settle it.

Cash has no provider to ask. Before the changer starts taking money the key is written
(``collecting``), every inserted amount updates it, and the outcome is written when known;
``status()``/``cancel()`` after a crash read it back. The file is replaced atomically
(write, fsync, rename), so a crash leaves either the old or the new version.
"""

from __future__ import annotations

import json
import os
import threading
from dataclasses import asdict, dataclass
from pathlib import Path

KEEP = 500  # settled records kept (older ones are dropped when the file is rewritten)


@dataclass
class CashRecord:
    key: str
    amount: int
    state: str = "collecting"  # collecting | approved | cancelled | refund
    seen: int = 0  # inserted so far (live)
    tendered: int = 0
    change: int = 0
    returned: int = 0  # given back by cancel/refund
    original: str = ""  # refund records: the payment key


class CashRecords:
    def __init__(self, path: Path | str | None = None) -> None:
        self.path = Path(path) if path else None
        self._lock = threading.Lock()
        self._records: dict[str, CashRecord] = {}
        if self.path and self.path.exists():
            for item in json.loads(self.path.read_text("utf-8")):
                self._records[item["key"]] = CashRecord(**item)

    def get(self, key: str) -> CashRecord | None:
        with self._lock:
            return self._records.get(key)

    def put(self, record: CashRecord) -> None:
        with self._lock:
            self._records.pop(record.key, None)
            self._records[record.key] = record  # newest last
            self._save()

    def _save(self) -> None:
        if self.path is None:
            return
        settled = [r for r in self._records.values() if r.state != "collecting"]
        for old in settled[: max(0, len(settled) - KEEP)]:
            del self._records[old.key]
        tmp = self.path.with_suffix(".tmp")
        with open(tmp, "w", encoding="utf-8") as handle:
            json.dump([asdict(r) for r in self._records.values()], handle)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, self.path)
