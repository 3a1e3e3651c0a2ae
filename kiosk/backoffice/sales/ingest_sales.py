"""The ``sale`` event: a validated sale document mapped straight to rows (売上).

One sale is a ``bo_sales`` row (the document as committed, plus the columns the reports
need), a row per line that was not voided and a row per tender. Training sales (paid to a
simulator) go to :mod:`kiosk.backoffice.training.service` instead, and never move stock.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from kiosk.backoffice.core import business_day
from kiosk.backoffice.core.errors import BadSaleDocument
from kiosk.backoffice.sales.ingest_rows import SALE_LINES, SALE_PAYMENTS, SALES, EncodedJson
from kiosk.backoffice.training import service as training

if TYPE_CHECKING:
    from kiosk.backoffice.sales.ingest import IngestContext, OutboxEvent


def apply_sale(ctx: IngestContext, event: OutboxEvent) -> bool:
    """Collect the sale's rows; False when this sale id is already stored (a duplicate)."""
    doc = event.payload
    kiosk = ctx.kiosk
    kiosk_id = kiosk.kiosk_id  # read once: an ORM attribute, asked for every tender
    try:
        sale_id = str(doc["sale_id"])
        completed_at = datetime.fromisoformat(doc["completed_at"])
        total = int(doc["total"])
        rates = {r["tax"]: r for r in doc["rates"]}
        lines, tenders = doc["lines"], doc["tenders"]
    except (KeyError, TypeError, ValueError) as exc:
        raise BadSaleDocument(f"sale event {event.seq}: {exc!r}") from None
    if doc.get("kiosk_id") not in (None, kiosk_id):
        raise BadSaleDocument(
            f"sale {sale_id} says kiosk {doc.get('kiosk_id')}, token is {kiosk_id}"
        )
    if sale_id in ctx.known_sales:
        return False
    ctx.known_sales.add(sale_id)
    day = business_day.business_date(completed_at, ctx.day_start)
    if training.is_training(doc):  # paid to a simulator: kept, but never in the reports
        return training.store_training_sale(
            ctx.session, kiosk, event.seq, doc, sale_id, completed_at, day, total, ctx.now
        )
    rows = ctx.rows
    sale = _sale_row(
        doc, event.payload_json, rates, sale_id, kiosk, event.seq, completed_at, day, ctx.now
    )
    rows.add(SALES, sale)
    for line in lines:
        if line.get("voided"):
            continue
        quantity = int(line.get("quantity", 1))
        sku = str(line["sku"])
        rows.add(
            SALE_LINES,
            {
                "sale_id": sale_id,
                "business_date": day,
                "sku": sku,
                "department": str(line.get("department") or "general"),
                "tax": str(line.get("tax") or "standard"),
                "quantity": quantity,
                "amount": int(line["amount"]),
            },
        )
        if not line.get("weight_g"):
            rows.take_stock(sku, quantity)
    for tender in tenders:
        rows.add(
            SALE_PAYMENTS,
            {
                "sale_id": sale_id,
                "business_date": day,
                "kiosk_id": kiosk_id,
                "method": str(tender["method"]),
                "amount": int(tender["amount"]),
            },
        )
    return True


def _sale_row(
    doc: dict[str, Any],
    text: str | None,
    rates: dict[str, Any],
    sale_id: str,
    kiosk: Any,
    seq: int,
    completed_at: datetime,
    day: Any,
    now: datetime,
) -> dict[str, Any]:
    standard, reduced = rates.get("standard", {}), rates.get("reduced", {})
    extra = doc.get("extra") or {}
    return {
        "sale_id": sale_id,
        "kiosk_id": kiosk.kiosk_id,
        "store_id": kiosk.store_id,
        "kiosk_seq": seq,
        "receipt_no": int(doc.get("receipt_no") or 0),
        "completed_at": completed_at,
        "business_date": day,
        "total": int(doc["total"]),
        "tax_total": sum(int(r.get("tax_amount", 0)) for r in rates.values()),
        "gross_standard": int(standard.get("gross", 0)),
        "tax_standard": int(standard.get("tax_amount", 0)),
        "gross_reduced": int(reduced.get("gross", 0)),
        "tax_reduced": int(reduced.get("tax_amount", 0)),
        "counterparty": str(extra.get("counterparty") or doc.get("member_id") or "")[:100],
        "member_id": doc.get("member_id"),
        "received_at": now,
        # encoded by the door already (its size check): that text, not a second encoding
        "document": doc if text is None else EncodedJson(doc, text),
    }
