"""領収書 at the kiosk: the shopper asks after paying, staff reprint one for a past sale.

The screens ask this module (through :meth:`KioskRuntime.issue_formal_receipt` and
:meth:`KioskRuntime.formal_receipt_choices`); it lays the 領収書 out for the printer's columns
(:mod:`kiosk.domain.formal_receipt`), prints it (or writes it to the data dir on a kiosk with
no printer) and journals it. Every one issued is journalled — the sale and whether it was a
reprint, never the addressee, which may be a person's name — so the second for a sale is
printed 再発行 and two originals never exist. One that may be partly on paper (the printer
failed mid-job) counts as issued.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field
from functools import cache
from importlib.resources import files
from typing import Any

from sqlalchemy import select

from kiosk.domain.addressee_words import AddresseeWords, parse_words
from kiosk.domain.formal_receipt import (
    HONORIFICS,
    FormalReceiptRequest,
    RevenueStampRule,
    render_formal_receipt,
    stamp_due,
)
from kiosk.domain.receipt import Receipt, receipt_from_document
from kiosk.store.models import JournalRow
from kiosk.store.returns import ReturnBook

log = logging.getLogger(__name__)

FORMAL_RECEIPT_FILE = "last-formal-receipt.txt"
FORMAL_RECEIPT_EVENT = "formal_receipt"  # journal kind: one row per 領収書 issued


@dataclass(frozen=True, slots=True)
class FormalReceiptChoices:
    """What the 領収書 screen offers: the store's 但し書き, the addressee suffixes and the
    kana → kanji words for the addressee (bundled, with the store's first)."""

    provisos: tuple[str, ...]
    honorifics: tuple[str, ...] = HONORIFICS
    words: AddresseeWords = field(default_factory=lambda: AddresseeWords({}))


@dataclass(frozen=True, slots=True)
class FormalReceiptIssued:
    how: str  # "printed" | "saved" (no printer: the data dir's last-formal-receipt.txt)
    reprint: bool  # printed 再発行
    receipt_no: int
    lines: tuple[str, ...]  # as laid out for the paper


def choices(config: Any) -> FormalReceiptChoices:
    store_words = getattr(config, "addressee_words", {})
    return FormalReceiptChoices(
        tuple(config.formal_receipt_provisos), words=bundled_words().with_store_words(store_words)
    )


@cache
def bundled_words() -> AddresseeWords:
    """The addressee words shipped with the kiosk (kiosk/data/addressee_words.toml), read
    once."""
    return parse_words((files("kiosk") / "data" / "addressee_words.toml").read_text("utf-8"))


def stamp_rule(config: Any) -> RevenueStampRule | None:
    """The store's revenue stamp rule; None when the store has set no note."""
    note = getattr(config, "revenue_stamp_note", "")
    methods = tuple(getattr(config, "revenue_stamp_methods", ("cash",)))
    return RevenueStampRule(note, money_methods=methods) if note else None


def receipt_of_number(runtime: Any, receipt_no: int) -> tuple[str, Receipt]:
    """(sale id, receipt) of a past sale on this kiosk, by its receipt number.

    Raises ``kiosk.store.returns.SaleNotFound`` (its message names the number)."""
    document = ReturnBook(runtime.store).sale_by_receipt(receipt_no)
    receipt = receipt_from_document(
        document, runtime.config.issuer, method_names=runtime.installed_method_names()
    )
    return document["sale_id"], receipt


def issued_count(store: Any, sale_id: str) -> int:
    """How many 領収書 the journal records for ``sale_id`` (a second one is a 再発行)."""
    with store.transaction() as session:
        payloads = session.scalars(
            select(JournalRow.payload).where(JournalRow.kind == FORMAL_RECEIPT_EVENT)
        )
        return sum(1 for text in payloads if json.loads(text).get("sale_id") == sale_id)


def lay_out(
    runtime: Any, receipt: Receipt, request: FormalReceiptRequest, printer: Any = None
) -> list[str]:
    """The 領収書 laid out for ``printer`` (its columns) or the configured width."""
    config = runtime.config
    rule = stamp_rule(config)
    methods = tuple(getattr(config, "revenue_stamp_methods", ("cash",)))
    if rule is None and stamp_due(receipt, RevenueStampRule("", money_methods=methods)):
        log.warning(
            "receipt %s: a revenue stamp is due but [store] revenue_stamp_note is empty",
            receipt.receipt_no,
        )
    width = printer.columns if printer is not None else config.receipt_width
    return render_formal_receipt(receipt, request, rule, width)


def issue(
    runtime: Any,
    sale_id: str,
    receipt: Receipt,
    addressee: str = "",
    proviso: str = "",
    honorific: str | None = None,
) -> FormalReceiptIssued:
    """Print the 領収書 for ``receipt`` (sale ``sale_id``) and journal it.

    ``honorific``: 様, 御中 or "" (None: the receipt language's own). ``addressee`` and
    ``proviso`` are checked by :class:`FormalReceiptRequest` (ValueError:
    a control character, or longer than 60 characters). Printer faults are raised as the
    devices package's typed ``PrinterError`` for the screen to show."""
    reprint = issued_count(runtime.store, sale_id) > 0
    request = FormalReceiptRequest(
        addressee.strip(), proviso.strip(), reprint=reprint, honorific=honorific
    )
    lines = lay_out(runtime, receipt, request, runtime.printer_layout())
    payload = {"sale_id": sale_id, "receipt_no": receipt.receipt_no, "reprint": reprint}
    try:
        how = runtime.output_receipt(lines, sale_id, FORMAL_RECEIPT_FILE)
    except Exception as exc:
        if getattr(exc, "receipt_incomplete", False):
            runtime.store.journal_event(FORMAL_RECEIPT_EVENT, payload, runtime.clock())
        raise
    runtime.store.journal_event(FORMAL_RECEIPT_EVENT, payload, runtime.clock())
    return FormalReceiptIssued(how, reprint, receipt.receipt_no, tuple(lines))
