"""Loyalty across kiosks, back-office side: outbox events in, the store's feed out.

Kiosks deliver coupon uses (``coupons``) and their reinstatement by a return
(``coupons_reinstated``), points ledger entries (``loyalty_points``) and
member changes (``loyalty_member``) through the ordinary outbox relay. Each is kept here and
appended to its store's **feed**, numbered per store, which the other kiosks pull with a
cursor (:mod:`plugins.loyalty.backoffice.loyalty_sync_api`). Every entry has a global id, so a
redelivery changes nothing. A member sale's summary (``loyalty``) is only kept as received:
its points travel as their own ledger entries.

Feed seqs are taken from a per-store head row locked until commit, so they become visible
in seq order and a kiosk's cursor never skips an entry committed late (PostgreSQL).

Members arrive sealed (AES-GCM under the store's key, which only kiosks hold). A deletion
(APPI) drops the sealed data here, in the feed and in the raw event log, and passes a
tombstone on. A member whose points go below zero once the kiosks' entries meet is flagged
(``bo_points_overdraws``), never corrected silently.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import DataError
from sqlalchemy.orm import Session

from kiosk.backoffice.plugin_api import (
    InvalidInput,
    Kiosk,
    NotFound,
    OutboxEvent,
    record,
    scrub_raw_events,
)
from plugins.loyalty.backoffice.coupon_schemas import COUPON_ID_CHARS, SALE_ID_CHARS
from plugins.loyalty.backoffice.customers_models import CouponUseRow
from plugins.loyalty.backoffice.loyalty_sync_models import (
    FeedHeadRow,
    FeedRow,
    LoyaltyProblemRow,
    MemberConsentRow,
    MemberRow,
    OverdrawRow,
    PointsEntryRow,
)
from plugins.loyalty.outbox import DELETE, ERASED, MEMBER_EVENT, UPSERT
from plugins.loyalty.points import Entry, balance

log = logging.getLogger(__name__)

COUPONS, LOYALTY = "coupons", "loyalty"
TOPICS = (COUPONS, LOYALTY)
POINTS_KINDS = frozenset(
    {"earn", "redeem_tender", "redeem_discount", "restore", "restore_refund", "reverse_earn"}
)


class Malformed(ValueError):
    """An event's payload lacks or mangles a field; it is recorded, not applied."""


# --- handlers -----------------------------------------------------------------------------


def coupons_consumed(session: Session, kiosk: Kiosk, event: OutboxEvent, now: datetime) -> None:
    """Coupons a sale consumed: every other kiosk of the store will refuse them."""
    with _recorded_problems(session, kiosk, event, now):
        sale_id = _text(event.payload, "sale_id", SALE_ID_CHARS)
        coupons = _coupon_ids(event.payload)
        for coupon_id in coupons:
            use = {"coupon_id": coupon_id, "sale_id": sale_id, "kiosk_id": kiosk.kiosk_id}
            append(
                session,
                kiosk,
                COUPONS,
                "coupon_used",
                coupon_id,
                f"coupon:{coupon_id}:{sale_id}",
                use,
                now,
            )


def coupons_reinstated(session: Session, kiosk: Kiosk, event: OutboxEvent, now: datetime) -> None:
    """A return made a sale's coupons usable again (``reinstate_on_return``): the store's
    coupon uses say so, and the feed tells every other kiosk to stop refusing them."""
    with _recorded_problems(session, kiosk, event, now):
        sale_id = _text(event.payload, "sale_id", SALE_ID_CHARS)
        return_id = _text(event.payload, "return_id", SALE_ID_CHARS)
        coupons = _coupon_ids(event.payload)
        for use in session.scalars(
            select(CouponUseRow).where(
                CouponUseRow.sale_id == sale_id,
                CouponUseRow.coupon_id.in_(coupons),
                CouponUseRow.reinstated_at.is_(None),
            )
        ):
            use.reinstated_at, use.reinstated_by = now, return_id
        for coupon_id in coupons:
            change = {
                "coupon_id": coupon_id,
                "sale_id": sale_id,
                "kiosk_id": kiosk.kiosk_id,
                "return_id": return_id,
            }
            append(
                session,
                kiosk,
                COUPONS,
                "coupon_reinstated",
                coupon_id,
                f"coupon-reinstated:{coupon_id}:{sale_id}",
                change,
                now,
            )


def sale_summary(session: Session, kiosk: Kiosk, event: OutboxEvent, now: datetime) -> None:
    """A member sale's summary (what it earned and spent): the host keeps it as received
    (``bo_kiosk_events``) and nothing is derived from it, since the points it books arrive
    as ``loyalty_points`` entries of their own. Declared for its schema, checked at the door."""


def points_entry(session: Session, kiosk: Kiosk, event: OutboxEvent, now: datetime) -> None:
    """One ledger entry: kept once by its id, passed on, and the member's balance checked."""
    with _recorded_problems(session, kiosk, event, now):
        p = event.payload
        entry_id, member_id = _text(p, "entry_id", 36), _text(p, "member_id", 32)
        kind, sale_id = _text(p, "kind", 24), _text(p, "sale_id", 36, optional=True)
        if kind not in POINTS_KINDS:
            raise Malformed(f"kind {kind!r} is not a points entry kind")
        points, at, expires_at = (
            int(p["points"]),
            _when(p, "at"),
            _when(p, "expires_at", optional=True),
        )
        if session.get(PointsEntryRow, entry_id) is not None:
            return  # the same entry again (a re-imaged kiosk resending)
        session.add(
            PointsEntryRow(
                entry_id=entry_id,
                member_id=member_id,
                kind=kind,
                points=points,
                at=at,
                expires_at=expires_at,
                sale_id=sale_id,
                kiosk_id=kiosk.kiosk_id,
                received_at=now,
            )
        )
        entry = {**p, "kiosk_id": kiosk.kiosk_id}
        append(session, kiosk, LOYALTY, "points", member_id, f"points:{entry_id}", entry, now)
        session.flush()
        _check_overdraw(session, kiosk, member_id, now)


def member_changed(session: Session, kiosk: Kiosk, event: OutboxEvent, now: datetime) -> None:
    """An enrolment (or card change) as a sealed upsert, or a deletion tombstone."""
    with _recorded_problems(session, kiosk, event, now):
        p = event.payload
        op, member_id = _text(p, "op", 16), _text(p, "member_id", 32)
        if op == UPSERT:
            _upsert_member(session, kiosk, event, member_id, now)
        elif op == DELETE:
            _delete_member(session, kiosk, member_id, _when(p, "deleted_at"), now)
        elif op != ERASED:  # ERASED: the kiosk scrubbed an upsert before sending it
            raise Malformed(f"op {op!r}: expected {UPSERT}, {DELETE} or {ERASED}")


# --- the feed -----------------------------------------------------------------------------


def append(
    session: Session,
    kiosk: Kiosk,
    topic: str,
    kind: str,
    subject: str,
    entry_id: str,
    payload: dict[str, Any],
    now: datetime,
) -> bool:
    """Add one entry to the store's feed unless ``entry_id`` is already there."""
    if session.scalar(select(FeedRow.id).where(FeedRow.entry_id == entry_id)) is not None:
        return False
    head = _locked_head(session, kiosk.store_id)
    head.last_seq += 1
    session.add(
        FeedRow(
            store_id=kiosk.store_id,
            seq=head.last_seq,
            topic=topic,
            kind=kind,
            origin_kiosk_id=kiosk.kiosk_id,
            subject=subject,
            entry_id=entry_id,
            payload=payload,
            created_at=now,
        )
    )
    return True


def _locked_head(session: Session, store_id: str) -> FeedHeadRow:
    """The store's head row, locked till commit. Created with ON CONFLICT DO NOTHING: two
    kiosks' first entries at once must not both insert it (PostgreSQL waits, then skips)."""
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    session.execute(
        insert(FeedHeadRow).values(store_id=store_id, last_seq=0).on_conflict_do_nothing()
    )
    return session.get(FeedHeadRow, store_id, with_for_update=True, populate_existing=True)


def feed_page(session: Session, kiosk: Kiosk, topic: str, after: int, limit: int) -> dict[str, Any]:
    """Entries of ``topic`` after seq ``after`` for ``kiosk`` (its own are skipped, not sent)."""
    rows = session.scalars(
        select(FeedRow)
        .where(FeedRow.store_id == kiosk.store_id, FeedRow.topic == topic, FeedRow.seq > after)
        .order_by(FeedRow.seq)
        .limit(limit)
    ).all()
    head = session.get(FeedHeadRow, kiosk.store_id)
    return {
        "topic": topic,
        "head": head.last_seq if head else 0,
        "entries": [
            {"seq": r.seq, "kind": r.kind, "origin": r.origin_kiosk_id, "payload": r.payload}
            for r in rows
            if r.origin_kiosk_id != kiosk.kiosk_id
        ],
        "next": rows[-1].seq if rows else after,
        "more": len(rows) == limit,
    }


# --- members ------------------------------------------------------------------------------


def _upsert_member(
    session: Session, kiosk: Kiosk, event: OutboxEvent, member_id: str, now: datetime
) -> None:
    p = event.payload
    sealed = p.get("sealed")
    if sealed is not None and not isinstance(sealed, str):
        raise Malformed("sealed: base64 text")
    created_at = _when(p, "created_at")
    consent = p.get("consent")
    member = session.get(MemberRow, member_id)
    if member is not None and member.status == "deleted":
        _scrub_raw_events(session, member_id)  # a tombstone wins over a late enrolment
        return
    if member is None:
        member = MemberRow(
            member_id=member_id,
            store_id=kiosk.store_id,
            status="active",
            origin_kiosk_id=kiosk.kiosk_id,
            enrolled_at=created_at,
        )
        session.add(member)
    member.sealed, member.updated_at = sealed, now
    member.phone_index = _text(p, "phone_index", 64, optional=True)
    member.card_index = _text(p, "card_index", 64, optional=True)
    if isinstance(consent, dict):
        agreed_at = _when(consent, "agreed_at")
        known = session.scalar(
            select(MemberConsentRow.id).where(
                MemberConsentRow.member_id == member_id, MemberConsentRow.agreed_at == agreed_at
            )
        )
        if known is None:
            session.add(
                MemberConsentRow(
                    member_id=member_id,
                    version=_text(consent, "version", 32),
                    language=_text(consent, "language", 8),
                    text_sha256=_text(consent, "text_sha256", 64),
                    agreed_at=agreed_at,
                    kiosk_id=_text(consent, "kiosk_id", 32, optional=True) or kiosk.kiosk_id,
                )
            )
    append(session, kiosk, LOYALTY, "member", member_id, f"member:{event.event_id}", p, now)


def _delete_member(
    session: Session, kiosk: Kiosk, member_id: str, deleted_at: datetime, now: datetime
) -> None:
    member = session.get(MemberRow, member_id)
    if member is None:
        member = MemberRow(
            member_id=member_id,
            store_id=kiosk.store_id,
            origin_kiosk_id=kiosk.kiosk_id,
            enrolled_at=deleted_at,
        )
        session.add(member)
    member.status, member.deleted_at, member.updated_at = "deleted", deleted_at, now
    member.sealed = member.phone_index = member.card_index = None
    for consent in session.scalars(
        select(MemberConsentRow).where(MemberConsentRow.member_id == member_id)
    ):
        consent.withdrawn_at = consent.withdrawn_at or deleted_at
    for row in session.scalars(
        select(FeedRow).where(FeedRow.subject == member_id, FeedRow.kind == "member")
    ):
        session.delete(row)
    _scrub_raw_events(session, member_id)
    tombstone = {"member_id": member_id, "deleted_at": deleted_at.isoformat()}
    append(
        session,
        kiosk,
        LOYALTY,
        "member_deleted",
        member_id,
        f"member-deleted:{member_id}",
        tombstone,
        now,
    )


def _scrub_raw_events(session: Session, member_id: str) -> None:
    """The raw event log keeps payloads as received: take the member's sealed data out."""

    def scrub(payload: dict[str, Any]) -> dict[str, Any] | None:
        if payload.get("member_id") == member_id and payload.get("op") == UPSERT:
            return {"op": ERASED, "member_id": member_id}
        return None

    scrub_raw_events(session, MEMBER_EVENT, scrub)


# --- points -------------------------------------------------------------------------------


def member_balance(session: Session, member_id: str, now: datetime) -> tuple[int, int]:
    """``(points, debt)`` of a member over every kiosk's entries."""
    rows = session.scalars(
        select(PointsEntryRow).where(PointsEntryRow.member_id == member_id)
    ).all()
    result = balance((Entry(r.points, r.at, r.expires_at) for r in rows), now)
    return result.points, result.debt


def _check_overdraw(session: Session, kiosk: Kiosk, member_id: str, now: datetime) -> None:
    _points, debt = member_balance(session, member_id, now)
    flagged = session.scalar(
        select(OverdrawRow.debt)
        .where(OverdrawRow.member_id == member_id, OverdrawRow.resolved_at.is_(None))
        .order_by(OverdrawRow.id.desc())
    )
    if debt <= (flagged or 0):
        return
    spenders = session.scalars(
        select(PointsEntryRow.kiosk_id).where(
            PointsEntryRow.member_id == member_id, PointsEntryRow.points < 0
        )
    ).all()
    session.add(
        OverdrawRow(
            member_id=member_id,
            store_id=kiosk.store_id,
            debt=debt,
            kiosks=sorted(set(spenders)),
            detected_at=now,
        )
    )
    log.warning(
        "points overdraw: member %s is %d points short after kiosks' entries met", member_id, debt
    )


def open_overdraws(session: Session) -> list[OverdrawRow]:
    """Overdraws no one has settled yet, oldest first."""
    return list(
        session.scalars(
            select(OverdrawRow).where(OverdrawRow.resolved_at.is_(None)).order_by(OverdrawRow.id)
        )
    )


def settle_overdraw(
    session: Session, overdraw_id: int, actor: str, note: str, now: datetime
) -> None:
    """A manager has dealt with an overdraw (asked the member, wrote the points off…).

    Nothing is changed in the points: the note says what was done, and the audit log keeps it.
    """
    row = session.get(OverdrawRow, overdraw_id)
    if row is None or row.resolved_at is not None:
        raise NotFound(f"no open overdraw {overdraw_id}")
    if not note.strip():
        raise InvalidInput("say what was done (a note) before marking it settled")
    row.resolved_at = now
    record(
        session, now, actor, "loyalty.overdraw_settled", row.member_id,
        {"overdraw": row.id, "debt": row.debt, "kiosks": row.kiosks, "note": note.strip()[:200]},
    )  # fmt: skip


# --- input checks -------------------------------------------------------------------------


@contextmanager
def _recorded_problems(
    session: Session, kiosk: Kiosk, event: OutboxEvent, now: datetime
) -> Iterator[None]:
    """Run a handler in a savepoint; a malformed payload is recorded and skipped, not raised.

    Raising would fail the batch and block this kiosk's sync for good; the raw event is
    kept in ``bo_kiosk_events`` anyway, so nothing is lost.
    """
    savepoint = session.begin_nested()
    try:
        yield
        session.flush()  # a value the database refuses fails here, inside the savepoint
    except (KeyError, TypeError, ValueError, DataError) as exc:  # Malformed is a ValueError
        savepoint.rollback()
        problem = (
            "a value is out of range or too long for its column"
            if isinstance(exc, DataError)
            else f"{type(exc).__name__}: {exc}"[:300]
        )
        log.warning(
            "loyalty sync: %s event %s from %s not applied: %s",
            event.kind,
            event.seq,
            kiosk.kiosk_id,
            problem,
        )
        session.add(
            LoyaltyProblemRow(
                kiosk_id=kiosk.kiosk_id,
                kiosk_seq=event.seq,
                event_id=event.event_id,
                kind=event.kind,
                problem=problem,
                at=now,
            )
        )
        return
    except BaseException:
        savepoint.rollback()
        raise
    savepoint.commit()


def _text(data: Any, key: str, limit: int, *, optional: bool = False) -> Any:
    value = data.get(key) if isinstance(data, dict) else None
    if value is None and optional:
        return None
    if not isinstance(value, str) or not value or len(value) > limit:
        raise Malformed(f"{key}: a non-empty text of at most {limit} characters")
    return value


def _coupon_ids(data: Any) -> list[str]:
    """``coupons``: a list of coupon ids (a use and its reinstatement name them alike)."""
    coupons = data.get("coupons") if isinstance(data, dict) else None
    if not isinstance(coupons, list) or not all(
        isinstance(c, str) and 0 < len(c) <= COUPON_ID_CHARS for c in coupons
    ):
        raise Malformed(
            f"coupons: a list of coupon ids (at most {COUPON_ID_CHARS} characters each)"
        )
    return coupons


def _when(data: Any, key: str, *, optional: bool = False) -> Any:
    value = data.get(key) if isinstance(data, dict) else None
    if value is None and optional:
        return None
    try:
        return datetime.fromisoformat(value)
    except (TypeError, ValueError):
        raise Malformed(f"{key}: an ISO date and time") from None
