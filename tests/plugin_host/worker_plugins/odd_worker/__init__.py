"""Returns a receipt section with a number among its lines, hangs in ``recv`` on a socket
nobody writes to when told a device is ``stuck``, and answers a return with a lock (not
data: it cannot cross to the kiosk)."""

from __future__ import annotations

import socket
import threading
from typing import Any

from kiosk.domain.receipt import ReceiptSection
from kiosk.hookspecs import hookimpl


@hookimpl
def kiosk_receipt_sections(sale: Any) -> list[ReceiptSection]:
    return [ReceiptSection(title="Thanks", lines=("line one", 2))]  # type: ignore[arg-type]


@hookimpl
def kiosk_device_status(device: str, status: str) -> None:
    if status == "stuck":
        ours, _theirs = socket.socketpair()
        ours.recv(1)  # nobody writes: blocks in C forever


@hookimpl
def kiosk_return_completed(document: dict[str, Any]) -> Any:
    return threading.Lock()
