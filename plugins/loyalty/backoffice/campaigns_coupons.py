"""Coupon uses (クーポン利用実績) from the kiosks' ``coupons`` outbox events.

The coupons plugin outboxes ``{"sale_id", "kiosk_id", "coupons": [coupon id, …]}`` after a
sale that consumed coupons; the sale itself came one seq earlier, so its document (member,
time, business date and the ``coupon-<id>`` adjustment with the amount) is already here.
Coupon ids name their definition: ``C100:SN-0001`` (signed QR: definition ``:`` serial),
``C100@<member id>`` (a coupon attached to a member), ``FLYER`` (a shared barcode coupon is
its definition).

A payload this module cannot read is not an error for the sync: the raw event is kept in
``bo_kiosk_events`` anyway, so the handler audits the problem (failure, visible in the audit
log and on the campaign report) and lets the kiosk's outbox move on.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from kiosk.backoffice.plugin_api import Kiosk, record, sale_by_id
from plugins.loyalty.backoffice.customers_models import CouponUseRow

if TYPE_CHECKING:
    from kiosk.backoffice.plugin_api import OutboxEvent

log = logging.getLogger(__name__)

UNREADABLE = "coupons.event_unreadable"
SALE_MISSING = "coupons.sale_missing"
MAX_ID = 120


class UnreadableCouponEvent(ValueError):
    """A ``coupons`` payload without a sale id or a list of coupon ids."""


@dataclass(frozen=True, slots=True)
class SaleFacts:
    """What a coupon use needs from its sale (a ``bo_sales`` row or its migration copy)."""

    member_id: str | None
    completed_at: datetime
    business_date: date
    adjustments: Sequence[Mapping[str, Any]]


def split_coupon_id(coupon_id: str) -> tuple[str, str]:
    """``(definition id, origin)`` of a coupon id as the coupons plugin writes it."""
    definition, at, _member = coupon_id.partition("@")
    if at:
        return definition, "member"
    definition, colon, _serial = coupon_id.partition(":")
    return definition, "qr" if colon else "barcode"


def read_payload(payload: Mapping[str, Any]) -> tuple[str, list[str]]:
    """The sale id and coupon ids of a ``coupons`` payload; raises UnreadableCouponEvent."""
    sale_id, coupons = payload.get("sale_id"), payload.get("coupons")
    if not isinstance(sale_id, str) or not 0 < len(sale_id) <= 36:
        raise UnreadableCouponEvent("sale_id is missing or not a sale UUID")
    if not isinstance(coupons, list) or not coupons:
        raise UnreadableCouponEvent("coupons is not a non-empty list")
    if not all(isinstance(c, str) and 0 < len(c) <= MAX_ID for c in coupons):
        raise UnreadableCouponEvent(f"a coupon id is not a string of 1–{MAX_ID} characters")
    return sale_id, list(dict.fromkeys(coupons))


def uses_from_event(
    payload: Mapping[str, Any],
    sale: SaleFacts | None,
    kiosk_id: str,
    event_id: str,
    received_at: datetime,
) -> list[dict[str, Any]]:
    """Column values of ``bo_coupon_uses`` for one event (the handler's and the backfill's).

    Without its sale, a use is dated when it was received and its amount is unknown.
    """
    sale_id, coupon_ids = read_payload(payload)
    discounts: dict[str, tuple[int, str]] = {}
    for adjustment in sale.adjustments if sale else ():
        key = str(adjustment.get("key", ""))
        if adjustment.get("source") == "coupons" and key.startswith("coupon-"):
            discounts[key.removeprefix("coupon-")] = (
                -int(adjustment.get("amount", 0)),
                str(adjustment.get("label_ja") or adjustment.get("label_en") or "")[:100],
            )
    uses = []
    for coupon_id in coupon_ids:
        definition_id, origin = split_coupon_id(coupon_id)
        amount, label = discounts.get(coupon_id, (None, ""))
        uses.append(
            {
                "coupon_id": coupon_id,
                "definition_id": definition_id[:64],
                "origin": origin,
                "label": label,
                "sale_id": sale_id,
                "kiosk_id": kiosk_id,
                "member_id": sale.member_id if sale else None,
                "amount_off": amount if sale else None,
                "used_at": sale.completed_at if sale else received_at,
                "business_date": sale.business_date if sale else received_at.date(),
                "event_id": event_id,
            }
        )
    return uses


def record_coupon_uses(session: Session, kiosk: Kiosk, event: OutboxEvent, now: datetime) -> None:
    """Add the event's coupon uses; an unreadable payload is audited, never raised."""
    where = f"{kiosk.kiosk_id}#{event.seq}"
    try:
        sale_id, coupon_ids = read_payload(event.payload)
    except UnreadableCouponEvent as exc:
        # the problem text names fields, never values: a coupon id can hold a member id
        log.warning("coupons event %s unreadable: %s", where, exc)
        detail = {"event_id": event.event_id, "problem": str(exc)}
        record(session, now, f"kiosk:{kiosk.kiosk_id}", UNREADABLE, where, detail, result="failure")
        return
    row = sale_by_id(session, sale_id)
    sale = None
    if row is not None:
        sale = SaleFacts(
            row.member_id,
            row.completed_at,
            row.business_date,
            row.document.get("adjustments") or [],
        )
    else:
        log.warning("coupons event %s: its sale was never received", where)
        record(
            session,
            now,
            f"kiosk:{kiosk.kiosk_id}",
            SALE_MISSING,
            where,
            {"event_id": event.event_id},
            result="failure",
        )
    known = set(
        session.scalars(
            select(CouponUseRow.coupon_id).where(
                CouponUseRow.sale_id == sale_id, CouponUseRow.coupon_id.in_(coupon_ids)
            )
        )
    )
    for use in uses_from_event(event.payload, sale, kiosk.kiosk_id, event.event_id, now):
        if use["coupon_id"] not in known:  # a re-imaged kiosk resending under a new seq
            session.add(CouponUseRow(**use))
