"""Ingest of outbox kind ``return``: a negative sale for the reports, stock, and the check
that no line was returned more than it was sold (across kiosks).

Registered with :func:`kiosk.backoffice.core.event_handlers.handles`, so it runs inside the
ingest transaction after the raw event row, exactly once per kiosk seq; the return's id is
unique too, so a re-imaged kiosk sending it again doubles nothing.

* money: a ``bo_sales`` row with the return's negative totals, negative ``bo_sale_lines``
  and negative ``bo_sale_payments`` per refund method, so every report that sums them
  (day, month, P&L by department, settlement, tenders) shows the day net of returns;
* stock: units of lines marked ``restock`` go back on hand; the others (reason damaged or
  expired) are kept in ``bo_return_lines`` with ``restock`` false — the damaged bin;
* over-return: two kiosks offline can each take back the same goods. When the units
  returned of an original line pass what was sold, the return is flagged (``flag``) for
  staff, and shown on the sale's page.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from datetime import datetime
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from kiosk.backoffice.core import business_day
from kiosk.backoffice.core.event_handlers import handles
from kiosk.backoffice.kiosks.models import KioskRow
from kiosk.backoffice.masterdata.models import ProductRow
from kiosk.backoffice.returns.models import ReturnLineRow, ReturnRow
from kiosk.backoffice.sales.models import SaleLineRow, SalePaymentRow, SaleRow
from kiosk.backoffice.training import service as training

log = logging.getLogger(__name__)


@handles("return")
def apply_return(session: Session, kiosk: KioskRow, event: Any, now: datetime) -> None:
    doc = event.payload
    try:
        parsed = _parse(doc)
    except (KeyError, TypeError, ValueError) as exc:
        # the raw event is kept (bo_kiosk_events); one bad document never stops a kiosk
        log.error("return event %s/%d not applied: %r", kiosk.kiosk_id, event.seq, exc)
        return
    return_id, completed_at, lines = parsed
    if session.get(ReturnRow, return_id) is not None:
        return
    if training.is_training(doc):  # a return of a training sale: never in the reports
        return
    day = business_day.business_date(completed_at, business_day.day_start(session))
    rates = {r["tax"]: r for r in doc["rates"]}
    standard, reduced = rates.get("standard", {}), rates.get("reduced", {})
    total = int(doc["total"])
    session.add(
        SaleRow(
            sale_id=return_id,
            kiosk_id=kiosk.kiosk_id,
            store_id=kiosk.store_id,
            kiosk_seq=event.seq,
            receipt_no=int(doc.get("receipt_no") or 0),
            completed_at=completed_at,
            business_date=day,
            total=total,
            tax_total=sum(int(r.get("tax_amount", 0)) for r in rates.values()),
            gross_standard=int(standard.get("gross", 0)),
            tax_standard=int(standard.get("tax_amount", 0)),
            gross_reduced=int(reduced.get("gross", 0)),
            tax_reduced=int(reduced.get("tax_amount", 0)),
            counterparty=str(doc.get("member_id") or "")[:100],
            member_id=doc.get("member_id"),
            received_at=now,
            document=doc,
        )
    )
    for line in doc["lines"]:
        weighed = line.get("weight_g") is not None
        session.add(
            SaleLineRow(
                sale_id=return_id,
                business_date=day,
                sku=str(line["sku"]),
                department=str(line.get("department") or "general"),
                tax=str(line.get("tax") or "standard"),
                quantity=0 if weighed else int(line["quantity"]),
                amount=int(line["amount"]),
            )
        )
    for tender in doc.get("tenders", []):
        session.add(
            SalePaymentRow(
                sale_id=return_id,
                business_date=day,
                kiosk_id=kiosk.kiosk_id,
                method=str(tender["method"]),
                amount=int(tender["amount"]),
            )
        )
    original_sale_id = str(doc["original_sale_id"])
    for line_id, sku, units, amount, restock, weighed in lines:
        session.add(
            ReturnLineRow(
                return_id=return_id,
                original_sale_id=original_sale_id,
                original_line_id=line_id,
                sku=sku,
                units=units,
                amount=amount,
                restock=restock,
            )
        )
        if restock and not weighed:  # weighed goods are not counted in pieces on hand
            session.execute(
                update(ProductRow)
                .where(ProductRow.sku == sku)
                .values(on_hand=ProductRow.on_hand + units)
            )
    session.flush()
    session.add(
        ReturnRow(
            return_id=return_id,
            original_sale_id=original_sale_id,
            kiosk_id=kiosk.kiosk_id,
            return_no=int(doc.get("receipt_no") or 0),
            completed_at=completed_at,
            business_date=day,
            total=total,
            reason=str(doc.get("reason") or "")[:32],
            staff_id=str(doc.get("staff_id") or "")[:64],
            approved_by=doc.get("approved_by"),
            flag=over_return_flag(session, original_sale_id, kiosk.kiosk_id),
            document=doc,
            received_at=now,
        )
    )


def _parse(
    doc: dict[str, Any],
) -> tuple[str, datetime, list[tuple[int, str, int, int, bool, bool]]]:
    return_id = str(doc["return_id"])
    completed_at = datetime.fromisoformat(doc["completed_at"])
    str(doc["original_sale_id"])
    int(doc["total"])
    lines = []
    for line in doc["lines"]:
        weighed = line.get("weight_g") is not None
        units = -int(line["weight_g"] if weighed else line["quantity"])
        if units <= 0 or int(line["amount"]) > 0:
            raise ValueError(f"return line {line.get('line_id')}: units and amount are negative")
        lines.append(
            (
                int(line["original_line_id"]),
                str(line["sku"]),
                units,
                -int(line["amount"]),
                bool(line.get("restock", True)),
                weighed,
            )
        )
    return return_id, completed_at, lines


def sold_units(document: dict[str, Any]) -> dict[int, int]:
    """Units (pieces or grams) of each active line of a sale document.

    A line without a ``line_id`` (the door allows it) cannot be returned against: it is left
    out, so a return naming it is flagged, not a KeyError that failed the kiosk's batch on
    every resend."""
    return {
        int(line["line_id"]): int(
            line["weight_g"] if line.get("weight_g") is not None else line.get("quantity", 1)
        )
        for line in document.get("lines", [])
        if not line.get("voided") and line.get("line_id") is not None
    }


def returned_units(session: Session, original_sale_id: str) -> dict[int, int]:
    rows = session.execute(
        select(ReturnLineRow.original_line_id, func.sum(ReturnLineRow.units))
        .where(ReturnLineRow.original_sale_id == original_sale_id)
        .group_by(ReturnLineRow.original_line_id)
    )
    return {int(line_id): int(units) for line_id, units in rows}


def over_return_flag(session: Session, original_sale_id: str, kiosk_id: str = "") -> str:
    """Empty, or what was returned beyond what the sale sold (and by which kiosks)."""
    sale = session.scalars(select(SaleRow).where(SaleRow.sale_id == original_sale_id)).first()
    if sale is None:
        return ""  # the sale is not here yet (its kiosk has not synced): checked on the page
    sold = sold_units(sale.document)
    over = []
    for line_id, units in sorted(returned_units(session, original_sale_id).items()):
        if units > sold.get(line_id, 0):
            over.append(f"line {line_id}: {units} returned of {sold.get(line_id, 0)} sold")
    if not over:
        return ""
    kiosks = sorted(
        {kiosk_id} - {""}
        | set(
            session.scalars(
                select(ReturnRow.kiosk_id).where(ReturnRow.original_sale_id == original_sale_id)
            )
        )
    )
    return (
        "double return: " + "; ".join(over) + (f" (also on {', '.join(kiosks)})" if kiosks else "")
    )


def sale_returns(
    session: Session, original_sale_id: str
) -> tuple[dict[str, Any] | None, list[ReturnRow], dict[int, int]]:
    """The sale's document (if here), its returns, and the units still returnable per line."""
    sale = session.scalars(select(SaleRow).where(SaleRow.sale_id == original_sale_id)).first()
    returns = list(
        session.scalars(
            select(ReturnRow)
            .where(ReturnRow.original_sale_id == original_sale_id)
            .order_by(ReturnRow.completed_at)
        )
    )
    left: dict[int, int] = defaultdict(int)
    if sale is not None:
        taken = returned_units(session, original_sale_id)
        for line_id, units in sold_units(sale.document).items():
            left[line_id] = units - taken.get(line_id, 0)
    return (dict(sale.document) if sale else None), returns, dict(left)
