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


def printer_fault_text(t: Any, exc: BaseException) -> str:
    """The staff line of the problem bar for a printer fault, in the screen's language
    (``t`` translates; the exception's English text and hint go to the log, not to a
    Japanese, Chinese or Korean screen)."""
    code = getattr(exc, "code", "")
    if code == "paper_out":
        return t("Printer: out of paper")
    if code == "cover_open":
        return t("Printer: the cover is open")
    if code == "offline":
        return t("Printer: off or unplugged")
    if code == "cutter_error":
        return t("Printer: paper jammed at the cutter")
    return t("Printer: needs attention") + f" ({code or type(exc).__name__})"
