"""Child kiosk for the kill -9 return test: returns line 1 of its first sale and is killed
(SIGKILL, by itself) at the named step. Prints ``RETURNED <id>`` only if it got through."""

from __future__ import annotations

import os
import signal
import sys
from pathlib import Path

from kiosk.runtime import returns as desk_module
from kiosk.runtime.returns import ReturnDesk
from tests.returns.desk import ATTENDANT, started


def die() -> None:
    os.kill(os.getpid(), signal.SIGKILL)


def main(data_dir: str, port: int, step: str) -> None:
    runtime = started(Path(data_dir), port)
    desk_module.checkpoint = lambda at: die() if at == step else None
    card = runtime.method("card")
    real_refund = card.refund

    def refund(key: str, amount: int, refund_key: str):
        if step == "before_send":  # the row says requested; nothing reached the terminal
            die()
        result = real_refund(key, amount, refund_key)
        if step == "reply_lost":  # the terminal refunded; the kiosk never heard it
            die()
        return result

    card.refund = refund
    sale = ReturnDesk(runtime).book.sale_by_receipt(1)
    desk = ReturnDesk(runtime)
    result = desk.make(desk.plan(sale, {1: 1}, reason="other", staff=ATTENDANT))
    print(f"RETURNED {result.document['return_id']}", flush=True)
    runtime.shutdown()


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]), sys.argv[3])
