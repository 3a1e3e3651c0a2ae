"""HTTP API of loyalty sync: the feed kiosks pull, and what staff must settle.

``GET /api/v1/sync/feed/{topic}?after=<seq>`` (kiosk token): the store's feed entries of
``coupons`` or ``loyalty`` after the kiosk's cursor, oldest first, without the kiosk's own.
``next`` is the cursor to send next time; ``more`` says another page is waiting.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from sqlalchemy import select

from kiosk.backoffice.plugin_api import (
    Cursor,
    InvalidInput,
    KioskToken,
    Manager,
    NotFound,
    bo,
    kiosk_by_token,
)
from plugins.loyalty.backoffice.loyalty_sync import (
    TOPICS,
    feed_page,
    member_balance,
    open_overdraws,
)
from plugins.loyalty.backoffice.loyalty_sync_models import LoyaltyProblemRow, MemberRow

router = APIRouter(prefix="/api/v1")
MAX_PAGE = 1000


@router.get("/sync/feed/{topic}")
def pull_feed(
    request: Request, topic: str, token: KioskToken, after: Cursor = 0, limit: int = 500
) -> dict[str, Any]:
    """Entries for this kiosk after ``after`` (idempotent: pulling again sends the same)."""
    if topic not in TOPICS:
        raise NotFound(f"no feed {topic!r}: use one of {', '.join(TOPICS)}")
    if after < 0 or not 1 <= limit <= MAX_PAGE:
        raise InvalidInput(f"after ≥ 0 and 1 ≤ limit ≤ {MAX_PAGE}")
    with bo(request).db.reading() as session:
        kiosk = kiosk_by_token(session, token)
        return feed_page(session, kiosk, topic, after, limit)


@router.get("/loyalty/overdraws")
def overdraws(request: Request, _: Manager) -> dict[str, Any]:
    """Members whose points went below zero when kiosks' offline spends met (unresolved)."""
    with bo(request).db.reading() as session:
        rows = open_overdraws(session)
        return {
            "overdraws": [
                {
                    "id": r.id,
                    "member_id": r.member_id,
                    "store_id": r.store_id,
                    "debt": r.debt,
                    "kiosks": r.kiosks,
                    "detected_at": r.detected_at.isoformat(),
                }
                for r in rows
            ]
        }


@router.get("/loyalty/problems")
def problems(request: Request, _: Manager) -> dict[str, Any]:
    """Loyalty events from kiosks that could not be applied (malformed payloads)."""
    with bo(request).db.reading() as session:
        rows = session.scalars(select(LoyaltyProblemRow).order_by(LoyaltyProblemRow.id))
        return {
            "problems": [
                {
                    "kiosk_id": r.kiosk_id,
                    "kiosk_seq": r.kiosk_seq,
                    "kind": r.kind,
                    "problem": r.problem,
                    "at": r.at.isoformat(),
                }
                for r in rows
            ]
        }


@router.get("/loyalty/members/{member_id}/points")
def member_points(request: Request, member_id: str, _: Manager) -> dict[str, Any]:
    """A member's balance over every kiosk's entries; never any personal data."""
    backoffice = bo(request)
    with backoffice.db.reading() as session:
        member = session.get(MemberRow, member_id)
        points, debt = member_balance(session, member_id, backoffice.clock())
        return {
            "member_id": member_id,
            "status": member.status if member else "unknown",
            "points": points,
            "debt": debt,
        }
