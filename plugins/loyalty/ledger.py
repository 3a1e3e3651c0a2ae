"""The points ledger on the local store: one row per earn, spend, restore or reversal.

Kinds: ``earn`` (a lot with an expiry), ``redeem_tender`` and ``redeem_discount`` (spends),
``restore`` (a cancelled or refunded spend given back, as a new lot), ``reverse_earn`` (a
refunded sale's points taken back). The balance is replayed by :func:`points.balance`.

Every row has a global ``entry_id`` and goes to the outbox with it, so the store's other
kiosks apply it exactly once (:mod:`plugins.loyalty.sync`).
"""

from __future__ import annotations

import uuid
from datetime import datetime

import sqlalchemy as sa

from plugins.loyalty import tables as t
from plugins.loyalty.outbox import POINTS_EVENT, emit, iso
from plugins.loyalty.points import Balance, EarnPolicy, Entry, balance, expiry_for


class PointsLedger:
    def __init__(self, store, policy: EarnPolicy, kiosk_id: str = "") -> None:
        self.store = store
        self.policy = policy
        self.kiosk_id = kiosk_id

    def balance(self, member_id: str, now: datetime) -> Balance:
        with self.store.transaction() as session:
            rows = session.execute(
                sa.select(t.points).where(t.points.c.member_id == member_id)
            ).all()
        return balance((Entry(r.points, r.at, r.expires_at) for r in rows), now)

    def add(
        self,
        session,
        member_id: str,
        kind: str,
        points: int,
        at: datetime,
        *,
        sale_id: str | None = None,
        reference: str | None = None,
        expires: bool = False,
    ) -> str:
        """Insert one row inside the caller's transaction (``points`` signed) and outbox it
        for the store's other kiosks; returns its entry id."""
        entry = {
            "entry_id": str(uuid.uuid4()),
            "member_id": member_id,
            "kind": kind,
            "points": points,
            "at": at,
            "expires_at": expiry_for(at, self.policy) if expires else None,
            "sale_id": sale_id,
            "reference": reference,
            "kiosk_id": self.kiosk_id,
        }
        session.execute(t.points.insert().values(**entry))
        travelling = {**entry, "at": iso(at), "expires_at": iso(entry["expires_at"])}
        emit(session, POINTS_EVENT, member_id, travelling, at)
        return entry["entry_id"]

    def by_reference(self, reference: str) -> list[sa.Row]:
        with self.store.transaction() as session:
            return list(
                session.execute(sa.select(t.points).where(t.points.c.reference == reference))
            )
