"""A return (返品) of tax-free goods adjusts the sale's purchase record (kiosk_return_completed).

The shopper gets back what they paid for the returned items, tax included, so the record's
refund must no longer include the consumption tax on them:

* the tax on the returned record items is computed once per rate on their refunded amounts
  (as the record's own tax) and taken off the record's ``refund_amount`` and its net total;
* when every item of the record has come back, the record is cancelled: ``voided`` with the
  reason, refund 0, and a queued transmission that was not sent yet is withdrawn;
* a record already transmitted (its queue row ``sent``) gets a correction record (訂正;
  a cancellation, 取消, when everything came back) in the same transaction, queued for the
  same transmitter (:class:`~plugins.tax_free.transmission.TransmissionQueue`) with its own
  idempotency key ``<record id>:c<n>``;
* a record whose tax was already refunded to the buyer is not changed: its reason tells
  staff to recover the tax refunded on the returned goods.

Each return is noted in the record's document (``returns``) once, so a second call for the
same return (recovery after a crash) changes nothing. Core code knows nothing of this.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from fractions import Fraction
from typing import Any

from sqlalchemy import func, select

from kiosk.domain.returns import returnable, returned_so_far
from kiosk.domain.tax import Rounding
from plugins.tax_free.models import (
    CorrectionRow,
    RecordStatus,
    TaxFreeRecordRow,
    TransmissionRow,
)
from plugins.tax_free.store import TaxFreeStore

RATES = {"standard": 10, "reduced": 8}


def returned_tax(
    document: Mapping[str, Any], record_lines: set[int], rounding: Rounding = Rounding.FLOOR
) -> int:
    """The consumption tax in the refund of the return's lines that are record items, one
    rounding per rate (tax-inclusive lines contain it; tax-exclusive ones add it)."""
    total = 0
    for tax, rate in RATES.items():
        lines = [
            line
            for line in document.get("lines", [])
            if line.get("tax") == tax and int(line["original_line_id"]) in record_lines
        ]
        inclusive = sum(-int(x["amount"]) for x in lines if x.get("price_includes_tax", True))
        exclusive = sum(-int(x["amount"]) for x in lines if not x.get("price_includes_tax", True))
        exact = Fraction(inclusive * rate, 100 + rate) + Fraction(exclusive * rate, 100)
        total += rounding.apply(exact)
    return total


def adjust_for_return(
    store: TaxFreeStore,
    document: Mapping[str, Any],
    sale: Mapping[str, Any] | None,
    earlier: list[Mapping[str, Any]],
    rounding: Rounding = Rounding.FLOOR,
) -> str | None:
    """Adjust the purchase record of ``document``'s original sale; what was done:
    ``None`` (no record), ``"seen"``, ``"adjusted"``, ``"cancelled"`` or ``"staff"``.

    ``sale``: the original sale's document (None when made on another kiosk);
    ``earlier``: every return of the sale so far, this one included."""
    sale_id = str(document.get("original_sale_id") or "")
    return_id = str(document.get("return_id") or "")
    with store.transaction() as session:
        row = session.scalar(select(TaxFreeRecordRow).where(TaxFreeRecordRow.sale_id == sale_id))
        if row is None or row.status == RecordStatus.DRAFT or not row.document:
            return None
        record = dict(row.document)
        noted = list(record.get("returns", []))
        if any(r.get("return_id") == return_id for r in noted):
            return "seen"
        items = {int(item["line_no"]) for item in record.get("items", [])}
        tax = returned_tax(document, items, rounding)
        gross = sum(
            -int(line["amount"])
            for line in document.get("lines", [])
            if int(line["original_line_id"]) in items
        )
        noted.append({"return_id": return_id, "tax": tax, "gross": gross})
        record["returns"] = noted
        row.document = record
        if row.status == RecordStatus.REFUNDED:
            row.status_reason = (
                f"return {return_id}: {tax} yen of tax already refunded to the buyer "
                "is on returned goods; recover it"
            )
            return "staff"
        left = returnable(sale, returned_so_far(earlier, sale_id)) if sale is not None else {}
        everything_back = sale is not None and not any(left.get(n, 0) for n in items)
        queued = session.scalar(
            select(TransmissionRow).where(TransmissionRow.record_id == row.record_id)
        )
        left_queue = queued is not None and queued.state != "queued"
        if everything_back:
            row.status = RecordStatus.VOIDED.value
            row.refund_amount, row.net_total = 0, 0
            row.status_reason = f"cancelled: every item was returned (return {return_id})"
            if queued is not None and not left_queue:
                session.delete(queued)  # never tell customs of a purchase that was undone
        else:
            row.refund_amount = max(0, row.refund_amount - tax)
            row.net_total = max(0, row.net_total - (gross - tax))
            row.status_reason = f"adjusted by return {return_id}: {tax} yen less tax refund"
        if queued is not None and queued.state == "sent":
            now = store.clock()
            correction = _correction(session, row, document, items, tax, everything_back, now)
            row.status_reason += (
                f"; {correction.kind} {correction.correction_id} queued for customs"
            )
        elif left_queue:  # rejected: customs never took it; staff correct and resend
            row.status_reason += "; its transmission was rejected: correct it and resend"
        return "cancelled" if everything_back else "adjusted"


def _correction(
    session: Any,
    row: TaxFreeRecordRow,
    document: Mapping[str, Any],
    items: set[int],
    tax: int,
    cancel: bool,
    now: datetime,
) -> CorrectionRow:
    """Queue the correction of a transmitted record (the caller's transaction: with the
    record's change, or not at all). Its number is the record's next."""
    made = session.scalar(
        select(func.count())
        .select_from(CorrectionRow)
        .where(CorrectionRow.record_id == row.record_id)
    )
    kind = "cancellation" if cancel else "correction"
    correction = CorrectionRow(
        correction_id=f"{row.record_id}:c{int(made or 0) + 1}",
        record_id=row.record_id,
        return_id=str(document.get("return_id") or ""),
        kind=kind,
        body={
            "kind": kind,
            "corrects_receipt": row.nta_receipt,
            "return_id": str(document.get("return_id") or ""),
            "returned_lines": [
                {
                    "line_no": int(line["original_line_id"]),
                    "quantity": -int(line["quantity"]),
                    "amount": -int(line["amount"]),
                }
                for line in document.get("lines", [])
                if int(line["original_line_id"]) in items
            ],
            "tax_refund_less": tax,
            "refund_amount": row.refund_amount,
            "total_net": row.net_total,
        },
        state="queued",
        attempts=0,
        next_attempt_at=now,  # due at once: the scheduler is woken after the return
        last_error="",
    )
    session.add(correction)
    return correction
