"""Export of purchase records (CSV, JSON) and the end of their retention.

Records are kept seven years (see :func:`plugins.tax_free.rules.retention_until`). Exports
for the tax office include the buyer's data; pass ``include_personal=False`` for anything
else (the buyer is then masked).
"""

from __future__ import annotations

import io
import json
from datetime import date
from typing import Any

from sqlalchemy import delete, select

from kiosk.csv_cells import NeutralisingDictWriter
from plugins.tax_free.models import RefundRow, TaxFreeRecordRow, TransmissionRow
from plugins.tax_free.store import TaxFreeStore

CSV_COLUMNS = (
    "record_id", "sale_id", "store_code", "kiosk_id", "sold_at", "status", "status_reason",
    "passport_number", "nationality", "surname", "given_names", "birth_date",
    "landing_date", "residence_status", "overseas_proof", "line_no", "sku", "name",
    "quantity", "unit_price", "amount", "rate_percent", "brand", "model_number",
    "serial_number", "refund_amount", "export_deadline", "export_date", "nta_receipt",
    "refund_channel", "refund_reference", "retain_until",
)  # fmt: skip


def records_for_export(
    store: TaxFreeStore, since: date | None = None, until: date | None = None,
    include_personal: bool = True,
) -> list[dict[str, Any]]:  # fmt: skip
    out = []
    for row in store.rows((), since, until):
        buyer = store.buyer_of(row)
        buyer_data = buyer.to_dict() if include_personal else {
            "passport_number": buyer.masked_passport, "surname": buyer.display_name,
        }  # fmt: skip
        out.append(
            {
                **(row.document or {}),
                "status": row.status,
                "status_reason": row.status_reason,
                "buyer": buyer_data,
                "nta_receipt": row.nta_receipt,
                "export_date": row.export_date.isoformat() if row.export_date else None,
                "refund_channel": row.refund_channel,
                "refund_reference": row.refund_reference,
                "retain_until": row.retain_until.isoformat() if row.retain_until else None,
            }
        )
    return out


def export_json(store: TaxFreeStore, **kwargs: Any) -> str:
    return json.dumps(records_for_export(store, **kwargs), ensure_ascii=False, indent=2)


def export_csv(store: TaxFreeStore, **kwargs: Any) -> str:
    """One row per item, the record's fields repeated (what spreadsheets and auditors expect)."""
    buffer = io.StringIO()
    # names and passport fields come from a document reader: no cell may run as a formula
    writer = NeutralisingDictWriter(buffer, fieldnames=CSV_COLUMNS, extrasaction="ignore")
    writer.writeheader()
    for record in records_for_export(store, **kwargs):
        buyer = record["buyer"]
        for item in record["items"]:
            details = item.get("details") or {}
            writer.writerow(
                {
                    **{k: record.get(k) for k in CSV_COLUMNS if k in record},
                    **{k: buyer.get(k) for k in CSV_COLUMNS if k in buyer},
                    "store_code": record["store"]["store_code"],
                    "kiosk_id": record["store"]["kiosk_id"],
                    "overseas_proof": json.dumps(buyer.get("overseas_proof"), ensure_ascii=False)
                    if buyer.get("overseas_proof")
                    else "",
                    "name": item["name_ja"],
                    **{
                        k: item[k]
                        for k in (
                            "line_no",
                            "sku",
                            "quantity",
                            "unit_price",
                            "amount",
                            "rate_percent",
                        )
                    },
                    **{k: details.get(k, "") for k in ("brand", "model_number", "serial_number")},
                }
            )
    return buffer.getvalue()


def purge_past_retention(store: TaxFreeStore, today: date) -> int:
    """Delete records (with their queue and refund rows) whose retention ended before today."""
    with store.transaction() as session:
        ids = list(
            session.scalars(
                select(TaxFreeRecordRow.record_id).where(TaxFreeRecordRow.retain_until < today)
            )
        )
        if ids:
            session.execute(delete(TransmissionRow).where(TransmissionRow.record_id.in_(ids)))
            session.execute(delete(RefundRow).where(RefundRow.record_id.in_(ids)))
            session.execute(delete(TaxFreeRecordRow).where(TaxFreeRecordRow.record_id.in_(ids)))
        return len(ids)
