"""Returns a receipt section with a number among its lines, and hangs in ``recv`` on a
socket nobody writes to when told a device is ``stuck``."""

from __future__ import annotations

import socket
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
