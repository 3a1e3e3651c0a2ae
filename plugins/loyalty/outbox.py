"""What loyalty tells the back office besides sales: points entries and members.

Each change writes its outbox row in the transaction that makes it (as a sale does), so the
relay delivers it once, in this kiosk's order, whenever the back office can be reached; the
back office passes it on to the store's other kiosks (see :mod:`plugins.loyalty.sync`).
A member travels as the sealed AES-GCM blob and keyed digests only, never in clear.
"""

from __future__ import annotations

import base64
from datetime import datetime
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from kiosk.runtime.unit_of_work import UnitOfWork

SALE_EVENT = "loyalty"  # a member sale's summary (plugins.loyalty.service); kept as received
POINTS_EVENT = "loyalty_points"
MEMBER_EVENT = "loyalty_member"
UPSERT, DELETE, ERASED = "upsert", "delete", "erased"  # member ops; ERASED: scrubbed upsert


def iso(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def member_payload(row: Any, consent: Any, kiosk_id: str) -> dict[str, Any]:
    """A member row (and its consent row) as it travels: sealed, digests, pseudonymous id."""
    return {
        "op": UPSERT,
        "member_id": row.member_id,
        "kiosk_id": row.kiosk_id or kiosk_id,
        "created_at": iso(row.created_at),
        "sealed": base64.b64encode(row.personal).decode() if row.personal else None,
        "phone_index": row.phone_index,
        "card_index": row.card_index,
        "consent": None
        if consent is None
        else {
            "version": consent.version,
            "language": consent.language,
            "text_sha256": consent.text_sha256,
            "agreed_at": iso(consent.agreed_at),
            "kiosk_id": consent.kiosk_id,
        },
    }


def scrub_member(uow: UnitOfWork, member_id: str) -> None:
    """Erasure: this member's sealed data leaves the outbox too (sent or not)."""

    def scrubbed(payload: dict[str, Any]) -> dict[str, Any] | None:
        return {"op": ERASED, "member_id": member_id} if payload.get("op") == UPSERT else None

    uow.rewrite_events(MEMBER_EVENT, member_id, scrubbed)
