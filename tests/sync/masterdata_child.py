"""Child process for the kill test: applies a version and dies (os._exit) half-way."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

from kiosk.store import LocalStore
from kiosk.sync.masterdata import MasterDataApplier


def main() -> None:
    path, snapshot_file, die_at = sys.argv[1], sys.argv[2], int(sys.argv[3])
    snapshot = json.loads(Path(snapshot_file).read_text(encoding="utf-8"))

    def maybe_die(i: int) -> None:
        if i == die_at:
            os._exit(9)  # like kill -9: no cleanup, no rollback by Python

    MasterDataApplier(LocalStore(path)).apply(2, snapshot, _after_row=maybe_die)


if __name__ == "__main__":
    main()
