"""Where a paper receipt goes: the printer if the kiosk has one, else a file in the data dir.

The receipt is laid out to the printer's own columns (its profile's ``columns``: 48 on a
TM-T20II, 32 on 58 mm paper), not to a fixed width. Its QR codes (the tax-free section's,
the sale reference, and the e-receipt link when the shopper asked for paper *and* the
e-receipt) are lines the printer driver prints as codes.
"""

from __future__ import annotations

import dataclasses
import logging
from datetime import datetime
from typing import Any

from kiosk.domain.receipt_text import render_receipt
from kiosk.ereceipt_link import key_from_token, sign_link
from kiosk.runtime import formal_receipt
from kiosk.runtime.actions import PrinterLayout

log = logging.getLogger(__name__)

RECEIPT_FILE = "last-receipt.txt"


def ereceipt_link(
    runtime: Any, sale: Any, base_url: str = "", now: datetime | None = None
) -> str | None:
    """The signed e-receipt link for ``sale``, or None for a kiosk without a back office.

    ``base_url``: the back office as shoppers' phones reach it (the ``[ui] ereceipt_url``
    setting's origin); default the kiosk's ``[backoffice] url``.
    """
    config = runtime.config
    url, token = getattr(config, "backoffice_url", ""), getattr(config, "backoffice_token", "")
    if not url or not token:
        return None
    when = now or datetime.now().astimezone()
    return sign_link(base_url or url, key_from_token(token), sale.kiosk_id, sale.sale_id, when)


def public_base(template: str) -> str:
    """``https://receipts.example.jp/r/{sale_id}`` → ``https://receipts.example.jp``."""
    return template.split("/r/{sale_id}", 1)[0].rstrip("/") if "{sale_id}" in template else ""


def receipt_lines_for(
    runtime: Any,
    sale: Any,
    printer: PrinterLayout | None = None,
    *,
    e_receipt_url: str | None = None,
) -> list[str]:
    """The receipt laid out for ``printer`` (its columns, its emoji font) or the config width
    (as :meth:`KioskRuntime.receipt_lines`), with the e-receipt link when there is one."""
    receipt = runtime.receipt(sale)
    if e_receipt_url:
        receipt = dataclasses.replace(receipt, e_receipt_url=e_receipt_url)
    if printer is None:
        return render_receipt(receipt, width=runtime.config.receipt_width)
    return render_receipt(receipt, width=printer.columns, keep_emoji=printer.can_print_emoji)


def deliver_receipt(runtime: Any, sale: Any, *, e_receipt_url: str | None = None) -> str:
    """Print ``sale``'s receipt; return ``"printed"`` or ``"saved"`` (no printer).

    ``e_receipt_url``: the shopper chose paper *and* the e-receipt, so the paper carries the
    link (:func:`ereceipt_link`) as a QR code too.

    Runs on the runtime worker thread. Printer errors (out of paper, cover open…) are
    raised as the devices package's typed ``PrinterError`` for the shell to show.
    """
    lines = receipt_lines_for(runtime, sale, runtime.printer_layout(), e_receipt_url=e_receipt_url)
    return runtime.output_receipt(lines, sale.sale_id, RECEIPT_FILE)


def deliver_formal_receipt(runtime: Any, sale: Any, addressee: str = "", proviso: str = "") -> str:
    """Print the 領収書 for ``sale`` just paid; ``"printed"`` or ``"saved"`` (no printer).
    The work is :func:`kiosk.runtime.formal_receipt.issue` (journalled, 再発行 the second)."""
    receipt = runtime.receipt(sale)
    return formal_receipt.issue(runtime, sale.sale_id, receipt, addressee, proviso).how


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
