"""Where a paper receipt goes: the printer if the kiosk has one, else a file in the data dir."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

RECEIPT_FILE = "last-receipt.txt"


def deliver_receipt(runtime: Any, sale: Any) -> str:
    """Print ``sale``'s receipt; return ``"printed"`` or ``"saved"`` (no printer).

    Runs on the runtime worker thread. Printer errors (out of paper, cover open…) are
    raised as the devices package's typed ``PrinterError`` for the shell to show.
    """
    lines = runtime.receipt_lines(sale)
    printer = getattr(runtime.devices, "printer", None)
    if printer is not None:
        printer.print_receipt(lines)
        return "printed"
    data_dir = Path(runtime.config.data_dir)
    data_dir.mkdir(parents=True, exist_ok=True)
    text = "\n".join(_plain(line) for line in lines) + "\n"
    (data_dir / RECEIPT_FILE).write_text(text, encoding="utf-8")
    log.info("no printer: receipt %s written to %s", sale.sale_id, data_dir / RECEIPT_FILE)
    return "saved"


def _plain(line: str) -> str:
    """Drop the printer's style markers (ASCII unit separator + letter) for a text file."""
    while line[:1] == "\x1f":
        line = line[2:]
    return line
