"""Child process for the crash test: runs numbered checkouts until TARGET are committed.

Each checkout has a sale id derived from its number, so after a kill -9 the child can tell
which ones are already safe and carries on from there, as a restarted kiosk would.
Prints ``ACK <n> <sale_id>`` only after the sale is committed.
"""

from __future__ import annotations

import sys
import uuid
from pathlib import Path

from kiosk.app import build_runtime
from kiosk.config import load_config
from kiosk.domain.scan import Scan

NAMESPACE = uuid.UUID("6f1c2a4e-0000-4000-8000-00000000c0de")
ITEMS = ("4901234000018", "4901234000025", "4901234000193", "4901234000148")


def sale_id(n: int) -> str:
    return str(uuid.uuid5(NAMESPACE, str(n)))


def main(data_dir: str, target: int) -> None:
    runtime = build_runtime(load_config(None, data_dir=Path(data_dir)))
    print("READY", flush=True)
    for n in range(target):
        if runtime.store.sale_exists(sale_id(n)):
            continue
        runtime.sale_id = sale_id(n)
        for code in ITEMS[: 1 + n % len(ITEMS)]:
            runtime.handle_scan(Scan(code, source="crash-test"))
        sale = runtime.pay("cash")
        print(f"ACK {n} {sale.sale_id}", flush=True)
        runtime.finish()
    print("DONE", flush=True)
    runtime.shutdown()


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]))
